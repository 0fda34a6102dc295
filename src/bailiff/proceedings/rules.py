"""Rules of opening a proceeding: its number, its deadlines, and the office it belongs to.

No Session and no web here. Figures come from the jurisdiction profile, which names the articles.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Calendar:
    """Days off besides Saturdays and Sundays: holidays (month-day), and whether a holiday on a
    weekend moves its day off to the next working day (RU Labour Code art. 112 part 2), except those
    in `not_moved` (the January holidays, which the government moves by decree each year)."""

    holidays: frozenset[str] = frozenset()
    moves_to_working_day: bool = False
    not_moved: frozenset[str] = frozenset()

    @classmethod
    def from_profile(cls, raw: Mapping[str, Any]) -> Calendar:
        section = raw.get("proceedings", {}).get("calendar", {})
        return cls(frozenset(section.get("holidays", ())), bool(section.get("weekend_holidays_move", False)),
                   frozenset(section.get("weekend_holidays_not_moved", ())))


@dataclass(frozen=True)
class OpeningRules:
    """The profile's [proceedings] section."""

    number_format: str
    opening_days: int
    voluntary_days: int
    calendar: Calendar = Calendar()

    @classmethod
    def from_profile(cls, raw: Mapping[str, Any]) -> OpeningRules:
        """Read the rules from a profile's raw data."""
        section = raw["proceedings"]
        return cls(str(section["number_format"]), int(section["opening_days"]), int(section.get("voluntary_days", 0)),
                   Calendar.from_profile(raw))

    def number(self, *, seq: int, year: int, office_id: str) -> str:
        """The national number of a proceeding (RU: "15/26/77001-ИП")."""
        return self.number_format.format(seq=seq, yy=f"{year % 100:02d}", year=year, office=office_id)

    def opening_deadline(self, presented_on: date) -> date:
        """The last day to decide on opening (RU 229-FZ art. 30 part 8: three working days)."""
        return working_days_after(presented_on, self.opening_days, self.calendar)

    def voluntary_deadline(self, received_on: date) -> date:
        """The last day of voluntary performance (RU art. 30 part 12: five working days from receipt); the
        day of receipt itself where the profile sets no such period."""
        return working_days_after(received_on, self.voluntary_days, self.calendar)


_WORD = re.compile(r"[0-9a-zа-яё-]+")


def office_for_address(address: str | None, offices: Sequence[tuple[str, Sequence[str]]]) -> str | None:
    """The office whose localities appear in the debtor's address (RU art. 33: the debtor's place).

    The longest matching locality wins ("московская обл" before "москва"); no match, no office.
    """
    if not address:
        return None
    text = " ".join(_WORD.findall(address.lower().replace("ё", "е")))
    best: tuple[int, str] | None = None
    for office_id, localities in offices:
        for locality in localities:
            phrase = " ".join(_WORD.findall(locality.lower().replace("ё", "е")))
            if phrase and re.search(rf"(?<![0-9a-zа-я-]){re.escape(phrase)}(?![0-9a-zа-я-])", text):
                if best is None or len(phrase) > best[0]:
                    best = (len(phrase), office_id)
    return best[1] if best else None


def _listed_or_weekend(day: date, holidays: frozenset[str]) -> bool:
    return day.weekday() >= 5 or f"{day.month:02d}-{day.day:02d}" in holidays  # strftime: ten times slower


@lru_cache(maxsize=256)
def _moved_days_off(year: int, calendar: Calendar) -> frozenset[date]:
    """The working days that became days off in `year` because a holiday fell on a weekend."""
    moved: set[date] = set()
    for month_day in sorted(calendar.holidays - calendar.not_moved):
        holiday = date(year, int(month_day[:2]), int(month_day[3:]))
        if holiday.weekday() < 5:
            continue
        day = holiday + timedelta(days=1)
        while _listed_or_weekend(day, calendar.holidays) or day in moved:
            day += timedelta(days=1)
        moved.add(day)
    return frozenset(moved)


def _day_off(day: date, calendar: Calendar) -> bool:
    """A Saturday, a Sunday, a holiday of the profile's calendar, or the working day a holiday's day off
    moved to."""
    if _listed_or_weekend(day, calendar.holidays):
        return True
    return calendar.moves_to_working_day and day in _moved_days_off(day.year, calendar)


@lru_cache(maxsize=4096)  # a batch shares its presentation days; the day-off checks were 2% of its profile
def working_days_after(start: date, days: int, calendar: Calendar) -> date:
    """The date `days` working days after `start` (229-FZ art. 15 part 2: only working days count)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if not _day_off(current, calendar):
            left -= 1
    return current


def _add_months(start: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has fewer days)."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(start.day, (following - timedelta(days=1)).day))


def presentation_refusal(*, document: Mapping[str, Any], presented_on: date, raw: Mapping[str, Any],
                         restarted_on: date | None = None) -> str | None:
    """Why a writ presented on `presented_on` is too late, or None (RU 229-FZ art. 21, 22, 31 part 1 s.3).

    The period runs from the judgment's entry into force (else the writ's issue date), or again from
    the day an earlier proceeding returned the writ (art. 22 parts 1-3: presentation interrupts it);
    a last day off work moves to the next working day (art. 16 part 2); periodic claims are not
    checked (art. 21 part 4). A profile without `refusal_source` checks nothing.
    """
    writs = raw["writs"]
    if "refusal_source" not in writs or document.get("claim", {}).get("kind") == "periodic":
        return None
    months = writs.get("presentation_period_months_by_type", {}).get(document.get("type"))
    years = int(writs.get("presentation_period_years_by_type", {}).get(document.get("type"),
                                                                         writs["presentation_period_years"]))
    span = f"{months}-month" if months else f"{years}-year"
    # A certificate's months run from its issue; a judgment's years from its entry into force.
    start_text = (document.get("issue_date") if months else None) or document.get("effective_date") \
        or document.get("issue_date")
    if not start_text:
        return None
    start = max(date.fromisoformat(start_text), restarted_on or date.min)
    last = _add_months(start, int(months) if months else 12 * years)
    # Art. 16 part 2: a period whose last day is not a working day ends on the next working day.
    calendar = Calendar.from_profile(raw)
    while _day_off(last, calendar):
        last += timedelta(days=1)
    if presented_on <= last:
        return None
    since = "its return" if restarted_on and restarted_on >= date.fromisoformat(start_text) else "entry into force"
    return (f"{writs['refusal_source']}: presented on {presented_on.isoformat()}, after the {span} period "
            f"from {since} ({writs['presentation_period_source']}) ended on {last.isoformat()}")


def consolidation_suffix(raw: Mapping[str, Any]) -> str | None:
    """The suffix of a consolidated proceeding's number (RU "-СД", 229-FZ art. 34); None where the
    profile joins no proceedings."""
    return (raw.get("proceedings", {}).get("consolidation") or {}).get("suffix")


def priority(category: str | None, raw: Mapping[str, Any]) -> int:
    """The order of a claim when money is distributed (RU 229-FZ art. 111 part 1): 1 to 4."""
    section = raw["proceedings"]["priority"]
    for order, name in ((1, "first"), (2, "second"), (3, "third")):
        if category in section.get(name, ()):
            return order
    return 4
