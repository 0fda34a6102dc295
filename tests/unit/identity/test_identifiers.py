"""Tests for Russian identifier validation and generation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ru import ogrn as stdnum_ogrn

from bailiff.identity import identifiers as ids
from bailiff.identity.identifiers import (
    IDENTIFIER_KINDS,
    InvalidIdentifier,
    corrupt_check_digit,
    normalize,
    validate,
)


def _rule(kind: str, value: str) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as info:
        validate(kind, value)
    return info.value


# --- published examples ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("kind", "value", "normalized"),
    [
        ("inn", "7707083893", "7707083893"),          # PAO Sberbank
        ("inn", "7702070139", "7702070139"),          # VTB Bank (PJSC)
        ("inn", "7736207543", "7736207543"),          # OOO Yandex
        ("inn", "500100732259", "500100732259"),      # FNS sample person INN
        ("inn", "123456789047", "123456789047"),      # python-stdnum documentation example
        ("inn", "7707 083 893", "7707083893"),
        ("ogrn", "1027700132195", "1027700132195"),   # PAO Sberbank
        ("ogrn", "1027739609391", "1027739609391"),   # VTB Bank (PJSC)
        ("ogrn", "1027700229193", "1027700229193"),   # OOO Yandex
        ("ogrnip", "304500116000157", "304500116000157"),  # ru.wikipedia OGRNIP example
        ("ogrnip", "385768585948949", "385768585948949"),  # python-stdnum documentation example
        ("snils", "112-233-445 95", "11223344595"),   # PFR instruction example
        ("snils", "11223344595", "11223344595"),
        ("snils", "112 233 445 95", "11223344595"),
        ("passport", "4508 123456", "4508123456"),
        ("passport", "45 08 123456", "4508123456"),
        ("passport", "4508-123456", "4508123456"),
    ],
)
def test_published_examples_validate(kind: str, value: str, normalized: str) -> None:
    assert validate(kind, value) == normalized


# --- OGRNIP remainders 10..12 where python-stdnum 2.2 is wrong ----------------------------

@pytest.mark.parametrize(
    ("value", "remainder"),
    [
        ("304500116000180", 10),
        ("304500116000191", 11),
        ("304500116000202", 12),
        ("304500116000332", 12),
    ],
)
def test_ogrnip_high_remainders_follow_order_165n(value: str, remainder: int) -> None:
    assert int(value[:14]) % 13 == remainder
    # Order No. 165n: the check digit is the lowest digit of the remainder.
    assert value[-1] == str(remainder % 10)
    assert validate("ogrnip", value) == value
    # python-stdnum compares against the whole remainder ("10".."12") and so accepts no
    # check digit at all for these bodies.
    assert not stdnum_ogrn.is_valid(value)
    assert not any(stdnum_ogrn.is_valid(value[:14] + d) for d in "0123456789")


def test_ogrnip_high_remainder_other_digits_rejected() -> None:
    err = _rule("ogrnip", "304500116000181")
    assert err.rule == "ogrnip.checksum"
    assert "check digit is 1, expected 0" in err.message


def test_ogrnip_check_digit_matches_stdnum_for_low_remainders() -> None:
    rng = random.Random(3)
    for _ in range(300):
        body = "3" + "".join(str(rng.randrange(10)) for _ in range(13))
        if int(body) % 13 < 10:
            assert stdnum_ogrn.calc_check_digit(body + "0") == ids.ogrnip_check_digit(body)


# --- check digit errors -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kind", "value", "rule", "fragment"),
    [
        ("inn", "7707083894", "inn.checksum", "check digit is 4, expected 3"),
        ("inn", "500100732258", "inn.checksum", "check digits are 58, expected 59"),
        ("inn", "500100732269", "inn.checksum", "expected 59"),
        ("snils", "112-233-445 96", "snils.checksum", "control number is 96, expected 95"),
        ("ogrn", "1027700132196", "ogrn.checksum", "check digit is 6, expected 5"),
        ("ogrnip", "304500116000158", "ogrnip.checksum", "check digit is 8, expected 7"),
    ],
)
def test_wrong_check_digits(kind: str, value: str, rule: str, fragment: str) -> None:
    err = _rule(kind, value)
    assert err.kind == kind
    assert err.rule == rule
    assert fragment in err.message
    assert str(err) == err.message
    assert isinstance(err, ValueError)


# --- format errors ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kind", "value", "rule"),
    [
        ("inn", "77070838", "inn.length"),
        ("inn", "77070838931", "inn.length"),
        ("inn", "770708389X", "inn.format"),
        ("inn", "", "inn.length"),
        ("snils", "112-233-445", "snils.format"),
        ("snils", "112-233-445 9O", "snils.format"),
        ("ogrn", "102770013219", "ogrn.format"),
        ("ogrn", "0027700132195", "ogrn.format"),
        ("ogrnip", "30450011600015", "ogrnip.format"),
        ("ogrnip", "104500116000157", "ogrnip.format"),
        ("passport", "4508 12345", "passport.format"),
        ("passport", "45 08 №123456", "passport.format"),
        ("passport", "АБ 123456", "passport.format"),
    ],
)
def test_format_errors(kind: str, value: str, rule: str) -> None:
    assert _rule(kind, value).rule == rule


def test_unicode_digits_rejected() -> None:
    # Arabic-Indic digits satisfy str.isdigit() but are not a valid INN.
    assert _rule("inn", "٧٧٠٧٠٨٣٨٩٣").rule == "inn.format"


def test_ogrn_kind_with_15_digits_hints_ogrnip() -> None:
    err = _rule("ogrn", "304500116000157")
    assert err.rule == "ogrn.format"
    assert "ogrnip" in err.message


def test_ogrnip_kind_with_13_digits_hints_ogrn() -> None:
    err = _rule("ogrnip", "1027700132195")
    assert err.rule == "ogrnip.format"
    assert "'ogrn'" in err.message


def test_unknown_kind() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate("vin", "123")
    assert info.value.rule == "identifier.unknown_kind"
    assert info.value.kind == "vin"


def test_normalize_does_not_check_digits() -> None:
    assert normalize("inn", " 7707-083-894 ") == "7707083894"
    assert normalize("snils", "112-233-445 96") == "11223344596"


def test_identifier_kinds() -> None:
    assert IDENTIFIER_KINDS == (
        "inn", "snils", "ogrn", "ogrnip", "passport", "iin", "bin", "pinfl", "pin_kg",
    )
    assert ids.is_valid("inn", "7707083893")
    assert not ids.is_valid("inn", "7707083894")


# --- SNILS special cases --------------------------------------------------------------------

def test_snils_old_numbers_are_exempt() -> None:
    # Numbers up to 001-001-998 predate the check; any control number is accepted.
    assert validate("snils", "001-001-998 00") == "00100199800"
    assert validate("snils", "001-001-001 47") == "00100100147"
    # The first number past the floor is checked.
    assert _rule("snils", "001-001-999 00").rule == "snils.checksum"


def _snils_sum(body: str) -> int:
    return sum(int(d) * (9 - i) for i, d in enumerate(body))


@pytest.mark.parametrize(
    ("body", "total", "control"),
    [
        ("112233445", 95, "95"),    # below 100: the sum itself
        ("900000091", 100, "00"),   # exactly 100
        ("900000092", 101, "00"),   # exactly 101
        ("900000093", 102, "01"),   # above 101: sum mod 101
        ("999999999", 405, "01"),   # 405 mod 101 = 1
        ("996000006", 201, "00"),   # 201 mod 101 = 100, written as 00
    ],
)
def test_snils_control_numbers(body: str, total: int, control: str) -> None:
    assert _snils_sum(body) == total
    assert ids.snils_check_number(body) == control
    assert validate("snils", body + control) == body + control


# --- generators -----------------------------------------------------------------------------

_GENERATORS = {
    "inn_person": ("inn", ids.make_inn_person, 12),
    "inn_org": ("inn", ids.make_inn_org, 10),
    "snils": ("snils", ids.make_snils, 11),
    "ogrn": ("ogrn", ids.make_ogrn, 13),
    "ogrnip": ("ogrnip", ids.make_ogrnip, 15),
    "passport": ("passport", ids.make_passport, 10),
}


@pytest.mark.parametrize("name", sorted(_GENERATORS))
def test_generators_are_deterministic(name: str) -> None:
    _, make, length = _GENERATORS[name]
    first = [make(random.Random(42)) for _ in range(3)]
    second = [make(random.Random(42)) for _ in range(3)]
    assert first == second
    assert len(normalize(_GENERATORS[name][0], first[0])) == length


def test_snils_generator_format() -> None:
    value = ids.make_snils(random.Random(1))
    assert len(value) == 14 and value[3] == "-" and value[7] == "-" and value[11] == " "


def test_region_prefix() -> None:
    rng = random.Random(5)
    assert ids.make_inn_person(rng, region="16").startswith("16")
    assert ids.make_inn_org(rng, region="66").startswith("66")
    assert ids.make_ogrn(rng, region="54")[3:5] == "54"
    assert ids.make_ogrnip(rng, region="78")[3:5] == "78"


def test_passport_is_series_of_4_and_number_of_6_digits() -> None:
    # No check digit and no region validation: only the 4 + 6 digit shape is checked.
    assert validate("passport", "0000 000001") == "0000000001"
    assert _rule("passport", "4508 1234567").rule == "passport.format"
    with pytest.raises(ValueError):
        corrupt_check_digit("4508 123456", kind="passport")


def test_corrupt_keeps_formatting() -> None:
    assert corrupt_check_digit("112-233-445 95") == "112-233-445 96"
    assert corrupt_check_digit("7707083899") == "7707083890"
    with pytest.raises(ValueError):
        corrupt_check_digit("001-001-998 00")
    with pytest.raises(ValueError):
        corrupt_check_digit("---")


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), name=st.sampled_from(sorted(_GENERATORS)))
def test_generated_values_validate(seed: int, name: str) -> None:
    kind, make, _ = _GENERATORS[name]
    value = make(random.Random(seed))
    assert validate(kind, value) == normalize(kind, value)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    name=st.sampled_from([n for n in sorted(_GENERATORS) if n != "passport"]),
)
def test_corrupted_values_never_validate(seed: int, name: str) -> None:
    kind, make, _ = _GENERATORS[name]
    value = make(random.Random(seed))
    bad = corrupt_check_digit(value)
    assert bad != value
    with pytest.raises(InvalidIdentifier) as info:
        validate(kind, bad)
    assert info.value.rule == f"{kind}.checksum"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=20))
def test_validate_only_raises_invalid_identifier(text: str) -> None:
    for kind in IDENTIFIER_KINDS:
        try:
            result = validate(kind, text)
        except InvalidIdentifier as err:
            assert err.rule.startswith(f"{kind}.")
        else:
            assert result.isascii() and result.isdigit()


@pytest.mark.parametrize(("kind", "value", "rule"), [
    ("inn", "000000000000", "inn.placeholder"),
    ("inn", "0000000000", "inn.placeholder"),
    ("inn", "0012345678", "inn.region"),
    ("snils", "000-000-000 00", "snils.placeholder"),
    ("passport", "4510 000000", "passport.placeholder"),
    ("passport", "0000 000000", "passport.placeholder"),
    ("ogrn", "0000000000000", "ogrn.placeholder"),
])
def test_zeros_typed_for_an_unknown_identifier_are_refused(kind: str, value: str, rule: str) -> None:
    # The check digits of zeros are zeros: without this rule each of these passed its checksum,
    # and two strangers written with the same zeros were linked as one person.
    error = _rule(kind, value)
    assert error.rule == rule
    assert value.replace(" ", "").replace("-", "") in error.message
