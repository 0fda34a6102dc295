"""Settings: the only place that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# URL schemes of the databases Bailiff ships drivers for (SQLAlchemy dialect+driver).
SUPPORTED_DATABASES = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


def _default_data_dir() -> Path:
    return Path(os.environ.get("BAILIFF_DATA_DIR", "var")).resolve()


@dataclass(frozen=True)
class Settings:
    """Deployment settings, read once from BAILIFF_* environment variables."""

    data_dir: Path = field(default_factory=_default_data_dir)
    database_url: str = ""
    jurisdiction: str = "ru"
    # Public base URL printed in receipts and used by `bailiff demo` to announce itself.
    public_url: str = "http://127.0.0.1:8000"
    # Outbox delivery: how many times an event is retried before it is parked for an operator.
    outbox_max_attempts: int = 12
    webhook_timeout_seconds: float = 10.0
    # Randomness of the draws: `local` (a hash chain anchored in the log, the embedded default) or
    # `drand` (a drand relay; the chain is pinned here, quicknet by default, never read from the relay).
    beacon: str = "local"
    drand_url: str = "https://api.drand.sh"
    drand_chain: str = ""  # chain hash; empty = quicknet
    drand_public_key: str = ""
    drand_genesis: int = 0
    drand_period: int = 0
    drand_margin_seconds: float = 10.0
    # The largest request body read, in bytes (larger ones get 413 before more than this is read).
    # The largest legitimate request is a full batch: MAX_BATCH = 10,000 envelopes of ~1.2 KB
    # (the example writ, compact UTF-8; ~1.8 KB with \u escapes and spaces as Python's json writes
    # it), so 12-18 MB; 64 MiB leaves room for writs with several parties and long addresses
    # (6.4 KB each on average) and for one writ at its schema's text maxima (200 parties of 9,500
    # characters: ~4 MB of Cyrillic in UTF-8, ~11 MB as \u escapes).
    max_request_bytes: int = 64 * 1024 * 1024

    @property
    def service_key_path(self) -> Path:
        """Where the service's own Ed25519 key (tree heads, receipts) is kept."""
        return self.data_dir / "service-key.pem"

    @property
    def beacon_dir(self) -> Path:
        """Where the local randomness beacon keeps its chain secrets."""
        return self.data_dir / "beacon"

    @property
    def is_sqlite(self) -> bool:
        """Whether the embedded SQLite default is in use."""
        return self.database_url.startswith("sqlite")


def _number(name: str, default: str, kind: type[int] | type[float], *, minimum: float,
            inclusive: bool = True) -> Any:
    """A numeric variable, refused with its name, the expected type and bound when it is not one."""
    raw = os.environ.get(name, default)
    expected = f"{'an integer' if kind is int else 'a number'} {'>=' if inclusive else '>'} {minimum:g}"
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected {expected}") from None
    if not (value >= minimum if inclusive else value > minimum):  # NaN fails both
        raise ValueError(f"{name}={raw!r}: expected {expected}")
    return value


def _database_url(data_dir: Path) -> str:
    """BAILIFF_DATABASE_URL, refused unless it names a backend Bailiff ships a driver for."""
    url = os.environ.get("BAILIFF_DATABASE_URL") or f"sqlite:///{data_dir / 'bailiff.sqlite3'}"
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    scheme = url.partition(":")[0]
    if scheme not in SUPPORTED_DATABASES:
        raise ValueError(f"BAILIFF_DATABASE_URL: scheme {scheme!r} is not supported; expected "
                         "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
    return url


def load_settings() -> Settings:
    """Build settings from the environment (defaults give the embedded SQLite database); a variable
    that cannot be used is refused here, by name, before anything is started or printed."""
    from bailiff.jurisdictions import load_profile

    data_dir = _default_data_dir()
    jurisdiction = os.environ.get("BAILIFF_JURISDICTION", "ru").lower()
    try:
        load_profile(jurisdiction)
    except ValueError as exc:
        raise ValueError(f"BAILIFF_JURISDICTION: {exc}") from None
    return Settings(
        data_dir=data_dir,
        database_url=_database_url(data_dir),
        jurisdiction=jurisdiction,
        public_url=os.environ.get("BAILIFF_PUBLIC_URL", "http://127.0.0.1:8000"),
        outbox_max_attempts=_number("BAILIFF_OUTBOX_MAX_ATTEMPTS", "12", int, minimum=1),
        webhook_timeout_seconds=_number("BAILIFF_WEBHOOK_TIMEOUT", "10", float, minimum=0, inclusive=False),
        beacon=os.environ.get("BAILIFF_BEACON", "local").lower(),
        drand_url=os.environ.get("BAILIFF_DRAND_URL", "https://api.drand.sh"),
        drand_chain=os.environ.get("BAILIFF_DRAND_CHAIN", ""),
        drand_public_key=os.environ.get("BAILIFF_DRAND_PUBLIC_KEY", ""),
        drand_genesis=_number("BAILIFF_DRAND_GENESIS", "0", int, minimum=0),
        drand_period=_number("BAILIFF_DRAND_PERIOD", "0", int, minimum=0),
        drand_margin_seconds=_number("BAILIFF_DRAND_MARGIN", "10", float, minimum=0),
        max_request_bytes=_number("BAILIFF_MAX_REQUEST_BYTES", str(Settings.max_request_bytes), int, minimum=1),
    )
