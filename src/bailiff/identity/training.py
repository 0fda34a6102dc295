"""Estimating the Fellegi–Sunter parameters: from the registry, or (for the packaged default) from
synthetic writs. Unsupervised: EM on blocked pairs, u from random pairs (see identity.linkage).

`python -m bailiff.identity.training` rewrites `default_model.json` from the demo generator; the
file in the repository was made that way (seed and size in its `source` field).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bailiff.core.clock import utcnow
from bailiff.identity import names
from bailiff.identity.linkage.blocking import rule
from bailiff.identity.linkage.model import Model
from bailiff.identity.linkage.normalize import prepare_records
from bailiff.identity.linkage.pipeline import Reporter, Settings, SilentReporter, fit
from bailiff.identity.models import LinkageModel, Person
from bailiff.identity.scoring import DEFAULT_MODEL, PERSON_FIELDS, comparable

SETTINGS = Settings(name_normalizer=names.comparison_key)

# Blocking for a registry of persons (its deduplication, and training on it). The defaults of file
# linkage block on single fields and on name prefixes, which suits files the size of FEBRL's but
# gave 6.5 M candidate pairs for 100,000 persons, and ran out of memory at 1 M. One human entered
# twice shares the birth date and at least one name part, or the full name and the birth year (a
# mistyped day or month), or, shown without a birth date, the surname at one address. Names are
# compared as normalised keys, so cases, ё and transliterations meet in one block.
REGISTRY_RULES = (
    rule("surname", "birth_date"), rule("given_name", "birth_date"), rule("patronymic", "birth_date"),
    rule("surname", "given_name", "patronymic", ("birth_date", "year")),
    rule("given_name", "surname", "birth_date", unordered=True),  # surname and given name swapped
    rule("address", "surname"),
)
REGISTRY_SETTINGS = Settings(name_normalizer=names.comparison_key, rules=REGISTRY_RULES)


def fit_frame(frame: pd.DataFrame, reporter: Reporter | None = None,
              settings: Settings = SETTINGS) -> tuple[Model, int]:
    """Fit a person-record model on a frame with an `id` column and the PERSON_FIELDS columns."""
    records = prepare_records([frame], "id", PERSON_FIELDS, ["registry"], settings.name_normalizer)
    fitted = fit(records, settings, reporter or SilentReporter())
    return fitted.model, len(fitted.candidates.i)


def registry_frame(session: Session) -> pd.DataFrame:
    """Every unmerged person of the registry as a frame for linkage."""
    rows = session.execute(select(Person.id, Person.surname, Person.given_name, Person.patronymic,
                                  Person.birth_date, Person.birth_place, Person.address)
                           .where(Person.merged_into.is_(None)).order_by(Person.id))
    # Column lists rather than a dict per person: a million dicts were a gigabyte.
    columns: dict[str, list[Any]] = {"id": []}
    for row in rows:
        columns["id"].append(str(row[0]))
        for name, value in comparable(*row[1:]).items():
            columns.setdefault(name, []).append(value)
    if not columns["id"]:
        return pd.DataFrame(columns=["id", *(name for name, _ in PERSON_FIELDS)])
    return pd.DataFrame(columns)


def train(*, session: Session, reporter: Reporter | None = None) -> LinkageModel:
    """Estimate a model from the registry and put it in force (a new `identity_models` row)."""
    frame = registry_frame(session)
    if len(frame) < 1000:
        raise ValueError(f"the registry holds {len(frame)} persons; at least 1,000 are needed to learn from")
    model, pairs = fit_frame(frame, reporter, REGISTRY_SETTINGS)
    row = session.execute(insert(LinkageModel).returning(LinkageModel),
                          [{"trained_at": utcnow(), "pairs": pairs, "parameters": model.to_dict()}]).scalar_one()
    return row


def synthetic_frame(writs: int, seed: int) -> pd.DataFrame:
    """Debtors of generated writs (names as courts write them), normalised like intake does."""
    from bailiff.demo.generator import make_issuers, make_writs
    from bailiff.identity.parties import party_records

    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for n, (_, document) in enumerate(make_writs(rng, make_issuers(rng, 12), writs, date(2026, 11, 1))):
        for record in party_records(f"W{n}", document):
            if record.kind == "person" and record.role == "debtor":
                rows.append({"id": f"{n}-{record.position}",
                             **comparable(record.surname, record.given_name, record.patronymic,
                                          record.birth_date, record.birth_place, record.address)})
    return pd.DataFrame(rows)


def write_default(writs: int = 20_000, seed: int = 2026) -> dict[str, Any]:
    """Fit on synthetic writs and write the packaged default model."""
    model, pairs = fit_frame(synthetic_frame(writs, seed))
    data = {**model.to_dict(), "source": f"bailiff.identity.training.write_default(writs={writs}, seed={seed}); "
                                         f"{pairs} candidate pairs"}
    DEFAULT_MODEL.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return data


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(json.dumps({k: v for k, v in write_default(size).items() if k != "comparisons"}))
