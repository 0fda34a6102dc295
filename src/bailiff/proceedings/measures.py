"""Rules of the enforcement fee and of measures (no Session, no web): figures from the profile.

RU 229-FZ: art. 112 (fee), art. 68 part 2 (measures after the voluntary period), art. 67 (travel
restriction thresholds), art. 99 (withholding caps), art. 99 part 1.1 and art. 69 part 5.1 (the
subsistence minimum stays with the debtor). Namesake protection (identity) is checked by the service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class FeeRule:
    """The profile's enforcement fee."""

    rate: Decimal
    minimum_person: Decimal
    minimum_organization: Decimal
    exempt_categories: frozenset[str]
    source: str
    effective: str

    @classmethod
    def from_profile(cls, raw: Mapping[str, Any]) -> FeeRule:
        """Read [proceedings.fee]."""
        f = raw["proceedings"]["fee"]
        return cls(Decimal(f["rate"]), Decimal(f["minimum_person"]), Decimal(f["minimum_organization"]),
                   frozenset(f["exempt_categories"]), str(f["source"]), str(f["effective"]))

    def fee(self, *, amount: Decimal | None, category: str | None, debtor_kind: str) -> Decimal | None:
        """The fee owed if the debtor does not pay voluntarily; None where none is charged or modelled."""
        if category in self.exempt_categories or amount is None:
            return None  # exempt, or a claim without a sum (non-monetary, a share of income)
        minimum = self.minimum_organization if debtor_kind == "organization" else self.minimum_person
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

    @classmethod
    def from_profile(cls, raw: Mapping[str, Any]) -> MeasureRules:
        """Read [measures]."""
        m = raw["measures"]
        return cls(frozenset(m["coercive"]), frozenset(m["after_voluntary_period"]), Decimal(m["travel_threshold"]),
                   Decimal(m["travel_threshold_priority"]), frozenset(m["priority_categories"]),
                   int(m["withhold_max_percent"]), int(m["withhold_max_percent_priority"]),
                   Decimal(m["subsistence_minimum"]))


@dataclass(frozen=True)
class Refusal:
    """A rule a measure breaks: the field, the rule's name, and what the law says."""

    field: str
    rule: str
    message: str


def check_measure(*, kind: str, rules: MeasureRules, today: date, voluntary_deadline: date | None,
                  debt: Decimal | None, category: str | None, params: Mapping[str, Any],
                  debtor_kind: str = "person") -> list[Refusal]:
    """Every rule the measure breaks (empty when it may be ordered)."""
    out: list[Refusal] = []
    if kind not in rules.coercive:
        return [Refusal("kind", "measure.kind", f"unknown measure; one of {', '.join(sorted(rules.coercive))}")]
    if kind in rules.after_voluntary_period and (voluntary_deadline is None or today <= voluntary_deadline):
        when = "has not started (the debtor has not received the opening order)" if voluntary_deadline is None \
            else f"runs until {voluntary_deadline.isoformat()}"
        out.append(Refusal("kind", "measure.voluntary_period", f"229-FZ art. 68 part 2: the voluntary period {when}"))
    priority = category in rules.priority_categories
    if kind == "travel_restriction" and debtor_kind == "organization":
        out.append(Refusal("kind", "measure.travel.debtor", "229-FZ art. 67 part 1: only a citizen or sole trader"))
    elif kind == "travel_restriction":
        threshold = rules.travel_threshold_priority if priority else rules.travel_threshold
        if debt is None or debt <= threshold:
            out.append(Refusal("kind", "measure.travel.threshold",
                               f"229-FZ art. 67: the debt must exceed {threshold} (it is {debt})"))
    if kind == "withhold_income":
        cap = rules.withhold_max_percent_priority if priority else rules.withhold_max_percent
        percent = params.get("percent")
        if not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= cap:
            out.append(Refusal("params.percent", "measure.withhold.cap",
                               f"229-FZ art. 99: a whole percent from 1 to {cap} for this claim"))
    return out


def withholding(*, income: Decimal, percent: int, protect_minimum: bool, minimum: Decimal) -> Decimal:
    """The sum withheld from one payment of income; with the debtor's application the subsistence
    minimum stays with them (229-FZ art. 99 part 1.1, art. 69 part 5.1)."""
    amount = (income * percent / 100).quantize(CENT, ROUND_HALF_UP)
    if protect_minimum:
        amount = min(amount, max(income - minimum, Decimal(0)))
    return amount
