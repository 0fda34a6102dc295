"""Rules of the enforcement fee and of measures (no Session, no web): figures from the profile.

RU 229-FZ: art. 112 (fee), art. 68 part 2 (measures after the voluntary period), art. 67 (travel
restriction thresholds), art. 99 (withholding caps), art. 99 part 1.1 and art. 69 part 5.1 (the
subsistence minimum stays with the debtor). KZ 261-IV: art. 118 (the private bailiff's fee scale),
art. 33 (travel restriction over 40 МРП), art. 95 (half the income and the subsistence minimum stay).
Every citation a refusal names comes from the profile. Namesake protection (identity) is checked by
the service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def money(value: object, raw: Mapping[str, Any]) -> Decimal:
    """A sum from the profile: plain ("30000") or in a unit of account ("40 mci" = 40 x the profile's
    [units].mci value, e.g. the Kazakh monthly calculation index)."""
    text = str(value).strip()
    number, _, unit = text.partition(" ")
    if not unit:
        return Decimal(number)
    return Decimal(number) * Decimal(raw["units"][unit]["value"])


@dataclass(frozen=True)
class FeeRule:
    """The profile's enforcement fee: a rate with minimums (RU art. 112) or a scale of bands in a unit
    of account with a cap (KZ art. 118)."""

    source: str
    effective: str
    exempt_categories: frozenset[str]
    rate: Decimal = Decimal(0)
    minimum_person: Decimal = Decimal(0)
    minimum_organization: Decimal = Decimal(0)
    bands: tuple[tuple[Decimal | None, Decimal], ...] = ()  # (upper bound in money, rate), ascending
    cap: Decimal | None = None
    non_monetary_person: Decimal | None = None
    non_monetary_organization: Decimal | None = None
    charged: str = "if the debtor does not pay within the voluntary period"
    checked: bool = True  # False: read in secondary sources only, shown with a caveat

    @classmethod
    def from_profile(cls, raw: Mapping[str, Any]) -> FeeRule:
        """Read [proceedings.fee]."""
        f = raw["proceedings"]["fee"]
        common = {"source": str(f["source"]), "effective": str(f["effective"]),
                  "exempt_categories": frozenset(f.get("exempt_categories", ())),
                  "charged": str(f.get("charged", cls.charged)), "checked": bool(f.get("checked", True))}
        if f.get("method", "rate") == "rate":
            return cls(**common, rate=Decimal(f["rate"]), minimum_person=Decimal(f["minimum_person"]),
                       minimum_organization=Decimal(f["minimum_organization"]))
        unit = f["unit"]

        def units(n: str) -> Decimal:
            return money(f"{n} {unit}", raw)

        return cls(**common, bands=tuple((units(bound) if bound else None, Decimal(rate)) for bound, rate in f["bands"]),
                   cap=units(f["cap"]) if f.get("cap") else None,
                   non_monetary_person=units(f["non_monetary_person"]) if f.get("non_monetary_person") else None,
                   non_monetary_organization=(units(f["non_monetary_organization"])
                                              if f.get("non_monetary_organization") else None))

    def fee(self, *, amount: Decimal | None, category: str | None, debtor_kind: str,
            claim_kind: str = "money") -> Decimal | None:
        """The fee owed on the whole claim; None where none is charged or modelled."""
        if category in self.exempt_categories:
            return None
        organization = debtor_kind == "organization"
        if claim_kind == "non_monetary":
            return self.non_monetary_organization if organization else self.non_monetary_person
        if amount is None:
            return None  # a claim without a sum (a share of income)
        if self.bands:
            rate = next(r for bound, r in self.bands if bound is None or amount <= bound)
            fee = (amount * rate).quantize(CENT, ROUND_HALF_UP)
            return min(fee, self.cap) if self.cap is not None else fee
        minimum = self.minimum_organization if organization else self.minimum_person
        return max((amount * self.rate).quantize(CENT, ROUND_HALF_UP), minimum)


@dataclass(frozen=True)
class MeasureRules:
    """The profile's [measures] section."""

    coercive: frozenset[str]
    after_voluntary_period: frozenset[str]
    travel_threshold: Decimal
    travel_threshold_priority: Decimal
    priority_categories: frozenset[str]
    withhold_max_percent: int
    withhold_max_percent_priority: int
    subsistence_minimum: Decimal
    cite: Mapping[str, str]
    basis: Mapping[str, str]
    travel_organizations: bool = False
    # "on_application" (RU art. 99 part 1.1) or "always" (KZ art. 95 p.1), and the claims it yields to.
    subsistence_protection: str = "on_application"
    subsistence_exempt_categories: frozenset[str] = frozenset()
    checked: bool = True  # False: the figures are shown with a caveat until checked against the law

    @classmethod
    def from_profile(cls, raw: Mapping[str, Any]) -> MeasureRules:
        """Read [measures]."""
        m = raw["measures"]
        return cls(frozenset(m["coercive"]), frozenset(m["after_voluntary_period"]), money(m["travel_threshold"], raw),
                   money(m["travel_threshold_priority"], raw), frozenset(m["priority_categories"]),
                   int(m["withhold_max_percent"]), int(m["withhold_max_percent_priority"]),
                   money(m["subsistence_minimum"], raw), dict(m["cite"]), dict(m["basis"]),
                   bool(m.get("travel_organizations", False)), str(m.get("subsistence_protection", "on_application")),
                   frozenset(m.get("subsistence_exempt_categories", ())), bool(m.get("checked", True)))

    def protects_minimum(self, *, category: str | None, applied: bool) -> bool:
        """Whether the subsistence minimum stays with the debtor on this claim."""
        if category in self.subsistence_exempt_categories:
            return False
        return self.subsistence_protection == "always" or applied


@dataclass(frozen=True)
class Refusal:
    """A rule a measure breaks: the field, the rule's name, and what the law says."""

    field: str
    rule: str
    message: str


def check_measure(*, kind: str, rules: MeasureRules, today: date, voluntary_deadline: date | None,
                  debt: Decimal | None, category: str | None, params: Mapping[str, Any],
                  debtor_kind: str = "person", non_property: bool = False) -> list[Refusal]:
    """Every rule the measure breaks (empty when it may be ordered); `non_property`: the writ demands an
    act, not money (RU art. 67 part 1 allows a travel restriction for it whatever the sum)."""
    out: list[Refusal] = []
    if kind not in rules.coercive:
        return [Refusal("kind", "measure.kind", f"unknown measure; one of {', '.join(sorted(rules.coercive))}")]
    if kind in rules.after_voluntary_period and (voluntary_deadline is None or today <= voluntary_deadline):
        when = "has not started (the debtor has not received the opening order)" if voluntary_deadline is None \
            else f"runs until {voluntary_deadline.isoformat()}"
        out.append(Refusal("kind", "measure.voluntary_period",
                           f"{rules.cite['voluntary_period']}: the voluntary period {when}"))
    priority = category in rules.priority_categories
    if kind == "travel_restriction" and debtor_kind == "organization" and not rules.travel_organizations:
        out.append(Refusal("kind", "measure.travel.debtor", f"{rules.cite['travel']}: only a citizen or sole trader"))
    elif kind == "travel_restriction" and not non_property:
        threshold = rules.travel_threshold_priority if priority else rules.travel_threshold
        if debt is None or debt <= threshold:
            out.append(Refusal("kind", "measure.travel.threshold",
                               f"{rules.cite['travel']}: the debt must exceed {threshold} (it is {debt})"))
    if kind == "withhold_income":
        cap = rules.withhold_max_percent_priority if priority else rules.withhold_max_percent
        percent = params.get("percent")
        if not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= cap:
            out.append(Refusal("params.percent", "measure.withhold.cap",
                               f"{rules.cite['withhold']}: a whole percent from 1 to {cap} for this claim"))
    if not rules.checked:
        out = [Refusal(r.field, r.rule, r.message + UNCHECKED) for r in out]
    return out


UNCHECKED = " (figure from the profile, not yet checked against the official text)"


def withholding(*, income: Decimal, percent: int, protect_minimum: bool, minimum: Decimal) -> Decimal:
    """The sum withheld from one payment of income; with the debtor's application the subsistence
    minimum stays with them (229-FZ art. 99 part 1.1, art. 69 part 5.1)."""
    amount = (income * percent / 100).quantize(CENT, ROUND_HALF_UP)
    if protect_minimum:
        amount = min(amount, max(income - minimum, Decimal(0)))
    return amount
