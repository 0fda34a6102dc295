"""Online Fellegi–Sunter scoring of a party against its blocked candidates.

The comparisons and the model are those of the batch linkage engine (`identity.linkage`), so the
registry is scored online exactly as it is deduplicated in bulk. Parameters come from the newest
`identity_models` row (`bailiff identity train` estimates them from the registry by EM) or, for a
registry too young to learn from, the packaged defaults estimated the same way on synthetic data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from bailiff.identity import names, places
from bailiff.identity.linkage.comparisons import comparison_vectors
from bailiff.identity.linkage.model import Model, score
from bailiff.identity.linkage.normalize import prepare_records
from bailiff.identity.models import LinkageModel as LinkageModelRow
from bailiff.identity.rules import PartyRecord

PERSON_FIELDS: list[tuple[str, str]] = [
    ("surname", "surname"), ("given_name", "given_name"), ("patronymic", "patronymic"),
    ("birth_date", "birth_date"), ("birth_place", "birth_place"), ("address", "address"),
]
DEFAULT_MODEL = Path(__file__).resolve().parent / "default_model.json"


@dataclass(frozen=True)
class Candidate:
    """A person record as matching needs it."""

    id: int
    surname: str
    given_name: str | None
    patronymic: str | None
    birth_date: date | None
    birth_place: str | None
    address: str | None
    surname_key: str
    given_key: str | None
    surname_phonetic: str
    # Other addresses the person was written at (keys); the best-agreeing one counts.
    other_addresses: tuple[str, ...] = ()

    @classmethod
    def from_person(cls, p: Any, other_addresses: tuple[str, ...] = ()) -> Candidate:
        """From a stored person (an ORM object or a row with the same column names)."""
        return cls(p.id, p.surname, p.given_name, p.patronymic, p.birth_date, p.birth_place, p.address,
                   p.surname_key, p.given_key, p.surname_phonetic, other_addresses)

    @classmethod
    def from_record(cls, r: PartyRecord, provisional_id: int) -> Candidate:
        """From a party that became a new person earlier in the same batch."""
        return cls(provisional_id, r.surname or "", r.given_name, r.patronymic, r.birth_date, r.birth_place,
                   r.address, r.surname_key or "", r.given_key, r.surname_phonetic or "")


@dataclass
class LinkageModel:
    """A fitted Fellegi–Sunter model for person records and where it came from."""

    model: Model
    source: str


def comparable(surname: str | None, given_name: str | None, patronymic: str | None, birth_date: Any,
               birth_place: str | None, address: str | None) -> dict[str, Any]:
    """The PERSON_FIELDS of a record in the form they are compared in (online, training, dedupe)."""
    if birth_date is not None and not isinstance(birth_date, str):
        birth_date = birth_date.isoformat()
    return {"surname": surname, "given_name": given_name, "patronymic": patronymic, "birth_date": birth_date,
            "birth_place": places.birth_place_key(birth_place), "address": places.address_key(address)}


def _row(v: Any) -> dict[str, Any]:
    return comparable(v.surname, v.given_name, v.patronymic, v.birth_date, v.birth_place, v.address)


def score_pairs(model: LinkageModel, pairs: list[tuple[PartyRecord, Candidate]]) -> list[dict[str, Any]]:
    """Probability and per-field agreement levels of each (party, candidate) pair, in one vectorised pass.

    A candidate known at several addresses is compared once per address and the best one counts.
    """
    if not pairs:
        return []
    party_index: dict[int, int] = {}
    right_index: dict[tuple[int, str | None], int] = {}
    left_rows: list[dict[str, Any]] = []
    right_rows: list[dict[str, Any]] = []
    i_list, j_list, owner = [], [], []
    for n, (record, candidate) in enumerate(pairs):
        if id(record) not in party_index:
            party_index[id(record)] = len(left_rows)
            left_rows.append({"id": f"p{len(left_rows)}", **_row(record)})
        base = _row(candidate)
        for address in (base["address"], *candidate.other_addresses):
            key = (candidate.id, address)
            if key not in right_index:
                right_index[key] = len(right_rows)
                right_rows.append({"id": f"c{len(right_rows)}", **base, "address": address})
            i_list.append(party_index[id(record)])
            j_list.append(right_index[key])
            owner.append(n)
    records = prepare_records([pd.DataFrame(left_rows), pd.DataFrame(right_rows)], "id", PERSON_FIELDS,
                              name_normalizer=names.comparison_key)
    i = np.asarray(i_list, dtype=np.int64)
    j = np.asarray(j_list, dtype=np.int64) + len(left_rows)  # right rows follow the left ones
    gamma, veto = comparison_vectors(model.model.comparisons, records.fields, i, j)
    probabilities = score(model.model, gamma, veto)
    best: dict[int, int] = {}
    for row, n in enumerate(owner):
        if n not in best or probabilities[row] > probabilities[best[n]]:
            best[n] = row
    out = []
    for n, (_, candidate) in enumerate(pairs):
        row = best[n]
        levels = {}
        for f, comparison in enumerate(model.model.comparisons):
            level = int(gamma[row, f])
            levels[model.model.names[f]] = "null" if level < 0 else _agreement(level, comparison.n_levels)
        out.append({"id": candidate.id, "probability": float(probabilities[row]), "levels": levels})
    return out


def _agreement(level: int, n_levels: int) -> str:
    """exact / close (the strongest fuzzy band) / weak / else, independent of the metric."""
    if level == 0:
        return "exact"
    if level == n_levels - 1:
        return "else"
    return "close" if level == 1 else "weak"


@cache
def _default_parameters() -> dict[str, Any]:
    return json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))


def load_model(session: Session) -> LinkageModel:
    """The model in force: the newest trained on this registry, else the packaged default."""
    row = session.scalar(select(LinkageModelRow).order_by(LinkageModelRow.id.desc()).limit(1))
    if row is not None:
        return LinkageModel(Model.from_dict(row.parameters), f"registry model {row.id} ({row.pairs} pairs)")
    return LinkageModel(Model.from_dict(_default_parameters()), "packaged default (synthetic data)")
