"""Signed writ files for end-to-end tests, made with the demo generator."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from bailiff.core.crypto import SigningKey, sign_envelope
from bailiff.demo.generator import DemoIssuer, make_writ


def write_corpus(path: Path, *, code: str, key_path: Path, count: int, seed: int, start: int = 0) -> Path:
    """Write `count` signed envelopes of court `code` as JSONL."""
    rng = random.Random(seed)
    issuer = DemoIssuer(code=code, name=f"Мировой судья {code}", region="77", kind="court")
    key = SigningKey.load(key_path)
    with path.open("w", encoding="utf-8") as fh:
        for seq in range(start, start + count):
            envelope = sign_envelope(make_writ(rng, issuer, seq, date(2026, 11, 20)), key)
            fh.write(json.dumps(envelope, ensure_ascii=False) + "\n")
    return path
