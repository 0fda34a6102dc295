"""Tables of the identity context: persons, legal entities, identifiers, decisions, reviews, merges."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bailiff.core.db import Base, JsonType

BigId = BigInteger().with_variant(Integer, "sqlite")


class Person(Base):
    """A natural person as the registry knows them, with names normalised to the nominative."""

    __tablename__ = "persons"
    __table_args__ = (
        # Blocking keys: every candidate query starts from a birth date and one name key.
        Index("ix_persons_dob_surname", "birth_date", "surname_key"),
        Index("ix_persons_dob_phonetic", "birth_date", "surname_phonetic"),
        Index("ix_persons_dob_given", "birth_date", "given_key"),
        Index("ix_persons_names", "surname_key", "given_key", "patronymic_key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    surname: Mapped[str] = mapped_column(String(200))
    given_name: Mapped[str | None] = mapped_column(String(200))
    patronymic: Mapped[str | None] = mapped_column(String(200))
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None]
    birth_place: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    surname_key: Mapped[str] = mapped_column(String(200))
    given_key: Mapped[str | None] = mapped_column(String(200))
    patronymic_key: Mapped[str | None] = mapped_column(String(200))
    surname_phonetic: Mapped[str] = mapped_column(String(200))
    name_parsed: Mapped[bool] = mapped_column(Boolean, default=True)
    # A merged record points at the survivor; unmerging clears it (merges are reversible).
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    created_at: Mapped[datetime]


class LegalEntity(Base):
    """An organisation as party to writs (debtor or creditor), not a user of the system."""

    __tablename__ = "legal_entities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(String(400), index=True)
    legal_form: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(Text)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("legal_entities.id"), index=True)
    created_at: Mapped[datetime]


class PartyIdentifier(Base):
    """A valid identifier and the one person or entity it belongs to."""

    __tablename__ = "party_identifiers"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_party_identifiers_kind_value"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("legal_entities.id"), index=True)
    created_at: Mapped[datetime]


class PartyLink(Base):
    """The decision for one party of one writ: who it is, how sure, and on what evidence."""

    __tablename__ = "party_links"
    __table_args__ = (UniqueConstraint("register_number", "role", "position", name="uq_party_links_party"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    register_number: Mapped[str] = mapped_column(String(32), index=True)
    role: Mapped[str] = mapped_column(String(10))  # debtor | creditor
    position: Mapped[int] = mapped_column(SmallInteger)
    party_kind: Mapped[str] = mapped_column(String(16))  # person | organization
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("legal_entities.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # identifier | linked | new | review
    probability: Mapped[float | None] = mapped_column(Float)
    # Namesake protection: coercive measures need a confirmed identity (set by rule or reviewer).
    confirmed: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[dict[str, Any]]
    decided_at: Mapped[datetime]
    decided_by: Mapped[str] = mapped_column(String(200))


class ReviewTask(Base):
    """A weak or conflicting match, or a suspected duplicate, waiting for a person's decision."""

    __tablename__ = "identity_reviews"
    __table_args__ = (Index("ix_identity_reviews_status", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # party_match | duplicate_cluster
    link_id: Mapped[int | None] = mapped_column(ForeignKey("party_links.id"), unique=True)
    candidates: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    status: Mapped[str] = mapped_column(String(12))  # open | confirmed | rejected | merged
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolution: Mapped[dict[str, Any] | None]


class PersonMerge(Base):
    """A merge of two person records, kept so it can be undone."""

    __tablename__ = "person_merges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    merged_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    merged_at: Mapped[datetime]
    merged_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    undone_at: Mapped[datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(200))


class LinkageModel(Base):
    """Fellegi–Sunter parameters estimated from the registry (the newest row is in force)."""

    __tablename__ = "identity_models"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    trained_at: Mapped[datetime]
    pairs: Mapped[int] = mapped_column(BigInteger)
    parameters: Mapped[dict[str, Any]]


class PersonAddress(Base):
    """Every address a person was written at: a debtor who moved is still recognised at the old one."""

    __tablename__ = "person_addresses"
    __table_args__ = (UniqueConstraint("person_id", "address_key", name="uq_person_addresses"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    # Indexed for parties without a birth date, which are blocked by address (identity.resolve).
    address_key: Mapped[str] = mapped_column(Text, index=True)
    register_number: Mapped[str] = mapped_column(String(32))
    seen_at: Mapped[datetime]
