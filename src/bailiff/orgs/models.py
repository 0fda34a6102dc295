"""Tables of the orgs context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bailiff.core.db import Base, JsonType


class Organization(Base):
    """A court, agency, bank or bailiff service registered with this deployment."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Where registration receipts and status events are delivered (signed), if anywhere.
    callback_url: Mapped[str | None] = mapped_column(Text)
    # The organisation's own identifiers ({"inn": ...}, {"bin": ...}): a claimant or bank acts only in
    # proceedings on writs that name it as a creditor by one of them.
    identifiers: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    created_at: Mapped[datetime]


class OrgKey(Base):
    """A public key an organisation signs with; revoked keys stay for old signatures' history."""

    __tablename__ = "org_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    alg: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class ApiToken(Base):
    """An API token, stored only as its SHA-256 so a database leak reveals no usable token."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
