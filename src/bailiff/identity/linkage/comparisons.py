"""Comparisons: per field KIND, a few discrete agreement levels for a pair of records.

Level 0 is exact agreement, higher levels are weaker agreement, the last level is "else";
-1 means a side is null, which carries no information (match weight 0), as in Fellegi &
Sunter (1969) with missing values and Splink's "null level".  Everything works on aligned
arrays of record indices (i[k], j[k]) with numpy and rapidfuzz.process.cpdist, and fuzzy
metrics run once per distinct value pair, never once per record pair.

Levels per kind (JW = Jaro-Winkler similarity, DL = Damerau-Levenshtein distance):
  names (surname, given_name, patronymic, full_name): exact / JW >= 0.92 / JW >= 0.8 / else
  birth_date: exact / one of year-month-day differs or day and month swapped / DL <= 1 / else
  address, locality, birth_place, region: exact / JW >= 0.9 / JW >= 0.75 / else
  postcode, street_number: exact / DL <= 1 / else
  inn, snils, iin, pinfl (check digit): exact / else, plus a veto on two different valid values
  passport, generic_id: exact / DL <= 1 / DL <= 2 / else
A name part (or a second column of the same place kind) also gets a "swapped" level right
after exact when its value equals the other record's partner column (given name <-> surname).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from bailiff.identity.linkage.normalize import (
    CHECKED_ID_KINDS,
    CODE_KINDS,
    NAME_KINDS,
    PLACE_KINDS,
    TYPO_ID_KINDS,
    FieldData,
    check_kind,
)

NULL = -1


@dataclass(frozen=True)
class Comparison:
    """How one field kind is compared: metric, thresholds and the resulting level labels."""

    kind: str
    metric: str  # "exact", "jaro_winkler" (similarity >= t), "damerau_levenshtein" (<= t), "date"
    thresholds: tuple[float, ...] = ()
    hard_negative: bool = False  # two different valid values veto the link
    term_frequency: bool = False  # exact level weighted by how common the value is
    # Columns this one may be swapped with (given name <-> surname, address line 1 <-> 2):
    # exact agreement across them is a level of its own, after "exact".
    partners: tuple[str, ...] = ()

    @cached_property
    def labels(self) -> tuple[str, ...]:
        """Human-readable label of each level, strongest agreement first."""
        swapped = ("swapped with " + "/".join(self.partners),) if self.partners else ()
        if self.metric == "date":
            return ("exact", *swapped, "one component differs or day/month swapped", "DL <= 1", "else")
        if self.metric == "jaro_winkler":
            return ("exact", *swapped, *(f"JW >= {t:g}" for t in self.thresholds), "else")
        if self.metric == "damerau_levenshtein":
            return ("exact", *swapped, *(f"DL <= {t:g}" for t in self.thresholds), "else")
        return ("exact", *swapped, "else")

    @cached_property
    def n_levels(self) -> int:
        """Number of non-null levels."""
        return len(self.labels)

    def levels(self, data: FieldData, i: np.ndarray, j: np.ndarray,
               partners: Sequence[FieldData] = ()) -> np.ndarray:
        """Level (int8, -1 for null) of each pair (i[k], j[k]) of record indices."""
        ci = data.codes[i]
        cj = data.codes[j]
        out = np.full(len(ci), self.n_levels - 1, dtype=np.int8)
        null = (ci < 0) | (cj < 0)
        out[(ci == cj) & ~null] = 0
        rest = (ci != cj) & ~null
        shift = 0
        if self.partners:
            shift = 1
            crossed = rest & _crossed(data, partners, i, j)
            out[crossed] = 1
            rest &= ~crossed
        rest = np.flatnonzero(rest)
        if len(rest) and self.metric != "exact":
            out[rest] = self._fuzzy_levels(data, ci[rest], cj[rest]) + shift
        out[null] = NULL
        return out

    def _fuzzy_levels(self, data: FieldData, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # The metrics are symmetric, so (min, max) code pairs collapse both orders to one.
        lo = np.minimum(a, b).astype(np.int64)
        hi = np.maximum(a, b).astype(np.int64)
        # Hash-based factorize, not a sort: this runs for every field on every pair batch.
        inverse, keys = pd.factorize(lo * max(data.n_uniques, 1) + hi)
        ua = keys // max(data.n_uniques, 1)
        ub = keys % max(data.n_uniques, 1)
        if self.metric == "date":
            level = _date_levels(data, ua, ub)
        else:
            level = self._threshold_levels(data.uniques[ua], data.uniques[ub])
        return level[inverse]

    def _threshold_levels(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        level = np.ones(len(left), dtype=np.int8)
        if self.metric == "jaro_winkler":
            score = cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=-1)
            for threshold in self.thresholds:  # descending: each miss drops one level
                level += score < threshold
        else:
            score = damerau_levenshtein_capped(left, right, int(max(self.thresholds)))
            for threshold in self.thresholds:  # ascending distances
                level += score > threshold
        return level

    def vetoed(self, data: FieldData, i: np.ndarray, j: np.ndarray) -> np.ndarray | None:
        """True where both sides hold a valid identifier and the identifiers differ."""
        if not self.hard_negative or data.valid is None:
            return None
        ci = data.codes[i]
        cj = data.codes[j]
        both = (ci >= 0) & (cj >= 0)
        valid = np.zeros(len(ci), dtype=bool)
        valid[both] = data.valid[ci[both]] & data.valid[cj[both]]
        return valid & (ci != cj)


def damerau_levenshtein_capped(left: np.ndarray, right: np.ndarray, limit: int) -> np.ndarray:
    """Damerau-Levenshtein distance where it is <= limit, else limit + 1 (vectorised)."""
    # Levenshtein (bit-parallel, early exit at the cutoff) is several times cheaper, and
    # DL <= Lev <= 2 * DL (a transposition is one DL edit, two Levenshtein edits).  So
    # Lev <= 1 is already the DL, Lev > 2 * limit settles DL > limit, and only the pairs in
    # between need the true DL, which on random pairs is a small minority.
    lev = cpdist(left, right, scorer=Levenshtein.distance, score_cutoff=2 * limit + 1, workers=-1)
    result = np.where(lev <= 1, lev, limit + 1).astype(np.int32)
    unsure = np.flatnonzero((lev >= 2) & (lev <= 2 * limit))
    if len(unsure):
        exact = cpdist(left[unsure], right[unsure], scorer=DamerauLevenshtein.distance,
                       score_cutoff=limit + 1, workers=-1)
        result[unsure] = np.minimum(exact, limit + 1)
    return result


def _crossed(data: FieldData, partners: Sequence[FieldData], i: np.ndarray,
             j: np.ndarray) -> np.ndarray:
    # Map this field's distinct values into each partner's code table once, then compare
    # integer codes: value of i equals the partner value of j, or the other way round.
    hit = np.zeros(len(i), dtype=bool)
    for partner in partners:
        index = {value: code for code, value in enumerate(partner.uniques)}
        to_partner = np.fromiter((index.get(v, -2) for v in data.uniques), dtype=np.int64,
                                 count=data.n_uniques)
        to_partner = np.append(to_partner, -2)  # null (-1) maps to -2, which matches nothing
        hit |= to_partner[data.codes[i]] == partner.codes[j]
        hit |= to_partner[data.codes[j]] == partner.codes[i]
    return hit


def swap_partners(fields: Sequence[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Columns each column may be swapped with: other personal-name parts, or same-kind columns."""
    parts = ("surname", "given_name", "patronymic")
    partners: dict[str, tuple[str, ...]] = {}
    for column, kind in fields:
        if kind in parts:
            others = [c for c, k in fields if k in parts and c != column]
        elif kind in PLACE_KINDS:
            others = [c for c, k in fields if k == kind and c != column]
        else:
            others = []
        partners[column] = tuple(others)
    return partners


def _date_levels(data: FieldData, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Typical keying errors in a date of birth: one wrong component (a slip in the day, the
    # month or the year), or day and month swapped (DD.MM vs MM.DD conventions).
    parts = data.date_parts
    assert parts is not None
    pa = parts[a]
    pb = parts[b]
    parsed = (pa[:, 0] >= 0) & (pb[:, 0] >= 0)
    differing = (pa != pb).sum(axis=1)
    swapped = (pa[:, 0] == pb[:, 0]) & (pa[:, 1] == pb[:, 2]) & (pa[:, 2] == pb[:, 1])
    level = np.full(len(a), 3, dtype=np.int8)
    close = damerau_levenshtein_capped(data.uniques[a], data.uniques[b], 1) <= 1
    level[close] = 2
    level[parsed & ((differing == 1) | swapped)] = 1
    return level


def comparison_for(kind: str, term_frequency: bool = False,
                   partners: Sequence[str] = ()) -> Comparison:
    """The comparison used for a field kind (see the module docstring for levels)."""
    check_kind(kind)
    partners = tuple(partners)
    if kind in NAME_KINDS:
        return Comparison(kind, "jaro_winkler", (0.92, 0.8), term_frequency=term_frequency,
                          partners=partners)
    if kind == "birth_date":
        return Comparison(kind, "date")
    if kind in PLACE_KINDS:
        return Comparison(kind, "jaro_winkler", (0.9, 0.75), partners=partners)
    if kind in CODE_KINDS:
        return Comparison(kind, "damerau_levenshtein", (1,))
    if kind in CHECKED_ID_KINDS:
        # A check digit catches almost every single typo, so a near-miss is no evidence of a
        # typo'd copy: exact / else, and a veto when both values are valid and differ.
        return Comparison(kind, "exact", hard_negative=True)
    assert kind in TYPO_ID_KINDS
    return Comparison(kind, "damerau_levenshtein", (1, 2))


def comparison_vectors(comparisons: list[Comparison], fields: list[FieldData],
                       i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Level matrix (n_pairs, n_comparisons) int8 and the hard-rule veto mask of the pairs."""
    gamma = np.empty((len(i), len(comparisons)), dtype=np.int8)
    veto = np.zeros(len(i), dtype=bool)
    by_column = {data.column: data for data in fields}
    for k, (comparison, data) in enumerate(zip(comparisons, fields, strict=True)):
        partners = [by_column[column] for column in comparison.partners]
        gamma[:, k] = comparison.levels(data, i, j, partners)
        blocked = comparison.vetoed(data, i, j)
        if blocked is not None:
            veto |= blocked
    return gamma, veto
