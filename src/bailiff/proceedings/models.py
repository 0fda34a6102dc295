"""Tables of the proceedings context."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bailiff.core.db import Base


class Proceeding(Base):
    """An enforcement proceeding opened on one presented writ."""

    __tablename__ = "proceedings"

    # National format; RU: "<n>/<yy>/<department>-ИП" (slashes: routes take it percent-encoded).
    number: Mapped[str] = mapped_column(String(60), primary_key=True)
    register_number: Mapped[str] = mapped_column(String(32), unique=True)
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
