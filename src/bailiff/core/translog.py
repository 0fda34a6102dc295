"""The transparency log's storage: RFC 9162 leaves, perfect-subtree nodes and signed tree heads.

Appending takes the single `log_state` row lock, so leaves get consecutive indices in commit
order; the register takes this lock first in every transaction that changes a writ, which also
serialises those changes (the reason two presentations of one writ can never both win).
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, Integer, LargeBinary, SmallInteger, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from bailiff.core import merkle, tiles
from bailiff.core.clock import to_millis, utcnow
from bailiff.core.crypto import SigningKey, b64encode
from bailiff.core.bulk import insert_rows
from bailiff.core.db import Base
from bailiff.core.errors import NotFound, ValidationFailed, FieldError


class LogState(Base):
    """The single row holding the current tree size (and the lock appends take)."""

    __tablename__ = "log_state"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger)


class LogLeaf(Base):
    """A leaf: the exact bytes that were hashed, and when."""

    __tablename__ = "log_leaves"

    leaf_index: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    leaf_data: Mapped[bytes] = mapped_column(LargeBinary)
    appended_at: Mapped[datetime]


class LogTile(Base):
    """Hashes of perfect subtrees, WIDTH at a time (bailiff.core.tiles): the widest row of a tile wins."""

    __tablename__ = "log_tiles"

    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    width: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


# The widest row of each wanted tile, one primary-key lookup each whatever the statistics say (a plain
# join left the plan to the statistics, and on a log grown faster than autovacuum analyses it
# PostgreSQL chose a bitmap scan per row).
_WIDEST = "(SELECT t.hashes FROM log_tiles t WHERE t.band = w.band AND t.idx = w.idx ORDER BY t.width DESC LIMIT 1)"
# PostgreSQL, a few tiles (a proof's): one branch per tile, so that a statement text serves every
# read of as many tiles and psycopg prepares it once per connection. Measured at a million leaves:
# 90 us for a tile and the size, against 210 us for the same through two arrays and unnest, whose
# function scan and subplan cost more than the lookups themselves.
_BRANCH = "(SELECT band, idx, hashes FROM log_tiles WHERE band = %s AND idx = %s ORDER BY width DESC LIMIT 1)"
_BRANCHES_UP_TO = 16
_TILES_BY_ARRAYS = f"SELECT w.band, w.idx, {_WIDEST} FROM unnest(%s::smallint[], %s::bigint[]) AS w(band, idx)"
_SIZE_ROW = "SELECT -1, tree_size, NULL FROM log_state WHERE id = 1"


# What the log's reads run on: a session, or (the public log endpoints, `Database.read_plain`) a bare
# connection, which costs a fifth of a session's set-up and tear-down.
Reads = Session | Connection


def _connection(db: Reads) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def _bind(db: Reads) -> Any:
    return db.get_bind() if isinstance(db, Session) else db


class SqlNodeReader:
    """merkle.NodeReader over the log_tiles table: at most one query per call.

    A tile's hashes never change (a partial tile only grows), so read-only sessions keep the tiles
    they read in a per-database cache, and the nodes made of them above the lowest band (the ones
    many proofs share): the upper part of every proof is then read from memory, without hashing.
    """

    _cache: dict[str, tuple[dict[tiles.TileKey, bytes], dict[merkle.NodeKey, bytes]]] = {}
    CACHE_LIMIT = 100_000  # tiles (at most 512 bytes each), and as many nodes

    def __init__(self, session: Reads) -> None:
        self.session = session
        bind = _bind(session)
        # Only read-only sessions fill the cache: a writing transaction may read tiles it inserted
        # itself, and if it rolled back, a cached tile would outlive the row.
        self.known, self.nodes = (self._cache.setdefault(str(bind.engine.url), ({}, {}))
                                  if bind.get_execution_options().get("bailiff_readonly") else ({}, {}))
        self.qmark = bind.dialect.paramstyle == "qmark"

    # Set by readers that also read the committed tree size in the same round trip (see _ProofReader).
    size_too = False
    size: int | None = None

    def get_nodes(self, keys: Collection[merkle.NodeKey]) -> Mapping[merkle.NodeKey, bytes]:
        """Fetch the requested node hashes (from the cache, the other tiles in one round trip)."""
        found = {key: self.nodes[key] for key in keys if key in self.nodes}
        rest = [key for key in keys if key not in found]
        if not rest and not self.size_too:
            return found
        needed = tiles.wanted(rest)
        # A cached partial tile serves every node within its width (a perfect node never changes).
        held = {tile: hashes for tile, width in needed.items()
                if (hashes := self.known.get(tile)) is not None and len(hashes) >= width * tiles.SIZE}
        missing = [tile for tile in needed if tile not in held]
        if missing or self.size_too:
            held.update(self._fetch(missing))
        made = tiles.nodes_from(held, rest)
        if len(self.nodes) > self.CACHE_LIMIT:
            self.nodes.clear()
        for key, digest in made.items():
            if key[0] >= tiles.HEIGHT:
                self.nodes[key] = digest
        found.update(made)
        return found

    def _fetch(self, missing: list[tiles.TileKey]) -> dict[tiles.TileKey, bytes]:
        if self.qmark:
            # SQLite: a VALUES list (a row-value IN would scan).
            values = ", ".join("(?, ?)" for _ in missing) or "(NULL, NULL)"
            sql = f"WITH w(band, idx) AS (VALUES {values}) SELECT w.band, w.idx, {_WIDEST} FROM w"
            params: tuple[Any, ...] = tuple(x for tile in missing for x in tile)
        elif len(missing) <= _BRANCHES_UP_TO:
            sql = " UNION ALL ".join([_BRANCH] * len(missing))
            params = tuple(x for tile in missing for x in tile)
        else:
            sql = _TILES_BY_ARRAYS
            params = ([t[0] for t in missing], [t[1] for t in missing])
        if self.size_too:
            # The size rides along as a row of band -1: one round trip instead of two.
            sql = f"{sql} UNION ALL {_SIZE_ROW}" if sql else _SIZE_ROW
        if len(self.known) > self.CACHE_LIMIT:
            self.known.clear()
        out: dict[tiles.TileKey, bytes] = {}
        for band, idx, hashes in _rows(self.session, sql, params):
            if band == -1:
                self.size = int(idx)
            elif hashes is not None:
                out[(band, idx)] = self.known[(band, idx)] = bytes(hashes)
        return out


def _rows(session: Reads, sql: str, params: Any) -> list[Any]:
    """Rows of a driver-level query on the session's connection, through the driver's own cursor:
    SQLAlchemy's result set-up was a sixth of an inclusion proof's server time."""
    cursor = _connection(session).connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def lock(session: Session) -> int:
    """Take the log lock for this transaction and return the current tree size."""
    stmt = select(LogState.tree_size).where(LogState.id == 1)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    size = session.scalar(stmt)
    if size is None:
        raise RuntimeError("log_state row missing: run `bailiff db upgrade`")
    return int(size)


def append(session: Session, leaves: Sequence[bytes], *, tree_size: int) -> int:
    """Append leaves after `lock` returned `tree_size`; returns the index of the first one.

    Costs O(len(leaves) + log n): only the tiles of the new perfect subtrees are written.
    """
    if not leaves:
        return tree_size
    now = utcnow()
    hashes = [merkle.leaf_hash(data) for data in leaves]
    reader = SqlNodeReader(session)
    nodes = merkle.appended_nodes(tree_size, hashes, reader)
    insert_rows(session, LogLeaf.__table__,
        [{"leaf_index": tree_size + i, "leaf_data": data, "appended_at": now} for i, data in enumerate(leaves)],
    )
    earlier = tiles.earlier(nodes)  # the first hashes of the partial tiles that grow
    stored = reader.get_nodes(earlier) if earlier else {}
    insert_rows(session, LogTile.__table__, [{"band": band, "idx": idx, "width": width, "hashes": hashes}
                                             for band, idx, width, hashes in tiles.rows(nodes, stored)])
    session.execute(
        text("UPDATE log_state SET tree_size = :size WHERE id = 1"), {"size": tree_size + len(leaves)}
    )
    return tree_size


def current_size(session: Reads) -> int:
    """The committed tree size, without taking the lock."""
    # Plain SQL: this runs for every proof and tree head, and needs no statement compilation.
    return int(_connection(session).exec_driver_sql("SELECT tree_size FROM log_state WHERE id = 1").scalar() or 0)


@dataclass(frozen=True)
class TreeHead:
    """A signed tree head (RFC 9162 §4.10 TreeHeadDataV2, signed by the service key)."""

    tree_size: int
    root_hash: bytes
    timestamp: int
    key_id: str
    signature: bytes

    def as_json(self) -> dict[str, object]:
        """The public JSON form served at /api/v1/log/tree-head."""
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "timestamp": self.timestamp,
            "key_id": self.key_id,
            "signature": b64encode(self.signature),
        }


def tree_head_message(*, timestamp: int, tree_size: int, root_hash: bytes) -> bytes:
    """TLS encoding of TreeHeadDataV2 (RFC 9162 §4.10): uint64, uint64, opaque<32..2^8-1>."""
    return struct.pack(">QQB", timestamp, tree_size, len(root_hash)) + root_hash


def signed_tree_head(session: Reads, key: SigningKey) -> TreeHead:
    """Sign the current tree head with the service key."""
    size = current_size(session)
    root = merkle.root_hash(size, SqlNodeReader(session))
    timestamp = to_millis(utcnow())
    signature = key.sign(tree_head_message(timestamp=timestamp, tree_size=size, root_hash=root))
    return TreeHead(size, root, timestamp, key.key_id, signature)


def leaf(session: Reads, index: int) -> bytes:
    """The exact bytes of leaf `index` (NotFound past the end)."""
    # Plain SQL, as for the size: an ORM select cost 200 us more than the query itself.
    qmark = _bind(session).dialect.paramstyle == "qmark"
    sql = f"SELECT leaf_data FROM log_leaves WHERE leaf_index = {'?' if qmark else '%s'}"
    data = _connection(session).exec_driver_sql(sql, (index,)).scalar()
    if data is None:
        raise NotFound(f"the log has no leaf {index}")
    return bytes(data)


def _check_size(session: Reads, tree_size: int, field: str) -> None:
    size = current_size(session)
    if tree_size > size:
        raise ValidationFailed(
            f"{field}={tree_size} is beyond the current tree size {size}",
            errors=[FieldError(field, "log.tree_size.beyond_head", f"must be at most {size}")],
        )


def inclusion(session: Reads, *, leaf_index: int, tree_size: int) -> tuple[bytes, list[bytes]]:
    """Leaf hash and RFC 9162 audit path of `leaf_index` in the tree of `tree_size` leaves.

    One round trip: the nodes the cache lacks, the leaf's own hash and the committed tree size.
    """
    if tree_size < 1 or not 0 <= leaf_index < tree_size:
        raise ValidationFailed(
            "leaf_index must be below tree_size, and tree_size at least 1",
            errors=[FieldError("leaf_index", "log.leaf_index.range", f"0 <= leaf_index < tree_size ({tree_size})")],
        )
    reader = _ProofReader(session, leaf_index)
    try:
        path = merkle.inclusion_proof(leaf_index, tree_size, reader)
    except KeyError:
        # Nodes past the head do not exist yet: say so, as for a proof asked of a future tree.
        _beyond_head(reader.size, tree_size, "tree_size")
        raise
    if reader.leaf_hash is None:  # a tree of one leaf: the path needed no node; reads the size too
        reader.get_nodes([])
    _beyond_head(reader.size, tree_size, "tree_size")
    if reader.leaf_hash is None:
        raise KeyError(f"the log has no leaf {leaf_index}")  # below the head: a storage bug
    return reader.leaf_hash, path


def _beyond_head(size: int | None, tree_size: int, field: str) -> None:
    if size is not None and tree_size > size:
        raise ValidationFailed(
            f"{field}={tree_size} is beyond the current tree size {size}",
            errors=[FieldError(field, "log.tree_size.beyond_head", f"must be at most {size}")],
        )


class _ProofReader(SqlNodeReader):
    """Fetches the leaf's own hash and the committed size together with the proof's nodes."""

    size_too = True

    def __init__(self, session: Reads, leaf_index: int) -> None:
        super().__init__(session)
        self.leaf = (0, leaf_index)

    leaf_hash: bytes | None = None

    def get_nodes(self, keys: Collection[merkle.NodeKey]) -> Mapping[merkle.NodeKey, bytes]:
        if self.size is not None:  # the size is read once, with the first (the proof's) fetch
            self.size_too = False
        found = super().get_nodes([*keys, self.leaf] if self.leaf not in keys else keys)
        self.leaf_hash = found.get(self.leaf, self.leaf_hash)
        return found


def consistency(session: Reads, *, first: int, second: int) -> list[bytes]:
    """RFC 9162 consistency proof between tree sizes `first` and `second`."""
    if not 0 < first <= second:
        raise ValidationFailed(
            "0 < first <= second is required",
            errors=[FieldError("first", "log.consistency.range", "first must be positive and at most second")],
        )
    _check_size(session, second, "second")
    return merkle.consistency_proof(first, second, SqlNodeReader(session))
