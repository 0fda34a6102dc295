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


def test_a_holiday_on_a_weekend_moves_its_day_off_to_the_next_working_day() -> None:
    rules = OpeningRules.from_profile(RU)
    # Labour Code art. 112 part 2: 9 May 2026 is a Saturday, so Monday 11 May is off.
    assert rules.voluntary_deadline(date(2026, 5, 7)) == date(2026, 5, 15)
    # 12 June 2027 is a Saturday: Monday 14 June is off.
    assert rules.opening_deadline(date(2027, 6, 9)) == date(2027, 6, 15)
    # The January holidays are moved by the government's decree, not by this rule: 3 January 2027 (a
    # Sunday) moves nothing, and the first working day after Friday 8 January is Monday 11 January.
    assert rules.opening_deadline(date(2027, 1, 8)) == date(2027, 1, 13)


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


KZ = load_profile("kz").raw
MCI = Decimal("4325")  # МРП 2026, the kz profile's [units]


def test_kazakh_fee_follows_the_art_118_bands_with_its_cap() -> None:
    fee = FeeRule.from_profile(KZ)
    assert fee.fee(amount=60 * MCI, category="loan", debtor_kind="person") == 60 * MCI * Decimal("0.25")
    assert fee.fee(amount=60 * MCI + 1, category="loan", debtor_kind="person") == \
        ((60 * MCI + 1) * Decimal("0.20")).quantize(Decimal("0.01"))
    assert fee.fee(amount=20001 * MCI, category="loan", debtor_kind="organization") == \
        (20001 * MCI * Decimal("0.03")).quantize(Decimal("0.01"))
    # 3% of a billion tenge is above 10,000 МРП: the cap of art. 118 p.1.
    assert fee.fee(amount=Decimal("2000000000"), category="loan", debtor_kind="organization") == 10000 * MCI
    assert fee.fee(amount=None, category="eviction", debtor_kind="person", claim_kind="non_monetary") == 50 * MCI
    assert fee.fee(amount=None, category="eviction", debtor_kind="organization",
                   claim_kind="non_monetary") == 100 * MCI
    assert fee.fee(amount=Decimal("50000"), category="alimony", debtor_kind="person") is None
    # The Russian profile charges no fee it does not model on a non-monetary claim.
    assert FeeRule.from_profile(RU).fee(amount=None, category="eviction", debtor_kind="person",
                                        claim_kind="non_monetary") is None


def test_kazakh_measures_name_261_iv() -> None:
    rules = MeasureRules.from_profile(KZ)
    assert rules.travel_threshold == 40 * MCI
    refused = check_measure(kind="travel_restriction", rules=rules, today=date(2026, 3, 10), voluntary_deadline=None,
                            debt=40 * MCI, category="loan", params={})
    assert [(r.rule, "261-IV art. 33" in r.message) for r in refused] == [("measure.travel.threshold", True)]
    assert check_measure(kind="travel_restriction", rules=rules, today=date(2026, 3, 10), voluntary_deadline=None,
                         debt=40 * MCI + 1, category="loan", params={}) == []
    assert {r.rule for r in check_measure(kind="withhold_income", rules=rules, today=date(2026, 3, 10),
                                          voluntary_deadline=None, debt=MCI, category="alimony",
                                          params={"percent": 70})} == {"measure.withhold.cap"}
    # Art. 95 p.1: the subsistence minimum stays without an application, except on alimony.
    assert rules.protects_minimum(category="loan", applied=False)
    assert not rules.protects_minimum(category="alimony", applied=True)
    ru = MeasureRules.from_profile(RU)
    assert not ru.protects_minimum(category="loan", applied=False) and ru.protects_minimum(category="loan", applied=True)
    # RU art. 99 part 1.1 does not keep the minimum on alimony or damages, even on application.
    assert not any(ru.protects_minimum(category=c, applied=True)
                   for c in ("alimony", "health_damage", "loss_of_breadwinner", "crime_damage"))


def test_a_writ_for_an_act_allows_a_travel_restriction_whatever_the_sum() -> None:
    # 229-FZ art. 67 part 1: non-property requirements have no threshold; a money claim of no stated
    # sum still does not pass one.
    rules = MeasureRules.from_profile(RU)
    after = {"kind": "travel_restriction", "rules": rules, "today": date(2026, 3, 10),
             "voluntary_deadline": date(2026, 3, 1), "debt": None, "category": "eviction", "params": {}}
    assert check_measure(**after, non_property=True) == []
    assert [r.rule for r in check_measure(**after)] == ["measure.travel.threshold"]


def test_grounds_cite_the_profiles_law() -> None:
    from bailiff.proceedings.enforcement import ground_refusal

    assert ground_refusal("suspend", "229-FZ art. 40 part 1 s.1", RU) is None
    assert ground_refusal("suspend", "art. 42", RU) == "suspend: cite 229-FZ art. 39 or 40"
    assert ground_refusal("terminate", "261-IV ст. 49", KZ) is None
    assert ground_refusal("terminate", "ст. 49", KZ) == "terminate: cite 261-IV and its article"
    assert ground_refusal("terminate", "261-IV", KZ) is not None  # the law alone cites no article
    assert ground_refusal("return", "261-IV art. 12", KZ) is not None
    assert ground_refusal("terminate", "261-IV от 02.04.2010", KZ) is not None  # a date is not an article
    assert ground_refusal("suspend", "229-FZ art. 140", RU) is not None  # nor is art. 140 art. 40


def test_every_profile_loads_and_cites_its_sources() -> None:
    for code in ("ru", "kz", "uz", "kg"):
        profile = load_profile(code)
        assert profile.code == code.upper() and profile.raw["proceedings"]["law"]
        for unit in profile.raw.get("units", {}).values():  # each figure with its source and date
            assert unit["source"] and unit["effective"] and Decimal(unit["value"]) > 0
    assert "number_format" not in load_profile("uz").raw["proceedings"]  # proceedings wait for confirmed rules


def test_deadlines_run_from_the_local_day() -> None:
    from datetime import UTC, datetime

    from bailiff.core.clock import local_date

    # 22:30 UTC on Thursday is already Friday in Moscow: the three working days run from Friday.
    late = datetime(2026, 12, 24, 22, 30, tzinfo=UTC)
    moscow = local_date(late, load_profile("ru").timezone)
    assert moscow == date(2026, 12, 25)
    rules = OpeningRules.from_profile(RU)
    assert rules.opening_deadline(moscow) == date(2026, 12, 30)
    assert rules.opening_deadline(late.date()) == date(2026, 12, 29)  # what the UTC day would have given
    assert local_date(late, load_profile("kz").timezone) == date(2026, 12, 25)
    assert local_date(datetime(2026, 12, 24, 20, 59, tzinfo=UTC), "Europe/Moscow") == date(2026, 12, 24)


def test_a_writ_presented_after_its_period_is_refused() -> None:
    from bailiff.proceedings.rules import presentation_refusal

    writ = {"type": "writ_of_execution", "effective_date": "2022-03-01", "claim": {"kind": "money"}}
    # Three years end on Saturday 2025-03-01: the period runs to Monday 2025-03-03 (art. 16 part 2).
    assert presentation_refusal(document=writ, presented_on=date(2025, 3, 3), raw=RU) is None
    refused = presentation_refusal(document=writ, presented_on=date(2025, 3, 4), raw=RU)
    assert refused is not None and refused.startswith("229-FZ art. 31 part 1 s.3") and "2025-03-03" in refused
    # Art. 22 part 2: returned in 2024, the period runs again from the return.
    assert presentation_refusal(document=writ, presented_on=date(2026, 5, 1), raw=RU,
                                restarted_on=date(2024, 6, 1)) is None
    # Art. 21 part 7: two years for an act on an administrative offence; part 4: periodic payments throughout.
    assert presentation_refusal(document={**writ, "type": "agency_act"}, presented_on=date(2024, 3, 2), raw=RU)
    assert presentation_refusal(document={**writ, "claim": {"kind": "periodic"}}, presented_on=date(2030, 1, 1),
                                raw=RU) is None
    assert presentation_refusal(document=writ, presented_on=date(2030, 1, 1), raw=KZ) is None  # not modelled there


def test_a_labour_commission_certificate_has_three_months() -> None:
    from bailiff.proceedings.rules import presentation_refusal

    certificate = {"type": "commission_certificate", "issue_date": "2026-01-30", "effective_date": "2026-01-20",
                   "claim": {"kind": "money"}}
    # Three months from 30 January end on 30 April 2026, a Thursday.
    assert presentation_refusal(document=certificate, presented_on=date(2026, 4, 30), raw=RU) is None
    refused = presentation_refusal(document=certificate, presented_on=date(2026, 5, 4), raw=RU)
    assert refused is not None and "3-month" in refused and "2026-04-30" in refused
    # 30 November + 3 months: the end of February.
    late_issue = {**certificate, "issue_date": "2025-11-30"}
    assert "2026-03-02" in presentation_refusal(document=late_issue, presented_on=date(2026, 3, 3), raw=RU)
