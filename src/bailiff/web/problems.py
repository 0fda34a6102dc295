"""RFC 9457 problem+json: every error a caller can cause is answered in this one shape."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bailiff.core.errors import BailiffError

MEDIA_TYPE = "application/problem+json"


def problem_response(body: dict[str, Any]) -> JSONResponse:
    """A JSON response with the problem media type."""
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE)


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def install(app: FastAPI) -> None:
    """Map domain errors, request validation and HTTP errors to problem+json."""

    @app.exception_handler(BailiffError)
    async def _domain(request: Request, exc: BailiffError) -> JSONResponse:
        body = exc.problem()
        body["instance"] = request.url.path
        return problem_response(body)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _loc(tuple(e["loc"])), "rule": f"schema.{e['type']}", "message": e["msg"]}
                  for e in exc.errors()]
        return problem_response({"type": "/problems/validation", "title": "The input breaks one or more rules",
                                 "status": 422, "detail": f"{len(errors)} field(s) failed validation",
                                 "errors": errors, "instance": request.url.path})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response({"type": "about:blank", "title": str(exc.detail), "status": exc.status_code,
                                 "detail": str(exc.detail), "instance": request.url.path})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Nothing was committed (the transaction ends before the response, see web.deps); the
        # exception itself is logged by the server, the caller learns only that it may retry.
        return problem_response({"type": "/problems/internal", "title": "Internal error", "status": 500,
                                 "detail": "the request was not carried out; nothing was stored, retry later",
                                 "instance": request.url.path})
