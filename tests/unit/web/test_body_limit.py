"""The body ceiling as ASGI: a declared oversize body is refused unread; a streamed one stops at the limit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.types import Message

from bailiff.web.limits import BodyLimit, BodyTooLarge


class Recorder:
    """An inner app that reads the whole body, and the client's side of the exchange."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks, self.reads, self.called, self.sent = list(chunks), 0, False, []

    async def receive(self) -> Message:
        self.reads += 1
        chunk = self.chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        self.called = True
        while (await receive()).get("more_body"):
            pass


def scope(headers: dict[str, str]) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/api/v1/writs/batch", "query_string": b"",
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()], "root_path": ""}


def test_a_declared_oversize_body_is_refused_without_reading_it() -> None:
    peer = Recorder([b"x" * 100])
    limit = BodyLimit(peer.app, max_bytes=10)
    asyncio.run(limit(scope({"content-length": str(200 * 1024 * 1024)}), peer.receive, peer.send))
    assert peer.reads == 0 and not peer.called
    start = peer.sent[0]
    assert start["status"] == 413 and (b"content-type", b"application/problem+json") in start["headers"]


def test_a_streamed_body_stops_at_the_first_chunk_past_the_limit() -> None:
    peer = Recorder([b"x" * 4] * 100)
    with pytest.raises(BodyTooLarge):
        asyncio.run(BodyLimit(peer.app, max_bytes=10)(scope({"transfer-encoding": "chunked"}), peer.receive, peer.send))
    assert peer.reads == 3  # 12 bytes read of 400: the limit plus at most one chunk


def test_a_body_at_the_limit_passes() -> None:
    peer = Recorder([b"x" * 5, b"x" * 5])
    asyncio.run(BodyLimit(peer.app, max_bytes=10)(scope({"content-length": "10"}), peer.receive, peer.send))
    assert peer.called and peer.reads == 2
