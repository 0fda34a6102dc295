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

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from bailiff.core import merkle
from bailiff.core.clock import to_millis, utcnow
from bailiff.core.crypto import SigningKey, b64encode
from bailiff.core.db import Base, insert_rows
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


class LogNode(Base):
    """Hash of a perfect subtree (level 0: leaf hashes), see bailiff.core.merkle."""

    __tablename__ = "log_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


_NODES_BY_ARRAYS = ("SELECT n.level, n.idx, n.hash FROM unnest(%s::smallint[], %s::bigint[]) AS wanted(level, idx) "
                    "JOIN log_nodes n ON n.level = wanted.level AND n.idx = wanted.idx")


class SqlNodeReader:
    """merkle.NodeReader over the log_nodes table: at most one query per call.

    Stored nodes never change (the table is append-only), so every hash read is kept in a
    per-database cache: the upper levels that every proof needs are then read from memory, which
    keeps a proof's server time flat as the log grows.
    """

    _cache: dict[str, dict[merkle.NodeKey, bytes]] = {}
    CACHE_LIMIT = 500_000

    def __init__(self, session: Session) -> None:
        self.session = session
        bind = session.get_bind()
        # Only read-only sessions fill the cache: a writing transaction may read nodes it inserted
        # itself, and if it rolled back, a cached hash would outlive the node.
        self.known = (self._cache.setdefault(str(bind.engine.url), {})
                      if bind.get_execution_options().get("bailiff_readonly") else {})
        self.qmark = bind.dialect.paramstyle == "qmark"

    # Set by readers that also read the committed tree size in the same round trip (see _ProofReader).
    size_too = False
    size: int | None = None

    def get_nodes(self, keys: Collection[merkle.NodeKey]) -> Mapping[merkle.NodeKey, bytes]:
        """Fetch the requested node hashes (from the cache, the rest in one round trip)."""
        found = {k: self.known[k] for k in keys if k in self.known}
        missing = [k for k in keys if k not in found]
        if not missing and not self.size_too:
            return found
        if self.qmark:
            # SQLite: a VALUES list joined on the primary key (a row-value IN would scan).
            values = ", ".join("(?, ?)" for _ in missing) or "(NULL, NULL)"
            sql = (f"WITH wanted(level, idx) AS (VALUES {values}) SELECT n.level, n.idx, n.hash "
                   "FROM wanted JOIN log_nodes n ON n.level = wanted.level AND n.idx = wanted.idx")
            params: tuple[Any, ...] = tuple(x for key in missing for x in key)
        else:
            # PostgreSQL: two arrays, so the statement text is the same for every proof and psycopg
            # prepares it once per connection (a VALUES list of varying length was planned anew
            # each time: half of a proof's server time).
            sql = _NODES_BY_ARRAYS
            params = ([k[0] for k in missing], [k[1] for k in missing])
        if self.size_too:
            # The size rides along as a row of level -1: one round trip instead of two.
            sql += " UNION ALL SELECT -1, tree_size, NULL FROM log_state WHERE id = 1"
        if len(self.known) > self.CACHE_LIMIT:
            self.known.clear()
        for level, idx, digest in self.session.connection().exec_driver_sql(sql, params):
            if level == -1:
                self.size = int(idx)
            else:
                found[(level, idx)] = self.known[(level, idx)] = bytes(digest)
        return found


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

    Costs O(len(leaves) + log n): only the new perfect subtrees are written.
    """
    if not leaves:
        return tree_size
    now = utcnow()
    hashes = [merkle.leaf_hash(data) for data in leaves]
    nodes = merkle.appended_nodes(tree_size, hashes, SqlNodeReader(session))
    insert_rows(session, LogLeaf.__table__,
        [{"leaf_index": tree_size + i, "leaf_data": data, "appended_at": now} for i, data in enumerate(leaves)],
    )
    insert_rows(session, LogNode.__table__, [{"level": k[0], "idx": k[1], "hash": h} for k, h in nodes])
    session.execute(
        text("UPDATE log_state SET tree_size = :size WHERE id = 1"), {"size": tree_size + len(leaves)}
    )
    return tree_size


def current_size(session: Session) -> int:
    """The committed tree size, without taking the lock."""
    # Plain SQL: this runs for every proof and tree head, and needs no statement compilation.
    return int(session.connection().exec_driver_sql("SELECT tree_size FROM log_state WHERE id = 1").scalar() or 0)


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


def signed_tree_head(session: Session, key: SigningKey) -> TreeHead:
    """Sign the current tree head with the service key."""
    size = current_size(session)
    root = merkle.root_hash(size, SqlNodeReader(session))
    timestamp = to_millis(utcnow())
    signature = key.sign(tree_head_message(timestamp=timestamp, tree_size=size, root_hash=root))
    return TreeHead(size, root, timestamp, key.key_id, signature)


def leaf(session: Session, index: int) -> bytes:
    """The exact bytes of leaf `index` (NotFound past the end)."""
    # Plain SQL, as for the size: an ORM select cost 200 us more than the query itself.
    qmark = session.get_bind().dialect.paramstyle == "qmark"
    sql = f"SELECT leaf_data FROM log_leaves WHERE leaf_index = {'?' if qmark else '%s'}"
    data = session.connection().exec_driver_sql(sql, (index,)).scalar()
    if data is None:
        raise NotFound(f"the log has no leaf {index}")
    return bytes(data)


def _check_size(session: Session, tree_size: int, field: str) -> None:
    size = current_size(session)
    if tree_size > size:
        raise ValidationFailed(
            f"{field}={tree_size} is beyond the current tree size {size}",
            errors=[FieldError(field, "log.tree_size.beyond_head", f"must be at most {size}")],
        )


def inclusion(session: Session, *, leaf_index: int, tree_size: int) -> tuple[bytes, list[bytes]]:
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
    leaf = reader.get_nodes([(0, leaf_index)])  # reads the size too when the path needed no node
    _beyond_head(reader.size, tree_size, "tree_size")
    return leaf[(0, leaf_index)], path


def _beyond_head(size: int | None, tree_size: int, field: str) -> None:
    if size is not None and tree_size > size:
        raise ValidationFailed(
            f"{field}={tree_size} is beyond the current tree size {size}",
            errors=[FieldError(field, "log.tree_size.beyond_head", f"must be at most {size}")],
        )


class _ProofReader(SqlNodeReader):
    """Fetches the leaf's own hash and the committed size together with the proof's nodes."""

    size_too = True

    def __init__(self, session: Session, leaf_index: int) -> None:
        super().__init__(session)
        self.leaf = (0, leaf_index)

    def get_nodes(self, keys: Collection[merkle.NodeKey]) -> Mapping[merkle.NodeKey, bytes]:
        if self.size is not None:  # the size is read once, with the first (the proof's) fetch
            self.size_too = False
        return super().get_nodes([*keys, self.leaf] if self.leaf not in keys else keys)


def consistency(session: Session, *, first: int, second: int) -> list[bytes]:
    """RFC 9162 consistency proof between tree sizes `first` and `second`."""
    if not 0 < first <= second:
        raise ValidationFailed(
            "0 < first <= second is required",
            errors=[FieldError("first", "log.consistency.range", "first must be positive and at most second")],
        )
    _check_size(session, second, "second")
    return merkle.consistency_proof(first, second, SqlNodeReader(session))
