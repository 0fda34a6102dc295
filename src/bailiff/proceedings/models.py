"""Tables of the proceedings context."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bailiff.core.db import Base


class Proceeding(Base):
    """An enforcement proceeding opened on one presented writ."""

    __tablename__ = "proceedings"

    # National format; RU: "<n>/<yy>/<department>-ИП" (slashes: routes take it percent-encoded).
    number: Mapped[str] = mapped_column(String(60), primary_key=True)
    # Not unique: a writ returned to the claimant may be presented again (229-FZ art. 46 part 4) and
    # then opens a new proceeding; at most one is running at a time (proceedings.service).
    register_number: Mapped[str] = mapped_column(String(32), index=True)
    office_id: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20))  # open | suspended | completed | returned | terminated
    debtor_person_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    debtor_entity_id: Mapped[int | None] = mapped_column(BigInteger)
    debtor_confirmed: Mapped[bool]
    amount: Mapped[str | None] = mapped_column(String(40))  # decimal as text, in `currency`
    currency: Mapped[str | None] = mapped_column(String(3))
    presented_at: Mapped[datetime]
    opened_at: Mapped[datetime]
    opening_deadline: Mapped[date]
    leaf_index: Mapped[int] = mapped_column(BigInteger)
    seq: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(40))
    debtor_kind: Mapped[str] = mapped_column(String(20), server_default="person")  # person | organization
    # The fee owed if the debtor does not pay within the voluntary period (art. 112), and its rule.
    fee: Mapped[str | None] = mapped_column(String(40))
    fee_rule: Mapped[str | None] = mapped_column(Text)
    # Art. 30 part 12: five working days from the debtor's receipt of the opening order.
    order_received_on: Mapped[date | None]
    voluntary_deadline: Mapped[date | None]
    ended_at: Mapped[datetime | None]
    ground: Mapped[str | None] = mapped_column(Text)  # the article and part of the last status change
    priority: Mapped[int] = mapped_column(Integer, server_default="4")  # art. 111 order of the claim, 1..4
    consolidation: Mapped[str | None] = mapped_column(String(80), index=True)  # art. 34 group number
    # The log leaf that put this proceeding in its group: its opening leaf, or a later
    # `proceeding.consolidated` leaf (an auditor checks a member's join against it).
    consolidation_leaf: Mapped[int | None] = mapped_column(BigInteger)


class Measure(Base):
    """An enforcement action or measure in a proceeding, with the rule it was taken under."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    proceeding_number: Mapped[str] = mapped_column(String(60), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # ordered | lifted
    params: Mapped[dict[str, Any]]
    basis: Mapped[str] = mapped_column(Text)
    ordered_at: Mapped[datetime]
    ordered_by: Mapped[str] = mapped_column(String(200))
    leaf_index: Mapped[int] = mapped_column(BigInteger)
