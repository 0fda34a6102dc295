"""The ground-truth benchmark's mentions as writs: each mention becomes the single debtor of a valid
"bailiff/writ/1" document numbered after its mention id, so the benchmark runs through real intake."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from datetime import date

from bailiff.demo import generator as gen
from bailiff.demo import russian
from bailiff.demo.people import Mention

_NUMBER = re.compile(r"2а?-(\d+)/\d{4}|(?:ВС|ФС) № (\d{9})")


def _issuer_name(code: str, region: str) -> str:
    reg = russian.REGIONS[region]
    if code.startswith("MS-") and code[6:].isdigit():
        return f"Мировой судья судебного участка № {int(code[6:])} {reg.ms[0]}"
    return reg.rs[0] if code.startswith("RS-") else f"Суд {code}"


def mention_id_of(number: str) -> int:
    """The mention id that to_writs put in a writ number (ValueError for a foreign number)."""
    match = _NUMBER.fullmatch(number)
    if match is None:
        raise ValueError(f"{number!r} is not a benchmark writ number")
    return int(match.group(1) or match.group(2))


def to_writs(rng: random.Random, mentions: Iterable[Mention], issuer_code: str, today: date, *,
             issuer_name: str | None = None) -> Iterator[dict]:
    """Wrap each mention as the single debtor of a valid writ numbered after the mention id."""
    region = issuer_code[3:5] if issuer_code[3:5] in russian.REGIONS else "77"
    justice = issuer_code.startswith("MS-")
    issuer = {"code": issuer_code, "name": issuer_name or _issuer_name(issuer_code, region)}
    for m in mentions:
        kind = "court_order" if justice and rng.random() < 0.85 else "writ_of_execution"
        # Wage arrears are owed by employers, never by a person debtor.
        weights = {c: w for c, w in gen._CATEGORY_WEIGHTS[kind].items() if c != "wages"}
        category = rng.choices(list(weights), weights=list(weights.values()))[0]
        decision, effective, issue = gen._dates(rng, kind, category, today)
        case_number = f"{'2а' if category == 'taxes' else '2'}-{m.mention_id}/{decision.year}"
        number = case_number if kind == "court_order" else f"{'ВС' if justice else 'ФС'} № {m.mention_id:09d}"
        creditor = gen._creditor(rng, category, region, today, None)
        if category == "alimony" and rng.random() < 0.5:
            claim = {"kind": "periodic", "category": "alimony", "share": rng.choice(gen._ALIMONY_SHARES),
                     "currency": "RUB"}
        else:
            claim = {"kind": "money", "category": category, "amount": gen._amount(rng, category),
                     "currency": "RUB"}
        debtor = {**m.party, "identifiers": dict(m.party["identifiers"])}
        yield {"schema": gen.SCHEMA, "jurisdiction": "RU", "issuer": dict(issuer), "type": kind,
               "number": number, "case_number": case_number, "decision_date": decision.isoformat(),
               "effective_date": effective.isoformat(), "issue_date": issue.isoformat(),
               "debtors": [debtor], "creditors": [creditor], "claim": claim}
