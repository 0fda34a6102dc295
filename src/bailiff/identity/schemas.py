"""API shapes of the identity context."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class ConfirmIn(BaseModel):
    """A person party is confirmed as a person record, an organisation party as an organisation record."""

    model_config = ConfigDict(extra="forbid")

    person_id: Annotated[int | None, Field(ge=1, le=2**62)] = None
    entity_id: Annotated[int | None, Field(ge=1, le=2**62)] = None
    reason: Reason


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    survivor_id: Annotated[int, Field(ge=1, le=2**62)]
    merged_id: Annotated[int, Field(ge=1, le=2**62)]
    reason: Reason


class SurvivorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    survivor_id: Annotated[int, Field(ge=1, le=2**62)]
    reason: Reason
