"""Register rules without a database: the life cycle and document checks."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bailiff.core.errors import Forbidden
from bailiff.jurisdictions import load_profile
from bailiff.register import rules
from bailiff.register.rules import Status
from bailiff.register.schemas import WritDocument
from tests.conftest import EXAMPLE

RU = load_profile("ru")
TODAY = date(2026, 11, 23)


def example(**changes: object) -> WritDocument:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    return WritDocument.model_validate(data)


def test_the_shared_example_is_acceptable() -> None:
    assert rules.document_errors(example(), profile=RU, today=TODAY) == []


@pytest.mark.parametrize(("status", "action", "expected"), [
    (Status.REGISTERED, "present", Status.PRESENTED),
    (Status.RETURNED, "present", Status.PRESENTED),
    (Status.PRESENTED, "start_execution", Status.IN_EXECUTION),
    (Status.IN_EXECUTION, "complete", Status.EXECUTED),
    (Status.IN_EXECUTION, "return", Status.RETURNED),
    (Status.PRESENTED, "return", Status.RETURNED),
])
def test_allowed_moves(status: Status, action: str, expected: Status) -> None:
    assert rules.check_transition(action=action, status=status, actor_role="bailiff_service",
                                  actor_is_issuer=False) is expected


@pytest.mark.parametrize("status", [Status.PRESENTED, Status.IN_EXECUTION])
def test_presenting_twice_is_double_execution(status: Status) -> None:
    with pytest.raises(rules.DoubleExecution):
        rules.check_transition(action="present", status=status, actor_role="bailiff_service", actor_is_issuer=False)


@pytest.mark.parametrize("status", [Status.EXECUTED, Status.RECALLED])
def test_final_statuses_do_not_move(status: Status) -> None:
    for action in rules.TRANSITIONS:
        role = "court" if action == "recall" else "bailiff_service"
        with pytest.raises(rules.WritNotInRequiredState):
            rules.check_transition(action=action, status=status, actor_role=role, actor_is_issuer=True)


def test_superseded_points_to_the_duplicate() -> None:
    with pytest.raises(rules.WritSuperseded) as caught:
        rules.check_transition(action="present", status=Status.SUPERSEDED, actor_role="bailiff_service",
                               actor_is_issuer=False, superseded_by="RU-2026-000000002")
    assert caught.value.extra["superseded_by"] == "RU-2026-000000002"


def test_recall_only_by_the_issuer() -> None:
    with pytest.raises(Forbidden):
        rules.check_transition(action="recall", status=Status.REGISTERED, actor_role="court", actor_is_issuer=False)
    with pytest.raises(Forbidden):
        rules.check_transition(action="recall", status=Status.REGISTERED, actor_role="bank", actor_is_issuer=True)
    assert rules.check_transition(action="recall", status=Status.IN_EXECUTION, actor_role="court",
                                  actor_is_issuer=True) is Status.RECALLED


def test_duplicates_take_over_enforcement_under_way() -> None:
    assert rules.duplicate_status(Status.IN_EXECUTION) is Status.IN_EXECUTION
    assert rules.duplicate_status(Status.RETURNED) is Status.REGISTERED
    assert not rules.can_be_duplicated(Status.EXECUTED)
    assert not rules.can_be_duplicated(Status.SUPERSEDED)


def rule_set(doc: WritDocument) -> set[tuple[str, str]]:
    return {(e.field, e.rule) for e in rules.document_errors(doc, profile=RU, today=TODAY)}


def test_date_rules() -> None:
    assert rule_set(example(decision_date="2026-12-01", effective_date=None, issue_date="2026-12-02")) == {
        ("document.decision_date", "dates.decision_in_future"), ("document.issue_date", "dates.issue_in_future")}
    assert ("document.issue_date", "dates.issue_before_decision") in rule_set(example(issue_date="2026-09-01"))
    assert ("document.effective_date", "dates.effective_before_decision") in rule_set(
        example(effective_date="2026-09-01"))


def test_jurisdiction_currency_and_type() -> None:
    doc = example(jurisdiction="KZ", type="decree",
                  claim={"kind": "money", "category": "loan", "amount": "10.00", "currency": "KZT"})
    assert rule_set(doc) == {("document.jurisdiction", "writ.jurisdiction"), ("document.type", "writ.type.known"),
                             ("document.claim.currency", "claim.currency")}


def test_negative_amount_and_periodic_shape() -> None:
    assert rule_set(example(claim={"kind": "money", "category": "loan", "amount": "-5", "currency": "RUB"})) == {
        ("document.claim.amount", "claim.amount.positive")}
    both = {"kind": "periodic", "category": "alimony", "share": "1/4", "amount": "100.00", "currency": "RUB"}
    assert rule_set(example(claim=both)) == {("document.claim", "claim.periodic.share_or_amount")}


def test_identifier_kind_must_suit_the_party() -> None:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["debtors"][0]["identifiers"] = {"inn": "7707083893", "ogrn": "1027700132195"}  # organisation's ids
    assert rule_set(WritDocument.model_validate(data)) == {
        ("document.debtors[0].identifiers.inn", "inn.length.party_kind"),
        ("document.debtors[0].identifiers.ogrn", "identifier.kind.accepted")}
