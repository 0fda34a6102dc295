"""The deployment's beacon, chosen by the settings: the local hash chain or a drand network."""

from __future__ import annotations

from pathlib import Path
from typing import Union

from bailiff.assignment.beacon import ChainStore
from bailiff.assignment.drand import QUICKNET, DrandChain, DrandStore
from bailiff.config import Settings

BeaconStore = Union[ChainStore, DrandStore]

# Loading a local chain hashes it whole (65,536 rounds, about 50 ms). One store per folder and process
# keeps the chains it has loaded; a new store for every worker batch and request rebuilt the chain
# each time, twice per batch of openings and draws.
_LOCAL_STORES: dict[Path, ChainStore] = {}


def local_store(folder: Path) -> ChainStore:
    """The process's store of local chains in this folder."""
    store = _LOCAL_STORES.get(folder)
    if store is None:
        store = _LOCAL_STORES.setdefault(folder, ChainStore(folder))
    return store


def beacon_store(settings: Settings) -> BeaconStore:
    """`BAILIFF_BEACON=local` (default) or `drand` (relay `BAILIFF_DRAND_URL`, chain pinned by
    `BAILIFF_DRAND_CHAIN`, `_PUBLIC_KEY`, `_GENESIS`, `_PERIOD`; quicknet when the chain is not set;
    rounds committed at least `BAILIFF_DRAND_MARGIN` seconds ahead). ValueError names what is missing."""
    local = local_store(settings.beacon_dir)
    if settings.beacon == "local":
        return local
    if settings.beacon != "drand":
        raise ValueError(f"BAILIFF_BEACON must be local or drand, not {settings.beacon!r}")
    if not settings.drand_chain:
        chain = QUICKNET
    else:
        try:
            key = bytes.fromhex(settings.drand_public_key)
        except ValueError:
            key = b""
        problems = [name for name, bad in (("BAILIFF_DRAND_PUBLIC_KEY (96 bytes of hex: a G2 key)", len(key) != 96),
                                           ("BAILIFF_DRAND_GENESIS (unix seconds)", settings.drand_genesis <= 0),
                                           ("BAILIFF_DRAND_PERIOD (seconds)", settings.drand_period <= 0)) if bad]
        if problems:
            raise ValueError("BAILIFF_DRAND_CHAIN is set; also set " + ", ".join(problems))
        chain = DrandChain(settings.drand_chain.lower(), key, settings.drand_genesis, settings.drand_period)
    return DrandStore(settings.drand_url, chain, local, margin=settings.drand_margin_seconds)
