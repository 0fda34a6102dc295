"""The writ interchange format `bailiff/writ/1` (docs/writ-format.md) and API shapes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from bailiff.core.fields import IsoDate

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
# Money travels as a decimal string so that no float rounding touches a signed amount.
Amount = Annotated[str, StringConstraints(pattern=r"^-?\d{1,15}(\.\d{1,2})?$")]
Share = Annotated[str, StringConstraints(pattern=r"^\d{1,3}/\d{1,3}$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Strict(BaseModel):
    """Unknown fields are errors: a typo in a signed legal document must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class IssuerRef(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    name: LongText


class Person(Strict):
    kind: Literal["person"]
    surname: Text
    given_name: Text | None = None
    patronymic: Text | None = None
    birth_date: IsoDate | None = None
    birth_place: LongText | None = None
    identifiers: dict[str, Text] = Field(default_factory=dict)
    address: LongText | None = None


class Organization(Strict):
    kind: Literal["organization"]
    name: LongText
    identifiers: dict[str, Text] = Field(default_factory=dict)
    address: LongText | None = None


Party = Annotated[Person | Organization, Field(discriminator="kind")]


class MoneyClaim(Strict):
    """A fixed sum (229-FZ art. 70 onwards: collection of money)."""

    kind: Literal["money"]
    category: Text
    amount: Amount
    currency: Currency


class PeriodicClaim(Strict):
    """Periodic payments: alimony as a share of income (Family Code art. 81) or a fixed sum per period."""

    kind: Literal["periodic"]
    category: Text
    currency: Currency
    share: Share | None = None
    amount: Amount | None = None
    period: Literal["monthly", "quarterly", "yearly"] = "monthly"
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None


class NonMonetaryClaim(Strict):
    """An obligation to act or refrain (229-FZ ch. 13): eviction, handing over property, ..."""

    kind: Literal["non_monetary"]
    category: Text
    description: LongText


Claim = Annotated[MoneyClaim | PeriodicClaim | NonMonetaryClaim, Field(discriminator="kind")]


class DuplicateOf(Strict):
    """Marks a duplicate issued for a lost original (Civil Procedure Code art. 430)."""

    original_number: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    sequence: Annotated[int, Field(ge=1, le=99, strict=True)] = 1


class WritDocument(Strict):
    """A writ of enforcement as signed by its issuer."""

    schema_: Literal["bailiff/writ/1"] = Field(alias="schema")
    jurisdiction: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    issuer: IssuerRef
    type: Text
    number: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    case_number: Text | None = None
    decision_date: IsoDate
    effective_date: IsoDate | None = None
    issue_date: IsoDate
    debtors: Annotated[list[Party], Field(min_length=1, max_length=100)]
    creditors: Annotated[list[Party], Field(min_length=1, max_length=100)]
    claim: Claim
    joint_liability: StrictBool = False
    duplicate: DuplicateOf | None = None


class Signature(Strict):
    alg: Literal["Ed25519"]
    key_id: Annotated[str, StringConstraints(min_length=8, max_length=64)]
    value: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Envelope(BaseModel):
    """A signed writ: the document is kept as sent, because the signature covers exactly it."""

    model_config = ConfigDict(extra="forbid")

    document: dict[str, object]
    signature: Signature


class Accepted(BaseModel):
    register_number: str
    leaf_index: int
    status: str
    document_hash: str
    replay: bool = False


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["present", "start_execution", "complete", "return", "terminate", "recall"]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    department: Annotated[str, StringConstraints(max_length=200)] | None = None
