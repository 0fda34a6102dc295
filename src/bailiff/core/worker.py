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


def run_once(database: Database, handlers: dict[str, Handler], *, limit: int = 100, max_attempts: int = 12) -> int:
    """Lease and deliver one batch of due events; returns how many were attempted."""
    with database.transaction() as session:
        leased = [Delivery(e.id, e.topic, e.key, dict(e.payload), e.created_at, e.attempts)
                  for e in outbox.lease_batch(session, limit=limit)]
    for delivery in leased:
        handler = handlers.get(delivery.topic)
        try:
            if handler is not None:
                handler(delivery)
        except Exception as exc:  # noqa: BLE001 - any recipient failure means "retry later"
            log.warning("delivery of %s failed: %s", delivery.key, exc)
            with database.transaction() as session:
                outbox.mark_failed(session, delivery.id, error=f"{type(exc).__name__}: {exc}",
                                   max_attempts=max_attempts)
            continue
        with database.transaction() as session:
            outbox.mark_delivered(session, delivery.id)
    return len(leased)


def run_forever(database: Database, handlers: dict[str, Handler], *, poll_seconds: float = 0.5,
                max_attempts: int = 12, stop_when_idle: bool = False) -> None:
    """Deliver until SIGTERM/SIGINT (or, with stop_when_idle, until nothing is due)."""
    stopping = False

    def _stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while not stopping:
        done = run_once(database, handlers, max_attempts=max_attempts)
        if done == 0:
            if stop_when_idle:
                return
            time.sleep(poll_seconds)
