"""Record linkage of person records: blocking, comparison levels, Fellegi-Sunter with EM.

Fellegi & Sunter (1969) scoring with m/u per comparison level, u from random pairs and m and
the prior from EM on blocked pairs (Winkler's EM, estimated as the Splink documentation
describes).  The parts are reusable on their own: `prepare_records` -> `candidate_pairs` ->
`comparison_vectors` -> `estimate_u` / `estimate` -> `score`; `link_frames` and `dedupe_frame`
run them end to end.
"""

from bailiff.identity.linkage.blocking import BlockingRule, Candidates, candidate_pairs, default_rules, rule
from bailiff.identity.linkage.comparisons import Comparison, comparison_for, comparison_vectors
from bailiff.identity.linkage.model import Model, PairSample, estimate, estimate_u, match_weights, score
from bailiff.identity.linkage.normalize import KINDS, Records, normalize_token, prepare_records
from bailiff.identity.linkage.pipeline import Result, Settings, dedupe_frame, link_frames

__all__ = [
    "KINDS", "BlockingRule", "Candidates", "Comparison", "Model", "PairSample", "Records", "Result",
    "Settings", "candidate_pairs", "comparison_for", "comparison_vectors", "dedupe_frame",
    "default_rules", "estimate", "estimate_u", "link_frames", "match_weights", "normalize_token",
    "prepare_records", "rule", "score",
]
