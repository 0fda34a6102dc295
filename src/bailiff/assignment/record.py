"""The public record of a draw: everything an outsider needs to recompute it, and nothing personal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bailiff.assignment import rules
from bailiff.assignment.models import Assignment, Bailiff, BeaconChain, BeaconRound
from bailiff.core import translog
from bailiff.core.errors import NotFound

HOW = ("x = int(SHA-256(b'bailiff/assign/v1' 0x00 seed proceeding_utf8 0x00 ctr_be32)); accept the first "
       "x < 2**256 - (2**256 % W); r = x % W; the first bailiff (sorted by id) whose cumulative weight exceeds r")


def assignment(*, session: Session, proceeding_number: str) -> dict[str, Any]:
    """The latest draw of a proceeding with its proofs, and the earlier ones in brief."""
    rows = list(session.scalars(select(Assignment).where(Assignment.proceeding_number == proceeding_number)
                                .order_by(Assignment.seq)))
    if not rows:
        raise NotFound(f"no assignment for proceeding {proceeding_number}")
    size = translog.current_size(session)
    latest = rows[-1]
    out = _brief(session, latest)
    chain = session.get(BeaconChain, latest.beacon) if latest.beacon else None
    revealed = session.get(BeaconRound, (latest.beacon, latest.round)) if latest.beacon else None
    out["tree_size"] = size
    out["commit"]["inclusion_proof"] = _proof(session, latest.commit_leaf, size)
    if latest.result_leaf is not None:
        out["result"]["inclusion_proof"] = _proof(session, latest.result_leaf, size)
    if chain is not None:
        drand = chain.source.startswith("drand:")
        out["beacon"].update({"kind": "drand" if drand else "local hash chain", "anchor": chain.anchor.hex(),
                              "anchor_leaf": chain.anchor_leaf,
                              "anchor_inclusion_proof": _proof(session, chain.anchor_leaf, size),
                              "rule": ("the round's BLS signature verifies against the chain's public key (in the "
                                       "anchor leaf); value = SHA-256(signature)") if drand else
                              "SHA-256 applied `round` times to the value gives the anchor"})
    if revealed is not None:
        out["beacon"].update({"value": revealed.value.hex(), "reveal_leaf": revealed.leaf_index,
                              "reveal_inclusion_proof": _proof(session, revealed.leaf_index, size)})
    out["algorithm"] = {"domain": rules.DOMAIN.decode(), "description": HOW}
    out["history"] = [_brief(session, a) for a in rows[:-1]]
    return out


def latest(*, session: Session, limit: int) -> list[dict[str, Any]]:
    """The newest draws, newest first."""
    rows = session.scalars(select(Assignment).order_by(Assignment.commit_leaf.desc()).limit(limit))
    return [_brief(session, a) for a in rows]


def _brief(session: Session, a: Assignment) -> dict[str, Any]:
    bailiff = session.get(Bailiff, a.bailiff_id) if a.bailiff_id else None
    return {"proceeding_number": a.proceeding_number, "seq": a.seq, "kind": a.kind, "reason": a.reason,
            "office_id": a.office_id, "status": a.status, "lead": a.lead, "eligible": a.eligible, "excluded": a.excluded,
            "total_weight": sum(int(e["weight"]) for e in a.eligible),
            "beacon": {"source": a.beacon, "round": a.round},
            "commit": {"leaf_index": a.commit_leaf, "at": a.committed_at.isoformat()},
            "ctr": a.ctr, "r": a.r,
            "result": {"leaf_index": a.result_leaf, "at": a.drawn_at.isoformat() if a.drawn_at else None},
            "bailiff": ({"bailiff_id": bailiff.id, "name": bailiff.name, "office_id": bailiff.office_id}
                        if bailiff else None)}


def _proof(session: Session, leaf_index: int, size: int) -> dict[str, Any]:
    leaf_hash, path = translog.inclusion(session, leaf_index=leaf_index, tree_size=size)
    return {"leaf_index": leaf_index, "tree_size": size, "leaf_hash": leaf_hash.hex(),
            "audit_path": [h.hex() for h in path]}
