"""The outcome of registering one envelope, or of one writ's move: what callers and the API return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bailiff.core.errors import FieldError


@dataclass
class ItemResult:
    """Outcome of one envelope: accepted (new or replayed) or rejected with reasons."""

    index: int
    register_number: str | None = None
    leaf_index: int | None = None
    status: str | None = None
    document_hash: str | None = None
    replay: bool = False
    conflict: bool = False
    errors: list[FieldError] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        """Whether the writ is (now or already) in the register."""
        return self.register_number is not None

    def as_json(self) -> dict[str, Any]:
        """The per-item entry of a batch response."""
        if self.accepted:
            return {"index": self.index, "result": "accepted", "register_number": self.register_number,
                    "leaf_index": self.leaf_index, "status": self.status, "document_hash": self.document_hash,
                    "replay": self.replay}
        return {"index": self.index, "result": "rejected", "conflict": self.conflict,
                "errors": [e.as_dict() for e in self.errors]}
