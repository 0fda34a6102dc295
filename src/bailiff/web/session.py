"""Sign-in for staff pages: the organisation's API token kept in an HttpOnly, SameSite=Strict cookie.

SameSite=Strict means a form on another site cannot make a signed-in browser post here (CSRF).
"""

from __future__ import annotations

from typing import Annotated

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
    """A staff page was opened without a valid sign-in; answered with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def page_actor(request: Request) -> Actor:
    """The signed-in organisation of a staff page."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise LoginRequired(request.url.path)
    try:
        with get_database(request).reading() as session:
            return orgs.authenticate(session=session, token=token)
    except Unauthorized as exc:
        raise LoginRequired(request.url.path) from exc


PageActor = Annotated[Actor, Depends(page_actor)]


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002 - the usual name
    return render(request, "login.html", {"next": next if next.startswith("/") else "/", "error": False})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/") -> HTMLResponse:  # noqa: A002
    try:
        with get_database(request).reading() as session:
            orgs.authenticate(session=session, token=token.strip())
    except Unauthorized:
        return render(request, "login.html", {"next": next, "error": True}, status_code=401)
    response = RedirectResponse(next if next.startswith("/") else "/", status_code=303)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict", max_age=8 * 3600)
    return response  # type: ignore[return-value]


@router.post("/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE)
    return response
