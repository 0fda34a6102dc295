"""What each kind of organisation may do."""

from __future__ import annotations

# `claimant`: an organisation collecting under writs (a utility, a lender's collection arm);
# `commission`: the disciplinary commission of a regional chamber (KZ rules, point 12).
ORG_KINDS = ("court", "agency", "bailiff_service", "bank", "admin", "claimant", "commission")

# Courts and other agencies (tax, traffic police, labour inspectorates...) issue enforceable acts.
ISSUER_KINDS = frozenset({"court", "agency"})


def role_of(kind: str) -> str:
    """The role an organisation of this kind acts in."""
    return kind


def can_issue(kind: str) -> bool:
    """Whether organisations of this kind issue writs (and so may post them)."""
    return kind in ISSUER_KINDS
