"""Field kinds, value normalisation and the per-field arrays the comparisons work on.

Every value is normalised once per *distinct* value (pandas.factorize first), never once per
pair: a field becomes integer codes per record (-1 = null) plus the table of distinct
normalised strings, so exact agreement is a cheap integer comparison and fuzzy metrics run
on distinct value pairs only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bailiff.identity import identifiers

NAME_KINDS: tuple[str, ...] = ("surname", "given_name", "patronymic", "full_name")
PLACE_KINDS: tuple[str, ...] = ("address", "locality", "birth_place", "region")
CODE_KINDS: tuple[str, ...] = ("street_number", "postcode")
# Identifiers with a check digit: two different *valid* values mean two different people.
CHECKED_ID_KINDS: tuple[str, ...] = ("inn", "snils", "iin", "pinfl")
# Identifiers compared with typos allowed.  A passport has no check digit and a person holds
# several over a lifetime (replaced at 20 and 45), so a different passport is no veto.
TYPO_ID_KINDS: tuple[str, ...] = ("passport", "generic_id")
KINDS: tuple[str, ...] = (*NAME_KINDS, "birth_date", *PLACE_KINDS, *CODE_KINDS,
                          *CHECKED_ID_KINDS, *TYPO_ID_KINDS)

_SPACES = re.compile(r"\s+")
_ID_SEPARATORS = re.compile(r"[\s\-./]+")
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})$"),
)

Normalizer = Callable[[str], str]


def normalize_token(text: str) -> str:
    """Casefold, strip and collapse inner whitespace."""
    return _SPACES.sub(" ", text.casefold()).strip()


def _compact(text: str) -> str:
    return _ID_SEPARATORS.sub("", text.casefold())


def _date_key(text: str) -> str:
    # Canonical YYYYMMDD so that 1980-05-01, 01.05.1980 and 19800501 agree exactly; a value
    # that does not parse keeps its digits, so Damerau-Levenshtein can still compare it.
    raw = text.strip()
    for pattern in _DATE_PATTERNS:
        hit = pattern.match(raw)
        if hit:
            return f"{hit['y']}{int(hit['m']):02d}{int(hit['d']):02d}"
    return "".join(ch for ch in raw if ch in "0123456789")


def check_kind(kind: str) -> str:
    """Return the kind if it is known, else raise ValueError naming the known kinds."""
    if kind not in KINDS:
        raise ValueError(f"unknown field kind {kind!r}; expected one of {', '.join(KINDS)}")
    return kind


def normalizer_for(kind: str, name_normalizer: Normalizer = normalize_token) -> Normalizer:
    """The string normaliser a kind is compared under (names go through the pluggable hook)."""
    check_kind(kind)
    if kind in NAME_KINDS:
        # Hook: the identity context passes a Russian-aware key (ё/е, transliteration) here.
        return name_normalizer
    if kind == "birth_date":
        return _date_key
    if kind in PLACE_KINDS:
        return normalize_token
    return _compact


def _validity_checker(kind: str) -> Callable[[str], bool] | None:
    """is_valid for kinds the identifiers module knows; None (no veto) for the others."""
    if kind not in CHECKED_ID_KINDS:
        return None
    if kind not in getattr(identifiers, "IDENTIFIER_KINDS", (kind,)):
        return None  # e.g. iin/pinfl before their validators land: compared as generic ids
    try:
        identifiers.is_valid(kind, "0")
    except ValueError as exc:  # a validator that rejects the kind itself: no veto
        if "unknown" in str(exc).lower():
            return None
        raise
    return lambda value: identifiers.is_valid(kind, value)


@dataclass
class FieldData:
    """One field over all records: codes into the table of distinct normalised values."""

    column: str
    kind: str
    codes: np.ndarray  # int32 per record, -1 for null
    uniques: np.ndarray  # object array of distinct normalised strings
    valid: np.ndarray | None = None  # bool per distinct value (check-digit kinds only)
    date_parts: np.ndarray | None = None  # (n_uniques, 3) int16 y/m/d, -1 if unparsable
    counts: tuple[np.ndarray, np.ndarray] | None = None  # value counts on the left, right side

    @property
    def n_uniques(self) -> int:
        """Number of distinct non-null values."""
        return len(self.uniques)


def _date_parts(uniques: np.ndarray) -> np.ndarray:
    parts = np.full((len(uniques), 3), -1, dtype=np.int16)
    for pos, text in enumerate(uniques):
        if len(text) == 8:
            y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
            parts[pos] = (y, m, d)
    return parts


def prepare_field(column: str, kind: str, values: pd.Series, n_left: int,
                  name_normalizer: Normalizer = normalize_token) -> FieldData:
    """Normalise one column (left records first, then right ones) into a FieldData."""
    norm = normalizer_for(kind, name_normalizer)
    raw_codes, raw_uniques = pd.factorize(values.astype(object), sort=False)
    cleaned = []
    for value in raw_uniques:
        text = norm(str(value)) if value is not None else ""
        cleaned.append(text if text else None)
    # Distinct raw values may normalise to one string (or to null): factorize again.
    norm_codes, uniques = pd.factorize(pd.Series(cleaned, dtype=object), sort=False)
    lookup = np.append(norm_codes, -1).astype(np.int32)  # raw code -1 (NaN) stays null
    codes = lookup[raw_codes]
    uniques = np.asarray(uniques, dtype=object)
    data = FieldData(column, kind, codes, uniques)
    checker = _validity_checker(kind)
    if checker is not None:
        data.valid = np.fromiter((checker(v) for v in uniques), dtype=bool, count=len(uniques))
    if kind == "birth_date":
        data.date_parts = _date_parts(uniques)
    # Value counts on each side: exact-agreement chance (u) and term frequencies.
    left = codes[:n_left]
    right = codes[n_left:]
    data.counts = (np.bincount(left[left >= 0], minlength=len(uniques)),
                   np.bincount(right[right >= 0], minlength=len(uniques)))
    return data


@dataclass
class Records:
    """The records of a job: link (left rows then right rows) or dedupe (left rows only)."""

    ids: np.ndarray  # object array of record ids as strings
    n_left: int
    fields: list[FieldData]
    dedupe: bool

    @property
    def n_right(self) -> int:
        """Number of right-hand records (0 for a dedupe job)."""
        return len(self.ids) - self.n_left

    @property
    def total_pairs(self) -> int:
        """Size of the full comparison space (all cross pairs, or all unordered pairs)."""
        if self.dedupe:
            return self.n_left * (self.n_left - 1) // 2
        return self.n_left * self.n_right

    def field(self, column: str) -> FieldData:
        """The FieldData of a column."""
        for data in self.fields:
            if data.column == column:
                return data
        raise KeyError(column)


def _ids(frame: pd.DataFrame, id_column: str, label: str) -> pd.Series:
    if id_column not in frame.columns:
        raise ValueError(f"{label}: id column {id_column!r} not found; columns are "
                         f"{', '.join(map(str, frame.columns))}")
    ids = frame[id_column].astype(object)
    if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
        raise ValueError(f"{label}: id column {id_column!r} has empty values")
    ids = ids.astype(str)
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise ValueError(f"{label}: id column {id_column!r} has duplicate id {duplicated.iloc[0]!r}")
    return ids


def prepare_records(frames: Sequence[pd.DataFrame], id_column: str,
                    fields: Sequence[tuple[str, str]], labels: Sequence[str] | None = None,
                    name_normalizer: Normalizer = normalize_token) -> Records:
    """Check columns and kinds, then normalise the fields of one frame (dedupe) or two (link)."""
    if len(frames) not in (1, 2):
        raise ValueError("expected one frame (dedupe) or two (link)")
    labels = list(labels or [f"input {n + 1}" for n in range(len(frames))])
    if not fields:
        raise ValueError("at least one --field COLUMN=KIND is required")
    columns = [column for column, _ in fields]
    if len(set(columns)) != len(columns):
        raise ValueError("a column is given more than once in --field")
    for column, kind in fields:
        check_kind(kind)
        for frame, label in zip(frames, labels, strict=True):
            if column not in frame.columns:
                raise ValueError(f"{label}: column {column!r} not found; columns are "
                                 f"{', '.join(map(str, frame.columns))}")
    ids = [_ids(frame, id_column, label) for frame, label in zip(frames, labels, strict=True)]
    n_left = len(frames[0])
    prepared = []
    for column, kind in fields:
        values = pd.concat([frame[column] for frame in frames], ignore_index=True)
        prepared.append(prepare_field(column, kind, values, n_left, name_normalizer))
    all_ids = np.asarray(pd.concat(ids, ignore_index=True), dtype=object)
    return Records(all_ids, n_left, prepared, dedupe=len(frames) == 1)
