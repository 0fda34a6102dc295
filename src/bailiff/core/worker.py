"""The outbox worker: delivers events written by use cases, with retries and backoff."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bailiff.core import outbox
from bailiff.core.db import Database

log = logging.getLogger("bailiff.worker")


@dataclass(frozen=True)
class Delivery:
    """A leased event, detached from the session so delivery happens outside any transaction."""

    id: int
    topic: str
    key: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int


Handler = Callable[[Delivery], None]


class BatchHandler:
    """A handler that takes all leased deliveries of its topic at once.

    It raises to fail the whole batch, or returns {delivery id: error} for the deliveries that
    failed on their own (one unreachable receiver must not hold back everybody else's events).
    """

    def __init__(self, handle: Callable[[list[Delivery]], dict[int, str] | None | object]) -> None:
        self.handle = handle


Handlers = dict[str, list["Handler | BatchHandler"]]


def run_once(database: Database, handlers: Handlers, *, limit: int = 500, max_attempts: int = 12) -> int:
    """Lease and deliver one batch of due events; returns how many were attempted.

    Every handler of a topic must succeed for an event to count as delivered; a failed event is
    retried with all of them, so each handler must be idempotent (they are: receipts carry a stable
    key, identity resolution skips parties already decided).
    """
    with database.transaction() as session:
        leased = [Delivery(e.id, e.topic, e.key, dict(e.payload), e.created_at, e.attempts)
                  for e in outbox.lease_batch(session, limit=limit)]
    failed: dict[int, str] = {}
    by_topic: dict[str, list[Delivery]] = {}
    for delivery in leased:
        by_topic.setdefault(delivery.topic, []).append(delivery)
    # Topics in the handlers' own order (identity before proceedings before receipts), not in the order
    # the lease happened to return them: a batch holding an old status change and a new registration
    # must still identify debtors before proceedings are opened on them.
    ordered = [t for t in handlers if t in by_topic] + [t for t in by_topic if t not in handlers]
    for topic in ordered:
        deliveries = by_topic[topic]
        for handler in handlers.get(topic, []):
            if isinstance(handler, BatchHandler):
                outcome = _call(lambda: handler.handle(deliveries), deliveries, failed)
                if isinstance(outcome, dict):
                    for event_id, error in outcome.items():
                        failed.setdefault(event_id, error)
            else:
                for delivery in deliveries:
                    _call(lambda d=delivery: handler(d), [delivery], failed)  # type: ignore[misc]
    with database.transaction() as session:
        outbox.mark_delivered(session, [d.id for d in leased if d.id not in failed])
        for event_id, error in failed.items():
            outbox.mark_failed(session, event_id, error=error, max_attempts=max_attempts)
    return len(leased)


def _call(action: Callable[[], object], deliveries: list[Delivery], failed: dict[int, str]) -> object:
    try:
        return action()
    except Exception as exc:  # noqa: BLE001 - any recipient failure means "retry later"
        log.warning("delivery of %s failed: %s", ", ".join(d.key for d in deliveries[:3]), exc)
        for delivery in deliveries:
            failed.setdefault(delivery.id, f"{type(exc).__name__}: {exc}")
        return None


def run_forever(database: Database, handlers: Handlers, *, poll_seconds: float = 0.5, limit: int = 500,
                max_attempts: int = 12, stop_when_idle: bool = False) -> None:
    """Deliver until SIGTERM/SIGINT (or, with stop_when_idle, until nothing is due)."""
    stopping = False

    def _stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stopping:
        done = run_once(database, handlers, limit=limit, max_attempts=max_attempts)
        if done == 0:
            if stop_when_idle:
                return
            time.sleep(poll_seconds)
