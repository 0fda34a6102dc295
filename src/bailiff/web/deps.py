"""Typed dependencies: database sessions, the current actor, settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bailiff.core.actor import Actor
from bailiff.core.crypto import SigningKey
from bailiff.core.db import Database
from bailiff.core.errors import FieldError, Unauthorized, ValidationFailed
from bailiff.jurisdictions import Profile
from bailiff.orgs import service as orgs
from bailiff.web.i18n import text

T = TypeVar("T")

_bearer = HTTPBearer(auto_error=False, description="The organisation's API token")


def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_profile(request: Request) -> Profile:
    return request.app.state.profile


async def get_service_key(request: Request) -> SigningKey:
    return request.app.state.service_key


def get_db(request: Request) -> Iterator[Session]:
    """A session whose transaction commits when the handler returns without error."""
    with get_database(request).transaction() as session:
        yield session


async def in_read_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run `work` in a read-only session, session and all in one worker thread.

    For public read endpoints that need the ORM (a writ's verification): a sync dependency plus a
    sync handler cost three hops between the event loop and the thread pool per request.
    A read whose pooled connection turns out to be dead runs once more (`Database.read`).
    """
    return await run_in_threadpool(get_database(request).read, work)


async def in_plain_read(request: Request, work: Callable[[Connection], T]) -> T:
    """As `in_read_session`, on a bare read-only connection (`Database.read_plain`): the public log's
    endpoints, plain SQL on the request path of every auditor."""
    return await run_in_threadpool(get_database(request).read_plain, work)


def get_read_db(request: Request) -> Iterator[Session]:
    """A read-only session (never waits for writers on SQLite)."""
    with get_database(request).reading() as session:
        yield session


# scope="function": the transaction ends (commits, or fails and answers with a problem) before the
# response leaves. With FastAPI's default "request" scope the commit would run after the client had
# already been told "registered": a failed commit would then lose an accepted writ, and a client's
# next request could miss what it was just told exists.
DbSession = Annotated[Session, Depends(get_db, scope="function")]
ReadSession = Annotated[Session, Depends(get_read_db, scope="function")]
CurrentProfile = Annotated[Profile, Depends(get_profile)]
ServiceKey = Annotated[SigningKey, Depends(get_service_key)]


def get_actor(request: Request,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Actor:
    """The organisation behind the bearer token."""
    if credentials is None:
        raise Unauthorized(text(request, "detail.bearer"))
    with get_database(request).reading() as session:
        return orgs.authenticate(session=session, token=credentials.credentials)


CurrentActor = Annotated[Actor, Depends(get_actor)]


async def raw_json(request: Request) -> Any:
    """The request body parsed with orjson (large batches skip the slower generic path)."""
    body = await request.body()
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed(text(request, "detail.json"),
                               errors=[FieldError("body", "json.syntax", str(exc))]) from exc


RawJson = Annotated[Any, Depends(raw_json)]
