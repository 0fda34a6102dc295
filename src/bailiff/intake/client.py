"""Resumable sender of a JSONL file of signed envelopes to `POST /api/v1/writs/batch`.

Progress is kept next to the file (`FILE.intake.json`, replaced atomically after each batch).
If the sender or the server dies, running the same command again resends at most the batch in
flight; the register answers a re-sent document with its first result, so nothing is doubled.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson


@dataclass
class IntakeState:
    """What has been sent from a file so far."""

    file_sha256: str
    lines_done: int = 0
    accepted: int = 0
    replayed: int = 0
    rejected: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def state_path(path: Path) -> Path:
    """Where the progress of sending `path` is recorded."""
    return path.with_name(path.name + ".intake.json")


def rejects_path(path: Path) -> Path:
    """Where rejected lines and their reasons are written (JSONL)."""
    return path.with_name(path.name + ".rejected.jsonl")


def load_state(path: Path) -> IntakeState:
    """Resume state for `path`, or a fresh one (also when the file changed since)."""
    digest = _file_digest(path)
    sp = state_path(path)
    if sp.exists():
        data = json.loads(sp.read_text())
        if data.get("file_sha256") == digest:
            return IntakeState(**data)
    return IntakeState(file_sha256=digest)


def save_state(path: Path, state: IntakeState) -> None:
    """Write the state atomically (a crash never leaves half a file)."""
    sp = state_path(path)
    tmp = sp.with_suffix(".tmp")
    tmp.write_text(json.dumps(state.__dict__))
    os.replace(tmp, sp)


def count_lines(path: Path) -> int:
    """Number of non-empty lines."""
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


# A line is (its number in the file, the parsed envelope or None, the error that refuses it locally or None).
Line = tuple[int, Any, dict[str, str] | None]


def _batches(path: Path, skip: int, size: int) -> Iterator[tuple[int, list[Line]]]:
    batch: list[Line] = []
    seen = 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            seen += 1
            if seen <= skip:
                continue
            try:
                batch.append((number, orjson.loads(line), None))
            except orjson.JSONDecodeError as exc:
                # Refused here, not sent: the server could only say which envelope fields are missing.
                message = f"line {number} is not JSON (RFC 8259): {exc.msg} at column {exc.colno}"
                batch.append((number, None, {"field": "envelope", "rule": "json.syntax", "message": message}))
            if len(batch) == size:
                yield seen, batch
                batch = []
    if batch:
        yield seen, batch


class IntakeError(Exception):
    """The server refused the whole batch or could not be reached in time."""


def send_file(path: Path, *, server: str, token: str, batch_size: int = 1000,
              on_progress: Callable[[int], None] | None = None, retry_seconds: float = 60.0,
              timeout: float = 120.0) -> IntakeState:
    """Send every envelope of `path`, resuming where an earlier run stopped."""
    state = load_state(path)
    url = server.rstrip("/") + "/api/v1/writs/batch"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if on_progress:
        on_progress(state.lines_done)
    with httpx.Client(timeout=timeout) as client, rejects_path(path).open("a", encoding="utf-8") as rejects:
        for seen, batch in _batches(path, state.lines_done, batch_size):
            envelopes = [envelope for _, envelope, refused in batch if refused is None]
            sent = _post_with_retry(client, url, headers, orjson.dumps({"envelopes": envelopes}),
                                    retry_seconds)["items"] if envelopes else []
            if len(sent) != len(envelopes):
                raise IntakeError(f"the server answered {len(sent)} items for {len(envelopes)} envelopes")
            answers = iter(sent)
            for line_no, _, refused in batch:
                item = {"result": "rejected", "errors": [refused]} if refused else next(answers)
                if item["result"] == "accepted":
                    if item.get("replay"):
                        state.replayed += 1
                    else:
                        state.accepted += 1
                else:
                    state.rejected += 1
                    rejects.write(json.dumps({"line": line_no, "errors": item["errors"]}, ensure_ascii=False) + "\n")
            rejects.flush()
            state.lines_done = seen
            save_state(path, state)
            if on_progress:
                on_progress(seen)
    return state


def _post_with_retry(client: httpx.Client, url: str, headers: dict[str, str], body: bytes,
                     retry_seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + retry_seconds
    delay = 0.5
    while True:
        try:
            response = client.post(url, content=body, headers=headers)
        except httpx.TransportError as exc:
            if time.monotonic() > deadline:
                raise IntakeError(f"server unreachable ({exc}); run the same command again to resume") from exc
        else:
            if response.status_code == 200:
                return response.json()
            if response.status_code < 500 and response.status_code != 429:
                raise IntakeError(_problem_line(response))
            if time.monotonic() > deadline:
                raise IntakeError(_problem_line(response) + "; run the same command again to resume")
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def _problem_line(response: httpx.Response) -> str:
    try:
        problem = response.json()
        errors = "; ".join(f"{e['field']} [{e['rule']}] {e['message']}" for e in problem.get("errors", []))
        return f"HTTP {response.status_code}: {problem.get('detail', problem.get('title'))}" + (f": {errors}" if errors else "")
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}: {response.text[:200]}"
