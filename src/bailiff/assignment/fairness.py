"""The fairness report: does each bailiff get the share of cases their weight promises, and did
anything happen that could steer the draw (tiny eligible sets, last-minute absences, overrides,
cases redrawn again and again)?"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from scipy.stats import chisquare
from sqlalchemy import select
from sqlalchemy.orm import Session

from bailiff.assignment.models import Assignment, Bailiff, Unavailability
from bailiff.core.clock import utcnow

SMALL_ELIGIBLE = 3  # fewer candidates than this make a draw nearly a choice
LATE_ABSENCE = timedelta(hours=24)  # an absence filed this close before a draw it affected
P_ALARM = 0.01
# A commitment names a beacon round some seconds ahead; still undrawn after this long, its round
# cannot be had: the beacon is down, or the deployment no longer serves its chain. The proceeding
# waits without a bailiff until someone acts, so it is raised here.
STALLED = timedelta(minutes=15)
# One granted change of bailiff is ordinary; a case redrawn again and again until some bailiff comes
# up looks, draw by draw, fair, so the count is raised here.
REPEATED_REDRAWS = 2


def report(*, session: Session, office_id: str | None = None) -> dict[str, Any]:
    """Per office and bailiff: cases against weight, a chi-square test, and alarms."""
    query = select(Assignment).where(Assignment.status == "drawn")
    if office_id is not None:
        query = query.where(Assignment.office_id == office_id)
    rows = list(session.scalars(query.order_by(Assignment.commit_leaf)))
    draws = [a for a in rows if a.kind in ("draw", "redraw")]
    offices: dict[str, dict[str, Any]] = {}
    by_office: dict[str, list[Assignment]] = defaultdict(list)
    for a in draws:
        by_office[a.office_id].append(a)
    for office, items in sorted(by_office.items()):
        observed: dict[str, int] = defaultdict(int)
        expected: dict[str, float] = defaultdict(float)
        for a in items:
            total = sum(int(e["weight"]) for e in a.eligible)
            for e in a.eligible:
                expected[e["bailiff_id"]] += int(e["weight"]) / total
            observed[a.bailiff_id or ""] += 1
        ids = sorted(expected)
        counts = [observed[i] for i in ids]
        wanted = [expected[i] for i in ids]
        test = chisquare(counts, wanted) if len(ids) > 1 else None
        # Pearson's test needs about five expected cases per bailiff to mean anything.
        enough = len(ids) > 1 and min(wanted) >= 5
        offices[office] = {
            "draws": len(items),
            "bailiffs": [{"bailiff_id": i, "cases": observed[i], "expected_cases": round(expected[i], 2),
                          "share_of_cases": round(observed[i] / len(items), 4),
                          "share_of_weight": round(expected[i] / len(items), 4)} for i in ids],
            "chi_square": None if test is None else round(float(test.statistic), 3),
            "degrees_of_freedom": len(ids) - 1, "p_value": None if test is None else round(float(test.pvalue), 4),
            "enough_data": enough, "uneven": bool(enough and test is not None and test.pvalue < P_ALARM)}
    return {"offices": offices, "alarms": {**_alarms(session, rows, draws), "stalled_draws": _stalled(session, office_id)}}


def _stalled(session: Session, office_id: str | None) -> list[dict[str, Any]]:
    query = select(Assignment).where(Assignment.status == "committed", Assignment.closed_at.is_(None),
                                     Assignment.committed_at < utcnow() - STALLED)
    if office_id is not None:
        query = query.where(Assignment.office_id == office_id)
    return [{"proceeding": a.proceeding_number, "office": a.office_id, "beacon": a.beacon, "round": a.round,
             "committed_at": a.committed_at.isoformat(), "commit_leaf": a.commit_leaf}
            for a in session.scalars(query.order_by(Assignment.committed_at))]


def _alarms(session: Session, rows: list[Assignment], draws: list[Assignment]) -> dict[str, list[dict[str, Any]]]:
    small = [{"proceeding": a.proceeding_number, "office": a.office_id, "eligible": len(a.eligible),
              "commit_leaf": a.commit_leaf} for a in draws if len(a.eligible) < SMALL_ELIGIBLE]
    overrides = [{"proceeding": a.proceeding_number, "office": a.office_id, "bailiff_id": a.bailiff_id,
                  "reason": a.reason, "by": a.actor, "leaf": a.result_leaf} for a in rows if a.kind == "override"]
    late = []
    office_of = dict(session.execute(select(Bailiff.id, Bailiff.office_id)).all())
    for u in session.scalars(select(Unavailability)):
        affected = [a for a in draws if u.filed_at <= a.committed_at <= u.filed_at + LATE_ABSENCE
                    and u.starts_on <= a.committed_at.date() <= u.ends_on
                    and office_of.get(u.bailiff_id) == a.office_id
                    and all(e["bailiff_id"] != u.bailiff_id for e in a.eligible)]
        if affected:
            late.append({"bailiff_id": u.bailiff_id, "kind": u.kind, "filed_at": u.filed_at.isoformat(),
                         "reason": u.reason, "leaf": u.leaf_index, "draws_affected": len(affected),
                         "first_proceeding": affected[0].proceeding_number})
    redraws: dict[str, list[Assignment]] = defaultdict(list)
    for a in draws:
        if a.kind == "redraw":
            redraws[a.proceeding_number].append(a)
    repeated = [{"proceeding": number, "office": items[0].office_id, "redraws": len(items),
                 "bailiffs": [a.bailiff_id for a in items], "leaves": [a.result_leaf for a in items]}
                for number, items in sorted(redraws.items()) if len(items) >= REPEATED_REDRAWS]
    return {"small_eligible_sets": small, "late_absences": late, "overrides": overrides,
            "repeated_redraws": repeated}
