"""The deployment's beacon, chosen by the settings: the local hash chain or a drand network."""

from __future__ import annotations

from typing import Union

from bailiff.assignment.beacon import ChainStore
from bailiff.assignment.drand import QUICKNET, DrandChain, DrandStore
from bailiff.config import Settings

BeaconStore = Union[ChainStore, DrandStore]


def beacon_store(settings: Settings) -> BeaconStore:
    """`BAILIFF_BEACON=local` (default) or `drand` (relay `BAILIFF_DRAND_URL`, chain pinned by
    `BAILIFF_DRAND_CHAIN`, `_PUBLIC_KEY`, `_GENESIS`, `_PERIOD`; quicknet when the chain is not set)."""
    local = ChainStore(settings.beacon_dir)
    if settings.beacon == "local":
        return local
    if settings.beacon != "drand":
        raise ValueError(f"BAILIFF_BEACON must be local or drand, not {settings.beacon!r}")
    chain = QUICKNET if not settings.drand_chain else DrandChain(
        settings.drand_chain, bytes.fromhex(settings.drand_public_key), settings.drand_genesis, settings.drand_period)
    return DrandStore(settings.drand_url, chain, local)
