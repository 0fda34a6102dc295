"""The tile layout of the log's nodes, against the node-per-key reference store of bailiff.core.merkle."""

from __future__ import annotations

import random

import pytest

from bailiff.core import merkle, tiles


def _stored_tiles(store: merkle.MemoryNodeStore) -> dict[tiles.TileKey, bytes]:
    """Every tile of a tree as its widest row, built from the reference store's nodes."""
    by_tile: dict[tiles.TileKey, dict[int, bytes]] = {}
    for (level, idx), digest in store.nodes.items():
        if level % tiles.HEIGHT == 0:
            by_tile.setdefault((level // tiles.HEIGHT, idx >> tiles.HEIGHT), {})[idx % tiles.WIDTH] = digest
    return {tile: b"".join(parts[i] for i in range(len(parts))) for tile, parts in by_tile.items()}


def test_every_stored_node_is_found_in_its_tile() -> None:
    store = merkle.MemoryNodeStore()
    store.append([f"leaf {i}".encode() for i in range(1000)])
    found = tiles.nodes_from(_stored_tiles(store), store.nodes)
    assert found == store.nodes


def test_a_node_beyond_a_partial_tile_is_absent() -> None:
    store = merkle.MemoryNodeStore()
    store.append([f"leaf {i}".encode() for i in range(21)])  # tile (0, 1) holds leaves 16..20
    stored = _stored_tiles(store)
    assert len(stored[(0, 1)]) == 5 * tiles.SIZE
    assert (2, 5) not in store.nodes and tiles.nodes_from(stored, [(0, 21), (1, 10), (2, 5)]) == {}
    assert tiles.nodes_from(stored, [(0, 20), (1, 9), (2, 4)]) == {k: store.nodes[k] for k in [(0, 20), (1, 9), (2, 4)]}


def test_span_and_wanted() -> None:
    assert tiles.span((0, 37)) == ((0, 2), 5, 1)
    assert tiles.span((3, 5)) == ((0, 2), 8, 8)  # leaves 40..47 of tile 2 (leaves 32..47)
    assert tiles.span((4, 3)) == ((1, 0), 3, 1)
    assert tiles.span((7, 1)) == ((1, 0), 8, 8)
    assert tiles.wanted([(0, 37), (3, 5), (0, 33)]) == {(0, 2): 16}


@pytest.mark.parametrize("seed", range(5))
def test_rows_written_by_appends_hold_every_node(seed: int) -> None:
    """Appends in random chunks, each writing the rows `rows` gives: the widest row of every tile
    yields exactly the reference store's nodes, and no row is written twice."""
    rng = random.Random(seed)
    store = merkle.MemoryNodeStore()
    written: dict[tuple[int, int, int], bytes] = {}
    size = 0
    while size < 700:
        count = rng.choice([1, 1, 2, 3, 15, 16, 17, 100])
        new = store.append([f"{seed}/{i}".encode() for i in range(size, size + count)])
        needed = tiles.earlier(new)
        assert all(key in store.nodes and key not in dict(new) for key in needed)
        for band, idx, width, hashes in tiles.rows(new, {k: store.nodes[k] for k in needed}):
            assert (band, idx, width) not in written
            assert len(hashes) == width * tiles.SIZE
            written[(band, idx, width)] = hashes
        size += count
        widest: dict[tiles.TileKey, bytes] = {}
        for (band, idx, width), hashes in sorted(written.items()):
            widest[(band, idx)] = hashes
        assert tiles.nodes_from(widest, store.nodes) == store.nodes


def test_rows_need_the_earlier_hashes_of_a_growing_tile() -> None:
    store = merkle.MemoryNodeStore()
    store.append([b"a", b"b", b"c"])
    new = store.append([b"d"])
    assert tiles.earlier(new) == [(0, 0), (0, 1), (0, 2)]
    with pytest.raises(KeyError):
        tiles.rows(new, {})


def test_inner_nodes_are_the_tiles_perfect_nodes() -> None:
    store = merkle.MemoryNodeStore()
    store.append([f"leaf {i}".encode() for i in range(300)])
    rebuilt = dict(node for (band, idx), hashes in _stored_tiles(store).items()
                   for node in tiles.inner_nodes(band, idx, hashes))
    assert rebuilt == store.nodes
