"""Tests for the generated debtor-identification benchmark (bailiff.demo.people)."""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import asdict
from datetime import date

import pytest

from bailiff.demo import mention_writs
from bailiff.demo import people as pp
from bailiff.identity.identifiers import is_valid, validate
from bailiff.jurisdictions import load_profile
from bailiff.register.rules import document_errors
from bailiff.register.schemas import WritDocument

TODAY = date(2026, 11, 2)
LATIN_NAME = re.compile(r"[A-Za-z'`-]+")  # GOST 7.79-B writes ь as "`"


@pytest.fixture(scope="module")
def bench() -> tuple[list[pp.TruePerson], list[pp.Mention]]:
    rng = random.Random(2026)
    population = pp.make_population(rng, 4000)
    return population, pp.make_mentions(rng, population, 5000)


def _dump(seed: int) -> str:
    rng = random.Random(seed)
    population = pp.make_population(rng, 300)
    mentions = pp.make_mentions(rng, population, 400)
    writs = list(mention_writs.to_writs(rng, mentions, "MS-77-0042", TODAY))
    return json.dumps([[asdict(p) for p in population], [asdict(m) for m in mentions], writs],
                      ensure_ascii=False, default=str)


def test_deterministic_for_a_seed() -> None:
    assert _dump(5) == _dump(5)
    assert _dump(5) != _dump(6)


def test_population(bench) -> None:
    population, _ = bench
    assert len(population) == 4000
    assert [p.person_id for p in population] == list(range(1, 4001))
    n = len(population)
    assert 0.82 < sum(p.inn is not None for p in population) / n < 0.88
    assert 0.66 < sum(p.snils is not None for p in population) / n < 0.74
    assert 0.30 < sum(p.passport is not None for p in population) / n < 0.40
    values = Counter(re.sub(r"\D", "", v) for p in population for v in (p.inn, p.snils, p.passport) if v)
    assert values.most_common(1)[0][1] == 1  # no identifier is shared by two people
    for p in population:
        assert p.birth_date < pp.REFERENCE_DATE
        assert pp.genitive(p)  # every name is in the declension tables
        for kind in ("inn", "snils", "passport"):
            if getattr(p, kind) is not None:
                validate(kind, getattr(p, kind))


def test_namesakes_share_name_and_birth_date_but_not_identifiers(bench) -> None:
    population, _ = bench
    groups = defaultdict(list)
    for p in population:
        groups[pp.name_key(p)].append(p)
    namesakes = [g for g in groups.values() if len(g) > 1]
    extra = sum(len(g) - 1 for g in namesakes)
    assert 0.025 * 4000 <= extra <= 0.035 * 4000
    same_place = 0
    for group in namesakes:
        first = group[0]
        for other in group[1:]:
            assert (other.surname, other.given_name, other.patronymic, other.birth_date, other.male) == (
                first.surname, first.given_name, first.patronymic, first.birth_date, first.male)
            assert other.address != first.address
            for kind in ("inn", "snils", "passport"):
                a, b = getattr(first, kind), getattr(other, kind)
                assert a is None or a != b
            same_place += other.birth_place == first.birth_place
    assert 1 <= same_place <= 0.25 * extra  # the hard cases exist, but are a minority


def test_mentions_are_writ_debtors_with_valid_identifiers(bench) -> None:
    population, mentions = bench
    by_id = {p.person_id: p for p in population}
    assert [m.mention_id for m in mentions] == list(range(1, 5001))
    keys = ["kind", "surname", "given_name", "patronymic", "birth_date", "birth_place", "identifiers", "address"]
    for m in mentions:
        person, party = by_id[m.person_id], m.party
        assert list(party) == keys and party["kind"] == "person"
        assert party["birth_date"] == person.birth_date.isoformat()
        assert party["birth_place"] and party["address"]
        assert m.has_identifier == bool(party["identifiers"])
        for kind, value in party["identifiers"].items():
            assert validate(kind, value) == re.sub(r"\D", "", getattr(person, kind))
        assert set(m.variation) <= set(pp.VARIATIONS)
        assert ("moved" in m.variation) == (party["address"] != person.address)
        assert ("birth_place_variant" in m.variation) == (party["birth_place"] != person.birth_place)


def test_name_variations_are_what_they_claim(bench) -> None:
    population, mentions = bench
    by_id = {p.person_id: p for p in population}
    for m in mentions:
        person, party = by_id[m.person_id], m.party
        shown = (party["surname"], party["given_name"], party["patronymic"])
        if "translit" in m.variation:
            assert all(LATIN_NAME.fullmatch(word) for word in shown)
            continue
        expected = pp.genitive(person) if "genitive" in m.variation else (
            person.surname, person.given_name, person.patronymic)
        if "yo_e" in m.variation:
            expected = tuple(w.replace("ё", "е").replace("Ё", "Е") for w in expected)
        if "typo_name" in m.variation:
            assert shown[2] == expected[2] and (shown[0] != expected[0]) != (shown[1] != expected[1])
        else:
            assert shown == expected
    female = [m for m in mentions if "genitive" in m.variation and not by_id[m.person_id].male
              and by_id[m.person_id].surname.endswith("ова") and "typo_name" not in m.variation]
    assert female and all(m.party["surname"].endswith("овой") for m in female)


def test_variation_shares(bench) -> None:
    population, mentions = bench
    n = len(mentions)
    share = {k: v / n for k, v in Counter(f for m in mentions for f in m.variation).items()}
    assert 0.03 < share["translit"] < 0.07
    assert 0.29 < share["genitive"] < 0.37
    assert 0.03 < share["typo_name"] < 0.07
    assert 0.08 < share["identifier_omitted"] < 0.12
    assert 0.15 < share["identifier_partial"] < 0.35
    assert 0.11 < share["birth_place_variant"] < 0.19
    assert 0.08 < share["yo_e"] < 0.25
    assert 0.84 < sum(m.has_identifier for m in mentions) / n < 0.91
    per_person = Counter(m.person_id for m in mentions)
    repeats = n - len(per_person)
    assert 0.15 < sum("moved" in m.variation for m in mentions) / repeats < 0.25
    sizes = Counter(per_person.values())
    assert set(sizes) <= {1, 2, 3, 4, 5}
    assert 0.6 < sizes[1] / len(per_person) < 0.8  # most people appear once


def test_true_pairs_follow_person_ids(bench) -> None:
    _, mentions = bench
    person_of = {m.mention_id: m.person_id for m in mentions}
    pairs = pp.true_pairs(mentions)
    assert all(a < b and person_of[a] == person_of[b] for a, b in pairs)
    sizes = Counter(person_of.values()).values()
    assert len(pairs) == sum(k * (k - 1) // 2 for k in sizes)
    assert pp.true_pairs([]) == set()


def test_namesake_pairs_must_never_be_linked(bench) -> None:
    population, mentions = bench
    by_id = {p.person_id: p for p in population}
    person_of = {m.mention_id: m.person_id for m in mentions}
    pairs = pp.namesake_pairs(population, mentions)
    assert len(pairs) > 100
    assert not pairs & pp.true_pairs(mentions)
    for a, b in pairs:
        assert a < b and person_of[a] != person_of[b]
        assert pp.name_key(by_id[person_of[a]]) == pp.name_key(by_id[person_of[b]])


def test_repeat_share_and_small_population() -> None:
    rng = random.Random(3)
    population = pp.make_population(rng, 10, namesake_share=0.5)
    assert len({pp.name_key(p) for p in population}) == 5
    mentions = pp.make_mentions(rng, population, 60, repeat_share=0.0)
    assert len(mentions) == 60 and {m.person_id for m in mentions} == {p.person_id for p in population}
    assert pp.make_population(rng, 0) == [] and len(pp.make_population(rng, 1)) == 1


def test_writs_pass_intake_rules(bench) -> None:
    _, mentions = bench
    profile = load_profile("ru")
    rng = random.Random(11)
    for code in ("MS-77-0042", "RS-16-001"):
        writs = list(mention_writs.to_writs(rng, mentions[:1500], code, TODAY))
        assert len({w["number"] for w in writs}) == len(writs)
        for doc, m in zip(writs, mentions, strict=False):
            parsed = WritDocument.model_validate(doc)
            assert document_errors(parsed, profile=profile, today=TODAY) == []
            assert doc["issuer"]["code"] == code and doc["debtors"] == [m.party]
            assert mention_writs.mention_id_of(doc["number"]) == m.mention_id
        assert {w["type"] for w in writs} == ({"court_order", "writ_of_execution"} if code.startswith("MS")
                                              else {"writ_of_execution"})
    with pytest.raises(ValueError):
        mention_writs.mention_id_of("ФС № 12")


def test_rejected_at_intake(bench) -> None:
    _, mentions = bench
    profile = load_profile("ru")
    rejected = pp.rejected_at_intake(random.Random(4), mentions, share=0.05)
    assert 150 < len(rejected) < 350
    assert [m.mention_id for m in rejected] == list(range(5001, 5001 + len(rejected)))
    for m in rejected:
        assert "identifier_typo" in m.variation
        assert sum(not is_valid(k, v) for k, v in m.party["identifiers"].items()) == 1
    for doc in mention_writs.to_writs(random.Random(5), rejected, "MS-77-0042", TODAY):
        errors = document_errors(WritDocument.model_validate(doc), profile=profile, today=TODAY)
        assert [e.rule for e in errors] in (["inn.checksum"], ["snils.checksum"])
