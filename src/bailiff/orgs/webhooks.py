"""Signed deliveries of register events to the issuing organisation's callback URL.

A court that registered a callback gets an electronic receipt for each writ it sent and each
status change of it. The body is RFC 8785 JSON signed by the service key (header
`Bailiff-Signature`); `Bailiff-Event-Key` is stable across retries so receivers can drop repeats.
"""

from __future__ import annotations

import httpx
from sqlalchemy import select

from bailiff.core.crypto import SigningKey, b64encode, canonical_json
from bailiff.core.db import Database
from bailiff.core.worker import BatchHandler, Delivery
from bailiff.orgs.models import Organization

REGISTER_TOPICS = ("writ.registered", "writ.status_changed")


class CallbackHandler:
    """Posts events to the callback URL of the organisation named in each payload."""

    def __init__(self, database: Database, key: SigningKey, *, timeout: float = 10.0) -> None:
        self.database = database
        self.key = key
        self.client = httpx.Client(timeout=timeout)

    def __call__(self, deliveries: list[Delivery]) -> dict[int, str]:
        codes = {d.payload.get("issuer") for d in deliveries}
        with self.database.reading() as session:
            urls = dict(session.execute(select(Organization.code, Organization.callback_url)
                                        .where(Organization.code.in_(codes),
                                               Organization.callback_url.is_not(None))).all())
        failed: dict[int, str] = {}
        for delivery in deliveries:
            url = urls.get(delivery.payload.get("issuer"))
            if url:  # nobody asked for receipts: delivered by definition
                try:
                    self._post(url, delivery)
                except httpx.HTTPError as exc:
                    failed[delivery.id] = f"{type(exc).__name__}: {exc}"
        return failed

    def _post(self, url: str, delivery: Delivery) -> None:
        body = canonical_json({"topic": delivery.topic, "key": delivery.key, "payload": delivery.payload,
                               "created_at": delivery.created_at.isoformat()})
        response = self.client.post(url, content=body, headers={
            "Content-Type": "application/json",
            "Bailiff-Event-Key": delivery.key,
            "Bailiff-Signature": f'keyid="{self.key.key_id}", alg="Ed25519", sig="{b64encode(self.key.sign(body))}"',
        })
        response.raise_for_status()


def handlers(database: Database, key: SigningKey, *, timeout: float = 10.0) -> dict[str, list[BatchHandler]]:
    """The outbox handlers of this context, by topic."""
    callback = BatchHandler(CallbackHandler(database, key, timeout=timeout))
    return {topic: [callback] for topic in REGISTER_TOPICS}
