"""End-to-end linkage of data frames: prepare, block, compare, estimate, score.

The same path serves batch file linkage (link two files, dedupe one) and, through the parts
it is built from, registry deduplication and online scoring in the identity context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from bailiff.identity.linkage.blocking import (
    BlockingRule,
    BlockStats,
    Candidates,
    candidate_pairs,
    default_rules,
)
from bailiff.identity.linkage.comparisons import (
    Comparison,
    comparison_for,
    comparison_vectors,
    swap_partners,
)
from bailiff.identity.linkage.model import Model, PairSample, estimate, estimate_u, score
from bailiff.identity.linkage.normalize import (
    NAME_KINDS,
    FieldData,
    Normalizer,
    Records,
    normalize_token,
    prepare_records,
)

OUTPUT_COLUMNS = ("left_id", "right_id", "probability")


class Reporter(Protocol):
    """Receives progress: a stage starts (with a total of steps), advances, finishes."""

    def start(self, stage: str, total: int) -> None:
        """A stage begins."""

    def advance(self, stage: str, detail: str = "") -> None:
        """One step of a stage is done."""

    def finish(self, stage: str, detail: str = "") -> None:
        """A stage is over."""


class SilentReporter:
    """A reporter that reports nothing."""

    def start(self, stage: str, total: int) -> None:
        """Ignore."""

    def advance(self, stage: str, detail: str = "") -> None:
        """Ignore."""

    def finish(self, stage: str, detail: str = "") -> None:
        """Ignore."""


@dataclass
class Settings:
    """Tuning knobs; the defaults are what the CLI and the benchmarks use."""

    threshold: float = 0.9
    rules: Sequence[BlockingRule] | None = None  # None: chosen from the field kinds
    term_frequency: bool = False  # term-frequency adjusted exact level for names
    swapped_fields: bool = True  # a "swapped" level for name parts and same-kind columns
    u_sample_size: int = 100_000
    max_block_pairs: int = 250_000
    pairs_per_record: int = 50
    max_iterations: int = 100
    seed: int = 20240601
    name_normalizer: Normalizer = normalize_token  # hook: Russian name keys plug in here


@dataclass
class Result:
    """Pairs at or above the threshold, the fitted model and what the run did."""

    pairs: pd.DataFrame
    model: Model
    candidates: int
    iterations: int
    blocking: list[BlockStats] = field(default_factory=list)


def exact_chance(data: FieldData, dedupe: bool) -> float | None:
    """Probability that two random records with the field present agree on it exactly."""
    assert data.counts is not None
    left, right = data.counts
    if dedupe:
        n = left.sum()
        return float((left * (left - 1.0)).sum() / (n * (n - 1.0))) if n > 1 else None
    n_left, n_right = left.sum(), right.sum()
    if n_left == 0 or n_right == 0:
        return None
    return float((left.astype(float) * right).sum() / (float(n_left) * n_right))


def random_pairs(records: Records, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform random pairs of the comparison space (with replacement, never a self-pair)."""
    size = int(min(size, records.total_pairs))
    if records.dedupe:
        i = rng.integers(0, records.n_left, size)
        j = rng.integers(0, records.n_left - 1, size)
        j = j + (j >= i)
        return i, j
    i = rng.integers(0, records.n_left, size)
    j = records.n_left + rng.integers(0, records.n_right, size)
    return i, j


def term_frequency_adjustment(model: Model, records: Records, gamma: np.ndarray,
                              i: np.ndarray) -> np.ndarray | None:
    """Extra log2 weight of exact agreements on common vs rare values (Splink's TF adjustment)."""
    total = np.zeros(len(i))
    used = False
    for k, (comparison, data) in enumerate(zip(model.comparisons, records.fields, strict=True)):
        if not comparison.term_frequency:
            continue
        used = True
        assert data.counts is not None
        left, right = data.counts
        pooled = (left + right).astype(float)
        frequency = pooled / max(pooled.sum(), 1.0)
        exact = gamma[:, k] == 0
        # Bayes factor of agreeing on value v is m / f(v) instead of m / u_exact on average.
        codes = data.codes[i[exact]]
        total[exact] += np.log2(model.u[k][0]) - np.log2(np.maximum(frequency[codes], 1e-9))
    return total if used else None


def score_pairs(model: Model, records: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Match probability of record pairs (i[k], j[k]) under a fitted model."""
    gamma, veto = comparison_vectors(model.comparisons, records.fields, i, j)
    return score(model, gamma, veto, term_frequency_adjustment(model, records, gamma, i))


def _selected_on(candidates: Candidates, records: Records) -> np.ndarray:
    # Comparison k was "selected on" for a pair when every rule that found the pair uses k's
    # column: such pairs say nothing about how often k agrees among matches.
    selected = np.ones((len(candidates.i), len(records.fields)), dtype=bool)
    for k, data in enumerate(records.fields):
        others = np.uint64(0)
        for number, blocking_rule in enumerate(candidates.rules):
            if data.column not in blocking_rule.columns:
                others |= np.uint64(1) << np.uint64(number)
        selected[:, k] = (candidates.found_by & others) == 0
    return selected


def _ordered_ids(records: Records, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ids = records.ids
    if not records.dedupe:
        return ids[i], ids[j]
    # Dedupe output lists each pair once with left_id < right_id (numerically if all ids are
    # integers, else as strings).
    if all(s.isascii() and s.isdigit() for s in ids):
        rank = np.argsort(np.argsort(np.array([int(s) for s in ids], dtype=object), kind="stable"))
    else:
        rank = np.argsort(np.argsort(ids.astype(str), kind="stable"))
    swap = rank[i] > rank[j]
    return ids[np.where(swap, j, i)], ids[np.where(swap, i, j)]


@dataclass
class Fitted:
    """A model fitted on a job, with the candidate pairs and their comparison vectors."""

    model: Model
    candidates: Candidates
    gamma: np.ndarray
    veto: np.ndarray
    iterations: int


def fit(records: Records, settings: Settings, reporter: Reporter) -> Fitted:
    """Block, compare, estimate u from random pairs and m and lambda by EM."""
    fields = [(data.column, data.kind) for data in records.fields]
    names = [column for column, _ in fields]
    partners = swap_partners(fields) if settings.swapped_fields else {}
    comparisons: list[Comparison] = [
        comparison_for(kind, term_frequency=settings.term_frequency and kind in NAME_KINDS,
                       partners=partners.get(column, ()))
        for column, kind in fields
    ]
    rules = list(settings.rules) if settings.rules is not None else default_rules(fields)

    reporter.start("blocking", len(rules))
    candidates = candidate_pairs(
        records, rules, settings.max_block_pairs, settings.pairs_per_record,
        on_rule=lambda stat: reporter.advance("blocking", f"{stat.rule}: {stat.pairs:,} pairs"))
    reporter.finish("blocking", f"{len(candidates.i):,} candidate pairs")

    reporter.start("comparing", 2)
    gamma, veto = comparison_vectors(comparisons, records.fields, candidates.i, candidates.j)
    reporter.advance("comparing", f"{len(gamma):,} candidate pairs")
    rng = np.random.default_rng(settings.seed)
    ri, rj = random_pairs(records, settings.u_sample_size, rng)
    random_gamma, _ = comparison_vectors(comparisons, records.fields, ri, rj)
    reporter.advance("comparing", f"{len(random_gamma):,} random pairs")
    reporter.finish("comparing", f"{len(random_gamma):,} random pairs for u")

    # A first guess of lambda: every record of the smaller side has one match.
    smaller = records.n_left // 2 if records.dedupe else min(records.n_left, records.n_right)
    prior = min(max(smaller, 1) / max(records.total_pairs, 1), 0.5)
    model = Model.initial(names, comparisons, prior)
    chances = [exact_chance(data, records.dedupe) for data in records.fields]
    model = estimate_u(model, random_gamma, chances)
    sample = PairSample(gamma, max(records.total_pairs, 1), veto, _selected_on(candidates, records))
    reporter.start("EM", settings.max_iterations)
    iterations = 0
    if len(gamma):
        model, iterations = estimate(
            model, sample, max_iterations=settings.max_iterations,
            on_iteration=lambda it, change, lam: reporter.advance(
                "EM", f"iteration {it}: change {change:.2e}, lambda {lam:.3e}"))
    reporter.finish("EM", f"{iterations} iterations, lambda {model.prior:.3e}")
    return Fitted(model, candidates, gamma, veto, iterations)


def run(records: Records, settings: Settings | None = None,
        reporter: Reporter | None = None) -> Result:
    """Link or dedupe prepared records end to end."""
    settings = settings or Settings()
    reporter = reporter or SilentReporter()
    if not 0.0 <= settings.threshold <= 1.0:
        raise ValueError(f"threshold must be between 0 and 1, got {settings.threshold}")
    fitted = fit(records, settings, reporter)
    model, candidates = fitted.model, fitted.candidates
    reporter.start("scoring", 1)
    adjustment = term_frequency_adjustment(model, records, fitted.gamma, candidates.i)
    probability = score(model, fitted.gamma, fitted.veto, adjustment)
    keep = probability >= settings.threshold
    left_id, right_id = _ordered_ids(records, candidates.i[keep], candidates.j[keep])
    pairs = pd.DataFrame({"left_id": left_id, "right_id": right_id,
                          "probability": probability[keep]})
    pairs = pairs.sort_values(["left_id", "right_id"], kind="stable").reset_index(drop=True)
    reporter.finish("scoring", f"{len(pairs):,} pairs at probability >= {settings.threshold:g}")
    return Result(pairs, model, len(candidates.i), fitted.iterations, candidates.stats)


def link_frames(left: pd.DataFrame, right: pd.DataFrame, id_column: str,
                fields: Sequence[tuple[str, str]], settings: Settings | None = None,
                reporter: Reporter | None = None) -> Result:
    """Link the records of two frames (pairs left x right)."""
    settings = settings or Settings()
    records = prepare_records([left, right], id_column, fields, ["left", "right"],
                              settings.name_normalizer)
    return run(records, settings, reporter)


def dedupe_frame(frame: pd.DataFrame, id_column: str, fields: Sequence[tuple[str, str]],
                 settings: Settings | None = None, reporter: Reporter | None = None) -> Result:
    """Find duplicate records within one frame (pairs with left_id < right_id)."""
    settings = settings or Settings()
    records = prepare_records([frame], id_column, fields, ["input"], settings.name_normalizer)
    return run(records, settings, reporter)
