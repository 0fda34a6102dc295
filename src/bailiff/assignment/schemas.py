"""Request bodies of the assignment routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StrictBool, StringConstraints

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class ChangeApplicationIn(BaseModel):
    """A claimant's application to change the bailiff of a proceeding."""

    model_config = ConfigDict(extra="forbid")

    proceeding_number: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    reason: Reason


class DecisionIn(BaseModel):
    """The commission's decision on an application."""

    model_config = ConfigDict(extra="forbid")

    grant: StrictBool
    reason: Reason
