"""Identity decisions as rules: when a party is linked, new, or needs a person's review.

No database here. The thresholds are deliberately asymmetric: a false link makes a namesake pay
someone else's debt, a missed link only costs a reviewer a minute, so an automatic link without a
shared identifier needs more than a name and a birth date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from collections.abc import Collection
from typing import Any

from bailiff.identity import identifiers, names

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


# Why records were merged at intake: one writ's party showed identifiers held by each of them;
# or it showed the identifier of one record and matched another, recorded without identifiers,
# as a link without an identifier requires (see unidentified_twin).
ONE_HUMAN = "the party's identifiers belong to different records"
UNIDENTIFIED_RECORD = "the party, identified by its identifier, matches a record without identifiers at its address"


def decide_by_identifiers(party: PartyRecord, hits: dict[str, int],
                          known: dict[int, dict[str, str]], agreeing: Collection[int] = ()) -> Decision | None:
    """Decide from exact identifier matches alone, or None when no identifier matched.

    `agreeing`: records that share a name and birth-date block with the party. When the party's
    identifiers (say its INN and its SNILS) belong to several records, all of which agree with it on
    name and birth date and none of which holds a different value of a kind the party shows, the
    records are one human registered twice (each from a writ that showed only one of the two): the
    party is that human, linked to the oldest record, and the others are merged into it (a merge a
    reviewer can undo; the chance that a court wrote another namesake's valid identifier by mistake
    is the chance of a typo that keeps both check digits right and lands on that very person).
    Otherwise the doubt goes to a reviewer.
    """
    if not hits:
        return None
    targets = sorted(set(hits.values()))
    evidence: dict[str, Any] = {"identifier_matches": hits}
    if len(targets) > 1:
        one_human = (all(t in agreeing and not conflicting_kinds(party.identifiers, known.get(t, {})) for t in targets)
                     and not any(conflicting_kinds(known.get(a, {}), known.get(b, {}))
                                 for i, a in enumerate(targets) for b in targets[i + 1:]))
        if one_human:
            oldest = min(targets, key=lambda t: (t < 0, abs(t)))  # stored records before this batch's
            evidence["possible_duplicates"] = [{"id": t, "probability": 1.0} for t in targets if t != oldest]
            evidence["duplicate_reason"] = ONE_HUMAN
            return Decision("identifier", oldest, 1.0, True, evidence)
        evidence["conflict"] = "the party's identifiers belong to different records"
        return Decision("review", None, None, False, evidence,
                        [{"id": t, "reason": "identifier match"} for t in targets])
    target = targets[0]
    clash = conflicting_kinds(party.identifiers, known.get(target, {}))
    if clash:
        evidence["conflict"] = f"different {', '.join(clash)} on the matched record"
        return Decision("review", None, None, False, evidence, [{"id": target, "reason": "identifier clash"}])
    return Decision("identifier", target, 1.0, True, evidence)


def identifier_of_another(party: PartyRecord, birth_date: date | None, given_key: str | None) -> bool:
    """True when the record an identifier matched is plainly someone else: another birth date and
    another given name (a surname changes at marriage; a birth date and a given name do not both
    change). A passport has no check digit and a clerk may copy a number from the wrong line, so a
    matching identifier alone does not outweigh that: the party goes to a reviewer."""
    if party.birth_date is None or birth_date is None or party.birth_date == birth_date:
        return False
    if not party.given_key or not given_key or names.is_initial(party.given_name):
        return False
    return party.given_key != given_key


def unidentified_twin(scored: list[dict[str, Any]], holds_lifelong: Collection[int]) -> dict[str, Any] | None:
    """The record, among the scored ones, that is the identified party recorded earlier without any
    identifier, or None.

    A writ without identifiers made a record of its own when its debtor could not be linked (they
    had moved since, say); a later writ shows the debtor's INN, which links it to their record, at
    the new address, where it matches the record without identifiers. Had the later writ shown no
    identifier, it would have been linked to that record by the same evidence (`decide_by_score`):
    a strong score that the address corroborates. So the two records are one human, merged at
    intake (a reviewer can undo it). A record that holds a lifelong identifier of its own is left
    alone (two identified records are merged only on identifiers, `decide_by_identifiers`), and
    two such matches are a doubt, not a merge.
    """
    strong = [s for s in scored if s["probability"] >= LINK_THRESHOLD and corroborated(s["levels"])
              and s["id"] not in holds_lifelong]
    return strong[0] if len(strong) == 1 else None


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
    # Only a candidate the address corroborates can be linked; one that resembles the party on names
    # and birth date alone takes nothing from it (a namesake elsewhere, or the same human registered
    # twice). Two corroborated candidates are a real doubt.
    strong = [s for s in above if s["probability"] >= LINK_THRESHOLD and corroborated(s["levels"])]
    if len(strong) == 1:
        return Decision("linked", strong[0]["id"], strong[0]["probability"], True, evidence)
    ambiguous = len(strong) > 1
    reason = "ambiguous" if ambiguous else ("weak match" if best["probability"] < LINK_THRESHOLD
                                            else "name and birth date only (possible namesake)")
    evidence["review_reason"] = reason
    return Decision("review", None, best["probability"], False, evidence,
                    [{"id": s["id"], "probability": round(s["probability"], 6)} for s in above[:10]])


def identified_newcomer(party: PartyRecord, decision: Decision) -> Decision:
    """A party that resembles registry persons on names alone, but carries a valid identifier that
    nobody in the registry holds (a candidate holding another value of that kind is never offered).

    Linking it to a candidate would be the namesake risk; leaving it unlinked would also leave its
    identifier unowned, so every later writ naming the same INN or SNILS would meet the same doubt
    and wait for a reviewer too. The identifier identifies the debtor of this writ: the party
    becomes a person of its own, confirmed by that identifier, and the resemblance is filed as a
    possible duplicate for a reviewer to merge or dismiss (the registry may then hold the same
    human twice until then, never two humans as one).
    """
    # Only a lifelong identifier says who the party is: a passport is renewed, an OGRNIP re-issued.
    if (decision.outcome != "review" or not LIFELONG & set(party.identifiers)
            or "review_reason" not in decision.evidence):
        return decision
    evidence = {k: v for k, v in decision.evidence.items() if k != "review_reason"}
    # Only look-alikes strong enough to be the same human are filed (a merge takes the whole task).
    strong = [c for c in decision.review_candidates if (c.get("probability") or 0) >= LINK_THRESHOLD]
    if strong:
        evidence["possible_duplicates"] = strong
        evidence["duplicate_reason"] = decision.evidence["review_reason"]
    return Decision("new", None, None, True, evidence)


def corroborated(levels: dict[str, str]) -> bool:
    """Namesake protection: without a shared identifier, the address must agree too.

    A birth place is not enough: namesakes born on the same day in the same city exist (and the
    ground-truth benchmark has them), and they are then indistinguishable from a person who moved.
    Such pairs go to a reviewer instead; a false link would make one pay the other's debt.
    """
    # Exact agreement of the normalised address: two flats in one street are close by string
    # similarity (measured: namesakes were linked when "close" counted), not the same address.
    # Twins share a surname, a patronymic, a birth date and often an address: a given name that
    # disagrees outright (not a typo or a transliteration, which score as close) is another person.
    return levels.get("address") == "exact" and levels.get("given_name") != "else"
