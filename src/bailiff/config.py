"""Settings: the only place that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


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


def load_settings() -> Settings:
    """Build settings from the environment (defaults give the embedded SQLite database)."""
    data_dir = _default_data_dir()
    url = os.environ.get("BAILIFF_DATABASE_URL") or f"sqlite:///{data_dir / 'bailiff.sqlite3'}"
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return Settings(
        data_dir=data_dir,
        database_url=url,
        jurisdiction=os.environ.get("BAILIFF_JURISDICTION", "ru").lower(),
        public_url=os.environ.get("BAILIFF_PUBLIC_URL", "http://127.0.0.1:8000"),
        outbox_max_attempts=int(os.environ.get("BAILIFF_OUTBOX_MAX_ATTEMPTS", "12")),
        webhook_timeout_seconds=float(os.environ.get("BAILIFF_WEBHOOK_TIMEOUT", "10")),
        beacon=os.environ.get("BAILIFF_BEACON", "local").lower(),
        drand_url=os.environ.get("BAILIFF_DRAND_URL", "https://api.drand.sh"),
        drand_chain=os.environ.get("BAILIFF_DRAND_CHAIN", ""),
        drand_public_key=os.environ.get("BAILIFF_DRAND_PUBLIC_KEY", ""),
        drand_genesis=int(os.environ.get("BAILIFF_DRAND_GENESIS", "0")),
        drand_period=int(os.environ.get("BAILIFF_DRAND_PERIOD", "0")),
        drand_margin_seconds=float(os.environ.get("BAILIFF_DRAND_MARGIN", "10")),
        max_request_bytes=int(os.environ.get("BAILIFF_MAX_REQUEST_BYTES", str(Settings.max_request_bytes))),
    )
