"""Tables of the assignment context: offices, bailiffs, absences, draws, and the beacon's rounds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bailiff.core.db import Base, JsonType

BigId = BigInteger().with_variant(Integer, "sqlite")


class Office(Base):
    """A bailiffs' department (RU, `state` mode) or a regional chamber of private bailiffs (KZ)."""

    __tablename__ = "offices"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. the FSSP department code 77001
    name: Mapped[str] = mapped_column(Text)
    region: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # department | chamber
    # Address words (settlements, districts) this office serves: RU 229-FZ art. 33, the debtor's place.
    localities: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    head_bailiff_id: Mapped[str | None] = mapped_column(String(40))
    # IANA time zone where the office counts its days (Russia spans eleven); None: the profile's.
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Bailiff(Base):
    """A bailiff (state officer or private bailiff) who can be assigned proceedings."""

    __tablename__ = "bailiffs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)  # open proceedings they can carry
    open_cases: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class Unavailability(Base):
    """A period a bailiff takes no new cases: an absence (leave, illness) or a chamber head's
    suspension of distribution to themselves (KZ rules, point 17). Each is logged with its reason."""

    __tablename__ = "bailiff_unavailability"
    __table_args__ = (Index("ix_unavailability_bailiff_period", "bailiff_id", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bailiff_id: Mapped[str] = mapped_column(ForeignKey("bailiffs.id"))
    kind: Mapped[str] = mapped_column(String(20))  # absence | suspension
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime]
    filed_by: Mapped[str] = mapped_column(String(200))
    leaf_index: Mapped[int] = mapped_column(BigInteger)


class Assignment(Base):
    """One draw (or override) for a proceeding: committed first, drawn once its round exists."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("proceeding_number", "seq", name="uq_assignments_proceeding_seq"),
                      Index("ix_assignments_pending", "status", "beacon", "round"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proceeding_number: Mapped[str] = mapped_column(String(60))
    seq: Mapped[int] = mapped_column(Integer)  # 0 = first draw, then redraws and overrides
    kind: Mapped[str] = mapped_column(String(20))  # draw | redraw | override | join
    reason: Mapped[str] = mapped_column(Text)
    office_id: Mapped[str] = mapped_column(ForeignKey("offices.id"))
    status: Mapped[str] = mapped_column(String(20))  # committed | drawn
    eligible: Mapped[list[Any]] = mapped_column(JsonType)
    excluded: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    beacon: Mapped[str | None] = mapped_column(String(80))
    round: Mapped[int | None] = mapped_column(BigInteger)
    commit_leaf: Mapped[int] = mapped_column(BigInteger)
    committed_at: Mapped[datetime]
    bailiff_id: Mapped[str | None] = mapped_column(String(40), index=True)
    ctr: Mapped[int | None] = mapped_column(Integer)
    r: Mapped[str | None] = mapped_column(String(80))  # may exceed 64 bits in principle: kept as text
    result_leaf: Mapped[int | None] = mapped_column(BigInteger)
    drawn_at: Mapped[datetime | None]
    actor: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None]  # the proceeding ended: no more changes of bailiff
    # kind `join`: the lead proceeding of the consolidated proceeding whose bailiff this one follows.
    lead: Mapped[str | None] = mapped_column(String(60))


class BeaconChain(Base):
    """A local hash chain whose anchor is in the log (its secret stays in the data directory)."""

    __tablename__ = "beacon_chains"

    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    anchor: Mapped[bytes] = mapped_column(LargeBinary)
    length: Mapped[int] = mapped_column(Integer)
    anchor_leaf: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class BeaconRound(Base):
    """A round that exists: its value was revealed (local chain) or fetched (drand) and logged."""

    __tablename__ = "beacon_rounds"

    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    round: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_index: Mapped[int] = mapped_column(BigInteger)
    revealed_at: Mapped[datetime]


class ChangeApplication(Base):
    """A claimant's application to change bailiff, decided by the disciplinary commission."""

    __tablename__ = "change_applications"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    proceeding_number: Mapped[str] = mapped_column(String(60), index=True)
    bailiff_id: Mapped[str] = mapped_column(String(40))  # the bailiff the claimant wants replaced
    reason: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(200))
    filed_at: Mapped[datetime]
    filed_leaf: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20))  # pending | granted | rejected
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_leaf: Mapped[int | None] = mapped_column(BigInteger)
