"""Deterministic synthetic Kazakh writs ("bailiff/writ/1", jurisdiction KZ) and regional chambers of
private bailiffs for ``bailiff demo`` in a Kazakh deployment (``BAILIFF_JURISDICTION=kz``).

Everything is drawn from the ``random.Random`` passed in, so a seed reproduces the data set. Every
organisation and person is invented: an IIN carries its holder's birth date and sex, as real ones do
(the intake cross-checks them), and a BIN passes its check digit. Acts are in Russian, in which
Kazakh courts also issue them; names are Kazakh, Russian and Korean, as in the country. Writs go to the regional chamber of the debtor's city, whose private bailiffs are drawn
(261-IV; MoJ order No. 652, distribution among the chamber's private bailiffs).
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from bailiff.demo.generator import SCHEMA, DemoIssuer
from bailiff.identity.identifiers_central_asia import make_bin, make_iin


@dataclass(frozen=True)
class _City:
    name: str                 # as addresses write it
    locality: str             # as the chamber's localities match it
    chamber: str              # office id of the regional chamber
    streets: tuple[str, ...]
    courts: tuple[str, ...]   # district courts (районные суды)


# Regions by their KATO code.
_CITIES: dict[str, _City] = {
    "75": _City("г. Алматы", "алматы", "ALA",
                ("ул. Абая", "пр. Достык", "ул. Толе би", "ул. Жандосова", "мкр. Самал-2", "ул. Сейфуллина"),
                ("Медеуский", "Бостандыкский", "Алмалинский", "Ауэзовский")),
    "71": _City("г. Астана", "астана", "AST",
                ("пр. Мангилик Ел", "ул. Кенесары", "пр. Республики", "ул. Сыганак", "пр. Абылай хана"),
                ("Есильский", "Сарыаркинский", "Алматинский", "Байконурский")),
    "79": _City("г. Шымкент", "шымкент", "SHY",
                ("ул. Байтурсынова", "пр. Тауке хана", "ул. Желтоксан", "мкр. Нурсат"),
                ("Абайский", "Аль-Фарабийский", "Енбекшинский")),
    "35": _City("Карагандинская обл., г. Караганда", "караганда", "KAR",
                ("пр. Бухар-Жырау", "ул. Ерубаева", "пр. Нуркена Абдирова", "ул. Гоголя"),
                ("Казыбекбийский", "Октябрьский")),
}
_COURT_OF = {"75": "г. Алматы", "71": "г. Астаны", "79": "г. Шымкента", "35": "г. Караганды"}
_BIRTH_PLACES = ("г. Алматы", "г. Астана", "г. Шымкент", "г. Караганда", "г. Тараз", "г. Павлодар",
                 "Алматинская обл.", "Туркестанская обл.", "г. Семипалатинск", "г. Целиноград")

# Surnames: (man's form, woman's form); Korean surnames do not change.
_SURNAMES = (("Ахметов", "Ахметова"), ("Жумабаев", "Жумабаева"), ("Сулейменов", "Сулейменова"),
             ("Искаков", "Искакова"), ("Омаров", "Омарова"), ("Касымов", "Касымова"), ("Абдрахманов", "Абдрахманова"),
             ("Тулегенов", "Тулегенова"), ("Нургалиев", "Нургалиева"), ("Байжанов", "Байжанова"),
             ("Иванов", "Иванова"), ("Кузнецов", "Кузнецова"), ("Ким", "Ким"), ("Пак", "Пак"))
_MALE = ("Нурлан", "Ерлан", "Серик", "Асхат", "Бауыржан", "Даурен", "Айдос", "Ержан", "Марат", "Руслан",
         "Тимур", "Арман", "Сергей", "Дмитрий")
_FEMALE = ("Айгуль", "Гульмира", "Динара", "Жанар", "Асель", "Сауле", "Мадина", "Айжан", "Камила", "Ольга")
# Invented creditors, by the kind of claim they bring.
_BANKS = ("АО «Дала Банк»", "АО «Банк Жетысу Финанс»", "АО «Сарыарка Кредит»")
_LENDERS = ("ТОО «МФО «Жылдам Карыз»", "ТОО «МФО «Береке Финанс»")
_UTILITIES = ("КСК «Береке»", "ТОО «Тазалык Сервис»", "ТОО «Жылу Энерго Сбыт»")
# (min, max) tenge per category, log-uniform.
_AMOUNTS = {"loan": (30_000, 15_000_000), "utilities": (10_000, 900_000), "taxes": (3_000, 2_000_000),
            "damages": (50_000, 20_000_000), "fine": (10_000, 1_500_000)}
_CATEGORIES = {"court_order": {"loan": 45, "utilities": 30, "taxes": 15, "alimony": 10},
               "writ_of_execution": {"loan": 35, "damages": 25, "fine": 15, "alimony": 15, "utilities": 10}}
# Code on Marriage (Matrimony) and Family art. 139: 1/4 of income for one child, 1/3 for two, 1/2 for more.
_ALIMONY_SHARES = ("1/4", "1/4", "1/3", "1/2")


def chambers() -> dict[str, tuple[str, str, str]]:
    """The demo's regional chambers: office id -> (region code, name, locality)."""
    return {c.chamber: (code, f"Региональная палата частных судебных исполнителей {_COURT_OF[code]}", c.locality)
            for code, c in _CITIES.items()}


def make_issuers(rng: random.Random, count: int = 8) -> list[DemoIssuer]:
    """District courts of the demo cities, two per city where there are enough."""
    issuers: list[DemoIssuer] = []
    codes = list(_CITIES)
    for n in range(count):
        region = codes[n % len(codes)]
        court = _CITIES[region].courts[(n // len(codes)) % len(_CITIES[region].courts)]
        code = f"KZ-{region}-RS-{n // len(codes) + 1:02d}"
        issuers.append(DemoIssuer(code=code, name=f"{court} районный суд {_COURT_OF[region]}", region=region))
    rng.shuffle(issuers)
    return issuers


def _person(rng: random.Random, region: str, today: date, debtor: bool) -> dict:
    male = rng.random() < 0.6
    surname = rng.choice(_SURNAMES)[0 if male else 1]
    given = rng.choice(_MALE if male else _FEMALE)
    father = rng.choice(_MALE)
    patronymic = father + ("ович" if male else "овна")
    birth = today - timedelta(days=rng.randint(19 * 365 + 30, 75 * 365))
    city = _CITIES[region]
    house = f"д. {rng.randint(1, 150)}, кв. {rng.randint(1, 240)}"
    doc = {"kind": "person", "surname": surname, "given_name": given, "patronymic": patronymic,
           "identifiers": {"iin": make_iin(rng, birth, "male" if male else "female")},
           "address": f"{city.name}, {rng.choice(city.streets)}, {house}"}
    if debtor:
        doc["birth_date"] = birth.isoformat()
        doc["birth_place"] = rng.choice(_BIRTH_PLACES)
    return doc


def _organization(name: str, region: str) -> dict:
    """The same invented organisation always gets the same BIN and address."""
    own = random.Random(f"bailiff-demo-kz-org:{name}")
    city = _CITIES[region]
    return {"kind": "organization", "name": name, "identifiers": {"bin": make_bin(own)},
            "address": f"{city.name}, {own.choice(city.streets)}, д. {own.randint(1, 150)}, офис {own.randint(1, 300)}"}


def _creditor(rng: random.Random, category: str, region: str, today: date) -> dict:
    if category == "loan":
        return _organization(rng.choice(_BANKS + _LENDERS), region)
    if category == "utilities":
        return _organization(rng.choice(_UTILITIES), region)
    if category == "taxes":
        return _organization(f"РГУ «Управление государственных доходов по {_COURT_OF[region]}»", region)
    if category == "fine":
        return _organization(f"РГУ «Департамент полиции {_COURT_OF[region]}»", region)
    return _person(rng, region, today, debtor=False)


def _amount(rng: random.Random, category: str) -> str:
    low, high = _AMOUNTS[category]
    tiyn = max(int(math.exp(rng.uniform(math.log(low), math.log(high))) * 100), 100)
    return f"{tiyn // 100}.{tiyn % 100:02d}"


def make_writ(rng: random.Random, issuer: DemoIssuer, seq: int, today: date) -> dict:
    """One Kazakh writ; `seq` must be unique per issuer to keep numbers unique."""
    region = issuer.region
    kind = "court_order" if rng.random() < 0.6 else "writ_of_execution"
    weights = _CATEGORIES[kind]
    category = rng.choices(list(weights), weights=list(weights.values()))[0]
    decision = today - timedelta(days=rng.randint(10, 300))
    effective = min(decision + timedelta(days=0 if category == "alimony" else rng.randint(15, 45)), today)
    issue = min(effective + timedelta(days=rng.randint(0, 15)), today)
    case_number = f"{region}{zlib.crc32(issuer.code.encode()) % 100:02d}-{decision.year % 100:02d}-00-2/{seq + 1}"
    number = case_number if kind == "court_order" else f"ИЛ № {seq + 1:07d}"
    if category == "alimony" and rng.random() < 0.6:
        claim = {"kind": "periodic", "category": "alimony", "share": rng.choice(_ALIMONY_SHARES), "currency": "KZT"}
    else:
        amount_category = "damages" if category == "alimony" else category  # alimony arrears: a sum
        claim = {"kind": "money", "category": category, "amount": _amount(rng, amount_category), "currency": "KZT"}
    return {"schema": SCHEMA, "jurisdiction": "KZ", "issuer": {"code": issuer.code, "name": issuer.name},
            "type": kind, "number": number, "case_number": case_number, "decision_date": decision.isoformat(),
            "effective_date": effective.isoformat(), "issue_date": issue.isoformat(),
            "debtors": [_person(rng, region, today, debtor=True)],
            "creditors": [_creditor(rng, category, region, today)], "claim": claim}


def make_writs(rng: random.Random, issuers: Iterable[DemoIssuer], count: int,
               today: date) -> Iterator[tuple[DemoIssuer, dict]]:
    """`count` writs spread over the issuers."""
    issuers = list(issuers)
    seqs: dict[str, int] = {}
    for _ in range(count):
        issuer = rng.choice(issuers)
        seq = seqs.get(issuer.code, 0)
        seqs[issuer.code] = seq + 1
        yield issuer, make_writ(rng, issuer, seq, today)
