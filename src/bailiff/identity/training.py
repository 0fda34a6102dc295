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
from bailiff.identity.linkage.model import Model
from bailiff.identity.linkage.normalize import prepare_records
from bailiff.identity.linkage.pipeline import Reporter, Settings, SilentReporter, fit
from bailiff.identity.models import LinkageModel, Person
from bailiff.identity.scoring import DEFAULT_MODEL, PERSON_FIELDS, comparable

SETTINGS = Settings(name_normalizer=names.comparison_key)


def fit_frame(frame: pd.DataFrame, reporter: Reporter | None = None) -> tuple[Model, int]:
    """Fit a person-record model on a frame with an `id` column and the PERSON_FIELDS columns."""
    records = prepare_records([frame], "id", PERSON_FIELDS, ["registry"], SETTINGS.name_normalizer)
    fitted = fit(records, SETTINGS, reporter or SilentReporter())
    return fitted.model, len(fitted.candidates.i)


def registry_frame(session: Session) -> pd.DataFrame:
    """Every unmerged person of the registry as a frame for linkage."""
    rows = session.execute(select(Person.id, Person.surname, Person.given_name, Person.patronymic,
                                  Person.birth_date, Person.birth_place, Person.address)
                           .where(Person.merged_into.is_(None)))
    return pd.DataFrame([{"id": str(row[0]), **comparable(*row[1:])} for row in rows])


def train(*, session: Session, reporter: Reporter | None = None) -> LinkageModel:
    """Estimate a model from the registry and put it in force (a new `identity_models` row)."""
    frame = registry_frame(session)
    if len(frame) < 1000:
        raise ValueError(f"the registry holds {len(frame)} persons; at least 1,000 are needed to learn from")
    model, pairs = fit_frame(frame, reporter)
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
