"""Validation and synthetic generation of debtor identifiers.

Russian INN, SNILS, OGRN, OGRNIP and passport live here; Kazakh IIN/BIN, Uzbek PINFL and
Kyrgyz PIN are checked in identifiers_central_asia and dispatched from validate().

Federal Law No. 229-FZ "On Enforcement Proceedings", art. 13 part 1 item 5, requires a writ
to name the debtor by at least one identifier, so intake rejects a writ whose identifier has
a wrong check digit and tells the operator which identifier failed and which rule it broke.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date

from stdnum.ru import inn as _stdnum_inn
from stdnum.ru import ogrn as _stdnum_ogrn

from bailiff.identity import identifiers_central_asia as _ca
from bailiff.identity.identifiers_central_asia import (  # noqa: F401  (re-exported)
    kz_check_digit,
    make_bin,
    make_iin,
    make_pin_kg,
    make_pinfl,
    pinfl_check_digit,
)

IDENTIFIER_KINDS: tuple[str, ...] = (
    "inn", "snils", "ogrn", "ogrnip", "passport", "iin", "bin", "pinfl", "pin_kg",
)

# Digits each kind must have after separators are removed.  INN has two lengths: 10 for
# organisations, 12 for natural persons (FNS Order No. ММВ-7-6/435@ of 29.06.2012).
_LENGTHS: dict[str, tuple[int, ...]] = {
    "inn": (10, 12),
    "snils": (11,),
    "ogrn": (13,),
    "ogrnip": (15,),
    "passport": (10,),
    "iin": (12,),
    "bin": (12,),
    "pinfl": (14,),
    "pin_kg": (14,),
}

_LABELS = {"inn": "INN", "snils": "SNILS", "ogrn": "OGRN", "ogrnip": "OGRNIP", "passport": "Passport",
           "iin": "IIN", "bin": "BIN", "pinfl": "PINFL", "pin_kg": "PIN (KG)"}

# Kinds whose last digit is not a check digit, so corrupt_check_digit() cannot break them.
_NO_CHECK_DIGIT = ("passport", "pin_kg")
# What people put between digit groups: any Unicode whitespace (as str.isspace) and hyphens.
_SEPARATORS = re.compile(r"[\s\-]+")

# Numbers up to 001-001-998 were issued before check digits existed, so the Pension Fund
# rules ("Алгоритм формирования контрольного числа Страхового номера" in the PFR
# personified-accounting instructions) exempt them from the check.
_SNILS_CHECK_FLOOR = 1001998

# Region codes (subject codes used by the FNS) that the generators draw from.
_REGIONS = ("77", "78", "50", "16", "66", "54", "23", "52", "63", "02")


class InvalidIdentifier(ValueError):
    """An identifier failed a format or check-digit rule."""

    def __init__(self, kind: str, rule: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.rule = rule
        self.message = message


def _fail(kind: str, rule: str, raw: str, detail: str) -> InvalidIdentifier:
    label = _LABELS.get(kind, kind)
    return InvalidIdentifier(kind, rule, f"{label} {raw!s}: {detail}")


def normalize(kind: str, value: str) -> str:
    """Strip spaces and hyphens and check the digit count; return the bare digits."""
    if kind not in IDENTIFIER_KINDS:
        raise InvalidIdentifier(
            kind, "identifier.unknown_kind",
            f"unknown identifier kind {kind!r}; expected one of {', '.join(IDENTIFIER_KINDS)}",
        )
    if not isinstance(value, str):
        raise _fail(kind, f"{kind}.format", repr(value), "expected a string of digits")
    raw = value.strip()
    digits = _SEPARATORS.sub("", raw)
    # str.isdigit() alone accepts superscripts and other Unicode digits; only ASCII is valid here.
    if not (digits.isascii() and digits.isdigit()):
        bad = next((ch for ch in digits if ch not in "0123456789"), None)
        if bad is not None:
            raise _fail(kind, f"{kind}.format", raw, f"contains non-digit character {bad!r}")
    lengths = _LENGTHS[kind]
    if len(digits) not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        detail = f"has {len(digits)} digits, expected {expected}"
        # INN is the one kind with two legal lengths, so it gets its own rule name.
        rule = "inn.length" if kind == "inn" else f"{kind}.format"
        if kind == "ogrn" and len(digits) == 15:
            detail += " (a 15-digit number is an OGRNIP of an individual entrepreneur; use kind 'ogrnip')"
        if kind == "ogrnip" and len(digits) == 13:
            detail += " (a 13-digit number is an OGRN of an organisation; use kind 'ogrn')"
        raise _fail(kind, rule, raw, detail)
    return digits


def validate(kind: str, value: str) -> str:
    """Normalize the value, verify its check digits and return the normalized form."""
    digits = normalize(kind, value)
    _check_placeholder(kind, digits)
    _CHECKERS[kind](digits)
    return digits


# Where a number is made of zeros, it was typed for "unknown": the check digits of zeros are
# zeros, so the checksum alone accepts it, and two strangers written with it would be linked
# as one person. No such number is issued: an INN starts with a tax office code (01-99 for the
# region), a SNILS with a number above zero, a passport's 6-digit number starts at 000001.
_ZERO_PARTS = {"snils": slice(0, 9), "passport": slice(4, 10)}


def _check_placeholder(kind: str, digits: str) -> None:
    part = digits[_ZERO_PARTS.get(kind, slice(None))]
    if not part.strip("0"):
        raise _fail(kind, f"{kind}.placeholder", digits,
                    "a number of zeros is a placeholder, never issued; leave the identifier out when it is unknown")
    if kind == "inn" and digits.startswith("00"):
        raise _fail(kind, "inn.region", digits,
                    "starts with 00; an INN starts with the code of the tax office's region, 01-99")


def is_valid(kind: str, value: str) -> bool:
    """Return True when validate() would accept the value."""
    try:
        validate(kind, value)
    except InvalidIdentifier:
        return False
    return True


# --- check-digit rules -------------------------------------------------------------------


def inn_check_digits(body: str) -> str:
    """Check digit(s) for the first 9 (organisation) or 10 (person) digits of an INN."""
    if len(body) == 9:
        return _stdnum_inn.calc_company_check_digit(body)
    if len(body) == 10:
        return _stdnum_inn.calc_personal_check_digits(body)
    raise ValueError("INN body must have 9 or 10 digits")


def snils_check_number(body: str) -> str:
    """Two-digit control number for the first 9 digits of a SNILS."""
    # Weights run 9..1 from the first digit (i.e. the position counted from the end).
    total = sum(int(d) * (9 - i) for i, d in enumerate(body))
    if total < 100:
        control = total
    elif total in (100, 101):
        control = 0
    else:
        control = total % 101
        if control == 100:
            control = 0
    return f"{control:02d}"


def ogrn_check_digit(body: str) -> str:
    """Check digit for the first 12 digits of an OGRN (remainder mod 11, last digit)."""
    # python-stdnum is correct for 13 digits: int(body) % 11 % 10.
    return _stdnum_ogrn.calc_check_digit(body + "0")


def ogrnip_check_digit(body: str) -> str:
    """Check digit for the first 14 digits of an OGRNIP (remainder mod 13, last digit)."""
    # Order of the Ministry of Finance No. 165n of 30.10.2017 (EGRUL/EGRIP record numbering),
    # item 7: the 15th digit is the *lowest digit* of the remainder of the 14-digit number
    # divided by 13.  python-stdnum 2.2 returns the whole remainder, so its check fails for
    # remainders 10-12 and it rejects valid numbers; hence our own implementation.
    return str(int(body) % 13 % 10)


def _check_inn(digits: str) -> None:
    expected = inn_check_digits(digits[:-1] if len(digits) == 10 else digits[:-2])
    found = digits[-len(expected):]
    if found != expected:
        noun = "check digit is" if len(expected) == 1 else "check digits are"
        holder = "organisation" if len(digits) == 10 else "person"
        raise _fail("inn", "inn.checksum", digits,
                    f"{noun} {found}, expected {expected} ({holder} INN, weighted sum mod 11 mod 10)")


def _check_snils(digits: str) -> None:
    if int(digits[:9]) <= _SNILS_CHECK_FLOOR:
        return
    expected = snils_check_number(digits[:9])
    if digits[9:] != expected:
        raise _fail("snils", "snils.checksum", digits,
                    f"control number is {digits[9:]}, expected {expected} "
                    "(weights 9..1, mod 101, 100 and 101 give 00)")


def _check_ogrn(digits: str) -> None:
    # The first digit is the record sign: 1 and 5 for an OGRN, 2 and 6-9 for later
    # registration records of a legal entity; 0 is never issued, 3/4 belong to EGRIP.
    if digits[0] in "034":
        raise _fail("ogrn", "ogrn.format", digits,
                    f"first digit is {digits[0]}, expected 1, 2 or 5-9 for an EGRUL record")
    expected = ogrn_check_digit(digits[:12])
    if digits[12] != expected:
        raise _fail("ogrn", "ogrn.checksum", digits,
                    f"check digit is {digits[12]}, expected {expected} (first 12 digits mod 11, last digit)")


def _check_ogrnip(digits: str) -> None:
    # Record sign 3 is the OGRNIP itself, 4 a later EGRIP record (Order No. 165n, item 7).
    if digits[0] not in "34":
        raise _fail("ogrnip", "ogrnip.format", digits,
                    f"first digit is {digits[0]}, expected 3 or 4 for an EGRIP record")
    expected = ogrnip_check_digit(digits[:14])
    if digits[14] != expected:
        raise _fail("ogrnip", "ogrnip.checksum", digits,
                    f"check digit is {digits[14]}, expected {expected} (first 14 digits mod 13, last digit)")


def _check_passport(digits: str) -> None:
    # The internal passport (Government Decree No. 828 of 08.07.1997) carries no check
    # digit; normalize() verifies the 10 digits: a 4-digit series and a 6-digit number.  The
    # series' first two digits are in practice the OKATO code of the issuing region and the
    # last two the blank's print year, but region codes were reorganised and blanks moved
    # between regions, so the series is deliberately not validated further.
    return None


def _central_asia(kind: str, problem_of: Callable[[str], _ca.Problem]) -> Callable[[str], None]:
    def check(digits: str) -> None:
        problem = problem_of(digits)
        if problem is not None:
            raise _fail(kind, problem[0], digits, problem[1])
    return check


_CHECKERS = {
    "inn": _check_inn,
    "snils": _check_snils,
    "ogrn": _check_ogrn,
    "ogrnip": _check_ogrnip,
    "passport": _check_passport,
    "iin": _central_asia("iin", _ca.iin_problem),
    "bin": _central_asia("bin", _ca.bin_problem),
    "pinfl": _central_asia("pinfl", _ca.pinfl_problem),
    "pin_kg": _central_asia("pin_kg", _ca.pin_kg_problem),
}


# --- birth date and sex embedded in personal numbers -----------------------------------------


def birth_date_and_sex(kind: str, value: str) -> tuple[date | None, str | None]:
    """Validate an IIN, PINFL or Kyrgyz PIN and return its embedded birth date and sex."""
    if kind not in _ca.EXTRACTORS:
        raise ValueError(f"{kind!r} carries no birth date; expected one of {', '.join(_ca.EXTRACTORS)}")
    return _ca.EXTRACTORS[kind](validate(kind, value))


def iin_birth_date_and_sex(value: str) -> tuple[date | None, str | None]:
    """Birth date and sex ("male"/"female") of an IIN; (None, None) for century digit 0."""
    return birth_date_and_sex("iin", value)


def pinfl_birth_date_and_sex(value: str) -> tuple[date | None, str | None]:
    """Birth date and sex ("male"/"female") of an Uzbek PINFL."""
    return birth_date_and_sex("pinfl", value)


def pin_kg_birth_date_and_sex(value: str) -> tuple[date | None, str | None]:
    """Birth date and sex ("male"/"female") of a Kyrgyz PIN."""
    return birth_date_and_sex("pin_kg", value)


def check_person_against(kind: str, value: str, *, birth_date: date | None,
                         sex: str | None) -> list[str]:
    """Rule names ("<kind>.birth_date_mismatch", "<kind>.sex_mismatch") the stated data contradict."""
    # The writ's birth date must agree with the one inside the number (229-FZ art. 13
    # part 1 item 5 names the debtor by birth date and identifier); None skips a check.
    if kind not in _ca.EXTRACTORS:
        raise ValueError(f"{kind!r} carries no birth date; expected one of {', '.join(_ca.EXTRACTORS)}")
    return _ca.mismatches(kind, validate(kind, value), birth_date, sex)


def check_iin_against(value: str, *, birth_date: date | None, sex: str | None) -> list[str]:
    """Rule names where an IIN's birth date or sex contradicts the stated ones (raises if invalid)."""
    return check_person_against("iin", value, birth_date=birth_date, sex=sex)


# --- generators for test and demo data ----------------------------------------------------


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _region(rng: random.Random, region: str | None) -> str:
    return region if region is not None else rng.choice(_REGIONS)


def _tax_office(rng: random.Random, region: str | None) -> str:
    # The first four INN digits are the code of the tax office that assigned it.
    return _region(rng, region) + f"{rng.randint(1, 51):02d}"


def make_inn_person(rng: random.Random, region: str | None = None) -> str:
    """Generate a valid 12-digit INN of a natural person."""
    body = _tax_office(rng, region) + _digits(rng, 6)
    return body + inn_check_digits(body)


def make_inn_org(rng: random.Random, region: str | None = None) -> str:
    """Generate a valid 10-digit INN of an organisation."""
    body = _tax_office(rng, region) + _digits(rng, 5)
    return body + inn_check_digits(body)


def make_snils(rng: random.Random) -> str:
    """Generate a valid SNILS formatted as "XXX-XXX-XXX YY"."""
    body = f"{rng.randint(_SNILS_CHECK_FLOOR + 1, 999_999_999):09d}"
    return f"{body[:3]}-{body[3:6]}-{body[6:]} {snils_check_number(body)}"


def make_ogrn(rng: random.Random, region: str | None = None) -> str:
    """Generate a valid 13-digit OGRN of a legal entity."""
    # Record sign 1 (an OGRN), two-digit year, region, tax office, 5-digit record number.
    body = "1" + f"{rng.randint(2, 25):02d}" + _tax_office(rng, region) + _digits(rng, 5)
    return body + ogrn_check_digit(body)


def make_ogrnip(rng: random.Random, region: str | None = None) -> str:
    """Generate a valid 15-digit OGRNIP of an individual entrepreneur."""
    # Record sign 3, two-digit year, region, 9-digit record number (Order No. 165n, item 7).
    body = "3" + f"{rng.randint(4, 25):02d}" + _region(rng, region) + _digits(rng, 9)
    return body + ogrnip_check_digit(body)


def make_passport(rng: random.Random) -> str:
    """Generate a passport series and number formatted as "SSSS NNNNNN"."""
    # Series = two-digit OKATO region code + last two digits of the blank's print year.
    okato = rng.choice(("45", "40", "46", "92", "65", "50", "03", "22", "36", "80"))
    return f"{okato}{rng.randint(0, 25):02d} {rng.randint(100000, 999999)}"


def corrupt_check_digit(value: str, kind: str | None = None) -> str:
    """Change the last digit of a formatted identifier so its check digit no longer matches."""
    if kind in _NO_CHECK_DIGIT:
        raise ValueError(f"{_LABELS[kind]} has no check digit; nothing to corrupt")
    positions = [i for i, ch in enumerate(value) if ch in "0123456789"]
    if not positions:
        raise ValueError(f"{value!r} contains no digits")
    digits = "".join(value[i] for i in positions)
    # Passports have no check digit, so the result still passes passport validation.
    if len(digits) == 11 and int(digits[:9]) <= _SNILS_CHECK_FLOOR:
        raise ValueError(f"SNILS {value} is exempt from the check; nothing to corrupt")
    last = positions[-1]
    # Every rule above maps a body to exactly one check digit, so any other digit fails
    # (IIN/BIN included: a body whose both passes give 10 is never issued at all).
    replacement = str((int(value[last]) + 1) % 10)
    return value[:last] + replacement + value[last + 1:]
