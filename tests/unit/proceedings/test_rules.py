"""Fee, deadlines and measure rules of the RU profile, without a database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bailiff.jurisdictions import load_profile
from bailiff.proceedings.measures import FeeRule, MeasureRules, check_measure, withholding
from bailiff.proceedings.rules import OpeningRules, office_for_address

RU = load_profile("ru").raw


def test_fee_is_twelve_percent_with_minimums_and_exemptions() -> None:
    fee = FeeRule.from_profile(RU)
    assert fee.fee(amount=Decimal("100000"), category="loan", debtor_kind="person") == Decimal("12000.00")
    assert fee.fee(amount=Decimal("15420.50"), category="loan", debtor_kind="person") == Decimal("2000")
    assert fee.fee(amount=Decimal("100000"), category="taxes", debtor_kind="organization") == Decimal("20000")
    assert fee.fee(amount=Decimal("1000000"), category="taxes", debtor_kind="organization") == Decimal("120000.00")
    assert fee.fee(amount=Decimal("50000"), category="alimony", debtor_kind="person") is None
    assert fee.fee(amount=None, category="eviction", debtor_kind="person") is None


def test_deadlines_count_working_days_only() -> None:
    rules = OpeningRules.from_profile(RU)
    # Friday 2026-12-25 + 3 working days: Mon 28, Tue 29, Wed 30.
    assert rules.opening_deadline(date(2026, 12, 25)) == date(2026, 12, 30)
    # Wednesday 2026-12-30 + 5 working days: Thu 31, then the New Year holidays and Christmas (1-8 Jan) and the
    # weekend of 9-10 Jan: Mon 11, Tue 12, Wed 13, Thu 14.
    assert rules.voluntary_deadline(date(2026, 12, 30)) == date(2027, 1, 14)
    assert rules.number(seq=15, year=2026, office_id="77001") == "15/26/77001-ИП"


def test_office_follows_the_debtor_address() -> None:
    offices = [("50001", ["Подольск", "Химки"]), ("77001", ["Москва"]), ("77002", ["Москва, Зеленоград"])]
    assert office_for_address("Московская обл., г. Подольск, ул. Ленина, д. 1", offices) == "50001"
    assert office_for_address("г. Москва, ул. Тверская, д. 5", offices) == "77001"
    assert office_for_address("г. Москва, Зеленоград, корп. 1106", offices) == "77002"
    assert office_for_address("г. Казань, ул. Баумана, д. 2", offices) is None
    assert office_for_address("Москворецкая наб., д. 1", offices) is None  # a word inside another word


def test_measures_follow_articles_67_68_99() -> None:
    rules = MeasureRules.from_profile(RU)

    def rules_broken(kind: str, debt: str, category: str = "loan", deadline: date | None = date(2026, 3, 1),
                     **params: object) -> set[str]:
        return {r.rule for r in check_measure(kind=kind, rules=rules, today=date(2026, 3, 10),
                                              voluntary_deadline=deadline, debt=Decimal(debt),
                                              category=category, params=params)}

    assert rules_broken("collect_accounts", "50000", deadline=None) == {"measure.voluntary_period"}
    assert rules_broken("collect_accounts", "50000", deadline=date(2026, 3, 10)) == {"measure.voluntary_period"}
    assert rules_broken("arrest_accounts", "50000", deadline=None) == set()  # securing the claim, art. 80
    assert rules_broken("travel_restriction", "30000") == {"measure.travel.threshold"}
    assert rules_broken("travel_restriction", "30000.01") == set()
    assert rules_broken("travel_restriction", "10000.01", category="alimony") == set()
    assert rules_broken("withhold_income", "50000", percent=60) == {"measure.withhold.cap"}
    assert rules_broken("withhold_income", "50000", category="alimony", percent=70) == set()
    assert rules_broken("travel_restriction", "50000", deadline=None) == {"measure.voluntary_period"}
    assert {r.rule for r in check_measure(kind="travel_restriction", rules=rules, today=date(2026, 3, 10),
                                          voluntary_deadline=date(2026, 3, 1), debt=Decimal("90000"),
                                          category="taxes", params={}, debtor_kind="organization")} == {
        "measure.travel.debtor"}
    assert rules_broken("teleport", "1") == {"measure.kind"}


def test_income_protection_leaves_the_subsistence_minimum() -> None:
    minimum = MeasureRules.from_profile(RU).subsistence_minimum
    income = minimum + Decimal("5000")
    assert withholding(income=income, percent=50, protect_minimum=False, minimum=minimum) == (income / 2).quantize(Decimal("0.01"))
    assert withholding(income=income, percent=50, protect_minimum=True, minimum=minimum) == Decimal("5000")
    assert withholding(income=minimum - 1, percent=50, protect_minimum=True, minimum=minimum) == Decimal("0")
