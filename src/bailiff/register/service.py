"""Use cases of the register: registration (one or many writs) and the register's reads
(documents, statuses, verification); a writ's moves along its life cycle are in `transitions`.

Each public function runs in the caller's transaction (the web layer or CLI commits at the
boundary). Registration verifies signatures and rules before touching the register, then takes
the log lock, so a batch is stored whole-or-nothing per item: a rejected item stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bailiff.core import audit, outbox, sequences, translog
from bailiff.core.actor import Actor
from bailiff.core.clock import local_today, to_millis, utcnow
from bailiff.core.crypto import SCHEMES, b64decode, canonical_json, sha256
from bailiff.core.bulk import insert_rows
from bailiff.core.db import one_of
from bailiff.core.errors import FieldError, NotFound
from bailiff.jurisdictions import Profile
from bailiff.orgs import service as orgs
from bailiff.orgs.rules import can_issue
from bailiff.register import rules
from bailiff.register.models import Writ
from bailiff.register.results import ItemResult
from bailiff.register.rules import Status
from bailiff.register.schemas import Envelope, WritDocument
from bailiff.register.transitions import status_event, status_leaf

MAX_BATCH = 10_000


@dataclass
class _Candidate:
    index: int
    doc: WritDocument
    raw: dict[str, Any]
    signature: dict[str, Any]
    digest: bytes
    issuer_id: int
    issuer_code: str

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.issuer_id, self.doc.number, self.doc.duplicate.sequence if self.doc.duplicate else 0)


@dataclass(frozen=True, slots=True)
class _Known:
    """What a batch needs of a writ already in the register, or stored earlier in the same batch."""

    register_number: str
    status: str
    leaf_index: int = 0


def _prepare(raw: Any, index: int, *, keys: dict[str, Any], actor: Actor, profile: Profile,
             today: date) -> _Candidate | ItemResult:
    """Check one envelope without touching the register: structure, signature, schema, rules."""
    try:
        envelope = Envelope.model_validate(raw)
    except ValidationError as exc:
        return ItemResult(index, errors=rules.schema_errors(exc, prefix="envelope"))
    sig = envelope.signature
    found = keys.get(sig.key_id)
    if found is None:
        return ItemResult(index, errors=[FieldError("signature.key_id", "issuer.key.unknown",
                                                    f"no registered issuer key {sig.key_id}")])
    key, org = found
    issuer_code = envelope.document.get("issuer", {}).get("code") if isinstance(envelope.document.get("issuer"), dict) else None
    if org.code != issuer_code:
        return ItemResult(index, errors=[FieldError("document.issuer.code", "issuer.key.mismatch",
                                                    f"key {sig.key_id[:16]}... belongs to {org.code}, not {issuer_code}")])
    if not org.active or key.revoked_at is not None:
        return ItemResult(index, errors=[FieldError("document.issuer.code", "issuer.inactive",
                                                    f"issuer {org.code} or its key is not active")])
    if not can_issue(org.kind):
        return ItemResult(index, errors=[FieldError("document.issuer.code", "issuer.kind",
                                                    f"{org.code} is a {org.kind}, which does not issue writs")])
    if actor.org_id != org.id:
        return ItemResult(index, errors=[FieldError("document.issuer.code", "issuer.token_mismatch",
                                                    f"only {org.code}'s own token may submit its writs")])
    try:
        message = canonical_json(envelope.document)
        signature = b64decode(sig.value)
    except Exception as exc:  # noqa: BLE001 - rfc8785 raises several types for unrepresentable values
        return ItemResult(index, errors=[FieldError("document", "document.canonical_json", str(exc))])
    if not SCHEMES[key.alg].verify(key.public_key, signature, message):
        return ItemResult(index, errors=[FieldError("signature.value", "signature.invalid",
                                                    "the Ed25519 signature does not match the document")])
    try:
        doc = WritDocument.model_validate(envelope.document)
    except ValidationError as exc:
        return ItemResult(index, errors=rules.schema_errors(exc))
    problems = rules.text_errors(envelope.document) + rules.document_errors(doc, profile=profile, today=today)
    if problems:
        return ItemResult(index, errors=problems)
    return _Candidate(index, doc, envelope.document, sig.model_dump(), sha256(message), org.id, org.code)


def register_batch(*, session: Session, envelopes: list[Any], actor: Actor, profile: Profile,
                   today: date | None = None) -> list[ItemResult]:
    """Register up to MAX_BATCH signed writs; every item gets its own result."""
    today = today or local_today(profile.timezone)  # a decision dated today is not "in the future" at 01:00 local
    key_ids = {e["signature"]["key_id"] for e in envelopes
               if isinstance(e, dict) and isinstance(e.get("signature"), dict)
               and isinstance(e["signature"].get("key_id"), str)}
    keys = orgs.keys_by_id(session=session, key_ids=key_ids)
    prepared = [_prepare(raw, i, keys=keys, actor=actor, profile=profile, today=today)
                for i, raw in enumerate(envelopes)]
    candidates = [p for p in prepared if isinstance(p, _Candidate)]
    results: dict[int, ItemResult] = {p.index: p for p in prepared if isinstance(p, ItemResult)}
    if candidates:
        results.update(_store(session, candidates, actor=actor, profile=profile))
    return [results[i] for i in range(len(envelopes))]


def _store(session: Session, candidates: list[_Candidate], *, actor: Actor,
           profile: Profile) -> dict[int, ItemResult]:
    tree_size = translog.lock(session)  # serialises all register changes from here to commit
    out: dict[int, ItemResult] = {}
    by_hash = {row.document_hash: _Known(row.register_number, row.status, row.leaf_index) for row in session.execute(
        select(Writ.document_hash, Writ.register_number, Writ.status, Writ.leaf_index)
        .where(Writ.document_hash.in_({c.digest for c in candidates})))}
    wanted_keys = {c.key for c in candidates}
    wanted_keys |= {(c.issuer_id, c.doc.duplicate.original_number, c.doc.duplicate.sequence - 1)
                    for c in candidates if c.doc.duplicate}
    # issuer_id IN (...) AND number IN (...) uses the unique index on both backends (SQLite would
    # scan the table for a row-value IN); the few extra rows it may return are filtered here.
    by_key = {key: known for key, known in _writs_by_number(session, wanted_keys) if key in wanted_keys}
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    leaves: list[bytes] = []
    audits: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    superseded: list[tuple[str, str]] = []
    pending_by_hash: dict[bytes, ItemResult] = {}
    numbers = iter(range(sequences.allocate(session, "writ", len(candidates)), 1 << 62))
    for c in candidates:
        replay = by_hash.get(c.digest)
        if replay is not None:
            out[c.index] = ItemResult(c.index, replay.register_number, replay.leaf_index, replay.status,
                                      c.digest.hex(), replay=True)
            continue
        if c.digest in pending_by_hash:
            first = pending_by_hash[c.digest]
            out[c.index] = ItemResult(c.index, first.register_number, first.leaf_index, first.status,
                                      first.document_hash, replay=True)
            continue
        if c.key in by_key:
            out[c.index] = ItemResult(c.index, conflict=True, errors=[FieldError(
                "document.number", "writ.number.unique",
                f"{c.issuer_code} already registered a different document numbered {c.doc.number}")])
            continue
        status = Status.REGISTERED
        original = None
        if c.doc.duplicate:
            original_key = (c.issuer_id, c.doc.duplicate.original_number, c.doc.duplicate.sequence - 1)
            original = by_key.get(original_key)
            error = _duplicate_error(original, c)
            if error:
                out[c.index] = ItemResult(c.index, conflict=original is not None, errors=[error])
                continue
            status = rules.duplicate_status(Status(original.status))
        register_number = f"{profile.register_prefix}-{now.year}-{next(numbers):09d}"
        leaf_index = tree_size + len(leaves)
        leaves.append(canonical_json({
            "v": 1, "event": "writ.registered", "register_number": register_number, "issuer": c.issuer_code,
            "number": c.doc.number, "duplicate_seq": c.key[2], "document_hash": c.digest.hex(),
            "status": status.value, "original": original.register_number if original else None,
            "at": to_millis(now),
        }))
        row = {"register_number": register_number, "issuer_id": c.issuer_id, "number": c.doc.number,
               "duplicate_seq": c.key[2], "writ_type": c.doc.type, "document_hash": c.digest,
               "document": c.raw, "signature": c.signature, "status": status.value,
               "original_register_number": original.register_number if original else None,
               "superseded_by": None, "leaf_index": leaf_index, "registered_at": now, "status_changed_at": now}
        new_rows.append(row)
        # Later items of this batch see this writ as if it were already stored.
        by_key[c.key] = _Known(register_number, status.value, leaf_index)
        result = ItemResult(c.index, register_number, leaf_index, status.value, c.digest.hex())
        out[c.index] = pending_by_hash[c.digest] = result
        audits.append(audit.audit_row(actor=actor, action="writ.registered", subject_type="writ",
                                      subject_id=register_number, log_leaf_index=leaf_index, at=now,
                                      details={"issuer": c.issuer_code, "number": c.doc.number,
                                               "document_hash": c.digest.hex()}))
        events.append(outbox.event_row(topic="writ.registered", key=f"writ.registered:{register_number}", at=now,
                                       payload={"register_number": register_number, "issuer": c.issuer_code,
                                                "number": c.doc.number, "leaf_index": leaf_index,
                                                "document_hash": c.digest.hex(), "status": status.value}))
        if original is not None:
            superseded.append((original.register_number, register_number))
            leaf = tree_size + len(leaves)
            leaves.append(status_leaf(original.register_number, original.status, Status.SUPERSEDED,
                                       "supersede", c.issuer_code, now))
            audits.append(audit.audit_row(actor=actor, action="writ.superseded", subject_type="writ",
                                          subject_id=original.register_number, log_leaf_index=leaf, at=now,
                                          reason=f"duplicate {register_number} issued (CPC art. 430)",
                                          details={"from": original.status, "duplicate": register_number}))
            events.append(status_event(original.register_number, c.issuer_code, original.status, Status.SUPERSEDED, leaf, now))
    # Numbers were reserved for every candidate; replays and refusals give theirs back, so the
    # register's numbers stay consecutive (an auditor asks what became of a missing one).
    sequences.give_back(session, "writ", len(candidates) - len(new_rows))
    if new_rows:
        insert_rows(session, Writ.__table__, new_rows)
    for original_number, duplicate_number in superseded:
        session.execute(update(Writ).where(Writ.register_number == original_number)
                        .values(status=Status.SUPERSEDED.value, superseded_by=duplicate_number,
                                status_changed_at=now))
    translog.append(session, leaves, tree_size=tree_size)
    audit.record(session, audits)
    outbox.emit(session, events)
    return out


def _writs_by_number(session: Session, keys: set[tuple[int, str, int]]) -> list[tuple[tuple[int, str, int], _Known]]:
    """Writs of the given issuers and numbers, in one indexed query per issuer."""
    found: list[tuple[tuple[int, str, int], _Known]] = []
    for issuer_id in {k[0] for k in keys}:
        # One array parameter on PostgreSQL: with a thousand separate IN parameters its generic plan
        # (psycopg prepares repeated statements) filtered the issuer's whole history row by row.
        numbers = one_of(session, Writ.number, {k[1] for k in keys if k[0] == issuer_id})
        rows = session.execute(select(Writ.number, Writ.duplicate_seq, Writ.register_number, Writ.status,
                                      Writ.leaf_index).where(Writ.issuer_id == issuer_id, numbers))
        found += [((issuer_id, r.number, r.duplicate_seq), _Known(r.register_number, r.status, r.leaf_index))
                  for r in rows]
    return found


def _duplicate_error(original: _Known | None, c: _Candidate) -> FieldError | None:
    assert c.doc.duplicate is not None
    if original is None:
        return FieldError("document.duplicate.original_number", "duplicate.original.unknown",
                          f"{c.issuer_code} has no writ {c.doc.duplicate.original_number} "
                          f"(sequence {c.doc.duplicate.sequence - 1}) to replace")
    if not rules.can_be_duplicated(Status(original.status)):
        return FieldError("document.duplicate.original_number", "duplicate.original.status",
                          f"the original is {original.status} and cannot be replaced")
    return None


def get_writ(*, session: Session, register_number: str) -> Writ:
    """A writ by register number (NotFound otherwise)."""
    writ = session.get(Writ, register_number)
    if writ is None:
        raise NotFound(f"no writ {register_number} in the register")
    return writ


def find_by_hash(*, session: Session, document_hash: bytes) -> Writ:
    """The writ whose signed document has this hash."""
    writ = session.scalar(select(Writ).where(Writ.document_hash == document_hash))
    if writ is None:
        raise NotFound("no registered writ has this document hash")
    return writ


def verification(*, session: Session, register_number: str) -> dict[str, Any]:
    """Public proof that a writ is registered: no personal data, only hashes and statuses."""
    writ = get_writ(session=session, register_number=register_number)
    size = translog.current_size(session)
    leaf_hash, path = translog.inclusion(session, leaf_index=writ.leaf_index, tree_size=size)
    events = audit.history(session, subject_type="writ", subject_id=register_number)
    return {
        "register_number": writ.register_number,
        "status": writ.status,
        "writ_type": writ.writ_type,
        "issuer": writ.document.get("issuer", {}).get("code"),
        "document_hash": writ.document_hash.hex(),
        "registered_at": writ.registered_at.isoformat(),
        "status_changed_at": writ.status_changed_at.isoformat(),
        "superseded_by": writ.superseded_by,
        "original": writ.original_register_number,
        "leaf_index": writ.leaf_index,
        "inclusion_proof": {"leaf_index": writ.leaf_index, "tree_size": size, "leaf_hash": leaf_hash.hex(),
                            "audit_path": [h.hex() for h in path]},
        "history": [{"action": e.action, "at": e.at.isoformat(), "leaf_index": e.log_leaf_index}
                    for e in events],
    }


def statuses(*, session: Session, register_numbers: Sequence[str]) -> dict[str, str]:
    """The current status of each given writ (unknown numbers are left out)."""
    return dict(session.execute(select(Writ.register_number, Writ.status)
                                .where(one_of(session, Writ.register_number, register_numbers))).all())


def documents(*, session: Session, register_numbers: list[str]) -> dict[str, dict[str, Any]]:
    """The signed documents of the given writs, by register number (for other contexts)."""
    rows = session.execute(select(Writ.register_number, Writ.document)
                           .where(one_of(session, Writ.register_number, register_numbers)))
    return {number: document for number, document in rows}
