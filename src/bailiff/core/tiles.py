"""How the log stores its Merkle nodes: in tiles, as transparency logs since Go's checksum database do.

A tile of band `b` and index `t` holds the hashes of the perfect nodes at level `b * HEIGHT` with
indices `t * WIDTH` up to `t * WIDTH + width - 1`, concatenated (the tlog-tiles layout of C2SP and
Go's sumdb, with a height of 4 instead of 8: a full tile is 512 bytes, under PostgreSQL's TOAST
threshold). Every node the RFC 9162 proofs need, at level `b * HEIGHT + j`, is the hash of 2**j
neighbouring hashes of one tile (j < HEIGHT hashing steps; `node`).

Why not a row per node: an inclusion proof at a million leaves needs about twenty nodes, each an
index lookup at a random place of a two-million-row table that no longer fits PostgreSQL's buffers
(measured: 20 µs per node read from the OS cache). The same proof needs five or six tiles, and the
tiles of a million leaves (about 40 MB) stay in the buffers. Appending writes one row per 16 new
nodes of a level instead of one per node.

A tile at the right edge of the tree is partial. Rows are never changed (the table is append-only):
a tile that grows is written again with its larger width, and a reader takes the widest row, whose
first hashes are those of every narrower one (a perfect node never changes).

Pure and storage independent, like bailiff.core.merkle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bailiff.core import merkle

HEIGHT = 4
WIDTH = 1 << HEIGHT
SIZE = merkle.HASH_SIZE

TileKey = tuple[int, int]  # (band, index)
TileRow = tuple[int, int, int, bytes]  # (band, index, width, hashes)


def span(key: merkle.NodeKey) -> tuple[TileKey, int, int]:
    """The tile holding node `key`'s hashes: (tile, offset of the first one, how many)."""
    level, index = key
    band, up = divmod(level, HEIGHT)
    first = index << up
    return (band, first >> HEIGHT), first & (WIDTH - 1), 1 << up


def node(hashes: bytes, offset: int, count: int) -> bytes | None:
    """The node made of `count` hashes of a tile from `offset` on; None if the tile is too narrow."""
    if (offset + count) * SIZE > len(hashes):
        return None
    row = [hashes[i * SIZE:(i + 1) * SIZE] for i in range(offset, offset + count)]
    while len(row) > 1:
        row = [merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
    return row[0]


def wanted(keys: Iterable[merkle.NodeKey]) -> dict[TileKey, int]:
    """The tiles that hold these nodes, each with the width it needs."""
    out: dict[TileKey, int] = {}
    for key in keys:
        tile, offset, count = span(key)
        out[tile] = max(out.get(tile, 0), offset + count)
    return out


def nodes_from(tiles: Mapping[TileKey, bytes], keys: Iterable[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
    """The nodes among `keys` that the given tiles hold (a node beyond a tile's width is left out)."""
    found: dict[merkle.NodeKey, bytes] = {}
    for key in keys:
        tile, offset, count = span(key)
        hashes = tiles.get(tile)
        if hashes is not None and (digest := node(hashes, offset, count)) is not None:
            found[key] = digest
    return found


def earlier(new: Iterable[tuple[merkle.NodeKey, bytes]]) -> list[merkle.NodeKey]:
    """The stored nodes that share a tile with newly appended ones and come before them: a grown
    tile is written whole, so these are read first."""
    starts: dict[TileKey, int] = {}
    for (level, index), _ in new:
        if level % HEIGHT == 0:
            tile = (level // HEIGHT, index >> HEIGHT)
            starts[tile] = min(starts.get(tile, WIDTH), index & (WIDTH - 1))
    return [(band * HEIGHT, (t << HEIGHT) + i) for (band, t), start in starts.items() for i in range(start)]


def rows(new: Iterable[tuple[merkle.NodeKey, bytes]], stored: Mapping[merkle.NodeKey, bytes]) -> list[TileRow]:
    """The tile rows to write after an append: every tile it touched, whole, at its new width.

    `new` are the nodes the append completed (bailiff.core.merkle.appended_nodes), `stored` holds
    at least the nodes `earlier(new)` names.
    """
    grown: dict[TileKey, dict[int, bytes]] = {}
    for (level, index), digest in new:
        if level % HEIGHT == 0:
            grown.setdefault((level // HEIGHT, index >> HEIGHT), {})[index & (WIDTH - 1)] = digest
    out: list[TileRow] = []
    for (band, t), added in sorted(grown.items()):
        width = max(added) + 1
        parts = []
        for i in range(width):
            digest = added.get(i)
            if digest is None:
                digest = stored[(band * HEIGHT, (t << HEIGHT) + i)]  # KeyError: a node `earlier` named is missing
            parts.append(digest)
        out.append((band, t, width, b"".join(parts)))
    return out


def inner_nodes(band: int, index: int, hashes: bytes) -> list[tuple[merkle.NodeKey, bytes]]:
    """Every perfect node a tile holds, its own hashes and those made of them (levels band*HEIGHT up
    to band*HEIGHT + HEIGHT - 1)."""
    out: list[tuple[merkle.NodeKey, bytes]] = []
    width = len(hashes) // SIZE
    for up in range(HEIGHT):
        count = 1 << up
        for offset in range(0, width - count + 1, count):
            digest = node(hashes, offset, count)
            assert digest is not None
            out.append(((band * HEIGHT + up, ((index << HEIGHT) + offset) >> up), digest))
    return out
