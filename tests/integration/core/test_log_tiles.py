"""The log's SQL storage (tiles) against the in-memory reference tree, and the migration to tiles."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from bailiff.core import merkle, translog
from bailiff.core.db import Database, alembic_config, upgrade
from tests.conftest import fresh_database_url


def _check(database: Database, store: merkle.MemoryNodeStore, rng: random.Random, sizes: list[int]) -> None:
    """Roots, inclusion and consistency proofs from the database equal the reference's, read both in
    a read-only session (the tile cache) and in a writing one."""
    for size in sizes:
        for opened in (database.reading, database.transaction):
            with opened() as session:
                reader = translog.SqlNodeReader(session)
                assert merkle.root_hash(size, reader) == merkle.root_hash(size, store)
                for leaf in {0, size - 1, rng.randrange(size)}:
                    leaf_hash, path = translog.inclusion(session, leaf_index=leaf, tree_size=size)
                    assert leaf_hash == store.nodes[(0, leaf)]
                    assert path == merkle.inclusion_proof(leaf, size, store)
                first = rng.randint(1, size)
                assert translog.consistency(session, first=first, second=size) == merkle.consistency_proof(
                    first, size, store)


def test_appends_in_any_chunks_give_the_reference_tree(backend: str, tmp_path: Path) -> None:
    url = fresh_database_url(backend, tmp_path, "log_tiles")
    upgrade(url)
    database = Database(url)
    rng = random.Random(7)
    store = merkle.MemoryNodeStore()
    sizes = []
    try:
        while store.size < 600:
            count = rng.choice([1, 1, 2, 5, 16, 17, 31, 120])
            leaves = [f"leaf {store.size + i}".encode() for i in range(count)]
            with database.transaction() as session:
                size = translog.lock(session)
                assert translog.append(session, leaves, tree_size=size) == store.size
            store.append(leaves)
            sizes.append(store.size)
        _check(database, store, rng, sizes[:3] + rng.sample(sizes, 8) + [store.size])
        with database.reading() as session:  # a grown tile is a new, wider row: nothing is rewritten
            widths = session.execute(text("SELECT band, idx, count(*) FROM log_tiles GROUP BY band, idx")).all()
        assert max(n for _, _, n in widths) > 1
    finally:
        database.dispose()


def test_migration_moves_nodes_into_tiles_and_back(backend: str, tmp_path: Path) -> None:
    url = fresh_database_url(backend, tmp_path, "log_tiles_migration")
    upgrade(url, "0013")
    store = merkle.MemoryNodeStore()
    leaves = [f"old leaf {i}".encode() for i in range(333)]
    store.append(leaves)
    database = Database(url)
    try:
        with database.transaction() as session:
            connection = session.connection()
            for i, data in enumerate(leaves):
                connection.execute(text("INSERT INTO log_leaves (leaf_index, leaf_data, appended_at) "
                                        "VALUES (:i, :d, CURRENT_TIMESTAMP)"), {"i": i, "d": data})
            connection.execute(text("INSERT INTO log_nodes (level, idx, hash) VALUES (:l, :i, :h)"),
                               [{"l": level, "i": idx, "h": digest} for (level, idx), digest in store.nodes.items()])
            connection.execute(text("UPDATE log_state SET tree_size = :n WHERE id = 1"), {"n": len(leaves)})
        database.dispose()
        upgrade(url)
        _check(database, store, random.Random(3), [1, 16, 17, 200, 333])
        with database.transaction() as session:  # the log goes on from the migrated tiles
            size = translog.lock(session)
            translog.append(session, [b"new leaf"], tree_size=size)
        store.append([b"new leaf"])
        _check(database, store, random.Random(4), [333, 334])
        database.dispose()
        command.downgrade(alembic_config(url), "0013")
        with database.reading() as session:
            nodes = {(level, idx): bytes(digest) for level, idx, digest in
                     session.execute(text("SELECT level, idx, hash FROM log_nodes"))}
        assert nodes == store.nodes
    finally:
        database.dispose()


@pytest.mark.parametrize("tree_size", [5, 40])
def test_a_proof_beyond_the_head_is_refused(backend: str, tmp_path: Path, tree_size: int) -> None:
    url = fresh_database_url(backend, tmp_path, "log_tiles_head")
    upgrade(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            translog.append(session, [b"a", b"b", b"c"], tree_size=translog.lock(session))
        with database.reading() as session, pytest.raises(Exception, match="beyond the current tree size 3"):
            translog.inclusion(session, leaf_index=1, tree_size=tree_size)
    finally:
        database.dispose()
