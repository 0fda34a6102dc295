"""Open reviews that later writs settle: each is decided again with what the registry knows now.

A writ without identifiers at a debtor's new address goes to a reviewer when the only look-alike
was written at another address (possible namesake, `rules.corroborated`). When a later writ links
that person at the new address (by their INN, say), the same party would now be linked by the very
rule that held it back. After each resolution batch, the open party reviews naming any person the
batch linked are decided again; one that now comes out as a confirmed link to an existing person is
closed as a reviewer's confirmation would close it (audited, reopenable), and any other outcome
leaves the task to its reviewer. Nothing is created or merged here.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bailiff.core.actor import Actor
from bailiff.identity import scoring, service
from bailiff.identity.blocking import Batch, load_candidates, load_owners
from bailiff.identity.models import PartyLink, ReviewTask
from bailiff.identity.parties import party_of, party_record
from bailiff.identity.resolve import decide_person
from bailiff.register import service as register

SETTLED = ("linked", "identifier")

# Open party reviews naming one of the given persons among their candidates. The candidates are a
# JSON list of {"id", "probability"}; open tasks are few (about 1% of parties), read by the status index.
_NAMING = {
    "postgresql": ("SELECT t.id FROM identity_reviews t WHERE t.status = 'open' AND t.kind = 'party_match' "
                   "AND EXISTS (SELECT 1 FROM jsonb_array_elements(t.candidates) c "
                   "WHERE (c->>'id')::bigint = ANY(%s))"),
    "sqlite": ("SELECT t.id FROM identity_reviews t WHERE t.status = 'open' AND t.kind = 'party_match' "
               "AND EXISTS (SELECT 1 FROM json_each(t.candidates) c "
               "WHERE json_extract(c.value, '$.id') IN (SELECT value FROM json_each(?)))"),
}


def _naming(session: Session, person_ids: Collection[int]) -> list[int]:
    dialect = session.get_bind().dialect.name
    ids = sorted(person_ids)
    # SQLite reads the list as a JSON array with json_each.
    param: Any = ids if dialect == "postgresql" else "[" + ",".join(str(int(i)) for i in ids) + "]"
    return [row[0] for row in session.connection().exec_driver_sql(_NAMING[dialect], (param,))]


def recheck_reviews(*, session: Session, person_ids: Collection[int], actor: Actor,
                    model: scoring.LinkageModel) -> list[int]:
    """Decide again the open party reviews naming these persons; the ids of the tasks it settled."""
    task_ids = _naming(session, [i for i in person_ids if i > 0]) if person_ids else []
    if not task_ids:
        return []
    # Locked, then read again: a reviewer may have decided one since it was found open.
    tasks = [t for t in session.scalars(select(ReviewTask).where(ReviewTask.id.in_(task_ids))
                                        .order_by(ReviewTask.id).with_for_update()
                                        .execution_options(populate_existing=True))
             if t.status == "open"]
    if not tasks:
        return []
    links = {link.id: link for link in session.scalars(
        select(PartyLink).where(PartyLink.id.in_([t.link_id for t in tasks])).with_for_update())}
    documents = register.documents(session=session, register_numbers=sorted({k.register_number for k in links.values()}))
    pending = []
    for task in tasks:
        link = links[task.link_id]
        party = party_of(documents[link.register_number], link.role, link.position)
        record = party_record(link.register_number, link.role, link.position, party)
        if record.kind == "person":
            pending.append((task, link, party, record))
    records = [record for *_, record in pending]
    batch = Batch()
    load_owners(session, records, batch)
    load_candidates(session, records, batch)
    settled = []
    for task, link, party, record in pending:
        decision = decide_person(record, batch, model)
        if (decision.outcome not in SETTLED or not decision.confirmed or decision.target_id is None
                or decision.target_id < 0 or "duplicate_reason" in decision.evidence):
            continue
        before = link.evidence.get("review_reason") or link.evidence.get("conflict") or link.outcome
        link.outcome, link.probability = decision.outcome, decision.probability
        link.evidence = {**link.evidence, "rechecked": {
            "outcome": decision.outcome, "probability": decision.probability,
            "candidates": decision.evidence.get("candidates", []),
            "identifier_matches": decision.evidence.get("identifier_matches", {})}}
        service.close_review(session, task, link, actor,
                             f"decided again after later writs: {decision.outcome} (was: {before})",
                             status="confirmed", person_id=decision.target_id, party=party)
        settled.append(task.id)
    return settled
