"""The Kazakh demo generator: writs the Kazakh intake accepts, IINs that agree with their holders."""

from __future__ import annotations

import random
from datetime import date

from bailiff.demo import kazakhstan
from bailiff.identity.identifiers import check_person_against, validate
from bailiff.jurisdictions import load_profile
from bailiff.register import rules
from bailiff.register.schemas import WritDocument

TODAY = date(2026, 11, 2)


def _writs(seed: int, count: int) -> list[dict]:
    rng = random.Random(seed)
    return [doc for _, doc in kazakhstan.make_writs(rng, kazakhstan.make_issuers(rng), count, TODAY)]


def test_kazakh_writs_pass_the_kazakh_intake_rules_and_are_reproducible() -> None:
    kz = load_profile("kz")
    writs = _writs(7, 400)
    assert writs == _writs(7, 400)
    for doc in writs:
        assert rules.document_errors(WritDocument.model_validate(doc), profile=kz, today=TODAY) == [], doc
    numbers = [(doc["issuer"]["code"], doc["number"]) for doc in writs]
    assert len(set(numbers)) == len(numbers)  # one number per issuer
    assert {doc["type"] for doc in writs} == {"court_order", "writ_of_execution"}
    assert {doc["claim"]["kind"] for doc in writs} == {"money", "periodic"}


def test_iins_carry_the_birth_date_and_sex_and_debtors_live_in_a_chamber_city() -> None:
    localities = {locality for _, _, locality in kazakhstan.chambers().values()}
    for doc in _writs(8, 300):
        debtor = doc["debtors"][0]
        iin = validate("iin", debtor["identifiers"]["iin"])
        sex = "female" if debtor["patronymic"].endswith("овна") else "male"
        assert check_person_against("iin", iin, birth_date=date.fromisoformat(debtor["birth_date"]), sex=sex) == []
        assert any(locality in debtor["address"].lower() for locality in localities)
        for creditor in doc["creditors"]:
            kind = "bin" if creditor["kind"] == "organization" else "iin"
            validate(kind, creditor["identifiers"][kind])
