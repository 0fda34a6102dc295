"""Whole-registry deduplication: find clusters of person records that are likely one person.

It files each cluster for review and never merges on its own: records that the online resolver
could not link with confidence are exactly the ones a person must look at.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sqlalchemy import select
from sqlalchemy.orm import Session

from bailiff.core import audit
from bailiff.core.actor import Actor
from bailiff.core.clock import utcnow
from bailiff.core.bulk import insert_rows
from bailiff.identity.linkage.model import score
from bailiff.identity.linkage.normalize import prepare_records
from bailiff.identity.linkage.pipeline import Reporter, SilentReporter, fit
from bailiff.identity.models import PartyIdentifier, ReviewTask
from bailiff.identity.scoring import PERSON_FIELDS
from bailiff.identity.training import REGISTRY_SETTINGS, registry_frame

ID_FIELDS = [("inn", "inn"), ("snils", "snils")]
MAX_CLUSTER = 50  # a larger component is a blocking artefact, not one person


def _with_identifiers(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Add INN and SNILS columns: two different valid values veto a pair (different people)."""
    for kind, column in ID_FIELDS:
        rows = session.execute(select(PartyIdentifier.person_id, PartyIdentifier.value)
                               .where(PartyIdentifier.person_id.is_not(None), PartyIdentifier.kind == kind))
        ids = pd.DataFrame(rows.all(), columns=["id", column]).drop_duplicates("id")
        ids["id"] = ids["id"].astype(str)
        frame = frame.merge(ids, how="left", on="id")
    return frame


def find_clusters(frame: pd.DataFrame, *, threshold: float, reporter: Reporter) -> list[dict[str, Any]]:
    """Clusters of records whose pairwise match probability reaches the threshold."""
    fields = PERSON_FIELDS + ID_FIELDS
    records = prepare_records([frame], "id", fields, ["registry"], REGISTRY_SETTINGS.name_normalizer)
    fitted = fit(records, REGISTRY_SETTINGS, reporter)
    probability = score(fitted.model, fitted.gamma, fitted.veto)
    keep = probability >= threshold
    i, j, p = fitted.candidates.i[keep], fitted.candidates.j[keep], probability[keep]
    n = len(records.ids)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for node in np.unique(np.concatenate([i, j])) if len(i) else []:
        members.setdefault(int(labels[node]), []).append(int(node))
    best = {}
    for a, b, prob in zip(i, j, p, strict=True):
        label = int(labels[a])
        best[label] = max(best.get(label, 0.0), float(prob))
    clusters = []
    for label, nodes in members.items():
        if 2 <= len(nodes) <= MAX_CLUSTER:
            clusters.append({"person_ids": sorted(int(records.ids[k]) for k in nodes),
                             "max_probability": best[label]})
    clusters.sort(key=lambda c: -c["max_probability"])
    return clusters


def dedupe_registry(*, session: Session, actor: Actor, threshold: float = 0.9,
                    reporter: Reporter | None = None) -> dict[str, Any]:
    """Find likely duplicate persons and file each new cluster as a review task."""
    reporter = reporter or SilentReporter()
    frame = _with_identifiers(session, registry_frame(session))
    if len(frame) < 2:
        return {"persons": len(frame), "clusters": 0, "filed": 0}
    clusters = find_clusters(frame, threshold=threshold, reporter=reporter)
    filed_before = {tuple(sorted(c["id"] for c in task.candidates)) for task in session.scalars(
        select(ReviewTask).where(ReviewTask.kind == "duplicate_cluster", ReviewTask.status == "open"))}
    now = utcnow()
    rows = [{"kind": "duplicate_cluster", "link_id": None, "status": "open", "opened_at": now,
             "candidates": [{"id": pid, "probability": c["max_probability"]} for pid in c["person_ids"]]}
            for c in clusters if tuple(c["person_ids"]) not in filed_before]
    if rows:
        insert_rows(session, ReviewTask.__table__, rows)
    audit.record(session, [audit.audit_row(actor=actor, action="identity.dedupe", subject_type="registry",
                                           subject_id="persons", details={"persons": len(frame),
                                                                          "clusters": len(clusters),
                                                                          "filed": len(rows),
                                                                          "threshold": threshold})])
    return {"persons": len(frame), "clusters": len(clusters), "filed": len(rows)}
