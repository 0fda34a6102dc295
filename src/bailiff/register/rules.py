"""Legal rules of the register: the writ's life cycle and what makes a document acceptable.

No database and no web here: these rules are tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from bailiff.core.errors import Conflict, FieldError, Forbidden
from bailiff.identity import identifiers
from bailiff.jurisdictions import Profile
from bailiff.register.schemas import MoneyClaim, PeriodicClaim, Person, WritDocument


class Status(StrEnum):
    """Register statuses of a writ."""

    REGISTERED = "registered"
    PRESENTED = "presented"  # presented to the bailiff service for enforcement (229-FZ art. 30)
    IN_EXECUTION = "in_execution"  # proceedings opened on it
    EXECUTED = "executed"  # fully enforced (art. 47 part 1 s.1)
    RETURNED = "returned"  # returned to the claimant (art. 46); may be presented again (art. 46 part 4)
    RECALLED = "recalled"  # recalled by the issuing court (e.g. the judgment was set aside)
    TERMINATED = "terminated"  # proceedings terminated (229-FZ art. 43): the writ is not enforced further
    SUPERSEDED = "superseded"  # replaced by a duplicate (Civil Procedure Code art. 430)


@dataclass(frozen=True)
class Transition:
    """One allowed move of the life cycle: which statuses it leaves, where it goes, who may make it."""

    action: str
    sources: frozenset[Status]
    target: Status
    roles: frozenset[str]
    issuer_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("present", frozenset({Status.REGISTERED, Status.RETURNED}), Status.PRESENTED,
                   frozenset({"bailiff_service"})),
        Transition("start_execution", frozenset({Status.PRESENTED}), Status.IN_EXECUTION,
                   frozenset({"bailiff_service"})),
        Transition("complete", frozenset({Status.IN_EXECUTION}), Status.EXECUTED, frozenset({"bailiff_service"})),
        Transition("return", frozenset({Status.PRESENTED, Status.IN_EXECUTION}), Status.RETURNED,
                   frozenset({"bailiff_service"})),
        Transition("terminate", frozenset({Status.IN_EXECUTION}), Status.TERMINATED, frozenset({"bailiff_service"})),
        Transition("recall",
                   frozenset({Status.REGISTERED, Status.PRESENTED, Status.IN_EXECUTION, Status.RETURNED}),
                   Status.RECALLED, frozenset({"court", "agency"}), issuer_only=True),
    )
}


class WritNotInRequiredState(Conflict):
    slug = "writ-state"
    title = "The writ's status does not allow this"


class DoubleExecution(WritNotInRequiredState):
    slug = "double-execution"
    title = "The writ is already presented or in execution"


class WritSuperseded(WritNotInRequiredState):
    slug = "writ-superseded"
    title = "The writ was replaced by a duplicate"


def check_transition(*, action: str, status: Status, actor_role: str, actor_is_issuer: bool,
                     superseded_by: str | None = None) -> Status:
    """The status after `action`, or the rule it breaks (as a domain error)."""
    transition = TRANSITIONS[action]
    if actor_role not in transition.roles or (transition.issuer_only and not actor_is_issuer):
        who = "the issuer" if transition.issuer_only else " or ".join(sorted(transition.roles))
        raise Forbidden(f"only {who} may {action} a writ",
                        errors=[FieldError("action", f"writ.{action}.actor", f"{action} is reserved to {who}")])
    if status in transition.sources:
        return transition.target
    if status is Status.SUPERSEDED:
        raise WritSuperseded(
            f"the writ was superseded by duplicate {superseded_by}; only the duplicate can be used",
            errors=[FieldError("register_number", "writ.superseded", "use the duplicate")],
            superseded_by=superseded_by,
        )
    if action == "present" and status in (Status.PRESENTED, Status.IN_EXECUTION):
        raise DoubleExecution(
            f"the writ is already {status.value}: presenting it again would execute it twice",
            errors=[FieldError("register_number", "writ.double_execution", f"status is {status.value}")],
        )
    raise WritNotInRequiredState(
        f"cannot {action} a writ that is {status.value}",
        errors=[FieldError("action", f"writ.{action}.from_status",
                           f"allowed from {', '.join(sorted(s.value for s in transition.sources))}")],
    )


def duplicate_status(original: Status) -> Status:
    """Status a duplicate starts in: it takes over an enforcement already under way."""
    if original in (Status.PRESENTED, Status.IN_EXECUTION):
        return original
    return Status.REGISTERED


def can_be_duplicated(original: Status) -> bool:
    """A duplicate replaces a lost writ still in force (not executed, recalled or superseded)."""
    return original in (Status.REGISTERED, Status.PRESENTED, Status.IN_EXECUTION, Status.RETURNED)


def schema_errors(exc: ValidationError, prefix: str = "document") -> list[FieldError]:
    """Pydantic errors as FieldErrors naming the JSON path and the rule."""
    out = []
    for err in exc.errors():
        path = prefix
        for part in err["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif part in ("person", "organization", "money", "periodic", "non_monetary"):
                continue  # discriminated-union tags are not part of the document's path
            else:
                path += f".{part}"
        out.append(FieldError(path, f"schema.{err['type']}", err["msg"]))
    return out


# C0 control characters other than tab, line feed and carriage return, and DEL: no court writes
# them, PostgreSQL cannot store U+0000 in text, and a name with one would never match its person.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_errors(raw: Any, path: str = "document") -> list[FieldError]:
    """Control characters anywhere in the document as sent, each named by its JSON path."""
    if isinstance(raw, str):
        found = _CONTROL.search(raw)
        return [] if found is None else [FieldError(path, "text.control_character",
                                                    f"contains U+{ord(found.group()):04X} at position {found.start()}")]
    if isinstance(raw, dict):
        return [e for key, value in raw.items() for e in (*text_errors(key, f"{path}.{key!s}"),
                                                          *text_errors(value, f"{path}.{key!s}"))]
    if isinstance(raw, list):
        return [e for i, value in enumerate(raw) for e in text_errors(value, f"{path}[{i}]")]
    return []


def _number_errors(doc: WritDocument) -> list[FieldError]:
    # The number (with the issuer) is what makes a writ unique: "2-1234/2026 " is not another writ.
    numbers = [("document.number", doc.number)]
    if doc.duplicate is not None:
        numbers.append(("document.duplicate.original_number", doc.duplicate.original_number))
    return [FieldError(path, "writ.number.spaces", "a number neither starts nor ends with spaces and is not blank")
            for path, value in numbers if not value.strip() or value != value.strip()]


def document_errors(doc: WritDocument, *, profile: Profile, today: date) -> list[FieldError]:
    """Every legal rule the parsed document breaks (empty when acceptable)."""
    errors: list[FieldError] = _number_errors(doc)
    add = errors.append
    if doc.jurisdiction != profile.code:
        add(FieldError("document.jurisdiction", "writ.jurisdiction",
                       f"this register serves {profile.code}, not {doc.jurisdiction}"))
    if doc.type not in profile.writ_types:
        add(FieldError("document.type", "writ.type.known",
                       f"one of {', '.join(sorted(profile.writ_types))} ({profile.raw['writs'].get('source', 'the profile')})"))
    if doc.decision_date > today:
        add(FieldError("document.decision_date", "dates.decision_in_future", f"{doc.decision_date} is after today {today}"))
    if doc.issue_date < doc.decision_date:
        add(FieldError("document.issue_date", "dates.issue_before_decision",
                       f"issued {doc.issue_date}, before the decision of {doc.decision_date}"))
    if doc.issue_date > today:
        add(FieldError("document.issue_date", "dates.issue_in_future", f"{doc.issue_date} is after today {today}"))
    if doc.effective_date is not None and doc.effective_date < doc.decision_date:
        add(FieldError("document.effective_date", "dates.effective_before_decision",
                       "a decision cannot take effect before it is made"))
    errors.extend(_claim_errors(doc, profile))
    for role, parties in (("debtors", doc.debtors), ("creditors", doc.creditors)):
        for i, party in enumerate(parties):
            errors.extend(_party_errors(party, f"document.{role}[{i}]", profile, today, is_debtor=role == "debtors"))
            if isinstance(party, Person) and party.birth_date is not None:
                errors.extend(_birth_errors(party.birth_date, f"document.{role}[{i}].birth_date", doc.decision_date))
    return errors


# Nobody documented has lived 125 years; a birth date that far back is a typing error.
OLDEST_AGE = 125


def _birth_errors(born: date, path: str, decided: date) -> list[FieldError]:
    if born > decided:
        return [FieldError(path, "dates.birth_after_decision", f"born {born}, after the decision of {decided}")]
    if decided.year - born.year > OLDEST_AGE:
        return [FieldError(path, "dates.birth_too_early",
                           f"born {born}: over {OLDEST_AGE} years old at the decision of {decided}")]
    return []


def _claim_errors(doc: WritDocument, profile: Profile) -> list[FieldError]:
    claim = doc.claim
    errors = []
    if claim.kind not in profile.claim_kinds:
        errors.append(FieldError("document.claim.kind", "claim.kind.known", f"one of {sorted(profile.claim_kinds)}"))
    if isinstance(claim, MoneyClaim | PeriodicClaim) and claim.currency != profile.currency:
        errors.append(FieldError("document.claim.currency", "claim.currency",
                                 f"amounts are in {profile.currency} in this jurisdiction"))
    if isinstance(claim, MoneyClaim) and Decimal(claim.amount) <= 0:
        errors.append(FieldError("document.claim.amount", "claim.amount.positive", f"{claim.amount} is not above zero"))
    if isinstance(claim, PeriodicClaim):
        if (claim.share is None) == (claim.amount is None):
            errors.append(FieldError("document.claim", "claim.periodic.share_or_amount",
                                     "a periodic claim states exactly one of share or amount"))
        if claim.amount is not None and Decimal(claim.amount) <= 0:
            errors.append(FieldError("document.claim.amount", "claim.amount.positive", f"{claim.amount} is not above zero"))
        if claim.start_date and claim.end_date and claim.end_date < claim.start_date:
            errors.append(FieldError("document.claim.end_date", "claim.period.end_before_start",
                                     f"the payments end {claim.end_date}, before they start {claim.start_date}"))
        if claim.share is not None:
            num, den = (int(x) for x in claim.share.split("/"))
            if not 0 < num < den:
                errors.append(FieldError("document.claim.share", "claim.share.proper_fraction",
                                         f"{claim.share} must be a fraction between 0 and 1"))
    return errors


def _party_errors(party: Any, path: str, profile: Profile, today: date, *, is_debtor: bool) -> list[FieldError]:
    errors = []
    is_person = isinstance(party, Person)
    allowed = profile.person_identifiers if is_person else profile.organization_identifiers
    for kind, value in party.identifiers.items():
        field = f"{path}.identifiers.{kind}"
        if kind not in allowed:
            errors.append(FieldError(field, "identifier.kind.accepted",
                                     f"accepted here: {', '.join(sorted(allowed))}"))
            continue
        try:
            identifiers.validate(kind, value)
        except identifiers.InvalidIdentifier as exc:
            errors.append(FieldError(field, exc.rule, exc.message))
            continue
        if kind == "inn":
            digits = identifiers.normalize("inn", value)
            expected = 12 if is_person else 10
            if len(digits) != expected:
                errors.append(FieldError(field, "inn.length.party_kind",
                                         f"a {'person' if is_person else 'organisation'} has a {expected}-digit INN"))
    if is_person:
        if party.birth_date is not None and party.birth_date > today:
            errors.append(FieldError(f"{path}.birth_date", "dates.birth_in_future", f"{party.birth_date} is after today"))
        # Without an identifier or a birth date a debtor cannot be told from a namesake
        # (229-FZ art. 13 part 1 s.5 requires the debtor's birth date and an identifier where known).
        if is_debtor and not party.identifiers and party.birth_date is None:
            errors.append(FieldError(path, "debtor.identification",
                                     "a debtor needs at least one identifier or a birth date"))
    return errors
