"""Outbox subscriptions of the identity context: resolve the parties of every registered writ."""

from __future__ import annotations

from bailiff.core.actor import Actor
from bailiff.core.db import Database
from bailiff.core.worker import BatchHandler, Delivery
from bailiff.identity import resolve, scoring
from bailiff.register import service as register

RESOLVER = Actor(kind="system", ident="identity-resolver", role="system")


def resolve_registered(database: Database, deliveries: list[Delivery]) -> int:
    """Resolve the parties of the writs named by `writ.registered` events, in one transaction."""
    numbers = [d.payload["register_number"] for d in deliveries]
    with database.transaction() as session:
        documents = register.documents(session=session, register_numbers=numbers)
        model = scoring.load_model(session)
        return len(resolve.resolve_writs(session=session, documents=documents, actor=RESOLVER, model=model))


def handlers(database: Database) -> dict[str, list[BatchHandler]]:
    """The outbox handlers of this context, by topic."""
    return {"writ.registered": [BatchHandler(lambda deliveries: resolve_registered(database, deliveries))]}
