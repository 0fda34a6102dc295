"""A ceiling on request bodies: a larger one is refused with 413 before more than the limit is read.

The pinned FastAPI has a `max_body_size` of its own, but it answers a declared oversize body with a
plain-text 413 whatever the application's handlers say; ours answers in problem+json (or an error
page), like every other refusal.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bailiff.web.problems import problem_response, too_large


class BodyTooLarge(HTTPException):
    """The body outgrew the limit while it was read (a chunked body declares no length)."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


class BodyLimit:
    """ASGI middleware: refuse bodies over `max_bytes`, by Content-Length at once, else while counting."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            request = Request(scope)
            await problem_response(request, too_large(request, self.max_bytes))(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()  # answered by the problem handler of 413 (bailiff.web.problems)
            return message

        await self.app(scope, counted, send)
