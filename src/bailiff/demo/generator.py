"""Deterministic synthetic Russian writs ("bailiff/writ/1" documents) for ``bailiff demo``.

Everything is drawn from the ``random.Random`` passed in, so a seed reproduces the data set.
Banks are real (public EGRUL data); every other organisation and every person is invented,
with identifiers generated to pass their check digits.  Names come in the shapes intake
really meets: genitive case (courts write "взыскать с Иванова Ивана ..."), Latin
transliteration, typos, "е" for "ё", and the same person recurring across writs.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import iuliia

from bailiff.demo.russian import ELSEWHERE, FEMALE, MALE, REGIONS, SURNAMES, address, surname_forms
from bailiff.identity import identifiers as ids

SCHEMA = "bailiff/writ/1"
CLAIM_CATEGORIES = ("loan", "utilities", "taxes", "alimony", "damages", "fine", "wages")
# GOST 7.79 system A in the installed iuliia leaves "ё" untouched, so system B (_ALT) is used.
TRANSLIT_SCHEMAS = (iuliia.ICAO_DOC_9303, iuliia.MVD_310, iuliia.GOST_779_ALT)


@dataclass(frozen=True)
class DemoIssuer:
    """A court that issues writs in the demo data set."""

    code: str
    name: str
    region: str
    kind: str = "court"


_BANKS = (  # name, INN, OGRN, address (EGRUL)
    ("ПАО Сбербанк", "7707083893", "1027700132195", "г. Москва, ул. Вавилова, д. 19"),
    ("Банк ВТБ (ПАО)", "7702070139", "1027739609391", "г. Санкт-Петербург, ул. Большая Морская, д. 29"),
    ('АО "Альфа-Банк"', "7728168971", "1027700067328", "г. Москва, ул. Каланчевская, д. 27"),
    ('АО "ТБанк"', "7710140679", "1027739642281", "г. Москва, ул. 2-я Хуторская, д. 38А, стр. 26"),
    ("Банк ГПБ (АО)", "7744001497", "1027700167110", "г. Москва, ул. Наметкина, д. 16, корп. 1"),
)
_LENDERS = ('ООО МКК "Капитал-Экспресс"', 'ООО МФК "Займ до зарплаты"', 'ООО ПКО "Долговой центр"')
_UTILITIES = ('ООО "УК "Уютный дом"', 'ООО "УК "Жилкомфорт"', 'АО "Теплосетевая компания"',
              'ООО "Расчётный центр ЖКХ"', 'МУП "Водоканал"')
_INSURERS = ('АО "СК "Северная гарантия"', 'ООО "СК "Опора"')
_ORG_FORMS = ("ООО", "ООО", "ООО", "АО", "ПАО")
_ORG_NAMES = ("Ромашка", "Вектор", "СтройИнвест", "Альфа-Трейд", "ТехноСервис", "Северный ветер",
              "Меридиан", "Горизонт", "ПромСнаб", "Уралстройкомплект", "Сибирь-Логистик", "Волга-Агро")

# (min, max) roubles per category; sums are log-uniform because debts are heavily skewed.
_AMOUNTS = {"loan": (3_000, 900_000), "utilities": (1_500, 180_000), "taxes": (300, 90_000),
            "alimony": (15_000, 450_000), "damages": (5_000, 1_500_000), "fine": (5_000, 500_000),
            "wages": (10_000, 600_000)}
# Court orders only issue for undisputed claims (Civil Procedure Code art. 122, Code of
# Administrative Procedure art. 123.1 for taxes); disputed ones end in a writ of execution.
_CATEGORY_WEIGHTS = {
    "court_order": {"loan": 40, "utilities": 28, "taxes": 17, "alimony": 8, "wages": 7},
    "writ_of_execution": {"loan": 30, "damages": 25, "fine": 12, "alimony": 10, "wages": 8,
                          "utilities": 8, "taxes": 7},
}
_SHOWN_IDS = (("inn", "snils"), ("inn",), ("snils",), ("passport",), ("inn", "snils", "passport"))
# Family Code art. 81: 1/4 of income for one child, 1/3 for two, 1/2 for three or more.
_ALIMONY_SHARES = ("1/4", "1/4", "1/4", "1/3", "1/3", "1/2")


@dataclass
class _Person:
    male: bool
    family: tuple[str, str]       # entry of SURNAMES, shared by relatives
    surname: tuple[str, str]      # nominative, genitive
    given: tuple[str, str]
    patronymic: tuple[str, str]
    birth_date: date
    birth_place: str
    address: str
    ids: dict[str, str]


@dataclass
class DebtorPool:
    """People already used as debtors, by region, so that some recur in later writs."""

    by_region: dict[str, list[_Person]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(people) for people in self.by_region.values())



def _new_person(rng: random.Random, region: str, today: date, male: bool | None = None,
                ages: tuple[int, int] = (19, 78), family: tuple[str, str] | None = None) -> _Person:
    male = rng.random() < 0.55 if male is None else male
    father = rng.choice(MALE)
    if male:
        own = rng.choice(MALE)
        given, patronymic = (own[0], own[1]), (father[2], father[2] + "а")
    else:
        given, patronymic = rng.choice(FEMALE), (father[3], father[3][:-1] + "ы")
    birth = today - timedelta(days=rng.randint(ages[0] * 365 + 30, ages[1] * 365))
    reg = REGIONS[region]
    place = rng.choice(ELSEWHERE) if rng.random() < 0.25 else (reg.birth_soviet if birth.year < 1992 else reg.birth)
    home = region if rng.random() < 0.8 else None
    person_ids = {"inn": ids.make_inn_person(rng, home), "snils": ids.make_snils(rng),
                  "passport": ids.make_passport(rng)}
    if rng.random() < 0.04:  # individual entrepreneurs are registered in EGRIP
        person_ids["ogrnip"] = ids.make_ogrnip(rng, home)
    family = family or rng.choice(SURNAMES)
    return _Person(male, family, surname_forms(family, male), given, patronymic, birth, place,
                   address(rng, region), person_ids)



def _typo(rng: random.Random, word: str) -> str:
    # Keep the first letter: clerks rarely get it wrong, and it keeps the word recognisable.
    if len(word) < 4:
        return word + word[-1]
    i = rng.randint(1, len(word) - 2)
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if rng.random() < 0.5 and swapped != word:
        return swapped
    return word[:i] + word[i + 1:]


def _render_name(rng: random.Random, p: _Person, allow_genitive: bool = True) -> dict[str, str]:
    genitive = allow_genitive and rng.random() < 0.35
    case = 1 if genitive else 0
    parts = [p.surname[case], p.given[case], p.patronymic[case]]
    roll = rng.random()
    if roll < 0.05:
        schema = rng.choice(TRANSLIT_SCHEMAS)
        parts = [schema.translate(x) for x in (p.surname[0], p.given[0], p.patronymic[0])]
    else:
        if roll < 0.10:
            slot = 0 if rng.random() < 0.6 else rng.randint(1, 2)
            parts[slot] = _typo(rng, parts[slot])
        if rng.random() < 0.4:  # "ё" is optional in Russian writing and often dropped
            parts = [x.replace("ё", "е").replace("Ё", "Е") for x in parts]
    return {"surname": parts[0], "given_name": parts[1], "patronymic": parts[2]}


def _person_doc(rng: random.Random, p: _Person, debtor: bool) -> dict:
    doc: dict = {"kind": "person", **_render_name(rng, p, allow_genitive=debtor)}
    if debtor:
        doc["birth_date"] = p.birth_date.isoformat()
        doc["birth_place"] = p.birth_place
    # Civil Procedure Code art. 124 part 1 item 3 asks for the debtor's identifiers only "if
    # known", so about one debtor in ten is named by birth date and place alone.
    shown: tuple[str, ...] = ()
    if not debtor or rng.random() >= 0.10:
        shown = rng.choices(_SHOWN_IDS, weights=(40, 15, 20, 10, 15))[0]
    if "ogrnip" in p.ids and "inn" in shown:
        shown += ("ogrnip",)
    doc["identifiers"] = {k: p.ids[k] for k in shown}
    doc["address"] = p.address
    return doc


def _org(name: str, inn: str, ogrn: str, address: str) -> dict:
    return {"kind": "organization", "name": name, "identifiers": {"inn": inn, "ogrn": ogrn}, "address": address}


def _stable_org(name: str, region: str) -> dict:
    """Same invented organisation in the same region always gets the same identifiers."""
    own = random.Random(f"bailiff-demo-org:{region}:{name}")
    return _org(name, ids.make_inn_org(own, region), ids.make_ogrn(own, region),
                address(own, region, office=True))


def _debtor_person(rng: random.Random, region: str, today: date, pool: DebtorPool | None,
                   male: bool | None = None, ages: tuple[int, int] = (19, 78)) -> _Person:
    people = pool.by_region.setdefault(region, []) if pool is not None else None
    if people and rng.random() < 0.15:
        person = rng.choice(people)
        if male is None or person.male == male:
            if rng.random() < 0.2:  # moved house since the previous case
                person = replace(person, address=address(rng, region))
            return person
    person = _new_person(rng, region, today, male=male, ages=ages)
    if people is not None:
        people.append(person)
    return person


def _creditor(rng: random.Random, category: str, region: str, today: date,
              debtor: _Person | None) -> dict:
    reg = REGIONS[region]
    if category == "loan":
        if rng.random() < 0.7:
            return _org(*rng.choice(_BANKS))
        return _stable_org(rng.choice(_LENDERS), region)
    if category == "utilities":
        return _stable_org(rng.choice(_UTILITIES), region)
    if category == "taxes":
        office = "ИФНС России" if region == "77" else "Межрайонная ИФНС России"
        return _stable_org(f"{office} № {rng.randint(1, 30)} по {reg.dative}", region)
    if category == "fine":
        return _stable_org(f"УФК по {reg.dative}", region)
    if category == "damages" and rng.random() < 0.4:
        return _stable_org(rng.choice(_INSURERS), region)
    if category == "alimony":
        # The child's mother often still bears the father's surname.
        family = debtor.family if debtor is not None and rng.random() < 0.6 else None
        mother = _new_person(rng, region, today, male=False, ages=(20, 50), family=family)
        return _person_doc(rng, mother, debtor=False)
    return _person_doc(rng, _new_person(rng, region, today), debtor=False)


def _amount(rng: random.Random, category: str) -> str:
    low, high = _AMOUNTS[category]
    kopecks = int(math.exp(rng.uniform(math.log(low), math.log(high))) * 100)
    if rng.random() < 0.1:
        kopecks -= kopecks % 100_000  # round sums, e.g. state duty or a fixed penalty
    kopecks = max(kopecks, 100)
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def _dates(rng: random.Random, kind: str, category: str, today: date) -> tuple[date, date, date]:
    decision = today - timedelta(days=rng.randint(10, 400))
    if category == "alimony":
        delay = 0  # alimony is enforced immediately (Civil Procedure Code art. 211)
    elif kind == "court_order":
        delay = rng.randint(16, 45)  # 10 days for objections after delivery (CPC art. 128, 130)
    else:
        delay = rng.randint(31, 75)  # one month for an appeal (CPC art. 209, 321)
    effective = min(decision + timedelta(days=delay), today)
    issue = min(effective + timedelta(days=rng.randint(0, 20)), today)
    return decision, effective, issue


def make_issuers(rng: random.Random, count: int = 12) -> list[DemoIssuer]:
    """Generate justices of the peace and district courts across several regions."""
    regions = list(REGIONS)
    rng.shuffle(regions)
    unused_rs = {r: list(enumerate(REGIONS[r].rs, start=1)) for r in regions}
    issuers: list[DemoIssuer] = []
    codes: set[str] = set()
    while len(issuers) < count:
        region = regions[len(issuers) % len(regions)]
        if len(issuers) % 3 == 2 and unused_rs[region]:
            idx, name = unused_rs[region].pop(rng.randrange(len(unused_rs[region])))
            code = f"RS-{region}-{idx:03d}"
        else:
            number = rng.randint(1, 420)
            code = f"MS-{region}-{number:04d}"
            name = f"Мировой судья судебного участка № {number} {rng.choice(REGIONS[region].ms)}"
        if code not in codes:
            codes.add(code)
            issuers.append(DemoIssuer(code=code, name=name, region=region))
    return issuers


def make_writ(rng: random.Random, issuer: DemoIssuer, seq: int, today: date,
              pool: DebtorPool | None = None) -> dict:
    """Generate one writ document; seq must be unique per issuer to keep numbers unique."""
    region = issuer.region
    justice = issuer.code.startswith("MS-")
    kind = "court_order" if justice and rng.random() < 0.85 else "writ_of_execution"
    weights = _CATEGORY_WEIGHTS[kind]
    category = rng.choices(list(weights), weights=list(weights.values()))[0]
    decision, effective, issue = _dates(rng, kind, category, today)
    # "2а" marks administrative cases, which is how tax arrears are tried (CAS art. 286).
    case_number = f"{'2а' if category == 'taxes' else '2'}-{seq + 1:04d}/{decision.year}"
    if kind == "court_order":
        number = case_number
    else:
        # Writ blanks are printed with series "ВС" for justices of the peace and "ФС" for
        # federal courts; the issuer block keeps numbers apart, seq keeps them unique.
        block = zlib.crc32(issuer.code.encode()) % 1000
        number = f"{'ВС' if justice else 'ФС'} № {block * 100_000 + seq:09d}"

    debtors: list[dict] = []
    first: _Person | None = None
    # Wage arrears are owed by employers; alimony and criminal fines only by people.
    org_share = {"wages": 1.0, "alimony": 0.0, "fine": 0.0}.get(category, 0.04)
    if rng.random() < org_share:
        debtors.append(_stable_org(f'{rng.choice(_ORG_FORMS)} "{rng.choice(_ORG_NAMES)}"', region))
    else:
        if category == "alimony":  # mostly fathers of minor children
            first = _debtor_person(rng, region, today, pool, male=rng.random() < 0.9, ages=(20, 55))
        else:
            first = _debtor_person(rng, region, today, pool)
        debtors.append(_person_doc(rng, first, debtor=True))
    joint = first is not None and category in ("loan", "utilities", "damages") and rng.random() < 0.06
    if joint and first is not None:
        if category == "utilities":  # co-owners of a flat: a relative at the same address
            second = replace(_new_person(rng, region, today, family=first.family), address=first.address)
        else:  # a guarantor (Civil Code art. 363) or a co-tortfeasor (art. 1080)
            second = _debtor_person(rng, region, today, pool)
            if second.ids == first.ids:  # the pool handed back the borrower himself
                second = _new_person(rng, region, today)
        debtors.append(_person_doc(rng, second, debtor=True))

    creditor = _creditor(rng, category, region, today, first)
    if category == "alimony" and rng.random() < 0.5:
        claim = {"kind": "periodic", "category": "alimony", "share": rng.choice(_ALIMONY_SHARES),
                 "currency": "RUB"}
    else:
        claim = {"kind": "money", "category": category, "amount": _amount(rng, category), "currency": "RUB"}

    doc: dict = {
        "schema": SCHEMA, "jurisdiction": "RU",
        "issuer": {"code": issuer.code, "name": issuer.name},
        "type": kind, "number": number, "case_number": case_number,
        "decision_date": decision.isoformat(), "effective_date": effective.isoformat(),
        "issue_date": issue.isoformat(), **({"joint_liability": True} if joint else {}),
        "debtors": debtors, "creditors": [creditor], "claim": claim,
    }
    return doc


def make_writs(rng: random.Random, issuers: Iterable[DemoIssuer], count: int,
               today: date) -> Iterator[tuple[DemoIssuer, dict]]:
    """Generate count writs spread over the issuers, with debtors recurring across writs."""
    issuers = list(issuers)
    pool = DebtorPool()
    seqs: dict[str, int] = {}
    for _ in range(count):
        issuer = rng.choice(issuers)
        seq = seqs.get(issuer.code, 0)
        seqs[issuer.code] = seq + 1
        yield issuer, make_writ(rng, issuer, seq, today, pool)
