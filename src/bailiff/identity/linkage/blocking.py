"""Blocking: candidate pairs as the union of several exact-key rules.

Each rule is a conjunction of keys (a column, possibly transformed: first three characters,
year of birth).  A pair is a candidate when any rule's keys are equal on both sides (the
union of blocking passes of Fellegi & Sunter practice and Splink's
`blocking_rules_to_generate_predictions`).  Pairs come from hash joins on integer key codes
(pandas.merge), never from Python loops over records.  The rules that produced each pair are
kept as a bitmask: estimation needs it to tell which comparisons were selected on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bailiff.identity.linkage.normalize import (
    CHECKED_ID_KINDS,
    TYPO_ID_KINDS,
    FieldData,
    Records,
)

TRANSFORMS = ("value", "prefix3", "year")


@dataclass(frozen=True)
class BlockingRule:
    """A conjunction of keys: (column, transform) with transform in TRANSFORMS."""

    keys: tuple[tuple[str, str], ...]
    unordered: bool = False  # the key values as a set: 'Ivan Petrov' agrees with 'Petrov Ivan'

    @property
    def name(self) -> str:
        """Readable name, e.g. 'surname[prefix3] & birth[year]'."""
        joined = (" & " if not self.unordered else " ~ ").join(
            c if t == "value" else f"{c}[{t}]" for c, t in self.keys)
        return joined if not self.unordered else "{" + joined + "}"

    @property
    def columns(self) -> frozenset[str]:
        """Columns whose agreement this rule selects on."""
        return frozenset(column for column, _ in self.keys)


def rule(*keys: str | tuple[str, str], unordered: bool = False) -> BlockingRule:
    """Build a rule from column names or (column, transform) tuples."""
    parsed = tuple((k, "value") if isinstance(k, str) else k for k in keys)
    for _, transform in parsed:
        if transform not in TRANSFORMS:
            raise ValueError(f"unknown blocking transform {transform!r}")
    return BlockingRule(parsed, unordered)


def default_rules(fields: Sequence[tuple[str, str]]) -> list[BlockingRule]:
    """Blocking rules chosen from the field kinds present (first column of each kind)."""
    first: dict[str, str] = {}
    for column, kind in fields:
        first.setdefault(kind, column)
    rules: list[BlockingRule] = []
    for column, kind in fields:
        if kind in CHECKED_ID_KINDS or kind in TYPO_ID_KINDS:
            rules.append(rule(column))
    # Single strong fields: a true pair is lost only if *every* one of them was mistyped.
    for kind in ("surname", "full_name", "given_name", "birth_date"):
        if kind in first:
            rules.append(rule(first[kind]))
    if "postcode" in first and "street_number" in first:
        rules.append(rule(first["postcode"], first["street_number"]))
    if "address" in first:
        rules.append(rule(first["address"], *([first["street_number"]] if "street_number" in first else [])))
    name = first.get("surname") or first.get("full_name")
    if name and "birth_date" in first:
        rules.append(rule((name, "prefix3"), (first["birth_date"], "year")))
    if "surname" in first and "given_name" in first:
        # Given name and surname swapped on one side is a common keying error.
        rules.append(rule(first["given_name"], first["surname"], unordered=True))
        # Typos late in both names (Williiam Dowley / William Dowlye).
        rules.append(rule((first["given_name"], "prefix3"), (first["surname"], "prefix3")))
    if not rules:
        # Places alone are too coarse to block on, but better than nothing.
        rules.append(rule(fields[0][0]))
    return rules


def _transformed_codes(data: FieldData, transform: str) -> np.ndarray:
    if transform == "value":
        return data.codes.astype(np.int64)
    width = 4 if transform == "year" else 3
    derived = pd.Series(data.uniques, dtype=object).str.slice(0, width)
    if transform == "year":
        derived = derived.where(derived.str.len() == 4)
    codes, _ = pd.factorize(derived)
    lookup = np.append(codes, -1).astype(np.int64)
    return lookup[data.codes]


def _unordered_keys(records: Records, blocking_rule: BlockingRule) -> np.ndarray:
    # The key parts of each record as a sorted tuple of strings, then factorized: a
    # Python-level step per record, acceptable for a rule over two or three short names.
    parts = []
    for column, transform in blocking_rule.keys:
        data = records.field(column)
        text = pd.Series(np.append(data.uniques, None)[data.codes], dtype=object)  # -1 -> None
        parts.append(text if transform == "value" else text.str.slice(0, 3 if transform == "prefix3" else 4))
    frame = pd.concat(parts, axis=1)
    present = frame.notna().all(axis=1).to_numpy()
    joined = pd.Series(["\x1f".join(sorted(row)) for row in frame[present].itertuples(index=False)],
                       dtype=object)
    keys = np.full(len(frame), -1, dtype=np.int64)
    keys[present] = pd.factorize(joined)[0]
    return keys


def rule_keys(records: Records, blocking_rule: BlockingRule) -> np.ndarray:
    """Integer key of every record under a rule (-1 where any key part is null)."""
    if blocking_rule.unordered:
        return _unordered_keys(records, blocking_rule)
    combined: np.ndarray | None = None
    for column, transform in blocking_rule.keys:
        part = _transformed_codes(records.field(column), transform)
        if combined is None:
            combined = part
            continue
        null = (combined < 0) | (part < 0)
        merged = combined * (int(part.max()) + 1) + part
        combined, _ = pd.factorize(np.where(null, -1, merged))
        combined = np.where(null, -1, combined).astype(np.int64)
    assert combined is not None
    return combined


@dataclass
class BlockStats:
    """What one rule contributed: its pairs and the blocks it dropped as pathological."""

    rule: str
    pairs: int
    dropped_blocks: int
    dropped_pairs: int


def _kept_keys(sizes: np.ndarray, max_block_pairs: int, budget: int) -> np.ndarray:
    # A block above max_block_pairs ('smith', '00000', a default date) is pathological; then
    # the smallest (most selective) blocks are kept until the rule's budget is spent.
    keep = (sizes > 0) & (sizes <= max_block_pairs)
    order = np.argsort(np.where(keep, sizes, np.iinfo(np.int64).max), kind="stable")
    cumulative = np.cumsum(np.where(keep, sizes, 0)[order])
    over = order[cumulative > budget]
    keep[over] = False
    return keep


def rule_pairs(records: Records, blocking_rule: BlockingRule, max_block_pairs: int,
               budget: int) -> tuple[np.ndarray, np.ndarray, BlockStats]:
    """Candidate pairs (i, j) of one rule; for dedupe only i < j, never a self-pair."""
    keys = rule_keys(records, blocking_rule)
    n_keys = int(keys.max()) + 1 if len(keys) else 0
    left_keys = keys[:records.n_left]
    right_keys = left_keys if records.dedupe else keys[records.n_left:]
    left_count = np.bincount(left_keys[left_keys >= 0], minlength=n_keys).astype(np.int64)
    if records.dedupe:
        sizes = left_count * (left_count - 1) // 2
    else:
        sizes = left_count * np.bincount(right_keys[right_keys >= 0], minlength=n_keys)
    keep = _kept_keys(sizes, max_block_pairs, budget)
    dropped = (sizes > 0) & ~keep
    keep = np.append(keep, False)  # key -1 (null) indexes this last entry
    left_rows = np.flatnonzero(keep[left_keys])
    right_rows = np.flatnonzero(keep[right_keys])
    offset = 0 if records.dedupe else records.n_left
    joined = pd.merge(pd.DataFrame({"k": left_keys[left_rows], "i": left_rows}),
                      pd.DataFrame({"k": right_keys[right_rows], "j": right_rows + offset}),
                      on="k", sort=False)
    i = joined["i"].to_numpy(np.int64)
    j = joined["j"].to_numpy(np.int64)
    if records.dedupe:
        keep_pair = i < j
        i, j = i[keep_pair], j[keep_pair]
    stats = BlockStats(blocking_rule.name, len(i), int(dropped.sum()), int(sizes[dropped].sum()))
    return i, j, stats


@dataclass
class Candidates:
    """Deduplicated candidate pairs and, per pair, the bitmask of rules that produced it."""

    i: np.ndarray
    j: np.ndarray
    found_by: np.ndarray  # uint64 bitmask over rules
    rules: list[BlockingRule]
    stats: list[BlockStats]


def candidate_pairs(records: Records, rules: Sequence[BlockingRule],
                    max_block_pairs: int = 250_000, pairs_per_record: int = 50,
                    on_rule=None) -> Candidates:
    """Union of the rules' pairs, deduplicated, with the rule bitmask of each pair."""
    if len(rules) > 64:
        raise ValueError("at most 64 blocking rules")
    budget = max(pairs_per_record * len(records.ids), 10_000)
    n = len(records.ids)
    codes, bits, stats = [], [], []
    for number, blocking_rule in enumerate(rules):
        i, j, stat = rule_pairs(records, blocking_rule, max_block_pairs, budget)
        codes.append(i * n + j)
        bits.append(np.full(len(i), number, dtype=np.uint64))
        stats.append(stat)
        if on_rule is not None:
            on_rule(stat)
    all_codes = np.concatenate(codes) if codes else np.empty(0, np.int64)
    all_bits = np.concatenate(bits) if bits else np.empty(0, np.uint64)
    unique, inverse = np.unique(all_codes, return_inverse=True)
    found_by = np.zeros(len(unique), dtype=np.uint64)
    np.bitwise_or.at(found_by, inverse.reshape(-1), np.left_shift(np.uint64(1), all_bits))
    return Candidates(unique // n, unique % n, found_by, list(rules), stats)
