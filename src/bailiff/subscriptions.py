"""Who listens to which outbox topic: every context's handlers, merged for the worker."""

from __future__ import annotations

from bailiff.config import Settings
from bailiff.core.crypto import SigningKey
from bailiff.core.db import Database
from bailiff.core.worker import Handlers


def all_handlers(database: Database, settings: Settings) -> Handlers:
    """Handlers of all contexts by topic, in a fixed order (identity, proceedings, then receipts)."""
    from bailiff.identity import handlers as identity
    from bailiff.orgs import webhooks
    from bailiff.proceedings import handlers as proceedings

    merged: Handlers = {}
    for part in (identity.handlers(database), proceedings.handlers(database, settings),
                 webhooks.handlers(database, SigningKey.load_or_create(settings.service_key_path),
                                   timeout=settings.webhook_timeout_seconds)):
        for topic, handlers in part.items():
            merged.setdefault(topic, []).extend(handlers)
    return merged
