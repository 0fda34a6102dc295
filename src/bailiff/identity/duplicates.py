"""Reviewers' decisions on suspected duplicate records: one person (merge) or distinct people.

Such tasks come from `bailiff identity dedupe` and from intake, when a party with its own identifier
resembled a registry person on names alone (rules.identified_newcomer) or its identifiers belonged
to two records (rules.decide_by_identifiers). Like every reviewer action, a decision can be undone:
reopening a merged task undoes its merges.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bailiff.core import audit
from bailiff.core.actor import Actor
from bailiff.core.clock import utcnow
from bailiff.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from bailiff.identity import service
from bailiff.identity.models import PersonMerge, ReviewTask

KIND = "duplicate_cluster"


def _open_cluster(session: Session, task_id: int) -> ReviewTask:
    task = session.get(ReviewTask, task_id, with_for_update=True)
    if task is None:
        raise NotFound(f"no review task {task_id}")
    if task.kind != KIND:
        raise Conflict(f"review task {task_id} is about a writ's party: confirm or reject it",
                       errors=[FieldError("task", "identity.review.kind", "not a duplicate-records task")])
    if task.status != "open":
        raise Conflict(f"review task {task_id} is already {task.status}",
                       errors=[FieldError("task", "identity.review.closed", "reopen it first")])
    return task


def _close(session: Session, task: ReviewTask, actor: Actor, status: str, resolution: dict[str, Any]) -> dict[str, Any]:
    task.status, task.resolved_at, task.resolved_by = status, utcnow(), actor.label
    task.resolution = resolution
    audit.record(session, [audit.audit_row(actor=actor, action=f"identity.duplicates.{status}",
                                           subject_type="review", subject_id=str(task.id),
                                           reason=resolution["reason"], details=resolution)])
    return service.review(session=session, task_id=task.id)


def merge_cluster(*, session: Session, task_id: int, survivor_id: int, reason: str, actor: Actor) -> dict[str, Any]:
    """The task's records are one person: every other record is merged into `survivor_id`."""
    service.require_reviewer(actor)
    task = _open_cluster(session, task_id)
    members = [c["id"] for c in task.candidates]
    if survivor_id not in members:
        raise ValidationFailed(f"person {survivor_id} is not one of this task's records",
                               errors=[FieldError("survivor_id", "identity.duplicates.member",
                                                  f"one of {', '.join(map(str, members))}")])
    survivor = service.canonical_person(session=session, person_id=survivor_id)
    merges = []
    for member in members:
        if service.canonical_person(session=session, person_id=member) != survivor:
            # merge() refuses records holding different lifelong identifiers, and the whole
            # decision rolls back with it: nothing is half-merged.
            merges.append(service.merge(session=session, survivor_id=survivor, merged_id=member, reason=reason,
                                        actor=actor)["merge_id"])
    return _close(session, task, actor, "merged", {"reason": reason, "survivor_id": survivor, "merges": merges})


def dismiss_cluster(*, session: Session, task_id: int, reason: str, actor: Actor) -> dict[str, Any]:
    """The task's records are different people (namesakes): they stay apart."""
    service.require_reviewer(actor)
    task = _open_cluster(session, task_id)
    people = {service.canonical_person(session=session, person_id=c["id"]) for c in task.candidates}
    if len(people) == 1:
        # Merged since the task was filed (at intake, when one writ showed identifiers of both).
        raise Conflict(f"the records of task {task_id} are already one person {people.pop()}: undo that merge first",
                       errors=[FieldError("task", "identity.duplicates.merged", "the records were merged")])
    return _close(session, task, actor, "distinct", {"reason": reason})


def reopen_cluster(*, session: Session, task: ReviewTask, reason: str, actor: Actor) -> dict[str, Any]:
    """Undo the decision on a duplicate-records task (its merges too) and open it again."""
    resolution = task.resolution or {}
    for merge_id in resolution.get("merges", []):
        row = session.get(PersonMerge, merge_id)
        if row is not None and row.undone_at is None:  # one undone by hand since stays undone
            service.unmerge(session=session, merge_id=merge_id, reason=reason, actor=actor)
    previous = task.status
    task.status, task.resolved_at, task.resolved_by = "open", None, None
    audit.record(session, [audit.audit_row(actor=actor, action="identity.duplicates.reopened", subject_type="review",
                                           subject_id=str(task.id), reason=reason,
                                           details={"was": previous, "resolution": resolution})])
    return service.review(session=session, task_id=task.id)
