"""Keys for comparing and blocking name tokens across scripts.

`comparison_key` is the exact key: Cyrillic upper case with what transliteration loses
folded away. `latin_key` is the ICAO Doc 9303 spelling. `phonetic_key` is a small
phonetic key for Russian names, used to BLOCK candidate pairs before comparing them.

The key should be equal for spellings a clerk, a transliteration round-trip or a typo
produce for the same sound, and still split unrelated names. It works on Cyrillic
(callers reverse-transliterate Latin first) in this order:

1. Upper case, ё→Е; everything but letters is dropped (so "Римский-Корсаков" is one
   word); Ь and Ъ are dropped (ICAO omits ь, clerks forget both).
2. Endings: every form of -СКИЙ/-ЦКИЙ (-СКАЯ, -СКОЙ, -СКОГО...) becomes -СКИЙ; other
   adjectival genitives -ОГО/-ЕГО are pronounced -ово; -ИЙ/-ЫЙ and -ИИ collapse
   ("Дмитрий"/"Dmitri"); feminine surname endings -ОВА/-ЕВА/-ИНА/-ЫНА lose their -А.
   So husband and wife, or a surname whose gender was guessed wrongly, share a block;
   the exact comparison on normalised names separates them later.
3. Letter groups that sound alike: ТС/ДС/ТЦ→Ц, СЧ/ЖЧ/ЗЧ/ШЧ→Щ→Ш, ТЧ→Ч, КС stays.
4. Voiced consonants merge with their voiceless pair (Б→П, В→Ф, Г→К, Д→Т, Ж→Ш, З→С);
   this also covers final devoicing ("Иваноф").
5. Vowels are reduced to three classes, as unstressed Russian vowels sound (the stress
   is unknown, so all of them): О/А→А; Е/Э/И/Ы/Я/Й→И; У/Ю→У.
6. Runs of the same symbol collapse ("Иваннов"), which also absorbs "ия"→"и".

Consonants keep their place and identity apart from voicing, so different names keep
different skeletons: "Иванов" → ИФАНАФ, "Петров" → ПИТРАФ.
"""

from __future__ import annotations

import re
from functools import lru_cache

import iuliia

from bailiff.identity.translit import WORD_CACHE_SIZE, to_cyrillic

_NON_LETTERS = re.compile(r"[^А-ЯЁ]")
_ENDINGS = (
    (re.compile(r"(?<=.{2})(СК|ЦК)(АЯ|ОЙ|ИЙ|ЫЙ|ОГО|ОМУ|ИМ|ОМ|УЮ)$"), r"\1ИЙ"),
    (re.compile(r"(?<=.{2})([ОЕ])ГО$"), r"\1ВО"),
    (re.compile(r"(?<=.{2})(ОВ|ЕВ|ЁВ|ИН|ЫН)А$"), r"\1"),
    (re.compile(r"(?<=.{2})(ИЙ|ЫЙ|ИИ)$"), "И"),
)
_GROUPS = (
    ("ТС", "Ц"), ("ДС", "Ц"), ("ТЦ", "Ц"),
    ("СЧ", "Щ"), ("ЗЧ", "Щ"), ("ЖЧ", "Щ"), ("ШЧ", "Щ"), ("ТЧ", "Ч"),
)
_CLASSES = str.maketrans({
    "Б": "П", "В": "Ф", "Г": "К", "Д": "Т", "Ж": "Ш", "З": "С", "Щ": "Ш",
    "О": "А", "А": "А",
    "Е": "И", "Ё": "И", "Э": "И", "И": "И", "Ы": "И", "Я": "И", "Й": "И",
    "У": "У", "Ю": "У",
})


def phonetic_word(word: str) -> str:
    """Phonetic key of one Cyrillic word (see the module docstring for the steps)."""
    text = _NON_LETTERS.sub("", word.upper().replace("Ё", "Е"))
    text = text.replace("Ь", "").replace("Ъ", "")
    for pattern, replacement in _ENDINGS:
        text = pattern.sub(replacement, text)
    for group, replacement in _GROUPS:
        text = text.replace(group, replacement)
    text = text.translate(_CLASSES)
    out: list[str] = []
    for ch in text:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def phonetic_cyrillic(text: str) -> str:
    """Phonetic key of a Cyrillic text: one key per whitespace-separated word, space-joined."""
    keys = (phonetic_word(word) for word in text.split())
    return " ".join(key for key in keys if key)


# ICAO writes е, ё and э alike and й like и, so Latin input cannot tell them apart.
_KEY_FOLD = str.maketrans({"Ё": "Е", "Й": "И", "Э": "Е", "Ъ": None, "Ь": None})
_KEY_DROP = re.compile(r"[^А-Я]")
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=WORD_CACHE_SIZE)
def comparison_key(text: str | None) -> str:
    """Script-independent key: Cyrillic upper case, ё/й/э folded, ъ/ь, doubles, hyphens, spaces dropped."""
    if not text:
        return ""
    key = _KEY_DROP.sub("", to_cyrillic(text).upper().translate(_KEY_FOLD))
    return _DOUBLES.sub(r"\1", key)


def latin_key(text: str | None) -> str:
    """ICAO Doc 9303 transliteration (upper case) of the text's Cyrillic form, ё folded to е."""
    if not text:
        return ""
    cyrillic = to_cyrillic(" ".join(text.split())).lower().replace("ё", "е")
    return iuliia.ICAO_DOC_9303.translate(cyrillic).upper()


@lru_cache(maxsize=WORD_CACHE_SIZE)
def phonetic_key(text: str | None) -> str:
    """Russian phonetic blocking key (steps in the module docstring); Latin is reverse-transliterated first."""
    if not text:
        return ""
    return phonetic_cyrillic(to_cyrillic(text))
