"""Outbox handlers: a presented writ opens a proceeding; a committed draw is drawn once its round exists."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from bailiff.assignment import draws
from bailiff.assignment.beacons import BeaconStore, beacon_store
from bailiff.config import Settings
from bailiff.core import outbox
from bailiff.core.clock import utcnow
from bailiff.core.db import Database
from bailiff.core.worker import BatchHandler, Delivery
from bailiff.jurisdictions import load_profile
from bailiff.proceedings import enforcement, service
from bailiff.proceedings.rules import consolidation_suffix
from bailiff.proceedings.service import OPENER, Presentation


# A drand round committed to is published within the margin and one period (quicknet: 3 s);
# waiting this much longer means the relay is behind, and the event is retried instead.
MAX_WAIT_SECONDS = 60.0


def chain_store(settings: Settings) -> BeaconStore:
    """The deployment's beacon (the local hash chain, or drand)."""
    return beacon_store(settings)


# A writ whose debtor is not identified yet waits for identification: its opening is deferred with a
# delay that grows to this many seconds, never dropped, and without failing the event it came with
# (which would resend that event's receipts and park it after its attempts).
DEFER_MAX_SECONDS = 900


def open_presented(database: Database, settings: Settings, deliveries: list[Delivery]) -> None:
    """Open proceedings on writs that became `presented` (and end those on recalled writs); the opening
    of a writ whose debtor is not identified yet is deferred (`proceeding.opening_deferred`)."""
    recalled = [d.payload["register_number"] for d in deliveries if d.payload.get("to") == "recalled"]
    if recalled:
        with database.transaction() as session:
            enforcement.end_recalled(session=session, register_numbers=recalled, actor=OPENER,
                                     profile=load_profile(settings.jurisdiction))
    presented: dict[str, tuple[Presentation, int]] = {}
    for d in deliveries:
        if d.topic == "proceeding.opening_deferred":
            presented[d.payload["register_number"]] = (Presentation(
                d.payload["register_number"], datetime.fromisoformat(d.payload["presented_at"]),
                d.payload.get("department")), int(d.payload["try"]))
        elif d.payload.get("to") == "presented":
            presented[d.payload["register_number"]] = (Presentation(
                d.payload["register_number"], d.created_at, d.payload.get("department")), 0)
    if not presented:
        return
    with database.transaction() as session:
        outcome = service.open_presented(session=session, presentations=[p for p, _ in presented.values()],
                                         profile=load_profile(settings.jurisdiction), store=chain_store(settings))
        now = utcnow()
        deferred = []
        for number in outcome.waiting_for_identity:
            presentation, tries = presented[number]
            row = outbox.event_row(topic="proceeding.opening_deferred", at=now,
                                   key=f"proceeding.opening_deferred:{number}:{presentation.presented_at.isoformat()}:"
                                       f"{tries + 1}",
                                   payload={"register_number": number, "department": presentation.department,
                                            "presented_at": presentation.presented_at.isoformat(), "try": tries + 1})
            row["available_at"] = now + timedelta(seconds=min(2 ** tries, DEFER_MAX_SECONDS))
            deferred.append(row)
        outbox.emit(session, deferred)


def draw_committed(database: Database, settings: Settings, deliveries: list[Delivery]) -> None:
    """Reveal the rounds committed to and draw (in batches until none is pending)."""
    store = chain_store(settings)
    while True:
        with database.transaction() as session:
            if draws.draw_pending(session=session, store=store, actor=OPENER):
                continue
        with database.reading() as session:
            wait = draws.pending_wait(session=session, store=store)
        if wait is None:
            return
        if wait > MAX_WAIT_SECONDS + settings.drand_margin_seconds:  # the worker retries the event later
            raise RuntimeError(f"the beacon round committed to is {wait:.0f} s away")
        time.sleep(wait)


def follow_leads(database: Database, settings: Settings, deliveries: list[Delivery]) -> None:
    """A proceeding got a bailiff (draw, redraw, override): the members of its consolidated proceeding
    follow its lead's bailiff (229-FZ art. 34 part 1). Joins themselves change nothing further."""
    numbers = {d.payload["proceeding"] for d in deliveries if d.payload.get("kind") != "join"}
    if not numbers:
        return
    suffix = consolidation_suffix(load_profile(settings.jurisdiction).raw)
    if not suffix:
        return
    with database.transaction() as session:
        service.join_groups(session=session, groups=service.groups_of(session=session, numbers=numbers),
                            suffix=suffix, actor=OPENER)


def handlers(database: Database, settings: Settings) -> dict[str, list[BatchHandler]]:
    """The outbox handlers of this context, by topic."""
    return {"writ.status_changed": [BatchHandler(lambda ds: open_presented(database, settings, ds))],
            "proceeding.opening_deferred": [BatchHandler(lambda ds: open_presented(database, settings, ds))],
            "assignment.committed": [BatchHandler(lambda ds: draw_committed(database, settings, ds))],
            "proceeding.assigned": [BatchHandler(lambda ds: follow_leads(database, settings, ds))]}


