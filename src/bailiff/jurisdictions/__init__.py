"""Jurisdiction profiles: country rules as data (one TOML file per country)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROFILE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Profile:
    """The rules of one jurisdiction that code reads instead of branching on the country."""

    code: str
    name: str
    language: str
    currency: str
    register_prefix: str
    writ_types: frozenset[str]
    claim_kinds: frozenset[str]
    person_identifiers: frozenset[str]
    organization_identifiers: frozenset[str]
    timezone: str
    # Codes of the regions offices may serve (`[regions]`); empty where the profile lists none yet.
    regions: frozenset[str]
    raw: dict[str, object]


@cache
def load_profile(code: str) -> Profile:
    """Load `jurisdictions/<code>.toml` (ValueError for an unknown jurisdiction)."""
    path = PROFILE_DIR / f"{code.lower()}.toml"
    if not path.exists():
        known = sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))
        raise ValueError(f"unknown jurisdiction {code!r}; profiles exist for {', '.join(known)}")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Profile(
        code=data["code"],
        name=data["name"],
        language=data["language"],
        currency=data["currency"],
        register_prefix=data["register_prefix"],
        writ_types=frozenset(data["writs"]["types"]),
        claim_kinds=frozenset(data["writs"]["claim_kinds"]),
        person_identifiers=frozenset(data["identifiers"]["person"]),
        organization_identifiers=frozenset(data["identifiers"]["organization"]),
        timezone=data["timezone"],
        regions=frozenset(data.get("regions", {}).get("codes", [])),
        raw=data,
    )
