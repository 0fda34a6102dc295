"""Tests for bailiff.core.merkle against a naive RFC 9162 §2.1 reference."""

from __future__ import annotations

import hashlib
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bailiff.core import merkle
from bailiff.core.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MemoryNodeStore,
    appended_nodes,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    range_hash,
    root_hash,
    root_keys,
    subtree_keys,
    verify_consistency,
    verify_inclusion,
)

# --------------------------------------------------------------------------
# Naive reference, transcribed from the RFC 9162 §2.1 definitions over a list.
# --------------------------------------------------------------------------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return _sha(b"")
    if n == 1:
        return _sha(b"\x00" + d[0])
    k = _k(n)
    return _sha(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return ref_path(m, d[:k]) + [ref_mth(d[k:])]
    return ref_path(m - k, d[k:]) + [ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = _k(n)
    if m <= k:
        return ref_subproof(m, d[:k], b) + [ref_mth(d[k:])]
    return ref_subproof(m - k, d[k:], False) + [ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


def leaf_data(i: int) -> bytes:
    return b"leaf-%d" % i


class CountingReader:
    """Wraps a store, recording every get_nodes call."""

    def __init__(self, inner: MemoryNodeStore) -> None:
        self.inner = inner
        self.calls: list[list[tuple[int, int]]] = []

    def get_nodes(self, keys):
        self.calls.append(list(keys))
        return self.inner.get_nodes(keys)


SMALL_N = 70
SMALL_LEAVES = [leaf_data(i) for i in range(SMALL_N)]
SMALL_STORE = MemoryNodeStore()
SMALL_STORE.append(SMALL_LEAVES)

BIG_N = 3000
BIG_STORE = MemoryNodeStore()
BIG_STORE.append([leaf_data(i) for i in range(BIG_N)])


# --------------------------------------------------------------------------
# Hashing primitives and known answers.
# --------------------------------------------------------------------------


def test_constants_and_primitives():
    assert HASH_SIZE == 32
    assert EMPTY_ROOT == _sha(b"")
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"abc") == _sha(b"\x00abc")
    a, b = _sha(b"a"), _sha(b"b")
    assert node_hash(a, b) == _sha(b"\x01" + a + b)
    assert node_hash(a, b) != node_hash(b, a)


def test_empty_tree_root():
    reader = CountingReader(MemoryNodeStore())
    assert root_hash(0, reader) == EMPTY_ROOT == ref_mth([])
    assert reader.calls == []
    assert root_keys(0) == []


CT_LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Published Certificate Transparency (merkle_tree_test.cc) inclusion paths.
CT_PATHS = [
    (0, 1, []),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
# Published consistency proofs from the same corpus.
CT_CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]


@pytest.fixture(scope="module")
def ct_store() -> MemoryNodeStore:
    store = MemoryNodeStore()
    for d in CT_LEAVES:  # one by one, so every intermediate tree existed
        store.append([d])
    return store


def test_ct_known_answer_roots(ct_store):
    assert root_hash(8, ct_store).hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    for n in range(1, 9):
        assert root_hash(n, ct_store).hex() == CT_ROOTS[n - 1], n
        assert ref_mth(CT_LEAVES[:n]).hex() == CT_ROOTS[n - 1], n


@pytest.mark.parametrize("index,size,path", CT_PATHS)
def test_ct_known_answer_inclusion(ct_store, index, size, path):
    proof = inclusion_proof(index, size, ct_store)
    assert [p.hex() for p in proof] == path
    assert verify_inclusion(leaf_hash(CT_LEAVES[index]), index, size, proof, bytes.fromhex(CT_ROOTS[size - 1]))


@pytest.mark.parametrize("first,second,path", CT_CONSISTENCY)
def test_ct_known_answer_consistency(ct_store, first, second, path):
    proof = consistency_proof(first, second, ct_store)
    assert [p.hex() for p in proof] == path
    assert verify_consistency(
        first, second, bytes.fromhex(CT_ROOTS[first - 1]), bytes.fromhex(CT_ROOTS[second - 1]), proof
    )


# --------------------------------------------------------------------------
# Exhaustive agreement with the reference for small trees.
# --------------------------------------------------------------------------


def test_roots_match_reference_for_every_size():
    for n in range(1, SMALL_N + 1):
        expected = ref_mth(SMALL_LEAVES[:n])
        assert root_hash(n, SMALL_STORE) == expected, n
        assert range_hash(0, n, SMALL_STORE.nodes) == expected, n


def test_inclusion_proofs_match_reference_and_verify():
    for n in range(1, SMALL_N + 1):
        root = ref_mth(SMALL_LEAVES[:n])
        for m in range(n):
            proof = inclusion_proof(m, n, SMALL_STORE)
            assert proof == ref_path(m, SMALL_LEAVES[:n]), (m, n)
            assert verify_inclusion(leaf_hash(SMALL_LEAVES[m]), m, n, proof, root), (m, n)


def test_consistency_proofs_match_reference_and_verify():
    for n in range(1, SMALL_N + 1):
        second_root = ref_mth(SMALL_LEAVES[:n])
        for m in range(1, n + 1):
            proof = consistency_proof(m, n, SMALL_STORE)
            assert proof == ref_proof(m, SMALL_LEAVES[:n]), (m, n)
            first_root = ref_mth(SMALL_LEAVES[:m])
            assert verify_consistency(m, n, first_root, second_root, proof), (m, n)


def test_subtree_keys_are_perfect_nodes_covering_the_range_in_order():
    for n in range(1, SMALL_N + 1):
        keys = subtree_keys(0, n)
        assert keys == root_keys(n)
        assert len(keys) == bin(n).count("1")  # the RFC split yields one node per set bit
        covered = []
        for level, index in keys:
            covered.extend(range(index << level, (index + 1) << level))
        assert covered == list(range(n))


def test_argument_validation():
    with pytest.raises(ValueError):
        inclusion_proof(5, 5, SMALL_STORE)
    with pytest.raises(ValueError):
        inclusion_proof(-1, 5, SMALL_STORE)
    with pytest.raises(ValueError):
        inclusion_proof(0, 0, SMALL_STORE)
    for first, second in [(0, 5), (0, 0), (6, 5), (-1, 3)]:
        with pytest.raises(ValueError):
            consistency_proof(first, second, SMALL_STORE)
    with pytest.raises(ValueError):
        range_hash(3, 3, SMALL_STORE.nodes)
    with pytest.raises(ValueError):
        root_keys(-1)


def test_missing_node_raises_key_error():
    store = MemoryNodeStore()
    store.append(SMALL_LEAVES[:10])
    with pytest.raises(KeyError, match="missing"):
        root_hash(11, store)
    with pytest.raises(KeyError, match="missing"):
        inclusion_proof(0, 16, store)
    del store.nodes[(3, 0)]
    with pytest.raises(KeyError, match="missing"):
        appended_nodes(10, [leaf_hash(b"x")] * 6, store)


# --------------------------------------------------------------------------
# Appending.
# --------------------------------------------------------------------------


def _all_perfect_nodes(size: int) -> set[tuple[int, int]]:
    return {(lvl, i) for lvl in range(size.bit_length()) for i in range(size >> lvl)}


def test_appended_nodes_returns_exactly_the_newly_completed_nodes():
    hashes = [leaf_hash(d) for d in SMALL_LEAVES]
    for start in range(0, 40):
        for count in (0, 1, 2, 3, 7, 30):
            reader = CountingReader(SMALL_STORE)
            new = appended_nodes(start, hashes[start:start + count], reader)
            keys = [k for k, _ in new]
            assert set(keys) == _all_perfect_nodes(start + count) - _all_perfect_nodes(start)
            assert len(keys) == len(set(keys))
            for key, value in new:
                assert value == SMALL_STORE.nodes[key]
            # Insertion order: children always precede their parent.
            pos = {k: i for i, k in enumerate(keys)}
            for (lvl, i) in keys:
                if lvl:
                    for child in ((lvl - 1, 2 * i), (lvl - 1, 2 * i + 1)):
                        assert child not in pos or pos[child] < pos[(lvl, i)]
            assert len(reader.calls) <= 1
            fetched = {k for call in reader.calls for k in call}
            assert fetched <= _all_perfect_nodes(start)  # only pre-existing nodes are read
            # ... and only those actually merged into a newly completed parent.
            assert all((lvl + 1, i // 2) in pos for lvl, i in fetched)


@pytest.mark.parametrize("seed", range(8))
def test_random_batch_chunkings_match_one_by_one(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 300)
    data = [leaf_data(i) for i in range(n)]
    single = MemoryNodeStore()
    for d in data:
        single.append([d])
    batched = MemoryNodeStore()
    pos = 0
    while pos < n:
        step = rng.randint(0, 40)
        batched.append(data[pos:pos + step])
        pos += step if step else 0
    assert batched.size == single.size == n
    assert batched.nodes == single.nodes
    assert batched.nodes.keys() == _all_perfect_nodes(n)
    assert batched.root() == ref_mth(data)


def test_read_calls_are_single_and_logarithmic():
    # A proof that needs no nodes (size 1, or first == second) costs no round trip.
    for reader_fn in (lambda r: inclusion_proof(0, 1, r), lambda r: consistency_proof(9, 9, r)):
        reader = CountingReader(BIG_STORE)
        assert reader_fn(reader) == [] and reader.calls == []
    for n in (2, 3, 5, 64, 1000, 1023, 1024, 1025, 2999, 3000):
        bound = 2 * math.log2(n) + 2
        reader = CountingReader(BIG_STORE)
        inclusion_proof(n // 3, n, reader)
        assert len(reader.calls) == 1 and len(reader.calls[0]) <= bound
        for first in (1, n // 2, n - 1):
            reader = CountingReader(BIG_STORE)
            consistency_proof(first, n, reader)
            assert len(reader.calls) == 1 and len(reader.calls[0]) <= bound
        reader = CountingReader(BIG_STORE)
        root_hash(n, reader)
        assert len(reader.calls) == 1 and len(reader.calls[0]) <= bound
    for start in (1, 7, 255, 1000, 1023, 2047, 2998):
        for count in (1, 2, 100):
            reader = CountingReader(BIG_STORE)
            appended_nodes(start, [leaf_hash(b"x")] * count, reader)
            assert len(reader.calls) <= 1
            if reader.calls:
                assert len(reader.calls[0]) <= 2 * math.log2(start + count) + 2
    reader = CountingReader(BIG_STORE)
    assert appended_nodes(5, [], reader) == [] and reader.calls == []


# --------------------------------------------------------------------------
# Verifiers: acceptance and rejection, with random sizes up to a few thousand.
# --------------------------------------------------------------------------


def _flip(b: bytes, i: int = 0) -> bytes:
    return b[:i] + bytes([b[i] ^ 1]) + b[i + 1:]


@st.composite
def index_and_size(draw):
    n = draw(st.integers(1, BIG_N))
    return draw(st.integers(0, n - 1)), n


@settings(max_examples=150, deadline=None)
@given(index_and_size(), st.integers(0, 10**6))
def test_verify_inclusion_accepts_genuine_rejects_tampered(ms, salt):
    m, n = ms
    root = root_hash(n, BIG_STORE)
    lh = leaf_hash(leaf_data(m))
    proof = inclusion_proof(m, n, BIG_STORE)
    assert verify_inclusion(lh, m, n, proof, root)

    assert not verify_inclusion(_flip(lh, salt % 32), m, n, proof, root)
    assert not verify_inclusion(lh, m, n, proof, _flip(root, salt % 32))
    for j in range(len(proof)):
        bad = list(proof)
        bad[j] = _flip(bad[j], salt % 32)
        assert not verify_inclusion(lh, m, n, bad, root)
    if proof:
        assert not verify_inclusion(lh, m, n, proof[:-1], root)
        assert not verify_inclusion(lh, m, n, proof[1:], root)
    assert not verify_inclusion(lh, m, n, proof + [root], root)
    assert not verify_inclusion(lh, m, n, proof + [proof[-1] if proof else lh], root)
    for other in {m - 1, m + 1, m ^ 1} - {m}:
        assert not verify_inclusion(lh, other, n, proof, root)
    assert not verify_inclusion(lh, m, m, proof, root)  # index == size
    # A proof for size n must not pass as a proof for another size against
    # that size's genuine root. (The size itself is bound by the signed tree
    # head, not by the path: the same path can fit two sizes of equal shape.)
    for other_n in {n + 1, n - 1, 2 * n} - {n}:
        if m < other_n <= BIG_N:
            assert not verify_inclusion(lh, m, other_n, proof, root_hash(other_n, BIG_STORE))
    if n > 1 and proof:
        assert not verify_inclusion(lh, m, n, list(reversed(proof)), root) or proof == list(reversed(proof))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, BIG_N), st.integers(1, BIG_N), st.integers(0, 10**6))
def test_verify_consistency_accepts_genuine_rejects_tampered(a, b, salt):
    first, second = min(a, b), max(a, b)
    r1, r2 = root_hash(first, BIG_STORE), root_hash(second, BIG_STORE)
    proof = consistency_proof(first, second, BIG_STORE)
    assert verify_consistency(first, second, r1, r2, proof)

    assert not verify_consistency(first, second, _flip(r1, salt % 32), r2, proof)
    assert not verify_consistency(first, second, r1, _flip(r2, salt % 32), proof)
    if first == second:
        assert proof == []
        assert not verify_consistency(first, second, r1, r2, [r1])
        return
    assert not verify_consistency(first, second, r2, r1, proof)  # swapped roots
    for j in range(len(proof)):
        bad = list(proof)
        bad[j] = _flip(bad[j], salt % 32)
        assert not verify_consistency(first, second, r1, r2, bad)
    assert not verify_consistency(first, second, r1, r2, proof[:-1])
    assert not verify_consistency(first, second, r1, r2, proof[1:])
    assert not verify_consistency(first, second, r1, r2, proof + [r1])
    assert not verify_consistency(first, second, r1, r2, [])
    # Wrong sizes, each checked against the genuine roots of the claimed sizes.
    if second + 1 <= BIG_N:
        assert not verify_consistency(first, second + 1, r1, root_hash(second + 1, BIG_STORE), proof)
    if first > 1:
        assert not verify_consistency(first - 1, second, root_hash(first - 1, BIG_STORE), r2, proof)
    if first + 1 < second:
        assert not verify_consistency(first + 1, second, root_hash(first + 1, BIG_STORE), r2, proof)


def test_verifiers_return_false_on_malformed_input():
    n, m = 13, 6
    root = root_hash(n, SMALL_STORE)
    lh = leaf_hash(SMALL_LEAVES[m])
    proof = inclusion_proof(m, n, SMALL_STORE)
    assert verify_inclusion(lh, m, n, proof, root)
    bad_inputs = [
        (lh[:31], m, n, proof, root),
        (lh, m, n, proof, root[:31]),
        (lh, m, n, proof[:-1] + [proof[-1] + b"\x00"], root),
        (lh, -1, n, proof, root),
        (lh, m, 0, proof, root),
        (lh, m, -3, proof, root),
        (lh, "6", n, proof, root),
        (lh, m, n, None, root),
        (lh, m, n, [None] * len(proof), root),
        ("not bytes", m, n, proof, root),
        (lh, m, n, b"".join(proof), root),
    ]
    for args in bad_inputs:
        assert verify_inclusion(*args) is False, args

    r1, r2 = root_hash(5, SMALL_STORE), root_hash(n, SMALL_STORE)
    cproof = consistency_proof(5, n, SMALL_STORE)
    assert verify_consistency(5, n, r1, r2, cproof)
    for args in [
        (0, n, EMPTY_ROOT, r2, cproof),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, []),
        (n, 5, r2, r1, cproof),
        (5, n, r1[:5], r2, cproof),
        (5, n, r1, r2, [c[:16] for c in cproof]),
        (5, n, r1, r2, None),
        (5.0, n, r1, r2, cproof),
        (5, n, r1, r2, cproof + [b"x" * 33]),
    ]:
        assert verify_consistency(*args) is False, args
    assert verify_consistency(7, 7, r1, r1, [])
    assert not verify_consistency(7, 7, r1, r2, [])


def test_power_of_two_first_prepends_first_root():
    # RFC 9162 §2.1.4.1 omits the old root when it is a perfect subtree
    # (b = true), and §2.1.4.2 step 2 re-inserts it.
    for first in (1, 2, 4, 8, 16, 32, 64):
        for second in range(first + 1, SMALL_N + 1):
            proof = consistency_proof(first, second, SMALL_STORE)
            r1 = root_hash(first, SMALL_STORE)
            assert r1 not in proof
            assert verify_consistency(first, second, r1, root_hash(second, SMALL_STORE), proof)


def test_module_is_standard_library_only():
    import ast
    import sys

    tree = ast.parse(open(merkle.__file__, encoding="utf-8").read())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert modules <= set(sys.stdlib_module_names) | {"__future__"}
