"""Comparable forms of birth places and addresses as courts and registries write them.

"г. Ленинград", "гор. Ленинград", "город Ленинград" and "Ленинград" are one place; so are
"ул. Ленина, д. 5" and "улица Ленина, дом 5". Only spelling conventions are folded here, never
the place itself (a renamed city stays as written: Ленинград is not rewritten to Санкт-Петербург,
since a birth place is recorded as it was named at birth).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Long and short forms of settlement and address parts, folded to one short form.
_WORDS = {
    "город": "г", "гор": "г", "г": "г",
    "село": "с", "с": "с", "поселок": "п", "посёлок": "п", "пос": "п", "п": "п",
    "пгт": "пгт", "деревня": "д", "дер": "д", "станица": "ст-ца", "ст-ца": "ст-ца",
    "область": "обл", "обл": "обл", "области": "обл", "край": "край", "края": "край",
    "республика": "респ", "респ": "респ", "республики": "респ", "район": "р-н", "р-н": "р-н", "района": "р-н",
    "улица": "ул", "ул": "ул", "проспект": "пр-т", "пр-т": "пр-т", "пр": "пр-т", "переулок": "пер", "пер": "пер",
    "бульвар": "б-р", "б-р": "б-р", "шоссе": "ш", "ш": "ш", "набережная": "наб", "наб": "наб",
    "площадь": "пл", "пл": "пл", "проезд": "пр-д", "пр-д": "пр-д",
    "дом": "д", "д": "д", "корпус": "к", "корп": "к", "к": "к", "строение": "стр", "стр": "стр",
    "квартира": "кв", "кв": "кв",
}
_TOKEN = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")
# Settlement-type words that carry no information when a birth place is compared.
_SETTLEMENT = frozenset({"г", "с", "п", "пгт", "д", "ст-ца"})


@lru_cache(maxsize=65_536)
def address_key(text: str | None) -> str | None:
    """Address with case, ё, punctuation and the long/short forms of its parts folded."""
    if not text:
        return None
    tokens = [_WORDS.get(t, t) for t in _TOKEN.findall(text.lower().replace("ё", "е"))]
    return " ".join(tokens) or None


@lru_cache(maxsize=65_536)
def birth_place_key(text: str | None) -> str | None:
    """Birth place as for addresses, without the settlement-type words (г., с., пос. ...)."""
    key = address_key(text)
    if key is None:
        return None
    tokens = [t for t in key.split() if t not in _SETTLEMENT]
    return " ".join(tokens) or key
