"""Domain errors, mapped to RFC 9457 problem+json in one place (bailiff.web.problems)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    """One broken rule: which field, which rule, and a sentence a person can act on."""

    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """Plain dict for JSON bodies and CLI output."""
        return asdict(self)


class BailiffError(Exception):
    """Base of every error a caller can cause; `status` and `slug` shape the problem document."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors or [])
        self.extra = extra

    def explained(self) -> str:
        """The detail with each broken rule, for a page's form: "detail — field: message (rule)"."""
        rules = "; ".join(f"{e.field}: {e.message} ({e.rule})" for e in self.errors)
        return f"{self.detail} — {rules}" if rules else self.detail

    def problem(self) -> dict[str, Any]:
        """The RFC 9457 problem document for this error."""
        body: dict[str, Any] = {
            "type": f"/problems/{self.slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors]
        body.update(self.extra)
        return body


class ValidationFailed(BailiffError):
    status = 422
    slug = "validation"
    title = "The input breaks one or more rules"


class Unauthorized(BailiffError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


class Forbidden(BailiffError):
    status = 403
    slug = "forbidden"
    title = "Not allowed for this actor"


class NotFound(BailiffError):
    status = 404
    slug = "not-found"
    title = "No such record"


class Conflict(BailiffError):
    status = 409
    slug = "conflict"
    title = "Conflicts with the current state"
