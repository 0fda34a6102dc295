"""A generated Russian debtor-identification benchmark with ground truth.

``make_population`` invents people (a few of them namesakes: same surname, given name,
patronymic and birth date as another person), ``make_mentions`` shows them as writ debtors
the way courts really write them (genitive case, Latin transliteration, typos, "е" for "ё",
missing identifiers, a new address, the birth place spelt differently), and ``true_pairs`` /
``namesake_pairs`` give the answers: mention pairs that must be linked and pairs that must
never be.  ``mention_writs.to_writs`` wraps each mention into a valid "bailiff/writ/1" document so
the benchmark can run through the real intake.

Namesakes who also share the birth place (about 10% of them) are the hard cases: when both
writs omit identifiers they can only be told apart by the address, and not at all when one
of them has moved, so a linker reaching 0 false links must leave such pairs unlinked. As no
writ shows whether its person has such a namesake, that means every writ without identifiers
at an address new for its look-alike waits for a reviewer, namesake or not: most missed pairs
are such holds (the accuracy result's `missed_without_identifier` counts them).
Everything is drawn from the ``random.Random`` passed in, so a seed reproduces the data.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from bailiff.demo import generator as gen
from bailiff.demo import russian
from bailiff.identity import identifiers as ids

# Birth dates are drawn relative to this day unless make_population is told otherwise, so
# that a seed gives the same people on any calendar day.
REFERENCE_DATE = date(2026, 1, 1)

# Shares of the population with each identifier known to the court.
INN_SHARE, SNILS_SHARE, PASSPORT_SHARE = 0.85, 0.70, 0.35
# Variation rates per mention, each drawn independently.
TRANSLIT_RATE = 0.05
GENITIVE_RATE = 0.35        # among Cyrillic mentions: "взыскать с Ивановой Марии ..."
TYPO_RATE = 0.05
YO_E_RATE = 0.5             # among names that contain "ё"
OMIT_IDS_RATE = 0.10        # CPC art. 124: identifiers only "if known"
ID_FORMAT_RATE = 0.30       # SNILS as bare digits, passport as "45 12 345678"
MOVED_RATE = 0.20           # among repeat mentions of a person
BIRTH_PLACE_VARIANT_RATE = 0.15
SAME_PLACE_NAMESAKE_RATE = 0.10

VARIATIONS = ("translit", "genitive", "typo_name", "yo_e", "identifier_omitted",
              "identifier_partial", "id_format", "moved", "birth_place_variant")
_ID_KINDS = ("inn", "snils", "passport")
# Which identifiers a writ shows when it shows some: None means every known one.
_SHOWN = (None, ("inn",), ("snils",), ("inn", "snils"), ("passport",))
_SHOWN_WEIGHTS = (50, 20, 15, 10, 5)
# "г. Москва" is also written "Москва", "гор. Москва", "г.Москва" or "город Москва".
_PLACE_PREFIXES = {"г. ": ("", "гор. ", "г.", "город "), "с. ": ("село ", "с."),
                   "пос. ": ("п. ", "посёлок ")}


@dataclass(frozen=True)
class TruePerson:
    """A real (invented) person: nominative Cyrillic name and every identifier they hold."""

    person_id: int
    surname: str
    given_name: str
    patronymic: str
    male: bool
    birth_date: date
    birth_place: str
    address: str
    inn: str | None
    snils: str | None
    passport: str | None


@dataclass(frozen=True)
class Mention:
    """One appearance of a person as the debtor of a writ, in the writ's debtor format."""

    mention_id: int
    person_id: int
    party: dict = field(hash=False)
    has_identifier: bool = False
    variation: tuple[str, ...] = ()


# --- declension tables derived from the generator's --------------------------------------

_GEN_SURNAME: dict[tuple[str, bool], str] = {
    (russian.surname_forms(family, male)[0], male): russian.surname_forms(family, male)[1]
    for family in russian.SURNAMES for male in (True, False)
}
_GEN_GIVEN: dict[str, str] = {m[0]: m[1] for m in russian.MALE} | dict(russian.FEMALE)
_GEN_PATRONYMIC: dict[str, str] = ({m[2]: m[2] + "а" for m in russian.MALE}
                                   | {m[3]: m[3][:-1] + "ы" for m in russian.MALE})


def genitive(person: TruePerson) -> tuple[str, str, str]:
    """Surname, given name and patronymic of the person in the genitive case."""
    return (_GEN_SURNAME[(person.surname, person.male)], _GEN_GIVEN[person.given_name],
            _GEN_PATRONYMIC[person.patronymic])


def name_key(person: TruePerson) -> tuple[str, str, str, date]:
    """Normalised full name and birth date: equal keys of different people make namesakes."""
    s, g, p = (w.casefold().replace("ё", "е") for w in (person.surname, person.given_name, person.patronymic))
    return s, g, p, person.birth_date


# --- population ---------------------------------------------------------------------------


def _region_of(address: str) -> str:
    return next((code for code, reg in russian.REGIONS.items() if address.startswith(reg.towns)), "77")


def _birth_place(rng: random.Random, region: str, birth: date) -> str:
    if rng.random() < 0.25:
        return rng.choice(russian.ELSEWHERE)
    reg = russian.REGIONS[region]
    return reg.birth_soviet if birth.year < 1992 else reg.birth


def _unique(rng: random.Random, used: set[str], make) -> str:
    while True:  # identifiers of different people never coincide
        value = make(rng)
        digits = re.sub(r"\D", "", value)
        if digits not in used:
            used.add(digits)
            return value


def _identifiers(rng: random.Random, region: str, used: set[str]) -> tuple[str | None, ...]:
    home = region if rng.random() < 0.8 else None  # the INN keeps the region of first registration
    inn = _unique(rng, used, lambda r: ids.make_inn_person(r, home)) if rng.random() < INN_SHARE else None
    snils = _unique(rng, used, ids.make_snils) if rng.random() < SNILS_SHARE else None
    passport = _unique(rng, used, ids.make_passport) if rng.random() < PASSPORT_SHARE else None
    return inn, snils, passport


def _new_fields(rng: random.Random, today: date, used: set[str]) -> dict:
    male = rng.random() < 0.55
    father = rng.choice(russian.MALE)
    given = rng.choice(russian.MALE)[0] if male else rng.choice(russian.FEMALE)[0]
    birth = today - timedelta(days=rng.randint(19 * 365 + 30, 78 * 365))
    region = rng.choice(list(russian.REGIONS))
    inn, snils, passport = _identifiers(rng, region, used)
    return {"surname": russian.surname_forms(rng.choice(russian.SURNAMES), male)[0], "given_name": given,
            "patronymic": father[2] if male else father[3], "male": male, "birth_date": birth,
            "birth_place": _birth_place(rng, region, birth), "address": russian.address(rng, region),
            "inn": inn, "snils": snils, "passport": passport}


def _namesake_fields(rng: random.Random, original: dict, used: set[str]) -> dict:
    if rng.random() < SAME_PLACE_NAMESAKE_RATE:  # born in the same town: the hard case
        region, place = _region_of(original["address"]), original["birth_place"]
    else:
        region = rng.choice(list(russian.REGIONS))
        place = _birth_place(rng, region, original["birth_date"])
        while place == original["birth_place"]:
            region = rng.choice(list(russian.REGIONS))
            place = _birth_place(rng, region, original["birth_date"])
    address = russian.address(rng, region)
    while address == original["address"]:
        address = russian.address(rng, region)
    inn, snils, passport = _identifiers(rng, region, used)
    return {**original, "birth_place": place, "address": address, "inn": inn, "snils": snils,
            "passport": passport}


def make_population(rng: random.Random, persons: int, *, namesake_share: float = 0.03,
                    today: date = REFERENCE_DATE) -> list[TruePerson]:
    """Invent `persons` people; about namesake_share of them are namesakes of another person."""
    if persons <= 0:
        return []
    used: set[str] = set()
    namesakes = min(round(persons * namesake_share), persons - 1)
    rows = [_new_fields(rng, today, used) for _ in range(persons - namesakes)]
    originals = [rng.choice(rows) for _ in range(namesakes)]
    rows += [_namesake_fields(rng, original, used) for original in originals]
    rng.shuffle(rows)  # person ids must not reveal who is a namesake
    return [TruePerson(person_id=i, **row) for i, row in enumerate(rows, start=1)]


# --- mentions -----------------------------------------------------------------------------


def _place_variant(rng: random.Random, place: str) -> str:
    for prefix, alternatives in _PLACE_PREFIXES.items():
        if place.startswith(prefix):
            place = rng.choice(alternatives) + place[len(prefix):]
            break
    if " обл." in place and rng.random() < 0.5:
        place = place.replace(" обл.", " области")
    return place


def _name(rng: random.Random, person: TruePerson, flags: list[str]) -> list[str]:
    nominative = [person.surname, person.given_name, person.patronymic]
    if rng.random() < TRANSLIT_RATE:  # from a foreign passport or a bank's Latin records
        schema = rng.choice(gen.TRANSLIT_SCHEMAS)
        flags.append("translit")
        return [schema.translate(word) for word in nominative]
    parts = nominative
    if rng.random() < GENITIVE_RATE:
        parts = list(genitive(person))
        flags.append("genitive")
    if rng.random() < TYPO_RATE:
        slot = 0 if rng.random() < 0.6 else 1
        parts[slot] = gen._typo(rng, parts[slot])
        flags.append("typo_name")
    if any("ё" in word.lower() for word in parts) and rng.random() < YO_E_RATE:
        parts = [word.replace("ё", "е").replace("Ё", "Е") for word in parts]
        flags.append("yo_e")
    return parts


def _reformat(kind: str, value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if kind == "passport":
        return f"{digits[:2]} {digits[2:4]} {digits[4:]}"
    return digits


def _shown_identifiers(rng: random.Random, person: TruePerson, flags: list[str]) -> dict[str, str]:
    known = {k: getattr(person, k) for k in _ID_KINDS if getattr(person, k)}
    if not known:
        return {}
    if rng.random() < OMIT_IDS_RATE:
        flags.append("identifier_omitted")
        return {}
    pattern = rng.choices(_SHOWN, weights=_SHOWN_WEIGHTS)[0]
    shown = {k: v for k, v in known.items() if pattern is None or k in pattern} or known
    if len(shown) < len(known):
        flags.append("identifier_partial")
    if any(k in ("snils", "passport") for k in shown) and rng.random() < ID_FORMAT_RATE:
        shown = {k: _reformat(k, v) if k in ("snils", "passport") else v for k, v in shown.items()}
        flags.append("id_format")
    return shown


def _party(rng: random.Random, person: TruePerson, address: str, moved: bool) -> tuple[dict, tuple[str, ...]]:
    flags: list[str] = []
    surname, given, patronymic = _name(rng, person, flags)
    shown = _shown_identifiers(rng, person, flags)
    if moved:
        flags.append("moved")
    place = person.birth_place
    if rng.random() < BIRTH_PLACE_VARIANT_RATE:
        place = _place_variant(rng, place)
        flags.append("birth_place_variant")
    party = {"kind": "person", "surname": surname, "given_name": given, "patronymic": patronymic,
             "birth_date": person.birth_date.isoformat(), "birth_place": place,
             "identifiers": shown, "address": address}
    return party, tuple(f for f in VARIATIONS if f in flags)


def _new_address(rng: random.Random, person: TruePerson) -> str:
    region = _region_of(person.address)
    if rng.random() < 0.15:  # moved to another region
        region = rng.choice(list(russian.REGIONS))
    address = russian.address(rng, region)
    while address == person.address:
        address = russian.address(rng, region)
    return address


def _mention_counts(rng: random.Random, population: list[TruePerson], mentions: int,
                    repeat_share: float) -> dict[int, int]:
    groups: dict[tuple, list[TruePerson]] = defaultdict(list)
    for person in population:
        groups[name_key(person)].append(person)
    # Namesakes go first so that the hard cases appear even when mentions < persons.
    hard = [p for p in population if len(groups[name_key(p)]) > 1]
    rest = [p for p in population if len(groups[name_key(p)]) == 1]
    rng.shuffle(hard)
    rng.shuffle(rest)
    order = hard + rest
    counts: dict[int, int] = defaultdict(int)
    remaining = mentions
    while remaining > 0 and order:
        for person in order:
            k = 1 if rng.random() >= repeat_share else rng.choices((2, 3, 4, 5), weights=(50, 25, 15, 10))[0]
            k = min(k, remaining)
            counts[person.person_id] += k
            remaining -= k
            if remaining == 0:
                break
        rng.shuffle(order)  # fewer people than mentions: go round again
    return counts


def make_mentions(rng: random.Random, population: list[TruePerson], mentions: int, *,
                  repeat_share: float = 0.3) -> list[Mention]:
    """Show people as writ debtors: mentions in all, about repeat_share of people 2-5 times."""
    by_id = {p.person_id: p for p in population}
    drafts: list[tuple[int, dict, tuple[str, ...]]] = []
    for person_id, count in _mention_counts(rng, population, mentions, repeat_share).items():
        person = by_id[person_id]
        later = _new_address(rng, person) if count > 1 else person.address
        for j in range(count):
            moved = j > 0 and rng.random() < MOVED_RATE
            party, flags = _party(rng, person, later if moved else person.address, moved)
            drafts.append((person_id, party, flags))
    rng.shuffle(drafts)  # mention ids must not reveal who is who
    return [Mention(mention_id=i, person_id=pid, party=party, has_identifier=bool(party["identifiers"]),
                    variation=flags) for i, (pid, party, flags) in enumerate(drafts, start=1)]


def unidentified_duplicates(rng: random.Random, population: list[TruePerson],
                            share: float = 0.02) -> list[tuple[int, dict]]:
    """Second records of some people, as writs without identifiers leave them in a registry: pairs of
    (the person's id, the party as such a writ showed them, without identifiers), for measuring
    registry deduplication. Names vary as in mentions; some were written at a newer address."""
    out = []
    for person in rng.sample(population, round(len(population) * share)):
        moved = rng.random() < MOVED_RATE
        party, _ = _party(rng, person, _new_address(rng, person) if moved else person.address, moved)
        out.append((person.person_id, {**party, "identifiers": {}}))
    return out


def rejected_at_intake(rng: random.Random, mentions: Iterable[Mention], share: float = 0.02) -> list[Mention]:
    """Copies of some mentions with a one-digit typo in the INN or SNILS, failing the check digit."""
    mentions = list(mentions)
    next_id = max((m.mention_id for m in mentions), default=0) + 1
    out: list[Mention] = []
    for m in mentions:
        kinds = [k for k in ("inn", "snils") if k in m.party["identifiers"]]
        if kinds and rng.random() < share:
            kind = rng.choice(kinds)
            shown = {**m.party["identifiers"], kind: _mistype(rng, kind, m.party["identifiers"][kind])}
            out.append(Mention(next_id + len(out), m.person_id, {**m.party, "identifiers": shown}, True,
                               m.variation + ("identifier_typo",)))
    return out


def _mistype(rng: random.Random, kind: str, value: str) -> str:
    positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    for _ in range(20):  # a check digit mod 11 mod 10 misses some typos; keep those that fail
        i = rng.choice(positions)
        typo = value[:i] + str((int(value[i]) + rng.randint(1, 9)) % 10) + value[i + 1:]
        if not ids.is_valid(kind, typo):
            return typo
    return ids.corrupt_check_digit(value, kind)


# --- ground truth -------------------------------------------------------------------------


def true_pairs(mentions: Iterable[Mention]) -> set[tuple[int, int]]:
    """Mention id pairs (i < j) that show the same person: the links to find."""
    groups: dict[int, list[int]] = defaultdict(list)
    for m in mentions:
        groups[m.person_id].append(m.mention_id)
    return {(a, b) for group in groups.values() for a, b in combinations(sorted(group), 2)}


def namesake_pairs(population: Iterable[TruePerson], mentions: Iterable[Mention]) -> set[tuple[int, int]]:
    """Mention id pairs (i < j) of different people with the same name and birth date: never link."""
    key_of = {p.person_id: name_key(p) for p in population}
    groups: dict[tuple, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[key_of[m.person_id]].append(m)
    return {(min(a.mention_id, b.mention_id), max(a.mention_id, b.mention_id))
            for group in groups.values() for a, b in combinations(group, 2) if a.person_id != b.person_id}
