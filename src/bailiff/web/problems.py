"""RFC 9457 problem+json: every error a caller can cause is answered in this one shape.

The title, and the details this layer writes itself, are in the reader's language, chosen as for
pages (`bailiff.web.i18n.language`: ?lang=, the lang cookie, Accept-Language, else Russian; RFC 9457
§3.1.3 allows a localised title). `type`, `status`, `errors[].field` and `errors[].rule` never
change with the language: clients parse those. A details sentence written by a context (the domain
error's own) stays as written. A page (a route that answers HTML, or a browser on a path outside
/api/ that matched no route) gets the same problem as an HTML error page rather than raw JSON.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from bailiff.core.errors import BailiffError, FieldError, ValidationFailed
from bailiff.web.i18n import MESSAGES, language, problem_title, text
from bailiff.web.session import login_url
from bailiff.web.templating import render

MEDIA_TYPE = "application/problem+json"


class RequestTooLarge(BailiffError):
    """A request body over the deployment's limit (`Settings.max_request_bytes`, bailiff.web.limits)."""

    status = 413
    slug = "request-too-large"
    title = "The request body is too large"


def too_large(request: Request, max_bytes: int) -> dict[str, Any]:
    """The problem of a body over `max_bytes`, naming the limit for the caller to split its batch by."""
    return RequestTooLarge(text(request, "detail.too_large", limit=max_bytes), max_bytes=max_bytes).problem()


def wants_page(request: Request) -> bool:
    """Whether this request's error is read by a person in a browser rather than by a program."""
    route = request.scope.get("route")
    if route is not None:
        answers = getattr(route, "response_class", None)
        answers = getattr(answers, "value", answers)  # FastAPI wraps a default response class
        return isinstance(answers, type) and issubclass(answers, HTMLResponse)
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _explanation(status: int) -> str:
    """The message key of the sentence an error page opens with."""
    key = f"error.explain.{status}"
    return key if key in MESSAGES["ru"] else ("error.explain.5xx" if status >= 500 else "error.explain.4xx")


def problem_response(request: Request, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """The problem in the reader's language: problem+json, or an error page where a page was asked for."""
    lang = language(request)
    body = {**body, "title": problem_title(lang, body["type"], body["status"], body["title"])}
    body.setdefault("instance", request.url.path)
    if wants_page(request):
        page = render(request, "error.html", {"problem": body, "explain": _explanation(body["status"]),
                                              "sign_in": login_url(request)}, status_code=body["status"])
        page.headers.update(headers or {})
        return page
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE,
                        headers={**(headers or {}), "Content-Language": lang, "Vary": "Accept-Language"})


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def _http_body(request: Request, exc: StarletteHTTPException) -> dict[str, Any]:
    """A bare HTTP error (no route, wrong method, body too large): the status phrase, localised."""
    detail = str(exc.detail)
    try:
        phrase = HTTPStatus(exc.status_code).phrase
    except ValueError:  # a status Python does not name
        phrase = detail
    if detail == phrase:  # Starlette's own default detail: say it in the reader's language too
        detail = problem_title(language(request), "about:blank", exc.status_code, phrase)
    return {"type": "about:blank", "title": phrase, "status": exc.status_code, "detail": detail}


def install(app: FastAPI) -> None:
    """Map domain errors, request validation and HTTP errors to problem+json (error pages for pages)."""

    @app.exception_handler(BailiffError)
    async def _domain(request: Request, exc: BailiffError) -> Response:
        return problem_response(request, exc.problem())

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [FieldError(_loc(tuple(e["loc"])), f"schema.{e['type']}", e["msg"]) for e in exc.errors()]
        failed = ValidationFailed(text(request, "detail.validation", count=len(errors)), errors=errors)
        return problem_response(request, failed.problem())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 413:  # a body that outgrew the limit while it was read
            return problem_response(request, too_large(request, request.app.state.settings.max_request_bytes))
        return problem_response(request, _http_body(request, exc), headers=exc.headers)

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError) -> Response:
        # PostgreSQL cannot keep U+0000 in text or JSON: the request's own input, refused as such
        # (a writ's fields are checked by name before this; other bodies meet it only here).
        if "NUL" in str(exc.orig) or "\\u0000" in str(exc.orig):
            failed = ValidationFailed(text(request, "detail.validation", count=1), errors=[FieldError(
                "body", "text.control_character", "a text holds U+0000, which cannot be stored")])
            return problem_response(request, failed.problem())
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # Nothing was committed (the transaction ends before the response, see web.deps); the
        # exception itself is logged by the server, the caller learns only that it may retry.
        return problem_response(request, {"type": "/problems/internal", "title": "Internal error", "status": 500,
                                          "detail": text(request, "detail.internal")})
