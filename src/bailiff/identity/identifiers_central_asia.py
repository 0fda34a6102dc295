"""Structure and check digits of Kazakh (IIN, BIN), Uzbek (PINFL) and Kyrgyz (PIN) identifiers.

The functions here work on bare ASCII digits that identifiers.normalize() has already
length-checked; they report a problem as a (rule, detail) pair instead of raising, so that
identifiers.py owns InvalidIdentifier and dispatches to this module without an import cycle.
"""

from __future__ import annotations

import random
from datetime import date

Problem = tuple[str, str] | None

SEXES = ("male", "female")

# --- Kazakhstan: IIN and BIN ---------------------------------------------------------------
# Law of the RK No. 223-III of 12.01.2007 "On national registers of identification numbers"
# and the Government's rules for forming the IIN/BIN: the 12th digit is a mod-11 check digit.
# Pass 1 weights 1..11; if the remainder is 10, pass 2 weights 3..11,1,2; if that is also 10
# the number is never issued (the registration/serial digits are changed instead).
_KZ_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_KZ_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# IIN digit 7: century of birth and sex; odd = male, even = female.  0 (foreign citizens
# registered without these data in some registries) carries neither century nor sex.
_IIN_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}

# BIN digit 5: type of entity.  The rules define 4 (resident legal entity), 5 (non-resident
# legal entity) and 6 (individual entrepreneurs in joint business).  A 0-3 there is the tens
# of the birth day of an IIN, so that is rejected as a wrong kind; 7-9 are not over-validated.
_BIN_TYPES = "456"


def kz_check_digit(body: str) -> str | None:
    """Check digit for the first 11 digits of an IIN or BIN; None if the number is never issued."""
    for weights in (_KZ_WEIGHTS_1, _KZ_WEIGHTS_2):
        remainder = sum(int(d) * w for d, w in zip(body, weights)) % 11
        if remainder != 10:
            return str(remainder)
    return None


def _kz_checksum(kind: str, digits: str) -> Problem:
    expected = kz_check_digit(digits[:11])
    if expected is None:
        return (f"{kind}.checksum",
                "the first 11 digits give remainder 10 with both weight sets, so no such number is issued")
    if digits[11] != expected:
        return (f"{kind}.checksum",
                f"check digit is {digits[11]}, expected {expected} (weights 1..11 mod 11, then 3..11,1,2)")
    return None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _iin_date(digits: str) -> date | None:
    """Birth date from digits 1-6 (YYMMDD) and the century digit 7, None if unknown/impossible."""
    yy, mm, dd = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    return _date_or_none(_IIN_CENTURY.get(digits[6], 2000) + yy, mm, dd)


def iin_problem(digits: str) -> Problem:
    """First broken IIN rule as (rule, detail), or None if the 12 digits are a valid IIN."""
    if digits[6] not in "0123456":
        return ("iin.format", f"7th digit is {digits[6]}, expected 1-6 (century and sex) or 0")
    # With century digit 0 the century is unknown; 2000+YY accepts every MMDD that is a
    # real date in some century (00-02-29 exists in 2000 only, so this is the widest choice).
    if _iin_date(digits) is None:
        detail = f"digits 1-6 ({digits[:6]}, YYMMDD) are not a real birth date"
        if digits[4] in _BIN_TYPES:
            detail += " (a 5th digit of 4-6 marks a BIN of an organisation; use kind 'bin')"
        return ("iin.birth_date", detail)
    return _kz_checksum("iin", digits)


def bin_problem(digits: str) -> Problem:
    """First broken BIN rule as (rule, detail), or None if the 12 digits are a valid BIN."""
    if digits[4] in "0123":
        return ("bin.format", f"5th digit is {digits[4]}, expected an entity type such as 4, 5 or 6 "
                              "(a 0-3 there is an IIN's birth day; use kind 'iin')")
    if not 1 <= int(digits[2:4]) <= 12:
        return ("bin.month", f"digits 3-4 ({digits[2:4]}) are not a registration month 01-12")
    return _kz_checksum("bin", digits)


def iin_birth_date_and_sex(digits: str) -> tuple[date | None, str | None]:
    """Birth date and sex of a valid IIN; (None, None) when the century digit is 0."""
    if digits[6] == "0":
        return None, None
    return _iin_date(digits), SEXES[(int(digits[6]) + 1) % 2]


# --- Uzbekistan: PINFL ---------------------------------------------------------------------
# Personal identification number of an individual (ЖШШИР/ПИНФЛ), 14 digits: century and sex,
# birth date DDMMYY, 3-digit district code, 3-digit serial and a check digit computed with
# the repeating weights 7, 3, 1 over the first 13 digits, sum mod 10 (the ICAO 9303 scheme).
_PINFL_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def pinfl_check_digit(body: str) -> str:
    """Check digit for the first 13 digits of a PINFL (weights 7,3,1 repeating, mod 10)."""
    return str(sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(body)) % 10)


def _pinfl_date(digits: str) -> date | None:
    century = _PINFL_CENTURY[digits[0]]
    return _date_or_none(century + int(digits[5:7]), int(digits[3:5]), int(digits[1:3]))


def pinfl_problem(digits: str) -> Problem:
    """First broken PINFL rule as (rule, detail), or None if the 14 digits are a valid PINFL."""
    if digits[0] not in _PINFL_CENTURY:
        return ("pinfl.format", f"1st digit is {digits[0]}, expected 1-6 (century and sex)")
    if _pinfl_date(digits) is None:
        return ("pinfl.birth_date", f"digits 2-7 ({digits[1:7]}, DDMMYY) are not a real birth date")
    expected = pinfl_check_digit(digits[:13])
    if digits[13] != expected:
        return ("pinfl.checksum", f"check digit is {digits[13]}, expected {expected} (weights 7,3,1 mod 10)")
    return None


def pinfl_birth_date_and_sex(digits: str) -> tuple[date | None, str | None]:
    """Birth date and sex of a valid PINFL (odd first digit male, even female)."""
    return _pinfl_date(digits), SEXES[(int(digits[0]) + 1) % 2]


# --- Kyrgyzstan: PIN -----------------------------------------------------------------------
# Personal identification number (ПИН/ИНН of a citizen of the Kyrgyz Republic), 14 digits:
# sex (1 female, 2 male), birth date DDMMYYYY, 5-digit serial.  No check-digit algorithm is
# published, so only the structure is validated.
_PIN_KG_SEX = {"1": "female", "2": "male"}


def _pin_kg_date(digits: str) -> date | None:
    return _date_or_none(int(digits[5:9]), int(digits[3:5]), int(digits[1:3]))


def pin_kg_problem(digits: str) -> Problem:
    """First broken Kyrgyz PIN rule as (rule, detail), or None if the structure is valid."""
    if digits[0] not in _PIN_KG_SEX:
        return ("pin_kg.sex", f"1st digit is {digits[0]}, expected 1 (female) or 2 (male)")
    if _pin_kg_date(digits) is None:
        return ("pin_kg.birth_date", f"digits 2-9 ({digits[1:9]}, DDMMYYYY) are not a real birth date")
    return None


def pin_kg_birth_date_and_sex(digits: str) -> tuple[date | None, str | None]:
    """Birth date and sex of a structurally valid Kyrgyz PIN."""
    return _pin_kg_date(digits), _PIN_KG_SEX[digits[0]]


# --- cross-check against the writ ----------------------------------------------------------

EXTRACTORS = {"iin": iin_birth_date_and_sex, "pinfl": pinfl_birth_date_and_sex,
              "pin_kg": pin_kg_birth_date_and_sex}


def mismatches(kind: str, digits: str, birth_date: date | None, sex: str | None) -> list[str]:
    """Rule names where a valid number's embedded birth date or sex contradicts the stated ones."""
    if sex is not None and sex not in SEXES:
        raise ValueError(f"sex must be 'male' or 'female', not {sex!r}")
    found_date, found_sex = EXTRACTORS[kind](digits)
    problems = []
    if birth_date is not None:
        if found_date is not None:
            differs = found_date != birth_date
        else:
            # IIN with century digit 0: only YYMMDD can be compared.
            differs = digits[:6] != f"{birth_date.year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}"
        if differs:
            problems.append(f"{kind}.birth_date_mismatch")
    if sex is not None and found_sex is not None and found_sex != sex:
        problems.append(f"{kind}.sex_mismatch")
    return problems


# --- generators for test and demo data -----------------------------------------------------


def _person(rng: random.Random, birth_date: date | None, sex: str | None,
            years: tuple[int, int]) -> tuple[date, str]:
    if sex is None:
        sex = rng.choice(SEXES)
    elif sex not in SEXES:
        raise ValueError(f"sex must be 'male' or 'female', not {sex!r}")
    if birth_date is None:
        start, end = date(1935, 1, 1).toordinal(), date(2010, 12, 31).toordinal()
        birth_date = date.fromordinal(rng.randint(start, end))
    elif not years[0] <= birth_date.year <= years[1]:
        raise ValueError(f"birth year {birth_date.year} cannot be encoded (allowed {years[0]}-{years[1]})")
    return birth_date, sex


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _century_digit(year: int, sex: str) -> str:
    # 1800s -> 1/2, 1900s -> 3/4, 2000s -> 5/6; the odd digit is male.
    return str(2 * ((year - 1800) // 100) + (1 if sex == "male" else 2))


def make_iin(rng: random.Random, birth_date: date | None = None, sex: str | None = None) -> str:
    """Generate a valid 12-digit Kazakh IIN, optionally for a given birth date and sex."""
    birth_date, sex = _person(rng, birth_date, sex, (1800, 2099))
    head = f"{birth_date.year % 100:02d}{birth_date.month:02d}{birth_date.day:02d}"
    head += _century_digit(birth_date.year, sex)
    while True:  # skip registration numbers whose check digit is 10 after both passes
        body = head + _digits(rng, 4)
        check = kz_check_digit(body)
        if check is not None:
            return body + check


def make_bin(rng: random.Random) -> str:
    """Generate a valid 12-digit Kazakh BIN (registration YYMM, entity type, attribute, serial)."""
    # Digit 6 attribute: 0 head organisation, 1 branch, 2 representative office.
    head = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}" + rng.choice(_BIN_TYPES) + rng.choice("012")
    while True:
        body = head + _digits(rng, 5)
        check = kz_check_digit(body)
        if check is not None:
            return body + check


def make_pinfl(rng: random.Random, birth_date: date | None = None, sex: str | None = None) -> str:
    """Generate a valid 14-digit Uzbek PINFL, optionally for a given birth date and sex."""
    birth_date, sex = _person(rng, birth_date, sex, (1800, 2099))
    body = (_century_digit(birth_date.year, sex) + birth_date.strftime("%d%m")
            + f"{birth_date.year % 100:02d}" + f"{rng.randint(1, 999):03d}" + _digits(rng, 3))
    return body + pinfl_check_digit(body)


def make_pin_kg(rng: random.Random, birth_date: date | None = None, sex: str | None = None) -> str:
    """Generate a structurally valid 14-digit Kyrgyz PIN, optionally for a birth date and sex."""
    birth_date, sex = _person(rng, birth_date, sex, (1000, 9999))
    sex_digit = "2" if sex == "male" else "1"
    return sex_digit + f"{birth_date.day:02d}{birth_date.month:02d}{birth_date.year:04d}" + _digits(rng, 5)
