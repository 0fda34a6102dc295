"""Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1, with SHA-256.

Pure and storage independent: callers supply stored node hashes through a
``NodeReader``. Only hashes of *perfect* subtrees are stored, addressed by
``(level, index)`` and covering leaves ``[index * 2**level, (index + 1) * 2**level)``.
Every hash the RFC defines (tree heads, audit paths, consistency proofs) is a
recombination of such nodes along the RFC's own split (RFC 9162 §2.1.1), so
nothing else ever needs to be stored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MemoryNodeStore",
    "NodeKey",
    "NodeReader",
    "appended_nodes",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_hash",
    "root_hash",
    "root_keys",
    "subtree_keys",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
# RFC 9162 §2.1.1: the hash of an empty list is the hash of an empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeKey = tuple[int, int]  # (level, index) of a perfect subtree


def leaf_hash(data: bytes) -> bytes:
    """Return MTH({d}) = SHA-256(0x00 || data) (RFC 9162 §2.1.1)."""
    # The 0x00/0x01 prefixes provide second-preimage resistance (RFC 9162 §2.1.1).
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return SHA-256(0x01 || left || right) (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


class NodeReader(Protocol):
    """Read access to stored perfect-subtree hashes."""

    def get_nodes(self, keys: Collection[NodeKey]) -> Mapping[NodeKey, bytes]:
        """Return the hashes of all requested keys in one round trip."""
        ...


def _split(n: int) -> int:
    """Return k, the largest power of two smaller than n (RFC 9162 §2.1.1), n > 1."""
    return 1 << ((n - 1).bit_length() - 1)


def _fetch(reader: NodeReader, keys: Collection[NodeKey]) -> Mapping[NodeKey, bytes]:
    """Fetch keys with a single reader call; a missing key is a storage bug."""
    if not keys:
        return {}
    found = reader.get_nodes(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        raise KeyError(
            f"Merkle node store is missing {len(missing)} node(s) that must exist "
            f"for this tree size (level, index): {sorted(missing)[:10]}"
        )
    return found


def appended_nodes(
    start_index: int, leaf_hashes: Sequence[bytes], reader: NodeReader
) -> list[tuple[NodeKey, bytes]]:
    """Return every perfect node completed by appending leaf_hashes at start_index."""
    if start_index < 0:
        raise ValueError(f"start_index must be >= 0, got {start_index}")
    if not leaf_hashes:
        return []
    end = start_index + len(leaf_hashes)
    # The only existing nodes ever merged are the "frontier" of the old tree:
    # one perfect node per set bit of start_index, always a left child. It is
    # needed exactly when its parent (twice its size) fits in the new tree.
    needed: list[NodeKey] = []
    for level in range(start_index.bit_length()):
        if start_index >> level & 1:
            index = (start_index >> level) - 1
            if (index // 2 + 1) << (level + 1) <= end:
                needed.append((level, index))
    local: dict[NodeKey, bytes] = dict(_fetch(reader, needed))

    # Level by level: the new nodes of a level are one run of indices [lo, lo + len(values)); an odd
    # `lo` pairs its first node with the frontier node to its left. Each parent is the RFC 9162 §2.1.1
    # hash of its two halves (`node_hash`, inlined: half the time of a dictionary walk per node).
    out: list[tuple[NodeKey, bytes]] = [((0, start_index + i), h) for i, h in enumerate(leaf_hashes)]
    level, lo, values = 0, start_index, list(leaf_hashes)
    sha256 = hashlib.sha256
    while True:
        if lo & 1:
            values = [local[(level, lo - 1)], *values]
            lo -= 1
        pairs = len(values) // 2
        if not pairs:
            return out
        values = [sha256(b"\x01" + values[i] + values[i + 1]).digest() for i in range(0, 2 * pairs, 2)]
        level += 1
        lo //= 2
        out.extend(((level, lo + i), digest) for i, digest in enumerate(values))


def subtree_keys(start: int, end: int) -> list[NodeKey]:
    """Return the stored perfect nodes that make up leaf range [start, end)."""
    if start < 0 or end <= start:
        raise ValueError(f"invalid leaf range [{start}, {end})")
    keys: list[NodeKey] = []
    _collect(start, end, keys)
    return keys


def _collect(start: int, end: int, keys: list[NodeKey]) -> None:
    n = end - start
    # A power-of-two range aligned to its size is exactly one stored node.
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        keys.append((level, start >> level))
        return
    # Otherwise follow the RFC 9162 §2.1.1 split so range_hash recombines
    # exactly as MTH does; the ranges arising in §2.1.3/§2.1.4 stay aligned,
    # giving O(log n) nodes.
    k = _split(n)
    _collect(start, start + k, keys)
    _collect(start + k, end, keys)


def range_hash(start: int, end: int, nodes: Mapping[NodeKey, bytes]) -> bytes:
    """Return MTH(D[start:end]) from the nodes listed by subtree_keys(start, end)."""
    if start < 0 or end <= start:
        raise ValueError(f"invalid leaf range [{start}, {end})")
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        key = (level, start >> level)
        try:
            return nodes[key]
        except KeyError:
            raise KeyError(f"Merkle node {key} needed for leaves [{start}, {end}) is missing") from None
    k = _split(n)
    return node_hash(range_hash(start, start + k, nodes), range_hash(start + k, end, nodes))


def root_keys(tree_size: int) -> list[NodeKey]:
    """Return the stored nodes needed for the tree head of tree_size."""
    if tree_size < 0:
        raise ValueError(f"tree_size must be >= 0, got {tree_size}")
    return subtree_keys(0, tree_size) if tree_size else []


def root_hash(tree_size: int, reader: NodeReader) -> bytes:
    """Return MTH(D[tree_size]) (RFC 9162 §2.1.1); EMPTY_ROOT for size 0."""
    if tree_size == 0:
        root_keys(tree_size)  # validates the argument
        return EMPTY_ROOT
    return range_hash(0, tree_size, _fetch(reader, root_keys(tree_size)))


def _perfect(start: int, end: int) -> NodeKey | None:
    """The stored node that is exactly leaf range [start, end), if there is one."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:
        level = n.bit_length() - 1
        return (level, start >> level)
    return None


def _hash_ranges(ranges: list[tuple[int, int]], reader: NodeReader) -> list[bytes]:
    """Resolve MTH of each range with a single reader call."""
    keys: dict[NodeKey, None] = {}
    # Most ranges of a proof are one stored node each: looked up directly, not recombined.
    perfect = [_perfect(start, end) if end > start >= 0 else None for start, end in ranges]
    for key, (start, end) in zip(perfect, ranges):
        if key is not None:
            keys[key] = None
        else:
            keys.update(dict.fromkeys(subtree_keys(start, end)))
    nodes = _fetch(reader, list(keys))
    return [nodes[key] if key is not None else range_hash(start, end, nodes)
            for key, (start, end) in zip(perfect, ranges)]


def inclusion_proof(leaf_index: int, tree_size: int, reader: NodeReader) -> list[bytes]:
    """Return the audit path PATH(m, D[n]) of RFC 9162 §2.1.3.1, leaf upward."""
    if not 0 <= leaf_index < tree_size:
        raise ValueError(f"need 0 <= leaf_index < tree_size, got {leaf_index}, {tree_size}")
    # Walk the RFC recursion top-down, recording the sibling range at each
    # step; the RFC appends siblings after the deeper path, so reverse.
    ranges: list[tuple[int, int]] = []
    offset, size, m = 0, tree_size, leaf_index
    while size > 1:
        k = _split(size)
        if m < k:
            ranges.append((offset + k, offset + size))
            size = k
        else:
            ranges.append((offset, offset + k))
            offset, size, m = offset + k, size - k, m - k
    ranges.reverse()
    return _hash_ranges(ranges, reader)


def consistency_proof(first: int, second: int, reader: NodeReader) -> list[bytes]:
    """Return PROOF(m, D[n]) of RFC 9162 §2.1.4.1 for sizes first <= second."""
    # RFC 9162 §2.1.4.1 defines proofs only for 0 < m <= n.
    if not 0 < first <= second:
        raise ValueError(f"need 0 < first <= second, got {first}, {second}")
    # Iterative SUBPROOF(m, D[n], b): record each sibling top-down, then
    # reverse, because the RFC appends them after the deeper subproof.
    ranges: list[tuple[int, int]] = []
    offset, size, m, b = 0, second, first, True
    while m != size:
        k = _split(size)
        if m <= k:
            ranges.append((offset + k, offset + size))
            size = k
        else:
            ranges.append((offset, offset + k))
            offset, size, m, b = offset + k, size - k, m - k, False
    # SUBPROOF(m, D[m], false) = {MTH(D[m])}: the verifier cannot know this
    # subtree's hash, unlike when b is true and it is the old root itself.
    if not b:
        ranges.append((offset, offset + size))
    ranges.reverse()
    return _hash_ranges(ranges, reader)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def verify_inclusion(
    leaf_hash: bytes, leaf_index: int, tree_size: int, audit_path: Sequence[bytes], root: bytes
) -> bool:
    """Check an audit path with the algorithm of RFC 9162 §2.1.3.2."""
    try:
        if not (_is_int(leaf_index) and _is_int(tree_size) and 0 <= leaf_index < tree_size):
            return False  # step 1
        if not (_is_hash(leaf_hash) and _is_hash(root)) or not all(map(_is_hash, audit_path)):
            return False
        fn, sn, r = leaf_index, tree_size - 1, leaf_hash  # steps 2-3
        for p in audit_path:  # step 4
            if sn == 0:
                return False  # path longer than the tree is tall
            if fn & 1 or fn == sn:
                r = node_hash(p, r)
                if not fn & 1:
                    # fn is the last node at this level with no right sibling:
                    # skip levels where it is promoted unchanged.
                    while not fn & 1 and fn != 0:
                        fn >>= 1
                        sn >>= 1
            else:
                r = node_hash(r, p)
            fn >>= 1
            sn >>= 1
        # Step 5: sn == 0 means the path reached the root, not stopped short.
        return sn == 0 and hmac.compare_digest(r, root)
    except (TypeError, ValueError):
        return False


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check a consistency proof with the algorithm of RFC 9162 §2.1.4.2."""
    try:
        if not (_is_int(first) and _is_int(second) and 0 < first <= second):
            return False
        if not (_is_hash(first_root) and _is_hash(second_root)) or not all(map(_is_hash, proof)):
            return False
        path = list(proof)
        if first == second:
            # PROOF(n, D[n]) is empty (§2.1.4.1); the heads must simply match.
            return not path and hmac.compare_digest(first_root, second_root)
        if not path:
            return False  # step 1
        if first & (first - 1) == 0:
            # Step 2: the old tree is a perfect subtree, so SUBPROOF omitted
            # its hash (b = true); the verifier supplies it.
            path.insert(0, first_root)
        fn, sn = first - 1, second - 1  # step 3
        while fn & 1:  # step 4: skip levels where the old tree is a right child
            fn >>= 1
            sn >>= 1
        fr = sr = path[0]  # step 5
        for c in path[1:]:  # step 6
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                fr = node_hash(c, fr)
                sr = node_hash(c, sr)
                if not fn & 1:
                    while not fn & 1 and fn != 0:
                        fn >>= 1
                        sn >>= 1
            else:
                sr = node_hash(sr, c)
            fn >>= 1
            sn >>= 1
        # Step 7.
        return (
            sn == 0
            and hmac.compare_digest(fr, first_root)
            and hmac.compare_digest(sr, second_root)
        )
    except (TypeError, ValueError):
        return False


class MemoryNodeStore:
    """Dict-backed NodeReader holding one append-only tree, for tests and benchmarks."""

    def __init__(self) -> None:
        self.nodes: dict[NodeKey, bytes] = {}
        self.size = 0

    def get_nodes(self, keys: Collection[NodeKey]) -> Mapping[NodeKey, bytes]:
        """Return the stored hashes for keys; absent keys are simply omitted."""
        return {key: self.nodes[key] for key in keys if key in self.nodes}

    def append(self, leaf_data_list: Sequence[bytes]) -> list[tuple[NodeKey, bytes]]:
        """Append leaves (raw data) and return the nodes this completed."""
        new = appended_nodes(self.size, [leaf_hash(d) for d in leaf_data_list], self)
        self.nodes.update(new)
        self.size += len(leaf_data_list)
        return new

    def root(self) -> bytes:
        """Return the current tree head."""
        return root_hash(self.size, self)
