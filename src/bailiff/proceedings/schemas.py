"""Request bodies of the proceedings routes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bailiff.core.fields import IsoDate

Number = Annotated[str, StringConstraints(min_length=1, max_length=60)]


class ReceiptIn(BaseModel):
    """The debtor received the opening order on this day."""

    model_config = ConfigDict(extra="forbid")
    number: Number
    received_on: IsoDate


class MeasureIn(BaseModel):
    """A measure to order in a proceeding."""

    model_config = ConfigDict(extra="forbid")
    proceeding_number: Number
    kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    params: dict[str, Any] = Field(default_factory=dict)


class StatusIn(BaseModel):
    """A status change with its legal ground (the article must be cited)."""

    model_config = ConfigDict(extra="forbid")
    number: Number
    action: Literal["suspend", "resume", "complete", "return", "terminate"]
    ground: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
