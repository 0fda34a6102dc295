"""Sign-in for staff pages: the organisation's API token kept in an HttpOnly, SameSite=Strict cookie.

SameSite=Strict means a form on another site cannot make a signed-in browser post here (CSRF).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from bailiff.core.actor import Actor
from bailiff.core.errors import Unauthorized
from bailiff.orgs import service as orgs
from bailiff.web.deps import get_database
from bailiff.web.templating import render

COOKIE = "bailiff_token"
router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """A staff page was opened without a valid sign-in; answered with a redirect to `login_url`."""

    def __init__(self, login_url: str) -> None:
        self.login_url = login_url


def page_actor(request: Request) -> Actor:
    """The signed-in organisation of a staff page."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise LoginRequired(login_url(request))
    try:
        with get_database(request).reading() as session:
            return orgs.authenticate(session=session, token=token)
    except Unauthorized as exc:
        raise LoginRequired(login_url(request)) from exc


PageActor = Annotated[Actor, Depends(page_actor)]


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else "/": a sign-in link must not lead elsewhere.

    Browsers read "//host", "/\\host" and "/<tab>/host" as another host (they drop tabs and
    newlines, and take a backslash for a slash), so a path starting with "/" is not enough.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


def login_url(request: Request) -> str:
    """The sign-in page, coming back to the page asked for (its query kept)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(here, safe="")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 - the usual name
    return render(request, "login.html", {"next": safe_next(next), "error": False})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> HTMLResponse:  # noqa: A002
    try:
        with get_database(request).reading() as session:
            orgs.authenticate(session=session, token=token.strip())
    except Unauthorized:
        return render(request, "login.html", {"next": safe_next(next), "error": True}, status_code=401)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict", max_age=8 * 3600)
    return response  # type: ignore[return-value]


@router.post("/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response
