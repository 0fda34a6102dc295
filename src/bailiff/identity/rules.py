"""Identity decisions as rules: when a party is linked, new, or needs a person's review.

No database here. The thresholds are deliberately asymmetric: a false link makes a namesake pay
someone else's debt, a missed link only costs a reviewer a minute, so an automatic link without a
shared identifier needs more than a name and a birth date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bailiff.identity import identifiers

# Identifiers a person keeps for life: two different valid values mean two different people.
# A passport is replaced (at 20 and 45 in Russia) and an OGRNIP is issued anew on re-registration,
# so those link when equal but prove nothing when they differ.
LIFELONG = frozenset({"inn", "snils", "iin", "pinfl", "pin_kg"})

LINK_THRESHOLD = 0.99  # at or above (with corroboration): confirmed link
REVIEW_THRESHOLD = 0.30  # at or above: a person decides


@dataclass(frozen=True)
class PartyRecord:
    """One party of one writ, normalised for matching."""

    register_number: str
    role: str
    position: int
    kind: str  # person | organization
    surname: str | None = None
    given_name: str | None = None
    patronymic: str | None = None
    gender: str | None = None
    name_parsed: bool = True
    surname_key: str | None = None
    given_key: str | None = None
    patronymic_key: str | None = None
    surname_phonetic: str | None = None
    birth_date: date | None = None
    birth_place: str | None = None
    address: str | None = None
    org_name: str | None = None
    org_key: str | None = None
    legal_form: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass
class Decision:
    """The outcome for a party, with what it rests on."""

    outcome: str  # identifier | linked | new | review
    target_id: int | None
    probability: float | None
    confirmed: bool
    evidence: dict[str, Any]
    review_candidates: list[dict[str, Any]] = field(default_factory=list)


def conflicting_kinds(party: dict[str, str], known: dict[str, str]) -> list[str]:
    """Lifelong identifier kinds on which the two records hold different values."""
    return sorted(k for k in LIFELONG if k in party and k in known and party[k] != known[k])


def birth_data_conflicts(party: PartyRecord) -> list[str]:
    """Rules broken between a personal number's embedded birth date/sex and the stated ones."""
    broken: list[str] = []
    for kind in ("iin", "pinfl", "pin_kg"):
        if kind in party.identifiers:
            broken += identifiers.check_person_against(kind, party.identifiers[kind], birth_date=party.birth_date,
                                                       sex=party.gender)
    return broken


def decide_by_identifiers(party: PartyRecord, hits: dict[str, int],
                          known: dict[int, dict[str, str]]) -> Decision | None:
    """Decide from exact identifier matches alone, or None when no identifier matched."""
    if not hits:
        return None
    targets = sorted(set(hits.values()))
    evidence: dict[str, Any] = {"identifier_matches": hits}
    if len(targets) > 1:
        evidence["conflict"] = "the party's identifiers belong to different records"
        return Decision("review", None, None, False, evidence,
                        [{"id": t, "reason": "identifier match"} for t in targets])
    target = targets[0]
    clash = conflicting_kinds(party.identifiers, known.get(target, {}))
    if clash:
        evidence["conflict"] = f"different {', '.join(clash)} on the matched record"
        return Decision("review", None, None, False, evidence, [{"id": target, "reason": "identifier clash"}])
    return Decision("identifier", target, 1.0, True, evidence)


def decide_by_score(party: PartyRecord, scored: list[dict[str, Any]]) -> Decision:
    """Decide from Fellegi–Sunter scores of the blocked candidates (already without identifier clashes).

    `scored` items: {"id", "probability", "levels": {field: label}}, best first.
    """
    evidence: dict[str, Any] = {"candidates": [{"id": s["id"], "probability": round(s["probability"], 6),
                                                "levels": s["levels"]} for s in scored[:5]]}
    above = [s for s in scored if s["probability"] >= REVIEW_THRESHOLD]
    if not above:
        return Decision("new", None, None, True, evidence)
    best = above[0]
    ambiguous = len([s for s in above if s["probability"] >= LINK_THRESHOLD]) > 1
    if best["probability"] >= LINK_THRESHOLD and not ambiguous and corroborated(best["levels"]):
        return Decision("linked", best["id"], best["probability"], True, evidence)
    reason = "ambiguous" if ambiguous else ("weak match" if best["probability"] < LINK_THRESHOLD
                                            else "name and birth date only (possible namesake)")
    evidence["review_reason"] = reason
    return Decision("review", None, best["probability"], False, evidence,
                    [{"id": s["id"], "probability": round(s["probability"], 6)} for s in above[:10]])


def corroborated(levels: dict[str, str]) -> bool:
    """Namesake protection: without a shared identifier, the address must agree too.

    A birth place is not enough: namesakes born on the same day in the same city exist (and the
    ground-truth benchmark has them), and they are then indistinguishable from a person who moved.
    Such pairs go to a reviewer instead; a false link would make one pay the other's debt.
    """
    # Exact agreement of the normalised address: two flats in one street are close by string
    # similarity (measured: namesakes were linked when "close" counted), not the same address.
    return levels.get("address") == "exact"
