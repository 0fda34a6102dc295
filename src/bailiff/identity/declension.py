"""Russian name morphology: the gender of a name and its parts put back into the nominative.

pymorphy3 tags surnames, given names and patronymics (Surn/Name/Patr); every word is analysed
once (`analyse`, LRU-cached) into small readings of gender, case and nominative. The gender
decides the nominative of a surname: a female surname's nominative is not its masculine lemma
("Ивановой" → "Иванова", not "Иванов"). Surnames the dictionary lacks follow the common Russian
paradigms (-ов/-ин, -ский/-цкий, -ович), or decline like the adjective or noun they are.
`names` parses whole names and calls this module for each part.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from bailiff.identity.translit import WORD_CACHE_SIZE, morph_analyzer

# Turkic patronymics: the father's name and a marker, "Гусейн оглы", "Рашид кызы".
TURKIC_MALE = {"оглы", "оглу", "улы", "уулу", "ogly", "ogli", "oglu", "uly", "uulu"}
TURKIC_FEMALE = {"кызы", "гызы", "кизи", "kyzy", "kizi", "gyzy", "qizi"}
MALE_PATRONYMIC = re.compile(r"(?:ович|евич|ич)(?:а|у|ем|е)?$")
FEMALE_PATRONYMIC = re.compile(r"(?:овн|евн|ичн)(?:а|ы|е|у|ой|ою)$")


class Reading(NamedTuple):
    """One reading of a word in one role (Surn, Name or Patr)."""

    gender: str  # "masc" | "femn"
    case: str
    nominative: str  # lower case, ё folded
    score: float
    fixed: bool  # indeclinable (pymorphy's Fixd)


_ROLES = ("Surn", "Name", "Patr")
_CASES = {"nomn": "nomn", "gent": "gent", "gen2": "gent", "datv": "datv", "accs": "accs",
          "acc2": "accs", "ablt": "ablt", "loct": "loct", "loc2": "loct"}
GENDER_OUT = {"masc": "male", "femn": "female"}


def fold(text: str) -> str:
    """Lower case with ё folded to е: the form words are compared in."""
    return text.lower().replace("ё", "е")


@lru_cache(maxsize=WORD_CACHE_SIZE)
def analyse(word: str) -> dict[str, tuple[Reading, ...]]:
    """Every singular Surn/Name/Patr reading of one lower-case Cyrillic word."""
    out: dict[str, list[Reading]] = {role: [] for role in _ROLES}
    nominatives: dict[tuple, str | None] = {}
    for parse in morph_analyzer().parse(word):
        tag = parse.tag
        role = next((r for r in _ROLES if r in tag), None)
        case = _CASES.get(tag.case)
        if role is None or case is None or tag.number == "plur":
            continue
        fixed = "Fixd" in tag
        genders = ("masc", "femn") if "ms-f" in tag else (tag.gender,)
        for gender in genders:
            if gender not in GENDER_OUT:
                continue
            key = (parse.normal_form, role, gender, fixed)
            if key not in nominatives:
                if fixed or case == "nomn":  # already nominative: no need to inflect
                    nominatives[key] = word
                else:
                    # Inflect with the gender pinned: the lemma of "ивановой" is "иванов".
                    form = parse.inflect({"nomn", "sing", gender}) or parse.inflect({"nomn"})
                    nominatives[key] = fold(form.word) if form else (word if case == "nomn" else None)
            if nominatives[key]:
                out[role].append(Reading(gender, case, nominatives[key], parse.score, fixed))
    return {role: tuple(readings) for role, readings in out.items()}


def _pick(readings: tuple[Reading, ...], gender: str | None, word: str,
          cases: frozenset[str] | None = None) -> str | None:
    """The nominative among a word's readings: of the name's gender and, when the other parts tell it,
    in the name's case ("Данила" beside "Петрович" is nominative, beside "Петровича" Данил's genitive)."""
    pool = [r for r in readings if gender is None or r.gender == gender]
    if not pool:
        return None
    fitting = [r for r in pool if cases and r.case in cases]
    if fitting:
        pool = fitting
        declinable = [r for r in pool if not r.fixed]
        if declinable and cases != {"nomn"}:
            pool = declinable  # "Анне" beside "Петровне" is Анна's dative, not an indeclinable "Анне"
    elif any(r.nominative == word and r.case == "nomn" for r in pool):
        return word  # nothing tells the case: a form that may already be nominative stays
    totals: dict[str, float] = defaultdict(float)
    for reading in pool:
        totals[reading.nominative] += reading.score
    return max(totals, key=totals.__getitem__)


_INDECLINABLE = re.compile(r"(?:их|ых|ко|аго|яго)$")
_OV_STEM = re.compile(r"^(.+(?:ов|ев|ин|ын))(|а|у|ым|е|ой|ою)$")
_SKY_STEM = re.compile(r"^(.+(?:ск|цк))(ий|ого|ому|им|ом|ая|ой|ую|ою)$")
_ICH_STEM = re.compile(r"^(.+(?:ович|евич|ич))(а|у|ем|е)$")  # Бонч-Бруевича; female forms never decline


def _surname_by_suffix(word: str, gender: str | None) -> tuple[str, str | None] | None:
    """Common Russian surname paradigms for surnames pymorphy3 does not know."""
    if m := _OV_STEM.match(word):
        stem, end = m.groups()
        forms = {"": ("masc",), "а": ("masc", "femn"), "у": ("masc", "femn"), "ым": ("masc",),
                 "е": ("masc",), "ой": ("femn",), "ою": ("femn",)}[end]
    elif m := _SKY_STEM.match(word):
        stem, end = m.groups()
        # "-ской" is also a masculine nominative (Трубецкой), so it is female only when told.
        forms = {"ий": ("masc",), "ого": ("masc",), "ому": ("masc",), "им": ("masc",),
                 "ом": ("masc",), "ая": ("femn",), "ую": ("femn",), "ою": ("femn",),
                 "ой": ("femn", "masc")}[end]
    elif m := _ICH_STEM.match(word):
        stem, end = m.groups()
        forms = ("masc",)
    else:
        return None
    if gender is None:
        if len(forms) > 1:
            return word, None
        gender = forms[0]
    if gender not in forms:
        return None
    if stem.endswith(("ск", "цк")):
        if end == "ой" and gender == "masc":
            return word, gender
        return stem + ("ий" if gender == "masc" else "ая"), gender
    return stem + ("" if gender == "masc" else "а"), gender


def _surname_gender(surname: str) -> str | None:
    last = surname.split("-")[-1]
    if _INDECLINABLE.search(last):
        return None
    genders = {r.gender for r in analyse(last)["Surn"]}
    if not genders and (rule := _surname_by_suffix(last, None)):
        return rule[1]
    return genders.pop() if len(genders) == 1 else None


def _surname_part(word: str, gender: str | None) -> str:
    if _INDECLINABLE.search(word):
        return word
    if found := _pick(analyse(word)["Surn"], gender, word):
        return found
    if rule := _surname_by_suffix(word, gender):
        return rule[0]
    if adjective := _adjective_nominative(word, gender):
        return adjective
    if gender == "masc":
        return _noun_nominative(word) or word
    return word


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _adjective_nominative(word: str, gender: str | None) -> str | None:
    """Surnames the dictionary knows only as adjectives ("Белой" → "Белая") decline like them."""
    if gender is None:
        return None
    for parse in morph_analyzer().parse(word):
        tag = parse.tag
        if "ADJF" in tag and tag.number == "sing" and tag.gender == gender and tag.case in _CASES:
            form = parse.inflect({"nomn", "sing", gender})
            return fold(form.word) if form else None
    return None


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _noun_nominative(word: str) -> str | None:
    """Male surnames that are common nouns ("Шпака", "Зайца") decline like the noun."""
    for parse in morph_analyzer().parse(word):
        tag = parse.tag
        if {"NOUN", "masc", "sing"} <= tag.grammemes and _CASES.get(tag.case) not in (None, "nomn") \
                and not ({"Geox", "Name", "Patr", "Orgn"} & tag.grammemes):
            return fold(parse.normal_form)
    return None


def _given_gender(given: str, surname: str | None) -> str | None:
    readings = analyse(given.split("-")[0])["Name"]
    genders = {r.gender for r in readings}
    if len(genders) <= 1:
        return genders.pop() if genders else None
    # An ambiguous name ("Рашида": female nominative or male genitive) takes the gender
    # whose case also fits the surname.
    surn = analyse(surname.split("-")[-1])["Surn"] if surname else ()
    best, best_value = None, 0.0
    for gender in ("masc", "femn"):
        for case in set(_CASES.values()):
            n = sum(r.score for r in readings if r.gender == gender and r.case == case)
            s = sum(r.score for r in surn if r.gender == gender and r.case == case) if surn else 1.0
            if n * s > best_value:
                best, best_value = gender, n * s
    return best or max(readings, key=lambda r: r.score).gender


def _patronymic_gender(patronymic: str) -> str | None:
    words = patronymic.split()
    if len(words) == 2:
        return "masc" if words[1] in TURKIC_MALE else "femn"
    if MALE_PATRONYMIC.search(patronymic):
        return "masc"
    if FEMALE_PATRONYMIC.search(patronymic):
        return "femn"
    genders = {r.gender for r in analyse(patronymic)["Patr"]}
    return genders.pop() if len(genders) == 1 else None


def patronymic_nominative(patronymic: str, gender: str | None) -> str:
    words = patronymic.split()
    if len(words) == 2:  # Turkic: the father's name goes to the nominative, the marker stays
        father = _pick(analyse(words[0])["Name"], "masc", words[0]) or words[0]
        return f"{father.capitalize()} {words[1]}"
    found = _pick(analyse(patronymic)["Patr"], gender, patronymic)
    if not found:
        found = re.sub(r"(ович|евич|ич)(а|у|ем|е)$", r"\1", patronymic)
        found = re.sub(r"(овн|евн|ичн)(ы|е|у|ой|ою)$", r"\1а", found)
    return _title(found)


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def gender_of(surname: str, given: str | None, patronymic: str | None) -> str | None:
    """"masc", "femn" or None: the patronymic decides, then the given name, then the surname
    alone (an initial tells nothing)."""
    gender = None
    if patronymic and not patronymic.endswith("."):
        gender = _patronymic_gender(patronymic)
    if gender is None and given and not given.endswith("."):
        gender = _given_gender(given, surname)
    return gender if gender is not None else _surname_gender(surname)


def surname_nominative(surname: str, gender: str | None) -> str:
    """A prepared surname (each part of a double one) in the nominative, title case."""
    return _title("-".join(_surname_part(part, gender) for part in surname.split("-")))


def name_cases(surname: str, patronymic: str | None, gender: str | None) -> frozenset[str] | None:
    """The grammatical cases a whole name can be in, read from its patronymic (or else its surname),
    or None when they tell nothing (a Turkic patronymic's marker never declines)."""
    if patronymic and not patronymic.endswith(".") and " " not in patronymic:
        cases = {r.case for r in analyse(patronymic)["Patr"] if gender is None or r.gender == gender}
        if cases:
            return frozenset(cases)
    last = surname.split("-")[-1]
    cases = {r.case for r in analyse(last)["Surn"] if (gender is None or r.gender == gender) and not r.fixed}
    return frozenset(cases) or None


_OBLIQUE_IA = re.compile(r"^(.+)ии$")  # "Софии": genitive, dative or locative of a name in -ия


def given_nominative(given: str, gender: str | None, cases: frozenset[str] | None = None) -> str:
    """A prepared given name (each part of a double one) in the nominative, title case."""
    def part_nominative(part: str) -> str:
        found = _pick(analyse(part)["Name"], gender, part, cases)
        if found is None and gender == "femn" and cases and "nomn" not in cases and (m := _OBLIQUE_IA.match(part)):
            return m.group(1) + "ия"  # a name the dictionary lacks declines like Мария
        return found or part
    return _title("-".join(part_nominative(part) for part in given.split("-")))


def clear_caches() -> None:
    """Empty the word caches of this module."""
    for cached in (analyse, _adjective_nominative, _noun_nominative):
        cached.cache_clear()

