"""The log's Merkle nodes are stored in tiles (bailiff.core.tiles) instead of a row per node.

Existing nodes are copied: the nodes of every level that is a multiple of the tile height, sixteen
to a row; the levels between are recomputed from them when read. The downgrade recomputes the rows
per node from the tiles.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from bailiff.core import tiles

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CHUNK = 5000

_TILES = sa.table("log_tiles", sa.column("band", sa.SmallInteger), sa.column("idx", sa.BigInteger),
                  sa.column("width", sa.SmallInteger), sa.column("hashes", sa.LargeBinary))
_NODES = sa.table("log_nodes", sa.column("level", sa.SmallInteger), sa.column("idx", sa.BigInteger),
                  sa.column("hash", sa.LargeBinary))


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":  # bailiff_append_only() is from revision 0001
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION bailiff_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def _tiles_from_nodes(conn: Any) -> Iterator[dict[str, Any]]:
    """Tile rows from the stored nodes of the tile levels, in order; a gap is a broken log."""
    rows = conn.execute(
        sa.text(f"SELECT level, idx, hash FROM log_nodes WHERE level % {tiles.HEIGHT} = 0 ORDER BY level, idx")
        .execution_options(stream_results=True, yield_per=CHUNK))
    current: tuple[int, int] | None = None
    parts: list[bytes] = []
    for level, idx, digest in rows:
        tile = (level // tiles.HEIGHT, idx >> tiles.HEIGHT)
        if tile != current:
            if current is not None:
                yield {"band": current[0], "idx": current[1], "width": len(parts), "hashes": b"".join(parts)}
            current, parts = tile, []
        if idx & (tiles.WIDTH - 1) != len(parts):
            raise RuntimeError(f"log_nodes lacks a node before ({level}, {idx}): the log is broken")
        parts.append(bytes(digest))
    if current is not None:
        yield {"band": current[0], "idx": current[1], "width": len(parts), "hashes": b"".join(parts)}


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def upgrade() -> None:
    op.create_table('log_tiles',
                    sa.Column('band', sa.SmallInteger(), autoincrement=False, nullable=False),
                    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('width', sa.SmallInteger(), autoincrement=False, nullable=False),
                    sa.Column('hashes', sa.LargeBinary(), nullable=False),
                    sa.PrimaryKeyConstraint('band', 'idx', 'width'))
    conn = op.get_bind()
    rows = _tiles_from_nodes(conn)
    if conn.dialect.name != "postgresql":  # SQLite: read everything before writing on the connection
        rows = iter(list(rows))
    for chunk in _chunks(rows):
        conn.execute(_TILES.insert(), chunk)
    _append_only("log_tiles")
    op.drop_table('log_nodes')  # its append-only trigger goes with it


def downgrade() -> None:
    op.create_table('log_nodes',
                    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
                    sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
                    sa.PrimaryKeyConstraint('level', 'idx'))
    conn = op.get_bind()
    widest = conn.execute(sa.text("SELECT band, idx, hashes FROM log_tiles t WHERE width = "
                                  "(SELECT max(width) FROM log_tiles u WHERE u.band = t.band AND u.idx = t.idx)")).all()
    nodes = ({"level": level, "idx": idx, "hash": digest}
             for band, index, hashes in widest for (level, idx), digest in tiles.inner_nodes(band, index, bytes(hashes)))
    for chunk in _chunks(nodes):
        conn.execute(_NODES.insert(), chunk)
    _append_only("log_nodes")
    op.drop_table('log_tiles')
