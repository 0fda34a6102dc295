"""Normalisation of debtor and creditor names as courts write them in writs of enforcement.

A writ says "взыскать с Иванова Ивана Ивановича" (genitive), a bank register says
"IVANOV IVAN", a clerk types "Иванов И.И.". Identity matching needs one comparable form:
the NOMINATIVE case, title case, ё folded to е. The case and gender are recovered with
pymorphy3 using its Surn/Name/Patr tags; the gender comes first from the patronymic
(decisive), then from the given name, then from the surname alone, because a female
surname's nominative is not its masculine lemma ("Ивановой" → "Иванова").

pymorphy3 costs about 0.3 ms per word, so every word is analysed once and the small
result (role, gender, case, nominative) is kept in a large LRU cache (`declension`, the
morphology of each part); whole names are cached here as well. A name that cannot be parsed is kept as written (`parsed=False`) and
resolved on the other evidence, never silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bailiff.identity import declension, phonetic, translit
from bailiff.identity.phonetic import comparison_key, latin_key, phonetic_key
from bailiff.identity.translit import fix_homoglyphs, has_latin, is_gost_b, latin_to_cyrillic, strip_diacritics

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


def clear_caches() -> None:
    """Empty the word and name caches (tests and benchmarks use it)."""
    declension.clear_caches()
    for cached in (_normalize_cached, _parse_full_cached, translit.dictionary_score,
                   translit.latin_to_cyrillic, phonetic.comparison_key, phonetic.phonetic_key):
        cached.cache_clear()


# --- words: preparing, initials, Turkic patronymics -----------------------------------------

_CYR_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*")
_LATIN_WORD = re.compile(r"[a-z'`\u2019\"]+(?:-[a-z'`\u2019\"]+)*")
# One letter, dotted or not, or a dotted Latin digraph that stands for one Cyrillic letter.
_INITIAL = re.compile(r"(?:[A-Za-zА-ЯЁа-яё]|Ch|Sh|Zh|Kh|Ts|Yu|Ya|Ye|Yo|Iu|Ia|CH|SH|ZH|KH|TS|YU|YA)\.|[A-Za-zА-ЯЁа-яё]")
_INITIALS_CLUSTER = re.compile(r"(?:[^\W\d_]{1,2}\.){1,2}[^\W\d_]{1,2}\.?")
_GLUED_INITIALS = re.compile(r"((?:[^\W\d_]{1,2}\.){1,2})([^\W\d_]{3,}(?:-[^\W\d_]+)*)")  # "И.И.Иванов"
_TURKIC_CYR = {"ogly": "оглы", "ogli": "оглы", "oglu": "оглу", "uly": "улы", "uulu": "уулу",
               "kyzy": "кызы", "kizi": "кизи", "gyzy": "гызы", "qizi": "кызы"}
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
        return declension.fold(letter)[:1] + "."
    token = fix_homoglyphs(token.rstrip("."))  # "Иванов." at the end of a sentence
    lowered = strip_diacritics(token).lower()
    if _LATIN_WORD.fullmatch(lowered):
        lowered = latin_to_cyrillic(lowered, gost_b)
    lowered = declension.fold(lowered)
    return lowered if _CYR_WORD.fullmatch(lowered) else None


def _turkic_marker(word: str) -> str | None:
    lowered = word.lower()
    if lowered in declension.TURKIC_MALE or lowered in declension.TURKIC_FEMALE:
        return _TURKIC_CYR.get(lowered, lowered)
    return None


def _unparsed(raw: str) -> PersonName:
    return PersonName(surname=raw.strip(), given_name=None, patronymic=None, gender=None,
                      raw=raw, parsed=False)


def _build(raw: str, surname: str, given: str | None, patronymic: str | None) -> PersonName:
    """Assemble a PersonName from prepared (lower-case Cyrillic) parts."""
    gender = declension.gender_of(surname, given, patronymic)
    out_given = out_patr = None
    if given:
        out_given = given.upper() if given.endswith(".") else declension.given_nominative(
            given, gender, declension.name_cases(surname, patronymic, gender))
    if patronymic:
        out_patr = (patronymic.upper() if patronymic.endswith(".")
                    else declension.patronymic_nominative(patronymic, gender))
    out_surname = declension.surname_nominative(surname, gender)
    return PersonName(out_surname, out_given, out_patr, declension.GENDER_OUT.get(gender or ""), raw, True)


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
    readings = declension.analyse(last)
    if role == "S":
        return min(1.0, sum(r.score for r in readings["Surn"])) + 0.5 * bool(_SURNAME_HINT.search(last))
    if role == "N":
        return min(1.0, sum(r.score for r in readings["Name"]))
    if declension.MALE_PATRONYMIC.search(last) or declension.FEMALE_PATRONYMIC.search(last):
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
