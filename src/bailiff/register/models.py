"""Tables of the register context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bailiff.core.db import Base


class Writ(Base):
    """A registered writ: the signed document as received, and its current status."""

    __tablename__ = "writs"
    __table_args__ = (
        # One document number per issuer; a duplicate shares the number and has sequence >= 1.
        UniqueConstraint("issuer_id", "number", "duplicate_seq", name="uq_writs_issuer_number"),
        Index("ix_writs_status", "status"),
    )

    register_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    number: Mapped[str] = mapped_column(String(100))
    duplicate_seq: Mapped[int] = mapped_column(SmallInteger, default=0)
    writ_type: Mapped[str] = mapped_column(String(40))
    # SHA-256 of the RFC 8785 form: the same signed document sent twice is recognised by it.
    document_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    document: Mapped[dict[str, Any]]
    signature: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))
    original_register_number: Mapped[str | None] = mapped_column(ForeignKey("writs.register_number"))
    superseded_by: Mapped[str | None] = mapped_column(String(32))
    leaf_index: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    registered_at: Mapped[datetime]
    status_changed_at: Mapped[datetime]
