"""The application factory: wires settings, database, service key, routers and error mapping."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy import func, select

import bailiff
from bailiff.config import Settings, load_settings
from bailiff.core import heap, translog
from bailiff.core.crypto import SigningKey
from bailiff.core.db import Database
from bailiff.jurisdictions import load_profile
from bailiff.assignment import api as assignment_api
from bailiff.assignment import pages as assignment_pages
from bailiff.identity import api as identity_api
from bailiff.identity import pages as identity_pages
from bailiff.proceedings import api as proceedings_api
from bailiff.register import api as register_api
from bailiff.register import pages as register_pages
from bailiff.register.models import Writ
from bailiff.web import openapi, problems, session
from bailiff.web.limits import BodyLimit
from bailiff.web.session import LoginRequired
from bailiff.web.templating import render


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """Build the ASGI app for one deployment (one jurisdiction, one database)."""
    settings = settings or load_settings()
    # Swagger UI and ReDoc from the package's own copies of their scripts (no CDN: no network at run time).
    app = FastAPIOffline(
        static_url="/static/api-docs",
        title="Bailiff API",
        version=bailiff.__version__,
        description="Register of writs of enforcement with electronic intake and an RFC 9162 transparency log.",
    )
    app.state.settings = settings
    app.state.database = database or Database(settings.database_url)
    app.state.profile = load_profile(settings.jurisdiction)
    app.state.service_key = SigningKey.load_or_create(settings.service_key_path)
    problems.install(app)
    openapi.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.include_router(register_api.router)
    app.include_router(register_pages.router)
    app.include_router(identity_api.router)
    app.include_router(proceedings_api.router)
    app.include_router(assignment_api.router)
    app.include_router(assignment_pages.router)
    app.include_router(identity_pages.router)
    app.include_router(session.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> RedirectResponse:
        return RedirectResponse(exc.login_url, status_code=303)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).resolve().parent / "web" / "static")), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        with app.state.database.reading() as session:
            writs = session.scalar(select(func.count()).select_from(Writ)) or 0
            size = translog.current_size(session)
        return render(request, "home.html", {"writs": writs, "tree_size": size})

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        with app.state.database.reading() as session:
            translog.current_size(session)
        return {"status": "ok"}

    return app


def create_server_app() -> FastAPI:
    """The factory `bailiff serve` hands to uvicorn: the app, with the process's heap settled."""
    app = create_app()
    heap.settle()  # the process's heap: see bailiff.core.heap
    return app


