"""Record linkage engine: comparison levels, EM, the identifier veto, blocking."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from bailiff.identity import identifiers
from bailiff.identity.linkage import normalize as normalize_mod
from bailiff.identity.linkage.blocking import candidate_pairs, rule
from bailiff.identity.linkage.comparisons import (
    comparison_for,
    comparison_vectors,
    damerau_levenshtein_capped,
    swap_partners,
)
from bailiff.identity.linkage.model import Model, PairSample, estimate, score
from bailiff.identity.linkage.normalize import normalize_token, prepare_field, prepare_records
from bailiff.identity.linkage.pipeline import Settings, link_frames, run, score_pairs


def _levels(kind: str, pairs: list[tuple[str | None, str | None]]) -> list[int]:
    """Levels of hand-made pairs: each pair is (left value, right value)."""
    values = pd.Series([a for a, _ in pairs] + [b for _, b in pairs], dtype=object)
    data = prepare_field("x", kind, values, n_left=len(pairs))
    i = np.arange(len(pairs))
    return comparison_for(kind).levels(data, i, i + len(pairs)).tolist()


def test_normalize_token_casefolds_strips_and_collapses() -> None:
    assert normalize_token("  ИВАНОВ   Иван\tИванович ") == "иванов иван иванович"


def test_name_levels() -> None:
    pairs = [("Martha", " martha "), ("martha", "marhta"), ("dwayne", "duane"),
             ("petrov", "ivanov"), (None, "ivanov"), ("", "x")]
    assert _levels("surname", pairs) == [0, 1, 2, 3, -1, -1]


def test_birth_date_levels() -> None:
    pairs = [
        ("1980-05-01", "01.05.1980"),  # same date, other format
        ("19800501", "19800502"),  # day differs
        ("19800501", "19800105"),  # day and month swapped
        ("19800512", "19800152"),  # transposition across month/day: two parts, DL 1
        ("19800501", "19651231"),
    ]
    assert _levels("birth_date", pairs) == [0, 1, 1, 2, 3]


def test_identifier_and_code_levels() -> None:
    assert _levels("generic_id", [("AB-123", "ab123"), ("123456", "123465"),
                                  ("123456", "124356x"), ("123456", "999999")]) == [0, 1, 2, 3]
    assert _levels("postcode", [("2600", "2600"), ("2600", "2060"), ("2600", "3999")]) == [0, 1, 2]
    assert _levels("address", [("stanley street", "Stanley  Street"), ("stanley street", "stanley steet"),
                               ("stanley street", "stanley st"), ("stanley street", "rose vale")]
                   ) == [0, 1, 1, 3]
    assert _levels("inn", [("7707083893", "7707 083 893"), ("7707083893", "7707083894")]) == [0, 1]


def test_swapped_names_have_their_own_level() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "g": ["ivan", "petrov", "ivan"],
                          "s": ["petrov", "ivan", "sidorov"]})
    fields = [("g", "given_name"), ("s", "surname")]
    records = prepare_records([frame], "id", fields)
    partners = swap_partners(fields)
    comparisons = [comparison_for(kind, partners=partners[col]) for col, kind in fields]
    assert comparisons[0].labels == ("exact", "swapped with s", "JW >= 0.92", "JW >= 0.8", "else")
    gamma, _ = comparison_vectors(comparisons, records.fields, np.array([0, 0]), np.array([1, 2]))
    assert gamma.tolist() == [[1, 1], [0, 4]]


def _synthetic(rng: np.random.Generator, n: int, prior: float, m: list[np.ndarray],
               u: list[np.ndarray]) -> np.ndarray:
    match = rng.random(n) < prior
    gamma = np.empty((n, len(m)), dtype=np.int8)
    for k in range(len(m)):
        gamma[:, k] = np.where(match, rng.choice(len(m[k]), n, p=m[k]), rng.choice(len(u[k]), n, p=u[k]))
    return gamma


M_TRUE = [np.array([0.85, 0.1, 0.05]), np.array([0.7, 0.2, 0.1]), np.array([0.9, 0.1]),
          np.array([0.6, 0.3, 0.1]), np.array([0.8, 0.15, 0.05])]
U_TRUE = [np.array([0.05, 0.1, 0.85]), np.array([0.1, 0.2, 0.7]), np.array([0.2, 0.8]),
          np.array([0.02, 0.08, 0.9]), np.array([0.1, 0.1, 0.8])]


def _model(prior: float) -> Model:
    comparisons = [comparison_for("postcode"), comparison_for("postcode"), comparison_for("inn"),
                   comparison_for("postcode"), comparison_for("postcode")]
    return Model.initial([f"c{k}" for k in range(5)], comparisons, prior)


def test_em_recovers_m_u_and_lambda_from_synthetic_data() -> None:
    rng = np.random.default_rng(7)
    gamma = _synthetic(rng, 40_000, 0.2, M_TRUE, U_TRUE)
    fitted, iterations = estimate(_model(0.5), PairSample(gamma, len(gamma)), fit_u=True,
                                  max_iterations=500)
    assert iterations > 1
    assert fitted.prior == pytest.approx(0.2, abs=0.01)
    for k in range(5):
        np.testing.assert_allclose(fitted.m[k], M_TRUE[k], atol=0.03)
        np.testing.assert_allclose(fitted.u[k], U_TRUE[k], atol=0.03)


def test_em_with_fixed_u_recovers_m_and_lambda_over_the_whole_space() -> None:
    # The whole space is 200,000 pairs; "blocking" keeps those agreeing exactly on two or more
    # comparisons, and EM sees only them, with u fixed and lambda over the whole space.
    rng = np.random.default_rng(11)
    everything = _synthetic(rng, 200_000, 0.01, M_TRUE, U_TRUE)
    gamma = everything[(everything == 0).sum(axis=1) >= 2]
    assert len(gamma) < 20_000
    start = _model(0.001)
    start.u = [u.copy() for u in U_TRUE]
    fitted, _ = estimate(start, PairSample(gamma, len(everything)), max_iterations=500)
    assert fitted.prior == pytest.approx(0.01, rel=0.1)
    for k in range(5):
        np.testing.assert_allclose(fitted.m[k], M_TRUE[k], atol=0.03)
        np.testing.assert_array_equal(fitted.u[k], U_TRUE[k])


def test_em_ignores_pairs_selected_on_a_comparison_when_learning_its_m() -> None:
    rng = np.random.default_rng(3)
    gamma = _synthetic(rng, 20_000, 0.3, M_TRUE, U_TRUE)
    selected = np.zeros_like(gamma, dtype=bool)
    # Pretend extra pairs were found only because comparison 0 agreed: they must not move m[0].
    extra = gamma[gamma[:, 0] == 0][:3000]
    gamma = np.vstack([gamma, extra])
    selected = np.vstack([selected, np.column_stack([np.ones(len(extra), bool),
                                                     np.zeros((len(extra), 4), bool)])])
    start = _model(0.3)
    start.u = [u.copy() for u in U_TRUE]
    fitted, _ = estimate(start, PairSample(gamma, len(gamma), selected_on=selected), max_iterations=500)
    np.testing.assert_allclose(fitted.m[0], M_TRUE[0], atol=0.03)


def test_two_different_valid_identifiers_never_link() -> None:
    rng = random.Random(5)
    inn_a, inn_b = identifiers.make_inn_person(rng), identifiers.make_inn_person(rng)
    typo = identifiers.corrupt_check_digit(inn_a)
    person = {"surname": "ivanov", "given": "ivan", "dob": "1980-05-01", "city": "moscow"}
    left = pd.DataFrame([{"id": "L1", **person, "inn": inn_a}, {"id": "L2", **person, "inn": inn_a}])
    right = pd.DataFrame([{"id": "R1", **person, "inn": inn_b}, {"id": "R2", **person, "inn": typo}])
    fields = [("surname", "surname"), ("given", "given_name"), ("dob", "birth_date"),
              ("city", "locality"), ("inn", "inn")]
    result = link_frames(left, right, "id", fields, Settings(threshold=0.0))
    probability = {(a, b): p for a, b, p in result.pairs.itertuples(index=False)}
    assert probability[("L1", "R1")] == 0.0  # both valid, different: a veto
    assert probability[("L1", "R2")] > 0.0  # one has a broken check digit: just disagreement


def test_veto_is_applied_by_score() -> None:
    values = pd.Series(["7707083893", "7736050003", "7707083894"], dtype=object)
    data = prepare_field("inn", "inn", values, n_left=1)
    comparison = comparison_for("inn")
    i, j = np.array([0, 0]), np.array([1, 2])
    veto = comparison.vetoed(data, i, j)
    assert veto.tolist() == [True, False]
    model = Model([comparison.kind], [comparison], [np.array([0.99, 0.01])], [np.array([0.01, 0.99])], 0.5)
    gamma = comparison.levels(data, i, j).reshape(-1, 1)
    assert score(model, gamma, veto).tolist()[0] == 0.0


def test_kind_without_validator_is_compared_as_generic(monkeypatch: pytest.MonkeyPatch) -> None:
    # iin/pinfl may not be known to the identifiers module yet: no veto, no crash.
    monkeypatch.setattr(identifiers, "IDENTIFIER_KINDS", ("inn",))
    data = prepare_field("x", "pinfl", pd.Series(["1", "2"], dtype=object), n_left=1)
    assert data.valid is None
    assert comparison_for("pinfl").vetoed(data, np.array([0]), np.array([1])) is None


def test_dedupe_blocking_yields_expected_pairs_and_no_self_pairs() -> None:
    frame = pd.DataFrame({"id": ["1", "2", "3", "4", "5"],
                          "surname": ["smith", "smith", "jones", "Smith ", None],
                          "dob": ["1980-01-01", "1990-01-01", "1990-01-01", None, "1980-01-01"]})
    records = prepare_records([frame], "id", [("surname", "surname"), ("dob", "birth_date")])
    found = candidate_pairs(records, [rule("surname"), rule("dob")])
    pairs = set(zip(found.i.tolist(), found.j.tolist(), strict=True))
    assert pairs == {(0, 1), (0, 3), (1, 3), (1, 2), (0, 4)}
    assert all(i < j for i, j in pairs)
    found_by = dict(zip(zip(found.i.tolist(), found.j.tolist(), strict=True), found.found_by.tolist(),
                        strict=True))
    assert found_by[(0, 1)] == 1 and found_by[(1, 2)] == 2 and found_by[(0, 4)] == 2  # rule bitmask


def test_link_blocking_pairs_left_with_right_only() -> None:
    left = pd.DataFrame({"id": ["a", "b"], "surname": ["smith", "jones"]})
    right = pd.DataFrame({"id": ["c", "d", "e"], "surname": ["smith", "smith", "brown"]})
    records = prepare_records([left, right], "id", [("surname", "surname")])
    found = candidate_pairs(records, [rule("surname")])
    assert sorted(zip(records.ids[found.i], records.ids[found.j], strict=True)) == [("a", "c"), ("a", "d")]


def test_unordered_rule_finds_swapped_names() -> None:
    frame = pd.DataFrame({"id": ["1", "2", "3"], "given": ["ivan", "petrov", "ivan"],
                          "surname": ["petrov", "ivan", "sidorov"]})
    records = prepare_records([frame], "id", [("given", "given_name"), ("surname", "surname")])
    found = candidate_pairs(records, [rule("given", "surname", unordered=True)])
    assert list(zip(found.i.tolist(), found.j.tolist(), strict=True)) == [(0, 1)]


def test_pathological_block_is_capped() -> None:
    frame = pd.DataFrame({"id": [str(n) for n in range(60)],
                          "postcode": ["00000"] * 50 + [f"1{n:04d}" for n in range(5)] * 2})
    records = prepare_records([frame], "id", [("postcode", "postcode")])
    found = candidate_pairs(records, [rule("postcode")], max_block_pairs=100)
    assert len(found.i) == 5  # the 1,225 pairs of '00000' are dropped, the five small blocks stay
    assert found.stats[0].dropped_blocks == 1 and found.stats[0].dropped_pairs == 1225


def test_bad_kind_and_missing_column_are_value_errors() -> None:
    frame = pd.DataFrame({"id": ["1"], "surname": ["x"]})
    with pytest.raises(ValueError, match="unknown field kind 'nickname'"):
        prepare_records([frame], "id", [("surname", "nickname")])
    with pytest.raises(ValueError, match="column 'dob' not found"):
        prepare_records([frame], "id", [("dob", "birth_date")])
    with pytest.raises(ValueError, match="duplicate id"):
        prepare_records([pd.DataFrame({"id": ["1", "1"], "surname": ["a", "b"]})], "id",
                        [("surname", "surname")])


def test_name_normalizer_hook_is_used_for_names_only() -> None:
    values = pd.Series(["Ёлкин", "елкин"], dtype=object)
    default = prepare_field("s", "surname", values, n_left=1)
    assert default.n_uniques == 2
    hooked = prepare_field("s", "surname", values, n_left=1,
                           name_normalizer=lambda text: normalize_token(text).replace("ё", "е"))
    assert hooked.n_uniques == 1
    assert normalize_mod.normalizer_for("address", lambda text: "x")("A  b") == "a b"


def test_capped_damerau_levenshtein_agrees_with_rapidfuzz() -> None:
    from rapidfuzz.distance import DamerauLevenshtein

    rng = random.Random(2)
    left = ["".join(rng.choice("abc") for _ in range(rng.randint(0, 9))) for _ in range(3000)]
    right = [s[:k] + s[k + 1:k + 2] + s[k:k + 1] + s[k + 2:] if (k := rng.randint(0, 8)) % 2 else
             "".join(rng.choice("abc") for _ in range(rng.randint(0, 9))) for s in left]
    a, b = np.array(left, dtype=object), np.array(right, dtype=object)
    for limit in (1, 2):
        expected = [min(DamerauLevenshtein.distance(x, y), limit + 1)
                    for x, y in zip(left, right, strict=True)]
        assert damerau_levenshtein_capped(a, b, limit).tolist() == expected


def test_model_round_trips_and_scores_new_pairs() -> None:
    frame = pd.DataFrame({"id": [str(n) for n in range(8)],
                          "surname": ["smith", "smith", "jones", "jones", "brown", "brown", "green", "white"],
                          "dob": ["1980-01-01", "01.01.1980", "1970-02-02", "1970-02-03", "1990-05-06",
                                  "1990-05-06", "1985-03-04", "1960-07-08"]})
    records = prepare_records([frame], "id", [("surname", "surname"), ("dob", "birth_date")])
    result = run(records, Settings(threshold=0.0))
    restored = Model.from_dict(result.model.to_dict())
    i, j = np.array([0, 2, 6]), np.array([1, 3, 7])
    again = score_pairs(restored, records, i, j)
    assert again.tolist() == score_pairs(result.model, records, i, j).tolist()
    assert again[2] < min(again[0], again[1])  # nothing agrees: the least likely pair


def test_cli_help_lists_every_kind() -> None:
    from bailiff.identity.cli import FIELD_HELP

    assert set(FIELD_HELP.split(": ", 1)[1].split(", ")) == set(normalize_mod.KINDS)
