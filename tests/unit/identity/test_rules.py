"""Identity decision rules without a database: identifiers first, namesake protection, thresholds."""

from __future__ import annotations

from datetime import date

from bailiff.identity import rules
from bailiff.identity.places import address_key, birth_place_key
from bailiff.identity.rules import PartyRecord


def party(**ids: str) -> PartyRecord:
    return PartyRecord("RU-2026-000000001", "debtor", 0, "person", surname="Иванов", given_name="Иван",
                       patronymic="Иванович", birth_date=date(1980, 5, 17), identifiers=dict(ids))


def test_one_identifier_owner_links_at_once() -> None:
    decision = rules.decide_by_identifiers(party(inn="500100732259"), {"inn": 7}, {7: {"inn": "500100732259"}})
    assert (decision.outcome, decision.target_id, decision.confirmed) == ("identifier", 7, True)


def test_identifiers_of_two_records_need_a_reviewer() -> None:
    decision = rules.decide_by_identifiers(party(inn="1", snils="2"), {"inn": 7, "snils": 9}, {})
    assert decision.outcome == "review" and not decision.confirmed and decision.target_id is None
    assert {c["id"] for c in decision.review_candidates} == {7, 9}


def test_identifiers_of_two_records_that_agree_on_name_and_birth_date_are_one_human() -> None:
    # Record 7 was made from a writ showing only the INN, record 9 from one showing only the SNILS.
    decision = rules.decide_by_identifiers(party(inn="1", snils="2"), {"inn": 9, "snils": 7},
                                           {7: {"snils": "2"}, 9: {"inn": "1"}}, agreeing={7, 9})
    assert (decision.outcome, decision.target_id, decision.confirmed) == ("identifier", 7, True)
    assert decision.evidence["possible_duplicates"] == [{"id": 9, "probability": 1.0}]
    # One of them under another name or birth date: a reviewer decides, as before.
    decision = rules.decide_by_identifiers(party(inn="1", snils="2"), {"inn": 9, "snils": 7},
                                           {7: {"snils": "2"}, 9: {"inn": "1"}}, agreeing={7})
    assert decision.outcome == "review" and decision.target_id is None
    # Records that contradict each other (two SNILS between them) are not one human.
    decision = rules.decide_by_identifiers(party(inn="1", snils="2"), {"inn": 9, "snils": 7},
                                           {7: {"snils": "2", "passport": "5"}, 9: {"inn": "1", "snils": "2"}},
                                           agreeing={7, 9})
    assert decision.outcome == "identifier"  # the same SNILS on both: fine
    decision = rules.decide_by_identifiers(party(inn="1", pinfl="2"), {"inn": 9, "pinfl": 7},
                                           {7: {"pinfl": "2", "snils": "8"}, 9: {"inn": "1", "snils": "3"}},
                                           agreeing={7, 9})
    assert decision.outcome == "review"
    # One of them holding another passport is fine (passports change); another SNILS is not.
    decision = rules.decide_by_identifiers(party(inn="1", snils="2"), {"inn": 9, "snils": 7},
                                           {7: {"snils": "2"}, 9: {"inn": "1", "snils": "3"}}, agreeing={7, 9})
    assert decision.outcome == "review"


def test_a_clashing_lifelong_identifier_blocks_the_link() -> None:
    decision = rules.decide_by_identifiers(party(inn="1", snils="2"), {"inn": 7}, {7: {"inn": "1", "snils": "3"}})
    assert decision.outcome == "review" and "snils" in decision.evidence["conflict"]


def test_passports_may_differ_for_one_person() -> None:
    assert rules.conflicting_kinds({"passport": "1", "inn": "5"}, {"passport": "2", "inn": "5"}) == []
    assert rules.conflicting_kinds({"inn": "5"}, {"inn": "6"}) == ["inn"]


def scored(p: float, address: str) -> list[dict]:
    return [{"id": 3, "probability": p, "levels": {"surname": "exact", "birth_date": "exact",
                                                     "birth_place": "exact", "address": address}}]


def test_name_birth_date_and_place_without_address_is_a_review_not_a_link() -> None:
    decision = rules.decide_by_score(party(), scored(0.99999, "else"))
    assert decision.outcome == "review" and not decision.confirmed
    assert decision.evidence["review_reason"] == "name and birth date only (possible namesake)"


def test_agreeing_address_confirms_a_strong_match() -> None:
    decision = rules.decide_by_score(party(), scored(0.99999, "exact"))
    assert (decision.outcome, decision.target_id, decision.confirmed) == ("linked", 3, True)


def test_a_merely_similar_address_does_not_confirm() -> None:
    decision = rules.decide_by_score(party(), scored(0.99999, "close"))
    assert decision.outcome == "review" and not decision.confirmed


def test_two_strong_candidates_are_ambiguous() -> None:
    two = scored(0.9999, "exact") + [dict(scored(0.9998, "exact")[0], id=4)]
    decision = rules.decide_by_score(party(), two)
    assert decision.outcome == "review" and decision.evidence["review_reason"] == "ambiguous"


def test_a_strong_match_elsewhere_does_not_hide_the_one_at_the_address() -> None:
    # Candidate 4 resembles the party on names and birth date alone (a namesake, or the same human
    # registered twice); candidate 3 is also at the party's address: 3 is linked.
    two = [dict(scored(0.99999, "else")[0], id=4)] + scored(0.9999, "exact")
    decision = rules.decide_by_score(party(), two)
    assert (decision.outcome, decision.target_id, decision.confirmed) == ("linked", 3, True)


def test_an_identified_party_resembling_a_person_becomes_a_person_of_its_own() -> None:
    doubt = rules.decide_by_score(party(inn="500100732259"), scored(0.99999, "else"))
    decision = rules.identified_newcomer(party(inn="500100732259"), doubt)
    assert (decision.outcome, decision.target_id, decision.confirmed) == ("new", None, True)
    assert [c["id"] for c in decision.evidence["possible_duplicates"]] == [3]
    assert decision.evidence["duplicate_reason"] == "name and birth date only (possible namesake)"
    # Without an identifier of its own the namesake doubt stays with a reviewer.
    doubt = rules.decide_by_score(party(), scored(0.99999, "else"))
    assert rules.identified_newcomer(party(), doubt).outcome == "review"
    # A passport alone (renewed every few years) does not say who the party is.
    doubt = rules.decide_by_score(party(passport="4510123456"), scored(0.99999, "else"))
    assert rules.identified_newcomer(party(passport="4510123456"), doubt).outcome == "review"
    # A weak look-alike is not filed as a duplicate (a merge would take the whole task).
    weak = rules.decide_by_score(party(inn="500100732259"), scored(0.5, "else"))
    newcomer = rules.identified_newcomer(party(inn="500100732259"), weak)
    assert newcomer.outcome == "new" and "possible_duplicates" not in newcomer.evidence
    assert "review_reason" not in newcomer.evidence
    # An identifier conflict is never turned into a new person.
    clash = rules.decide_by_identifiers(party(inn="1", snils="2"), {"inn": 7}, {7: {"inn": "1", "snils": "3"}})
    assert rules.identified_newcomer(party(inn="1", snils="2"), clash).outcome == "review"


def test_weak_scores_make_a_new_person() -> None:
    decision = rules.decide_by_score(party(), scored(0.01, "else"))
    assert (decision.outcome, decision.confirmed) == ("new", True)


def test_place_keys_fold_spelling_conventions_only() -> None:
    assert birth_place_key("г. Ленинград") == birth_place_key("город Ленинград") == birth_place_key("Ленинград")
    assert birth_place_key("Ленинград") != birth_place_key("Санкт-Петербург")
    assert address_key("улица Ленина, дом 5, квартира 2") == address_key("ул. Ленина, д. 5, кв. 2")


def test_unidentified_twin_is_the_one_corroborated_strong_record_without_a_lifelong_identifier() -> None:
    same = {"surname": "exact", "given_name": "exact", "patronymic": "exact", "birth_date": "exact",
            "birth_place": "exact", "address": "exact"}
    elsewhere = {**same, "address": "close"}
    twin_brother = {**same, "given_name": "else"}
    record = {"id": 5, "probability": 0.9999, "levels": same}
    assert rules.unidentified_twin([record], holds_lifelong=set()) == record
    # Held identifiers of its own: identified records merge on identifiers only.
    assert rules.unidentified_twin([record], holds_lifelong={5}) is None
    # Not at the party's address, a twin brother, or below the link threshold: nothing.
    assert rules.unidentified_twin([{**record, "levels": elsewhere}], holds_lifelong=set()) is None
    assert rules.unidentified_twin([{**record, "levels": twin_brother}], holds_lifelong=set()) is None
    assert rules.unidentified_twin([{**record, "probability": 0.98}], holds_lifelong=set()) is None
    # Two such records are a doubt for a reviewer, not a merge.
    assert rules.unidentified_twin([record, {**record, "id": 6}], holds_lifelong=set()) is None


def test_an_identifier_of_someone_with_another_birth_date_and_given_name_is_doubted() -> None:
    record = PartyRecord("RU-2026-000000001", "debtor", 0, "person", surname="Сидорова", given_name="Мария",
                         given_key="МАРИЯ", birth_date=date(1985, 3, 2), identifiers={"passport": "4510123456"})
    assert rules.identifier_of_another(record, date(1980, 5, 17), "ИВАН")
    # Either one alone is a typo or a change of name, not another person.
    assert not rules.identifier_of_another(record, date(1985, 3, 2), "ИВАН")
    assert not rules.identifier_of_another(record, date(1980, 5, 17), "МАРИЯ")
    # Without the facts to compare, or with only an initial, the identifier decides.
    assert not rules.identifier_of_another(record, None, "ИВАН")
    initial = PartyRecord("RU-2026-000000001", "debtor", 0, "person", surname="Сидорова", given_name="М.",
                          given_key="М", birth_date=date(1985, 3, 2))
    assert not rules.identifier_of_another(initial, date(1980, 5, 17), "ИВАН")
