"""Tests for Kazakh IIN/BIN, Uzbek PINFL and Kyrgyz PIN validation and generation."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bailiff.identity import identifiers as ids
from bailiff.identity.identifiers import (
    InvalidIdentifier,
    check_iin_against,
    check_person_against,
    corrupt_check_digit,
    iin_birth_date_and_sex,
    normalize,
    pin_kg_birth_date_and_sex,
    pinfl_birth_date_and_sex,
    validate,
)


def _rule(kind: str, value: str) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as info:
        validate(kind, value)
    assert info.value.kind == kind
    return info.value


def _kz_reference(body: str) -> str | None:
    """The two-pass mod-11 rule written out independently of the implementation."""
    first = sum(int(body[i]) * (i + 1) for i in range(11)) % 11
    if first != 10:
        return str(first)
    second_weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
    second = sum(int(body[i]) * second_weights[i] for i in range(11)) % 11
    return None if second == 10 else str(second)


# --- BIN: publicly listed numbers --------------------------------------------------------------
# These BINs appear in the banks' and operator's published requisites (quoted from memory);
# each one satisfies the first pass, which independently confirms weights 1..11:
#   971240001315 Kaspi Bank:    9+14+3+8+20+0+0+0+9+30+11 = 104, 104 mod 11 = 5
#   940140000385 Halyk Bank:    9+8+0+4+20+0+0+0+0+30+88  = 159, 159 mod 11 = 5
#   940740000911 Kazakhtelecom: 9+8+0+28+20+0+0+0+0+90+11 = 166, 166 mod 11 = 1

@pytest.mark.parametrize("value", ["971240001315", "940140000385", "940740000911", "9712 4000 1315"])
def test_published_bins_validate(value: str) -> None:
    assert validate("bin", value) == value.replace(" ", "")


# --- IIN: examples constructed by hand --------------------------------------------------------
# No real IIN is quoted (personal data); these are built from the rule, arithmetic shown.
#   850315 3 0123 -> born 1985-03-15, 7th digit 3 = 1900s male, registration 0123
#     pass 1: 8+10+0+12+5+30+21+0+9+20+33 = 148, 148 mod 11 = 5          -> 850315301235
#   850315 3 0500 -> pass 1: 8+10+0+12+5+30+21+0+45+0+0 = 131, mod 11 = 10
#     pass 2: 24+20+0+18+7+40+27+0+55+0+0 = 191, 191 mod 11 = 4          -> 850315305004
#   850315 3 0260 -> pass 1: 8+10+0+12+5+30+21+0+18+60+0 = 164, mod 11 = 10
#     pass 2: 24+20+0+18+7+40+27+0+22+6+0 = 164, mod 11 = 10             -> never issued
#   040229 6 0017 -> born 2004-02-29, 6 = 2000s female
#     pass 1: 0+8+0+8+10+54+42+0+0+10+77 = 209 = 11*19, mod 11 = 0       -> 040229600170
#   850315 0 0123 -> century/sex unknown
#     pass 1: 8+10+0+12+5+30+0+0+9+20+33 = 127, 127 mod 11 = 6           -> 850315001236
#   000229 5 0001 -> 2000-02-29 male: 0+0+0+8+10+54+35+0+0+0+11 = 118, mod 11 = 8 -> 000229500018
#   000229 3 0001 -> 1900-02-29 (not a leap year): 0+0+0+8+10+54+21+0+0+0+11 = 104,
#     mod 11 = 5 -> 000229300015 has a right check digit but no such birth date

@pytest.mark.parametrize(
    ("value", "born", "sex"),
    [
        ("850315301235", date(1985, 3, 15), "male"),
        ("850315305004", date(1985, 3, 15), "male"),
        ("040229600170", date(2004, 2, 29), "female"),
        ("000229500018", date(2000, 2, 29), "male"),
        ("850315001236", None, None),
        ("8503 1530 1235", date(1985, 3, 15), "male"),
    ],
)
def test_constructed_iins(value: str, born: date | None, sex: str | None) -> None:
    digits = value.replace(" ", "")
    assert validate("iin", value) == digits
    assert _kz_reference(digits[:11]) == digits[11]
    assert iin_birth_date_and_sex(value) == (born, sex)


def test_iin_second_pass_and_never_issued() -> None:
    assert sum(int(d) * w for d, w in zip("85031530500", range(1, 12))) % 11 == 10
    assert ids.kz_check_digit("85031530500") == "4"
    assert ids.kz_check_digit("85031530260") is None
    for last in "0123456789":
        err = _rule("iin", "85031530260" + last)
        assert err.rule == "iin.checksum"
        assert "no such number is issued" in err.message


@pytest.mark.parametrize(
    ("kind", "value", "rule", "fragment"),
    [
        ("iin", "850315301236", "iin.checksum", "check digit is 6, expected 5"),
        ("iin", "850315305005", "iin.checksum", "expected 4"),
        ("iin", "85031530123", "iin.format", "has 11 digits, expected 12"),
        ("iin", "8503153012355", "iin.format", "expected 12"),
        ("iin", "85031530123X", "iin.format", "non-digit"),
        ("iin", "850315701235", "iin.format", "7th digit is 7"),
        ("iin", "851315301235", "iin.birth_date", "851315"),
        ("iin", "850332301235", "iin.birth_date", "not a real birth date"),
        ("iin", "000229300015", "iin.birth_date", "000229"),
        ("iin", "971240001315", "iin.birth_date", "use kind 'bin'"),
        ("bin", "971240001316", "bin.checksum", "check digit is 6, expected 5"),
        ("bin", "971340001315", "bin.month", "(13)"),
        ("bin", "970040001315", "bin.month", "(00)"),
        ("bin", "850315301235", "bin.format", "use kind 'iin'"),
        ("bin", "97124000131", "bin.format", "has 11 digits"),
    ],
)
def test_kz_rules(kind: str, value: str, rule: str, fragment: str) -> None:
    err = _rule(kind, value)
    assert err.rule == rule
    assert fragment in err.message


# --- IIN cross-check against the writ --------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "birth_date", "sex", "expected"),
    [
        ("850315301235", date(1985, 3, 15), "male", []),
        ("850315301235", None, None, []),
        ("850315301235", date(1985, 3, 16), "male", ["iin.birth_date_mismatch"]),
        ("850315301235", date(2085, 3, 15), None, ["iin.birth_date_mismatch"]),  # century digit says 1900s
        ("850315301235", date(1985, 3, 15), "female", ["iin.sex_mismatch"]),
        ("850315301235", date(1958, 3, 15), "female", ["iin.birth_date_mismatch", "iin.sex_mismatch"]),
        ("040229600170", date(2004, 2, 29), "female", []),
        # Century digit 0: only YYMMDD is compared and sex is unknown, so never a sex mismatch.
        ("850315001236", date(1985, 3, 15), "female", []),
        ("850315001236", date(1885, 3, 15), "male", []),
        ("850315001236", date(1985, 5, 13), None, ["iin.birth_date_mismatch"]),
    ],
)
def test_check_iin_against(value: str, birth_date: date | None, sex: str | None, expected: list[str]) -> None:
    assert check_iin_against(value, birth_date=birth_date, sex=sex) == expected


def test_check_iin_against_rejects_bad_input() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        check_iin_against("850315301236", birth_date=date(1985, 3, 15), sex="male")
    assert info.value.rule == "iin.checksum"
    with pytest.raises(ValueError, match="sex"):
        check_iin_against("850315301235", birth_date=None, sex="M")
    with pytest.raises(ValueError, match="carries no birth date"):
        check_person_against("inn", "7707083893", birth_date=None, sex=None)
    with pytest.raises(InvalidIdentifier):
        iin_birth_date_and_sex("851315301235")


# --- PINFL -----------------------------------------------------------------------------------
# Constructed by hand (weights 7,3,1 repeating over 13 digits, sum mod 10):
#   3 250790 261 001 -> 1900s male, born 25.07.1990, district 261, serial 001
#     21+6+5+0+21+9+0+6+6+7+0+0+7 = 88 -> check 8                      -> 32507902610018
#   6 290204 026 015 -> 2000s female, born 29.02.2004
#     42+6+9+0+6+0+28+0+2+42+0+1+35 = 171 -> check 1                   -> 62902040260151
#   1 150185 100 001 -> 1800s male, born 15.01.1885
#     7+3+5+0+3+8+35+3+0+0+0+0+7 = 71 -> check 1                       -> 11501851000011

@pytest.mark.parametrize(
    ("value", "born", "sex"),
    [
        ("32507902610018", date(1990, 7, 25), "male"),
        ("62902040260151", date(2004, 2, 29), "female"),
        ("11501851000011", date(1885, 1, 15), "male"),
        ("3 250790 261 001 8", date(1990, 7, 25), "male"),
    ],
)
def test_constructed_pinfls(value: str, born: date, sex: str) -> None:
    digits = validate("pinfl", value)
    assert digits == value.replace(" ", "")
    assert sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(digits[:13])) % 10 == int(digits[13])
    assert pinfl_birth_date_and_sex(value) == (born, sex)


@pytest.mark.parametrize(
    ("value", "rule", "fragment"),
    [
        ("32507902610019", "pinfl.checksum", "check digit is 9, expected 8"),
        ("02507902610018", "pinfl.format", "1st digit is 0"),
        ("72507902610018", "pinfl.format", "1st digit is 7"),
        ("3250790261001", "pinfl.format", "has 13 digits"),
        ("33102902610018", "pinfl.birth_date", "310290"),
        ("42902000260151", "pinfl.birth_date", "290200"),  # 1900 is not a leap year
    ],
)
def test_pinfl_rules(value: str, rule: str, fragment: str) -> None:
    err = _rule("pinfl", value)
    assert err.rule == rule
    assert fragment in err.message


# --- Kyrgyz PIN ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "born", "sex"),
    [
        ("22507199000123", date(1990, 7, 25), "male"),
        ("12902200400001", date(2004, 2, 29), "female"),
        ("2 25071990 00123", date(1990, 7, 25), "male"),
    ],
)
def test_pin_kg_structure(value: str, born: date, sex: str) -> None:
    assert validate("pin_kg", value) == value.replace(" ", "")
    assert pin_kg_birth_date_and_sex(value) == (born, sex)


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("32507199000123", "pin_kg.sex"),
        ("02507199000123", "pin_kg.sex"),
        ("23002199000123", "pin_kg.birth_date"),   # 30 February
        ("22913199000123", "pin_kg.birth_date"),   # month 13
        ("22507000000123", "pin_kg.birth_date"),   # year 0000
        ("12902190000001", "pin_kg.birth_date"),   # 29.02.1900
        ("2250719900012", "pin_kg.format"),
    ],
)
def test_pin_kg_rules(value: str, rule: str) -> None:
    assert _rule("pin_kg", value).rule == rule


def test_cross_check_other_kinds() -> None:
    assert check_person_against("pinfl", "32507902610018", birth_date=date(1990, 7, 25), sex="male") == []
    assert check_person_against("pinfl", "32507902610018", birth_date=date(1990, 7, 26), sex="female") == [
        "pinfl.birth_date_mismatch", "pinfl.sex_mismatch"]
    assert check_person_against("pin_kg", "12902200400001", birth_date=date(2004, 2, 29), sex="male") == [
        "pin_kg.sex_mismatch"]


def test_corrupt_needs_a_check_digit() -> None:
    assert corrupt_check_digit("850315301235") == "850315301236"
    with pytest.raises(ValueError, match="no check digit"):
        corrupt_check_digit("22507199000123", kind="pin_kg")
    assert corrupt_check_digit("32507902610018", kind="pinfl") == "32507902610019"


# --- generators and properties ---------------------------------------------------------------

_GENERATORS = {
    "iin": ids.make_iin,
    "bin": ids.make_bin,
    "pinfl": ids.make_pinfl,
    "pin_kg": ids.make_pin_kg,
}
_LENGTH = {"iin": 12, "bin": 12, "pinfl": 14, "pin_kg": 14}
_PERSON = ("iin", "pinfl", "pin_kg")


@pytest.mark.parametrize("kind", sorted(_GENERATORS))
def test_generators_are_deterministic(kind: str) -> None:
    make = _GENERATORS[kind]
    first = [make(random.Random(42)) for _ in range(3)]
    assert first == [make(random.Random(42)) for _ in range(3)]
    assert all(len(normalize(kind, v)) == _LENGTH[kind] for v in first)


def test_generators_reject_unencodable_input() -> None:
    rng = random.Random(0)
    with pytest.raises(ValueError):
        ids.make_iin(rng, birth_date=date(1799, 12, 31))
    with pytest.raises(ValueError):
        ids.make_pinfl(rng, birth_date=date(2100, 1, 1))
    with pytest.raises(ValueError):
        ids.make_pin_kg(rng, sex="F")


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), kind=st.sampled_from(sorted(_GENERATORS)))
def test_generated_values_validate(seed: int, kind: str) -> None:
    value = _GENERATORS[kind](random.Random(seed))
    assert validate(kind, value) == value


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), kind=st.sampled_from(["iin", "bin", "pinfl"]))
def test_corrupted_values_never_validate(seed: int, kind: str) -> None:
    value = _GENERATORS[kind](random.Random(seed))
    bad = corrupt_check_digit(value, kind=kind)
    assert bad != value
    assert _rule(kind, bad).rule == f"{kind}.checksum"


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    kind=st.sampled_from(_PERSON),
    born=st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
)
def test_birth_date_and_sex_round_trip(seed: int, kind: str, born: date, sex: str) -> None:
    value = _GENERATORS[kind](random.Random(seed), birth_date=born, sex=sex)
    assert ids.birth_date_and_sex(kind, value) == (born, sex)
    assert check_person_against(kind, value, birth_date=born, sex=sex) == []
    other = "female" if sex == "male" else "male"
    assert check_person_against(kind, value, birth_date=None, sex=other) == [f"{kind}.sex_mismatch"]


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_kz_check_digit_matches_written_out_rule(body: str) -> None:
    assert ids.kz_check_digit(body) == _kz_reference(body)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_iin_and_bin_cannot_be_confused(seed: int) -> None:
    rng = random.Random(seed)
    # An IIN's 5th digit is the tens of the birth day (0-3); a BIN's is the entity type (4-6).
    assert _rule("bin", ids.make_iin(rng)).rule == "bin.format"
    assert _rule("iin", ids.make_bin(rng)).rule in ("iin.format", "iin.birth_date")


@settings(max_examples=300, deadline=None)
@given(
    digits=st.text(alphabet="0123456789", min_size=12, max_size=14),
    kind=st.sampled_from(sorted(_GENERATORS)),
)
def test_any_digit_string_validates_or_names_a_rule(digits: str, kind: str) -> None:
    try:
        assert validate(kind, digits) == digits
    except InvalidIdentifier as err:
        assert err.rule.startswith(f"{kind}.")
