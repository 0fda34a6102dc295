"""Normalisation of debtor and creditor names as courts write them in writs of enforcement.

A writ says "взыскать с Иванова Ивана Ивановича" (genitive), a bank register says
"IVANOV IVAN", a clerk types "Иванов И.И.". Identity matching needs one comparable form:
the NOMINATIVE case, title case, ё folded to е. The case and gender are recovered with
pymorphy3 using its Surn/Name/Patr tags; the gender comes first from the patronymic
(decisive), then from the given name, then from the surname alone, because a female
surname's nominative is not its masculine lemma ("Ивановой" → "Иванова").

pymorphy3 costs about 0.3 ms per word, so every word is analysed once and the small
result (role, gender, case, nominative) is kept in a large LRU cache; whole names are
cached as well. A name that cannot be parsed is kept as written (`parsed=False`) and
resolved on the other evidence, never silently dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bailiff.identity import phonetic, translit
from bailiff.identity.phonetic import comparison_key, latin_key, phonetic_key
from bailiff.identity.translit import (
    WORD_CACHE_SIZE, fix_homoglyphs, has_latin, is_gost_b, latin_to_cyrillic, morph_analyzer,
    strip_diacritics,
)

__all__ = [
    "PersonName", "normalize_person", "parse_full_name", "comparison_key", "latin_key",
    "phonetic_key", "normalize_org_name", "is_initial", "clear_caches",
]

_NAME_CACHE = 1 << 16


@dataclass(frozen=True)
class PersonName:
    """A person's name in the nominative, title case, ё folded; `parsed=False` keeps raw text."""

    surname: str
    given_name: str | None
    patronymic: str | None
    gender: str | None
    raw: str
    parsed: bool


class _Reading(NamedTuple):
    gender: str  # "masc" | "femn"
    case: str
    nominative: str  # lower case, ё folded
    score: float
    fixed: bool  # indeclinable (pymorphy's Fixd)


_ROLES = ("Surn", "Name", "Patr")
_CASES = {"nomn": "nomn", "gent": "gent", "gen2": "gent", "datv": "datv", "accs": "accs",
          "acc2": "accs", "ablt": "ablt", "loct": "loct", "loc2": "loct"}
_GENDER_OUT = {"masc": "male", "femn": "female"}


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е")


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _analyse(word: str) -> dict[str, tuple[_Reading, ...]]:
    """Every singular Surn/Name/Patr reading of one lower-case Cyrillic word."""
    out: dict[str, list[_Reading]] = {role: [] for role in _ROLES}
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
            if gender not in _GENDER_OUT:
                continue
            key = (parse.normal_form, role, gender, fixed)
            if key not in nominatives:
                if fixed or case == "nomn":  # already nominative: no need to inflect
                    nominatives[key] = word
                else:
                    # Inflect with the gender pinned: the lemma of "ивановой" is "иванов".
                    form = parse.inflect({"nomn", "sing", gender}) or parse.inflect({"nomn"})
                    nominatives[key] = _fold(form.word) if form else (word if case == "nomn" else None)
            if nominatives[key]:
                out[role].append(_Reading(gender, case, nominatives[key], parse.score, fixed))
    return {role: tuple(readings) for role, readings in out.items()}


def clear_caches() -> None:
    """Empty the word and name caches (tests and benchmarks use it)."""
    for cached in (_analyse, _noun_nominative, _adjective_nominative, _normalize_cached, _parse_full_cached, translit.dictionary_score,
                   translit.latin_to_cyrillic, phonetic.comparison_key, phonetic.phonetic_key):
        cached.cache_clear()


# --- words: preparing, initials, Turkic patronymics -----------------------------------------

_CYR_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*")
_LATIN_WORD = re.compile(r"[a-z'`\u2019\"]+(?:-[a-z'`\u2019\"]+)*")
# One letter, dotted or not, or a dotted Latin digraph that stands for one Cyrillic letter.
_INITIAL = re.compile(r"(?:[A-Za-zА-ЯЁа-яё]|Ch|Sh|Zh|Kh|Ts|Yu|Ya|Ye|Yo|Iu|Ia|CH|SH|ZH|KH|TS|YU|YA)\.|[A-Za-zА-ЯЁа-яё]")
_INITIALS_CLUSTER = re.compile(r"(?:[^\W\d_]{1,2}\.){1,2}[^\W\d_]{1,2}\.?")
_GLUED_INITIALS = re.compile(r"((?:[^\W\d_]{1,2}\.){1,2})([^\W\d_]{3,}(?:-[^\W\d_]+)*)")  # "И.И.Иванов"
_TURKIC_MALE = {"оглы", "оглу", "улы", "уулу", "ogly", "ogli", "oglu", "uly", "uulu"}
_TURKIC_FEMALE = {"кызы", "гызы", "кизи", "kyzy", "kizi", "gyzy", "qizi"}
_TURKIC_CYR = {"ogly": "оглы", "ogli": "оглы", "oglu": "оглу", "uly": "улы", "uulu": "уулу",
               "kyzy": "кызы", "kizi": "кизи", "gyzy": "гызы", "qizi": "кызы"}
_MALE_PATR = re.compile(r"(?:ович|евич|ич)(?:а|у|ем|е)?$")
_FEMALE_PATR = re.compile(r"(?:овн|евн|ичн)(?:а|ы|е|у|ой|ою)$")
_SURNAME_HINT = re.compile(r"(?:ов|ев|ин|ын|ск|цк|ых|их|енко|ко)(?:а|ой|ого|ий|ая|ым|у|ую)?$")


def is_initial(token: str | None) -> bool:
    """True for an initial such as "И.", "И", "Yu." — a one-letter abbreviation of a name."""
    return bool(token) and bool(_INITIAL.fullmatch(token.strip()))


def _prepare(token: str, gost_b: bool) -> str | None:
    """One written word → lower-case Cyrillic (Latin reverse-transliterated) or None if invalid."""
    token = token.strip().strip(",;:")
    if is_initial(token):
        letter = token.rstrip(".")
        if has_latin(letter):
            letter = latin_to_cyrillic(letter.lower(), gost_b)[:1]
        return _fold(letter)[:1] + "."
    token = fix_homoglyphs(token.rstrip("."))  # "Иванов." at the end of a sentence
    lowered = strip_diacritics(token).lower()
    if _LATIN_WORD.fullmatch(lowered):
        lowered = latin_to_cyrillic(lowered, gost_b)
    lowered = _fold(lowered)
    return lowered if _CYR_WORD.fullmatch(lowered) else None


def _turkic_marker(word: str) -> str | None:
    lowered = word.lower()
    if lowered in _TURKIC_MALE or lowered in _TURKIC_FEMALE:
        return _TURKIC_CYR.get(lowered, lowered)
    return None


# --- gender and nominative ------------------------------------------------------------------

def _pick(readings: tuple[_Reading, ...], gender: str | None, word: str) -> str | None:
    pool = [r for r in readings if gender is None or r.gender == gender]
    if not pool:
        return None
    if gender is None and any(r.nominative == word for r in pool):
        return word  # without gender evidence, a form that may already be nominative stays
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
    genders = {r.gender for r in _analyse(last)["Surn"]}
    if not genders and (rule := _surname_by_suffix(last, None)):
        return rule[1]
    return genders.pop() if len(genders) == 1 else None


def _surname_part(word: str, gender: str | None) -> str:
    if _INDECLINABLE.search(word):
        return word
    if found := _pick(_analyse(word)["Surn"], gender, word):
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
            return _fold(form.word) if form else None
    return None


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _noun_nominative(word: str) -> str | None:
    """Male surnames that are common nouns ("Шпака", "Зайца") decline like the noun."""
    for parse in morph_analyzer().parse(word):
        tag = parse.tag
        if {"NOUN", "masc", "sing"} <= tag.grammemes and _CASES.get(tag.case) not in (None, "nomn") \
                and not ({"Geox", "Name", "Patr", "Orgn"} & tag.grammemes):
            return _fold(parse.normal_form)
    return None


def _given_gender(given: str, surname: str | None) -> str | None:
    readings = _analyse(given.split("-")[0])["Name"]
    genders = {r.gender for r in readings}
    if len(genders) <= 1:
        return genders.pop() if genders else None
    # An ambiguous name ("Рашида": female nominative or male genitive) takes the gender
    # whose case also fits the surname.
    surn = _analyse(surname.split("-")[-1])["Surn"] if surname else ()
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
        return "masc" if words[1] in _TURKIC_MALE else "femn"
    if _MALE_PATR.search(patronymic):
        return "masc"
    if _FEMALE_PATR.search(patronymic):
        return "femn"
    genders = {r.gender for r in _analyse(patronymic)["Patr"]}
    return genders.pop() if len(genders) == 1 else None


def _patronymic_nominative(patronymic: str, gender: str | None) -> str:
    words = patronymic.split()
    if len(words) == 2:  # Turkic: the father's name goes to the nominative, the marker stays
        father = _pick(_analyse(words[0])["Name"], "masc", words[0]) or words[0]
        return f"{father.capitalize()} {words[1]}"
    found = _pick(_analyse(patronymic)["Patr"], gender, patronymic)
    if not found:
        found = re.sub(r"(ович|евич|ич)(а|у|ем|е)$", r"\1", patronymic)
        found = re.sub(r"(овн|евн|ичн)(ы|е|у|ой|ою)$", r"\1а", found)
    return _title(found)


def _title(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def _unparsed(raw: str) -> PersonName:
    return PersonName(surname=raw.strip(), given_name=None, patronymic=None, gender=None,
                      raw=raw, parsed=False)


def _build(raw: str, surname: str, given: str | None, patronymic: str | None) -> PersonName:
    """Assemble a PersonName from prepared (lower-case Cyrillic) parts."""
    gender = None
    if patronymic and not patronymic.endswith("."):
        gender = _patronymic_gender(patronymic)
    if gender is None and given and not given.endswith("."):
        gender = _given_gender(given, surname)
    if gender is None:
        gender = _surname_gender(surname)
    out_surname = _title("-".join(_surname_part(p, gender) for p in surname.split("-")))
    out_given = None
    if given:
        out_given = given.upper() if given.endswith(".") else _title("-".join(
            _pick(_analyse(p)["Name"], gender, p) or p for p in given.split("-")))
    out_patr = None
    if patronymic:
        out_patr = patronymic.upper() if patronymic.endswith(".") else _patronymic_nominative(patronymic, gender)
    return PersonName(out_surname, out_given, out_patr, _GENDER_OUT.get(gender or ""), raw, True)


# --- public entry points --------------------------------------------------------------------

def normalize_person(surname: str | None, given_name: str | None, patronymic: str | None) -> PersonName:
    """Normalise a writ's three name fields (any case, script or grammatical case) to the nominative."""
    return _normalize_cached(surname, given_name, patronymic)


@lru_cache(maxsize=_NAME_CACHE)
def _normalize_cached(surname: str | None, given_name: str | None, patronymic: str | None) -> PersonName:
    fields = [f.strip() for f in (surname, given_name, patronymic) if isinstance(f, str) and f.strip()]
    raw = " ".join(fields)
    if not isinstance(surname, str) or not surname.strip():
        return _unparsed(raw)
    if not given_name and not patronymic and len(surname.split()) > 1:
        return parse_full_name(surname)  # the whole name was put into the surname field
    gost_b = is_gost_b(raw)
    s = _prepare(surname, gost_b) if len(surname.split()) == 1 else None
    g = None
    if given_name and given_name.strip():
        g = _prepare(given_name, gost_b) if len(given_name.split()) == 1 else None
        if g is None:
            return _unparsed(raw)
    p = None
    if patronymic and patronymic.strip():
        words = patronymic.replace("-", " ").split() if _has_marker(patronymic) else [patronymic]
        prepared = [_turkic_marker(w) or _prepare(w, gost_b) for w in words]
        if any(w is None for w in prepared) or len(prepared) > 2:
            return _unparsed(raw)
        p = " ".join(prepared)  # type: ignore[arg-type]
    if s is None or s.endswith("."):
        return _unparsed(raw)
    return _build(raw, s, g, p)


def _has_marker(text: str) -> bool:
    return any(_turkic_marker(w) for w in text.replace("-", " ").split())


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for chunk in text.split():
        chunk = chunk.strip(",;:")
        if not chunk:
            continue
        if _INITIALS_CLUSTER.fullmatch(chunk):
            out.extend(re.findall(r"[^\W\d_]{1,2}\.?", chunk))
        elif glued := _GLUED_INITIALS.fullmatch(chunk):
            out.extend(re.findall(r"[^\W\d_]{1,2}\.", glued.group(1)))
            out.append(glued.group(2))
        elif "-" in chunk and _turkic_marker(chunk.rsplit("-", 1)[1]):
            out.extend(chunk.rsplit("-", 1))  # "Гусейн-оглы"
        else:
            out.append(chunk)
    return out


def _role_score(word: str, role: str) -> float:
    if word.endswith("."):
        return float("-inf") if role == "S" else 0.5
    if " " in word:  # a Turkic patronymic
        return 3.0 if role == "P" else float("-inf")
    last = word.split("-")[-1]
    readings = _analyse(last)
    if role == "S":
        return min(1.0, sum(r.score for r in readings["Surn"])) + 0.5 * bool(_SURNAME_HINT.search(last))
    if role == "N":
        return min(1.0, sum(r.score for r in readings["Name"]))
    if _MALE_PATR.search(last) or _FEMALE_PATR.search(last):
        return 1.5
    return min(1.0, sum(r.score for r in readings["Patr"]))


_TEMPLATES = {1: (("S",),), 2: (("S", "N"), ("N", "S")), 3: (("S", "N", "P"), ("N", "P", "S"))}


def parse_full_name(text: str) -> PersonName:
    """Parse a whole name in one string, in any order, with initials, in any case or script."""
    return _parse_full_cached(text if isinstance(text, str) else "")


@lru_cache(maxsize=_NAME_CACHE)
def _parse_full_cached(text: str) -> PersonName:
    gost_b = is_gost_b(text)
    words: list[str] = []
    for token in _tokens(text):
        if (marker := _turkic_marker(token)) and words and not words[-1].endswith("."):
            words[-1] = f"{words[-1]} {marker}"
            continue
        prepared = _prepare(token, gost_b)
        if prepared is None:
            return _unparsed(text)
        words.append(prepared)
    best, best_score = None, float("-inf")
    for template in _TEMPLATES.get(len(words), ()):
        score = sum(_role_score(w, role) for w, role in zip(words, template))
        if score > best_score:
            best, best_score = template, score
    if best is None:
        return _unparsed(text)
    parts = dict(zip(best, words))
    return _build(text, parts["S"], parts.get("N"), parts.get("P"))


# Organisation names live in orgnames.py; re-exported for callers of this module.
from bailiff.identity.orgnames import normalize_org_name  # noqa: E402,F401
