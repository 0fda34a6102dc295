"""Reverse transliteration of Russian personal names written in Latin letters.

Writs, bank statements and foreign registers spell the same person in several schemes:

* ICAO Doc 9303 (Russian passports since 2014): й→i, х→kh, ц→ts, щ→shch, ъ→ie, ы→y,
  ь omitted, ю→iu, я→ia ("Iuliia", "Shchukin").
* FMS order No. 995 (passports 2010-2014): as ICAO but ц→tc ("Tcvetkov").
* MVD 310 (passports 1997-2010) and BGN/PCGN: й→y, ю→yu, я→ya, е→ye after vowels,
  ь/ъ as apostrophes ("Yuliya", "Solovyev", "Il'ich").
* GOST 7.79-2000 system B: й→j, х→x, ц→cz/c, щ→shh, ъ→``, ы→y`, ь→`, э→e` ("Shhukin").
* Everyday spellings: "Ivanoff", "Maria", "Alexander", "Dmitry", "Schukin", "Mihail".

No scheme can be undone exactly (ICAO writes е, ё and э all as "e" and drops ь), so the
word is cut into units by longest match against one table; each unit carries its readings
in order of likelihood, chosen by the letters around it. The readings are combined best
first and, when the caller gives a dictionary scorer, the best-ranked reading that the
dictionary knows as a name wins; otherwise the top reading is returned. Callers that
compare names should compare `comparison_key`s, which fold away what the schemes lose.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache

_LATIN_VOWELS = frozenset("aeiouy")

# Readings that do not depend on context.  Longest units first is enforced by lookup order.
_FIXED: dict[str, tuple[str, ...]] = {
    "shch": ("щ",), "shh": ("щ",), "sch": ("щ", "ш"), "tch": ("ч",),
    "zh": ("ж",), "kh": ("х",), "ch": ("ч",), "sh": ("ш",), "ts": ("ц", "тс"), "tc": ("ц",),
    "cz": ("ц",), "ck": ("к",), "ph": ("ф",), "th": ("т",),
    "ja": ("я", "джа"), "ju": ("ю", "джу"), "jo": ("ё", "йо"), "je": ("е", "э"),
    "y`": ("ы",), "e`": ("э",), "``": ("ъ",), "`": ("ь",), "'": ("ь",), "\u2019": ("ь",),
    '"': ("ъ",),
    "a": ("а",), "b": ("б",), "d": ("д",), "f": ("ф",), "g": ("г",), "k": ("к",),
    "m": ("м",), "n": ("н",), "o": ("о",), "p": ("п",), "s": ("с",), "t": ("т",),
    "u": ("у",), "v": ("в",), "w": ("в",), "z": ("з",), "q": ("к",), "h": ("х",),
}
# Units whose reading depends on the neighbours; resolved in `_readings`.
_CONTEXTUAL = ("ia", "iu", "ie", "ya", "yu", "ye", "yo", "yi", "ff", "c", "e", "i", "j", "l", "r", "x", "y")
_FIXED_SOFT = {"l": "л", "r": "р"}  # contextual only because a lost ь may follow them
_UNITS = sorted(set(_FIXED) | set(_CONTEXTUAL), key=len, reverse=True)
_MAX_UNIT = max(map(len, _UNITS))

# Given names that start with Э: ICAO and most schemes write Э as plain "E", and the
# dictionary knows both spellings of several of them, so this short list decides.
_E_STEMS = ("эдуард", "элвир", "эмм", "эрик", "элдар", "эмил", "элеонор", "эвелин",
            "эрнест", "элин", "элмир", "эдгар", "элз", "элл", "элнар", "элчин", "элман", "эмин")

# Markers that only GOST 7.79 system B produces; with them "x" means х and "c" means ц.
_GOST_B_MARKERS = ("`", "cz", "shh")

_LATIN_RE = re.compile(r"[A-Za-z]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
# Latin letters that look exactly like Cyrillic ones; OCR and careless typing mix them.
_HOMOGLYPHS = str.maketrans("aceopxyABCEHKMOPTXY", "асеорхуАВСЕНКМОРТХУ")


def has_latin(text: str) -> bool:
    """True when the text contains any Latin letter."""
    return bool(_LATIN_RE.search(text))


def strip_diacritics(text: str) -> str:
    """Remove combining accents from Latin letters ("Ivanová" → "Ivanova")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # Keep й and ё, which NFKD also splits into a base letter and a combining mark.
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch) and out and _CYRILLIC_RE.match(out[-1]):
            out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
        elif not unicodedata.combining(ch):
            out.append(ch)
    return "".join(out)


def fix_homoglyphs(word: str) -> str:
    """Replace Latin look-alike letters in a mostly Cyrillic word by their Cyrillic twins."""
    cyr = len(_CYRILLIC_RE.findall(word))
    lat = len(_LATIN_RE.findall(word))
    if cyr and lat and cyr >= lat:
        return word.translate(_HOMOGLYPHS)
    return word


def _segment(word: str) -> list[str]:
    units, i = [], 0
    while i < len(word):
        for size in range(min(_MAX_UNIT, len(word) - i), 0, -1):
            chunk = word[i:i + size]
            if chunk in _FIXED or chunk in _CONTEXTUAL:
                units.append(chunk)
                i += size
                break
        else:
            units.append(word[i])  # unknown character: carried through unchanged
            i += 1
    return units


def _readings(unit: str, prev: str, nxt: str, gost_b: bool, end_after_next: bool) -> tuple[str, ...]:
    # prev/nxt are the neighbouring units ("" at the word edges).
    after_vowel = prev[-1:] in _LATIN_VOWELS if prev else False
    start, end = not prev, not nxt
    after_consonant = not start and not after_vowel and prev not in ("`", "'", "\u2019", "``")
    if unit in _FIXED:
        return _FIXED[unit]
    if unit == "ia":
        if after_consonant:
            return ("ия", "ья", "я") if end else ("ья", "я", "ия")
        return ("я", "ия")
    if unit == "iu":
        return ("ью", "ю", "ию") if after_consonant else ("ю", "ию")
    if unit == "ie":
        # ICAO writes ъ as "ie", but ъ is rare in names while "ие"/"ье" are common.
        return ("ие", "ье", "ъе") if not start else ("е", "ие")
    if unit in ("ya", "yu"):
        vowel = "я" if unit == "ya" else "ю"
        if after_consonant:
            return ("ь" + vowel, vowel)
        return (vowel, "й" + vowel) if after_vowel else (vowel,)
    if unit == "ye":
        return ("ье", "е", "ые") if after_consonant else ("е", "йе", "э")
    if unit == "yo":
        if after_vowel:
            return ("йо", "ё")
        return ("ё", "ьо") if after_consonant else ("ё", "йо")
    if unit == "yi":
        return ("ьи", "ый", "ы") if after_consonant else ("йи", "ы")
    if unit == "ff":
        return ("в", "фф") if end else ("фф",)
    if unit == "c":
        if gost_b:
            return ("ц",)
        if nxt[:1] in ("e", "i", "y"):
            return ("ц", "с")
        if nxt[:1] in ("a", "o", "u", "t", "l", "r", "k", "h"):
            return ("к", "ц")
        return ("ц", "к")
    if unit == "e":
        if start or after_vowel:
            return ("е", "э")
        # English spellings insert a vowel before a final r: "Alexander", "Peter".
        if nxt == "r" and end_after_next:
            return ("", "е") if prev == "d" else ("е", "")  # "-ander" is "-андр" in Russian
        return ("е",)
    if unit == "i":
        if after_vowel and end:
            return ("й", "и")
        if after_vowel and nxt[:1] not in _LATIN_VOWELS:
            return ("и", "й")  # Михаил, Раиса; the dictionary finds Чайковский
        if end and after_consonant:
            return ("и", "ий")
        return ("и", "й")
    if unit in ("l", "r"):
        # ICAO drops ь; it is most often lost after л ("Olga") and at the end ("Igor").
        soft = end or (unit == "l" and nxt[:1] not in _LATIN_VOWELS)
        return (_FIXED_SOFT[unit], _FIXED_SOFT[unit] + "ь") if soft else (_FIXED_SOFT[unit],)
    if unit == "j":
        return ("й", "дж")
    if unit == "x":
        if gost_b or (start and nxt[:1] in _LATIN_VOWELS and nxt[:1] != "e"):
            return ("х", "кс")
        return ("кс", "х")
    if unit == "y":
        if after_vowel:
            return ("й", "ы")
        if end and after_consonant:
            return ("ий", "ый", "ы", "и")
        return ("ы", "и")
    raise AssertionError(unit)


def _fix_e_names(word: str) -> str:
    if word.startswith("е"):
        bare = "э" + word[1:].replace("ь", "")
        if bare.startswith(_E_STEMS):
            return "э" + word[1:]
    return word


def latin_word_to_cyrillic(
    word: str,
    score: Callable[[str], float] | None = None,
    gost_b: bool = False,
    max_candidates: int = 48,
) -> str:
    """Reverse-transliterate one Latin word to lower-case Cyrillic.

    `score` rates a Cyrillic candidate (0 = unknown); the best-ranked candidate it knows
    wins, so a dictionary can pick "ольга" over "олга" for "olga". Scores are not compared
    with each other: the dictionary also lists rare variants ("Татяна"), and the ranking
    of readings knows better which spelling is usual.
    """
    lowered = strip_diacritics(word).lower()
    units = _segment(lowered)
    options = [
        _readings(u, units[i - 1] if i else "", units[i + 1] if i + 1 < len(units) else "", gost_b,
                  i + 2 == len(units))
        for i, u in enumerate(units)
    ]
    default = _fix_e_names("".join(opt[0] for opt in options))
    if score is None or all(len(opt) == 1 for opt in options):
        return default
    # Bound the search: only the first ambiguous units keep all their readings.
    budget, trimmed = 1, []
    for opt in options:
        keep = max(1, min(len(opt), max_candidates // budget))
        trimmed.append(opt[:keep])
        budget *= keep
    ranked = sorted(
        itertools.product(*[list(enumerate(opt)) for opt in trimmed]),
        key=lambda combo: sum(rank for rank, _ in combo),
    )
    for combo in ranked[:max_candidates]:
        candidate = _fix_e_names("".join(text for _, text in combo))
        if score(candidate) > 0:
            return candidate
    return default


def is_gost_b(text: str) -> bool:
    """True when a Latin text carries markers only GOST 7.79 system B uses."""
    lowered = text.lower()
    return any(marker in lowered for marker in _GOST_B_MARKERS)


# --- dictionary-backed reverse transliteration ----------------------------------------------

_morph_lock = threading.Lock()
_morph_instance = None
_NAME_ROLES = ("Surn", "Name", "Patr")
WORD_CACHE_SIZE = 1 << 17  # distinct name tokens a busy register sees; ~100 MB at most


def morph_analyzer():
    """The shared pymorphy3 analyser, created on first use (loading takes ~0.15 s)."""
    global _morph_instance
    if _morph_instance is None:
        with _morph_lock:
            if _morph_instance is None:
                import pymorphy3

                _morph_instance = pymorphy3.MorphAnalyzer()
    return _morph_instance


@lru_cache(maxsize=WORD_CACHE_SIZE)
def dictionary_score(word: str) -> float:
    """How well the dictionary knows a Cyrillic word as a singular name (0 = not at all)."""
    morph = morph_analyzer()
    if not word or not morph.word_is_known(word):  # a cheap look-up filters most candidates
        return 0.0
    from pymorphy3.units import DictionaryAnalyzer

    best = 0.0
    for parse in morph.parse(word):
        if (isinstance(parse.methods_stack[0][0], DictionaryAnalyzer) and parse.tag.number != "plur"
                and any(role in parse.tag for role in _NAME_ROLES)):
            best = max(best, parse.score)
    return best


@lru_cache(maxsize=WORD_CACHE_SIZE)
def latin_to_cyrillic(word: str, gost_b: bool = False) -> str:
    """Reverse-transliterate one (possibly hyphenated) Latin word, choosing readings the dictionary knows."""
    return "-".join(
        latin_word_to_cyrillic(part, dictionary_score, gost_b) if part else part
        for part in word.lower().split("-")
    )


def to_cyrillic(text: str) -> str:
    """Bring every word of a text to Cyrillic: Latin words reverse-transliterated, look-alikes fixed."""
    gost_b = is_gost_b(text)
    out = []
    for word in text.split():
        word = fix_homoglyphs(word)
        if has_latin(word):
            # Apostrophes and backticks stay: some schemes write ь and ъ with them.
            word = latin_to_cyrillic(word.strip(".,;:()[]"), gost_b)
        out.append(word)
    return " ".join(out)
