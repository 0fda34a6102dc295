"""The Fellegi-Sunter model: per-level m and u, the prior, EM estimation and scoring.

For a comparison k at level l, m = P(level | match) and u = P(level | non-match); the match
weight is log2(m/u) and a pair's posterior log2-odds is log2(lambda/(1-lambda)) plus the sum
of its weights (Fellegi & Sunter 1969, under conditional independence).  Null levels weigh 0.

Estimation follows Splink's recipe (docs: "Estimating model parameters"):
  * u from random pairs, which are almost all non-matches (`estimate_u`); the exact level of
    a field comes from its value counts (the exact chance of agreement), not a sample;
  * m and lambda by EM on the blocked candidate pairs with u held fixed (`estimate`), as in
    Winkler's EM for record linkage (Winkler 1988) but over the whole comparison space:
    pairs outside the candidate set are taken to be non-matches, so lambda is the match rate
    among *all* pairs and the model stays calibrated with the random-pair u.
  * m of comparison k is learnt only from pairs that some blocking rule not involving k
    found; otherwise blocking on a field would make its agreement look certain among matches
    (Splink trains one EM session per blocking rule for the same reason).
`fit_u=True` gives the classic two-class EM that also fits u on the pairs given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bailiff.identity.linkage.comparisons import Comparison, comparison_for

_PSEUDO = 0.5  # Jeffreys pseudo-count per level for u from random pairs
_MIN_PRIOR = 1e-12
_MAX_PRIOR = 0.999


@dataclass
class Model:
    """m and u per comparison level plus lambda, the probability that two random records match."""

    names: list[str]
    comparisons: list[Comparison]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float

    @classmethod
    def initial(cls, names: Sequence[str], comparisons: Sequence[Comparison], prior: float) -> Model:
        """Starting values: m favours agreement, u favours disagreement."""
        m, u = [], []
        for comparison in comparisons:
            n = comparison.n_levels
            decay = 0.5 ** np.arange(n, dtype=float)
            m.append(decay / decay.sum())
            u.append(decay[::-1] / decay.sum())
        return cls(list(names), list(comparisons), m, u, float(prior))

    def weights(self) -> list[np.ndarray]:
        """Match weight log2(m/u) per level, with a trailing 0 so level -1 (null) weighs 0."""
        return [np.append(np.log2(m / u), 0.0) for m, u in zip(self.m, self.u, strict=True)]

    def to_dict(self) -> dict:
        """Plain data for storage; from_dict rebuilds the model (weights are for reading)."""
        return {
            "prior": self.prior,
            "comparisons": [
                {"name": name, "kind": c.kind, "term_frequency": c.term_frequency,
                 "partners": list(c.partners), "levels": list(c.labels), "m": m.tolist(),
                 "u": u.tolist(), "weights": np.log2(m / u).round(3).tolist()}
                for name, c, m, u in zip(self.names, self.comparisons, self.m, self.u, strict=True)
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Model:
        """Rebuild a model stored with to_dict (e.g. for online scoring of new records)."""
        items = data["comparisons"]
        comparisons = [comparison_for(c["kind"], c["term_frequency"], c["partners"]) for c in items]
        for comparison, item in zip(comparisons, items, strict=True):
            if list(comparison.labels) != item["levels"]:
                raise ValueError(f"stored levels of {item['name']!r} differ from the current comparison")
        return cls([c["name"] for c in items], comparisons, [np.array(c["m"]) for c in items],
                   [np.array(c["u"]) for c in items], float(data["prior"]))


@dataclass
class PairSample:
    """Comparison vectors of the pairs to estimate from."""

    gamma: np.ndarray  # (n, K) int8 levels, -1 = null
    total_pairs: int  # size of the comparison space the sample was blocked from
    veto: np.ndarray | None = None  # pairs a hard rule has already declared non-matches
    selected_on: np.ndarray | None = None  # (n, K) bool: only rules using comparison k found it


def match_weights(model: Model, gamma: np.ndarray) -> np.ndarray:
    """Total log2 Bayes factor of each comparison vector (without the prior)."""
    total = np.zeros(len(gamma), dtype=float)
    for k, weight in enumerate(model.weights()):
        total += weight[gamma[:, k]]
    return total


def _logit2(p: float) -> float:
    return float(np.log2(p) - np.log2(1.0 - p))


def score(model: Model, gamma: np.ndarray, veto: np.ndarray | None = None,
          adjustment: np.ndarray | None = None) -> np.ndarray:
    """Posterior match probability of each comparison vector (0 where a hard rule vetoes)."""
    log_odds = _logit2(model.prior) + match_weights(model, gamma)
    if adjustment is not None:
        log_odds = log_odds + adjustment
    probability = 1.0 / (1.0 + np.exp2(-np.clip(log_odds, -1000, 1000)))
    if veto is not None:
        probability[veto] = 0.0
    return probability


def estimate_u(model: Model, random_gamma: np.ndarray,
               exact_chance: Sequence[float | None] | None = None) -> Model:
    """u from comparison vectors of random pairs; exact-level u from value counts if given."""
    u = []
    for k, comparison in enumerate(model.comparisons):
        column = random_gamma[:, k]
        counts = np.bincount(column[column >= 0], minlength=comparison.n_levels).astype(float)
        chance = exact_chance[k] if exact_chance is not None else None
        if chance is None:
            u.append((counts + _PSEUDO) / (counts.sum() + _PSEUDO * len(counts)))
            continue
        # The exact chance of agreement is known from the value counts (sum over values of
        # f_left * f_right); the sample only splits the remainder among the other levels.
        chance = min(max(chance, 1e-12), 1 - 1e-9)
        rest = counts[1:] + _PSEUDO
        u.append(np.concatenate([[chance], (1 - chance) * rest / rest.sum()]))
    return Model(model.names, model.comparisons, [m.copy() for m in model.m], u, model.prior)


def _patterns(sample: PairSample) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # EM only needs each distinct (levels, selection, veto) row once with its count, which
    # shrinks hundreds of thousands of pairs to a few thousand patterns (as in fastLink).
    n, k = sample.gamma.shape
    veto = sample.veto if sample.veto is not None else np.zeros(n, dtype=bool)
    selected = sample.selected_on if sample.selected_on is not None else np.zeros((n, k), bool)
    rows = np.ascontiguousarray(np.column_stack([sample.gamma, selected.astype(np.int8),
                                                 veto.astype(np.int8)]))
    view = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, first, counts = np.unique(view, return_index=True, return_counts=True)
    unique = rows[first]
    return unique[:, :k], unique[:, k:2 * k].astype(bool), unique[:, 2 * k].astype(bool), counts.astype(float)


def _distribution(levels: np.ndarray, weights: np.ndarray, shape: np.ndarray) -> np.ndarray | None:
    # Posterior mean under a Dirichlet prior worth one pair, shaped like the starting values:
    # no level gets probability zero, and a handful of pairs cannot flatten m to uniform.
    present = levels >= 0
    counts = np.bincount(levels[present], weights=weights[present], minlength=len(shape))
    if counts.sum() <= 0:
        return None
    return (counts + shape) / (counts.sum() + 1.0)


def estimate(model: Model, sample: PairSample, fit_u: bool = False, max_iterations: int = 100,
             tolerance: float = 1e-6,
             on_iteration: Callable[[int, float, float], None] | None = None) -> tuple[Model, int]:
    """EM for m and lambda (and u when fit_u) on candidate pairs; returns (model, iterations)."""
    gamma, selected, veto, counts = _patterns(sample)
    total = float(sample.total_pairs if not fit_u else counts.sum())
    m = [x.copy() for x in model.m]
    u = [x.copy() for x in model.u]
    start = Model.initial(model.names, model.comparisons, model.prior)
    prior = min(max(model.prior, _MIN_PRIOR), _MAX_PRIOR)
    iteration = 0
    for iteration in range(1, max_iterations + 1):
        current = Model(model.names, model.comparisons, m, u, prior)
        # E-step: posterior match probability of each pattern under the current parameters.
        posterior = score(current, gamma, veto)
        matched = counts * posterior
        # M-step: lambda over the whole comparison space, then m (and u) per comparison.
        new_prior = min(max(matched.sum() / total, _MIN_PRIOR), _MAX_PRIOR)
        new_m, new_u = [], []
        for k in range(len(model.comparisons)):
            free = ~selected[:, k]
            estimate_m = _distribution(gamma[free, k], matched[free], start.m[k])
            new_m.append(estimate_m if estimate_m is not None else m[k])
            if fit_u:
                estimate_u_k = _distribution(gamma[:, k], counts - matched, start.u[k])
                new_u.append(estimate_u_k if estimate_u_k is not None else u[k])
            else:
                new_u.append(u[k])
        # Largest change of any m or u, or the relative change of lambda (which may be 1e-8).
        change = max(max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)),
                     max(float(np.abs(a - b).max()) for a, b in zip(new_u, u, strict=True)),
                     abs(new_prior - prior) / prior)
        m, u, prior = new_m, new_u, new_prior
        if on_iteration is not None:
            on_iteration(iteration, change, prior)
        if change < tolerance:
            break
    return Model(model.names, model.comparisons, m, u, prior), iteration
