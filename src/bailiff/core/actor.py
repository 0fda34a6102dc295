"""Who acts: every state change names an actor and its role."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """An authenticated organisation, person, or the system itself."""

    kind: str  # "org" | "person" | "system" | "cli"
    ident: str  # organisation code, person id, or a fixed label
    role: str  # court, agency, bailiff_service, bank, admin, ...
    org_id: int | None = None

    @property
    def label(self) -> str:
        """Stable text form stored in the audit trail."""
        return f"{self.kind}:{self.ident}"


SYSTEM = Actor(kind="system", ident="bailiff", role="system")
CLI_ADMIN = Actor(kind="cli", ident="operator", role="admin")
