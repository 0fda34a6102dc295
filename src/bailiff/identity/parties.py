"""Turning the parties of a writ document into normalised records for matching."""

from __future__ import annotations

from datetime import date
from typing import Any

from bailiff.identity import identifiers, names
from bailiff.identity.rules import PartyRecord


def _valid_identifiers(raw: dict[str, Any]) -> dict[str, str]:
    out = {}
    for kind, value in (raw or {}).items():
        try:
            out[kind] = identifiers.validate(kind, str(value))
        except identifiers.InvalidIdentifier:
            # Intake already refused writs with bad check digits; anything left is ignored here.
            continue
    return out


def party_records(register_number: str, document: dict[str, Any]) -> list[PartyRecord]:
    """Every debtor and creditor of a registered writ, normalised."""
    records = []
    for role, key in (("debtor", "debtors"), ("creditor", "creditors")):
        for position, party in enumerate(document.get(key, [])):
            records.append(party_record(register_number, role, position, party))
    return records


def party_of(document: dict[str, Any], role: str, position: int) -> dict[str, Any]:
    """The party a link names (its role and position) as the writ's document shows it."""
    return document["debtors" if role == "debtor" else "creditors"][position]


def party_record(register_number: str, role: str, position: int, party: dict[str, Any]) -> PartyRecord:
    """One party, with names in the nominative and comparison keys."""
    ids = _valid_identifiers(party.get("identifiers", {}))
    if party.get("kind") == "organization":
        key, form = names.normalize_org_name(party["name"])
        return PartyRecord(register_number, role, position, "organization", org_name=party["name"], org_key=key,
                           legal_form=form, address=party.get("address"), identifiers=ids)
    name = names.normalize_person(party.get("surname"), party.get("given_name"), party.get("patronymic"))
    birth = party.get("birth_date")
    return PartyRecord(
        register_number, role, position, "person",
        surname=name.surname, given_name=name.given_name, patronymic=name.patronymic, gender=name.gender,
        name_parsed=name.parsed,
        surname_key=names.comparison_key(name.surname) or name.surname.upper(),
        given_key=names.comparison_key(name.given_name) or None,
        patronymic_key=names.comparison_key(name.patronymic) or None,
        surname_phonetic=names.phonetic_key(name.surname) or name.surname.upper(),
        birth_date=date.fromisoformat(birth) if birth else None,
        birth_place=party.get("birth_place"), address=party.get("address"), identifiers=ids,
    )
