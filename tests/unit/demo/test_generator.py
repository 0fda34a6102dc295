"""Tests for the synthetic writ generator used by ``bailiff demo``."""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest

from bailiff.demo import generator as gen
from bailiff.demo import russian
from bailiff.demo.generator import DebtorPool, DemoIssuer, make_issuers, make_writ, make_writs
from bailiff.identity.identifiers import validate

TODAY = date(2026, 11, 2)
CYRILLIC = re.compile("[а-яёА-ЯЁ]")


def _writs(seed: int, count: int) -> list[tuple[DemoIssuer, dict]]:
    rng = random.Random(seed)
    issuers = make_issuers(rng)
    return list(make_writs(rng, issuers, count, TODAY))


@pytest.fixture(scope="module")
def writs() -> list[tuple[DemoIssuer, dict]]:
    return _writs(2026, 2000)


def _people(writs, role: str = "debtors"):
    for _, doc in writs:
        for party in doc[role]:
            if party["kind"] == "person":
                yield party


def test_deterministic_for_a_seed() -> None:
    first = json.dumps(_writs(7, 150), ensure_ascii=False, default=str)
    again = json.dumps(_writs(7, 150), ensure_ascii=False, default=str)
    other = json.dumps(_writs(8, 150), ensure_ascii=False, default=str)
    assert first == again
    assert first != other


def test_issuers() -> None:
    issuers = make_issuers(random.Random(1), count=12)
    assert len(issuers) == 12
    assert len({i.code for i in issuers}) == 12
    assert {i.region for i in issuers} >= {"77", "78", "50", "16", "66", "54"}
    for issuer in issuers:
        assert issuer.kind == "court"
        assert re.fullmatch(r"MS-\d{2}-\d{4}|RS-\d{2}-\d{3}", issuer.code)
        assert issuer.code[3:5] == issuer.region
        if issuer.code.startswith("MS-"):
            assert issuer.name.startswith("Мировой судья судебного участка № ")
        else:
            assert "районный суд" in issuer.name or "городской суд" in issuer.name
    assert any(i.code.startswith("RS-") for i in issuers)
    assert len(make_issuers(random.Random(2), count=40)) == 40


def test_document_shape(writs) -> None:
    top = ["schema", "jurisdiction", "issuer", "type", "number", "case_number", "decision_date",
           "effective_date", "issue_date", "debtors", "creditors", "claim"]
    for issuer, doc in writs:
        assert [k for k in doc if k != "joint_liability"] == top
        assert doc["schema"] == "bailiff/writ/1" and doc["jurisdiction"] == "RU"
        assert doc["issuer"] == {"code": issuer.code, "name": issuer.name}
        assert doc["type"] in ("court_order", "writ_of_execution")
        assert doc["claim"]["category"] in gen.CLAIM_CATEGORIES
        assert doc["claim"]["currency"] == "RUB"
        if doc["type"] == "court_order":
            assert issuer.code.startswith("MS-")
            assert doc["number"] == doc["case_number"]
            assert re.fullmatch(r"2а?-\d{4,}/\d{4}", doc["number"])
        else:
            assert re.fullmatch(r"(ФС|ВС) № \d{9}", doc["number"])
        for party in doc["debtors"] + doc["creditors"]:
            assert party["kind"] in ("person", "organization")
            assert party["address"]


def test_documents_pass_register_schema(writs) -> None:
    schemas = pytest.importorskip("bailiff.register.schemas")
    for _, doc in writs[:300]:
        schemas.WritDocument.model_validate(doc)


def test_all_identifiers_valid(writs) -> None:
    kinds = Counter()
    for _, doc in writs:
        for party in doc["debtors"] + doc["creditors"]:
            for kind, value in party["identifiers"].items():
                validate(kind, value)
                kinds[kind] += 1
            if party["kind"] == "organization":
                assert len(party["identifiers"]["inn"]) == 10
                assert len(party["identifiers"]["ogrn"]) == 13
            elif "inn" in party["identifiers"]:
                assert len(party["identifiers"]["inn"]) == 12
    assert set(kinds) == {"inn", "snils", "ogrn", "ogrnip", "passport"}


def test_dates_consistent(writs) -> None:
    for _, doc in writs:
        decision = date.fromisoformat(doc["decision_date"])
        effective = date.fromisoformat(doc["effective_date"])
        issue = date.fromisoformat(doc["issue_date"])
        assert decision <= effective <= issue <= TODAY
        assert 10 <= (TODAY - decision).days <= 400
        assert doc["case_number"].endswith(f"/{decision.year}")
        for debtor in doc["debtors"]:
            if debtor["kind"] == "person":
                assert date.fromisoformat(debtor["birth_date"]).year <= decision.year - 18


def test_amounts_positive_with_two_decimals(writs) -> None:
    periodic = 0
    for _, doc in writs:
        claim = doc["claim"]
        if claim["kind"] == "periodic":
            periodic += 1
            assert claim["category"] == "alimony"
            assert claim["share"] in ("1/4", "1/3", "1/2")
            assert "amount" not in claim
        else:
            assert claim["kind"] == "money"
            assert re.fullmatch(r"\d+\.\d{2}", claim["amount"])
            assert Decimal(claim["amount"]) > 0
    assert periodic >= 10


def test_no_identifier_share_about_ten_percent(writs) -> None:
    people = list(_people(writs))
    bare = [p for p in people if not p["identifiers"]]
    assert 0.07 <= len(bare) / len(people) <= 0.13
    for person in bare:
        assert person["birth_date"] and person["birth_place"]


def test_organization_debtors_about_ten_percent(writs) -> None:
    debtors = [d for _, doc in writs for d in doc["debtors"]]
    orgs = [d for d in debtors if d["kind"] == "organization"]
    assert 0.06 <= len(orgs) / len(debtors) <= 0.14
    assert all(re.fullmatch(r'(ООО|АО|ПАО) ".+"', o["name"]) for o in orgs)


def test_joint_liability(writs) -> None:
    joint = [doc for _, doc in writs if doc.get("joint_liability")]
    assert 10 <= len(joint) <= 150
    assert all(len(doc["debtors"]) == 2 for doc in joint)
    assert all(len(doc["debtors"]) == 1 for _, doc in writs if "joint_liability" not in doc)


def test_genitive_forms_present(writs) -> None:
    genitive_given = {g for _, g, _, _ in russian.MALE} | {g for n, g in russian.FEMALE if n != g}
    genitive_given -= {n for n, *_ in russian.MALE} | {n for n, _ in russian.FEMALE}
    people = list(_people(writs))
    genitive = [p for p in people if p["given_name"] in genitive_given]
    assert 0.25 <= len(genitive) / len(people) <= 0.40
    # Gender agreement in the genitive: the patronymic follows the given name (a typo may
    # garble an ending now and then, hence the tolerance).
    male_genitive = {g for _, g, _, _ in russian.MALE}
    agreeing = [
        p for p in genitive
        if p["patronymic"].endswith("ича" if p["given_name"] in male_genitive else "ны")
    ]
    assert len(agreeing) >= 0.95 * len(genitive)


def test_known_genitive_pairs() -> None:
    assert russian.surname_forms(("Иванов", "ov"), True) == ("Иванов", "Иванова")
    assert russian.surname_forms(("Иванов", "ov"), False) == ("Иванова", "Ивановой")
    assert russian.surname_forms(("Толстой", "adj"), True) == ("Толстой", "Толстого")
    assert russian.surname_forms(("Соколовский", "adj"), False) == ("Соколовская", "Соколовской")
    assert russian.surname_forms(("Кравчук", "cons"), False) == ("Кравчук", "Кравчук")
    assert russian.surname_forms(("Шевченко", "inv"), True) == ("Шевченко", "Шевченко")
    assert ("Иван", "Ивана", "Иванович", "Ивановна") in russian.MALE
    assert ("Мария", "Марии") in russian.FEMALE


def test_gender_agreement_in_nominative(writs) -> None:
    male_given = {n for n, *_ in russian.MALE}
    for p in _people(writs):
        if p["given_name"] in male_given and p["patronymic"].endswith(("ич", "на")):
            assert p["patronymic"].endswith("ич")


def test_transliterated_names_present(writs) -> None:
    people = list(_people(writs))
    latin = [p for p in people if not CYRILLIC.search(p["surname"] + p["given_name"] + p["patronymic"])]
    assert 0.02 <= len(latin) / len(people) <= 0.09
    assert all(re.fullmatch(r"[A-Za-z'` -]+", p["surname"]) for p in latin)


def test_yo_sometimes_written_as_ye(writs) -> None:
    names = [p["surname"] + p["given_name"] + p["patronymic"] for p in _people(writs)]
    assert any("ё" in n for n in names)
    assert any(n.startswith(("Соловьев", "Королев", "Семенов", "Федоров", "Елкин")) for n in names)


def test_typos_present(writs) -> None:
    known = set()
    for stem, kind in russian.SURNAMES:
        for male in (True, False):
            for form in russian.surname_forms((stem, kind), male):
                known |= {form, form.replace("ё", "е")}
    surnames = [p["surname"] for p in _people(writs) if CYRILLIC.search(p["surname"])]
    unknown = [s for s in surnames if s not in known]
    assert 0.01 <= len(unknown) / len(surnames) <= 0.06


def test_numbers_unique_per_issuer(writs) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for issuer, doc in writs:
        assert doc["number"] not in seen[issuer.code]
        seen[issuer.code].add(doc["number"])
    assert len({i.code for i, _ in writs}) > 1


def test_addresses_in_issuer_region(writs) -> None:
    for issuer, doc in writs:
        towns = russian.REGIONS[issuer.region].towns
        for debtor in doc["debtors"]:
            assert debtor["address"].startswith(towns)


def test_debtors_recur_across_writs() -> None:
    rng = random.Random(11)
    issuers = make_issuers(rng)
    pool = DebtorPool()
    person_debtors = 0
    seq: Counter[str] = Counter()
    snils_seen: Counter[str] = Counter()
    for _ in range(1500):
        issuer = rng.choice(issuers)
        doc = make_writ(rng, issuer, seq[issuer.code], TODAY, pool)
        seq[issuer.code] += 1
        for debtor in doc["debtors"]:
            if debtor["kind"] == "person":
                person_debtors += 1
                if "snils" in debtor["identifiers"]:
                    snils_seen[debtor["identifiers"]["snils"]] += 1
    reused = 1 - len(pool) / person_debtors
    assert 0.08 <= reused <= 0.2
    assert any(count > 1 for count in snils_seen.values())


def test_alimony_creditor_is_a_person(writs) -> None:
    alimony = [doc for _, doc in writs if doc["claim"]["category"] == "alimony"]
    assert alimony
    for doc in alimony:
        assert doc["creditors"][0]["kind"] == "person"
        assert doc["debtors"][0]["kind"] == "person"


def test_wages_debtor_is_an_organization(writs) -> None:
    for _, doc in writs:
        if doc["claim"]["category"] == "wages":
            assert doc["debtors"][0]["kind"] == "organization"
            assert doc["creditors"][0]["kind"] == "person"


def test_sberbank_creditor_matches_example(writs) -> None:
    sber = [c for _, doc in writs for c in doc["creditors"] if c.get("name") == "ПАО Сбербанк"]
    assert sber
    assert sber[0]["identifiers"] == {"inn": "7707083893", "ogrn": "1027700132195"}
