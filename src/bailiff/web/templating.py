"""Server-rendered pages (Jinja2): they work without JavaScript."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bailiff.web.i18n import language, translator

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent / "templates"))


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render a template in the reader's language."""
    lang = language(request)
    response = TEMPLATES.TemplateResponse(
        request, name, {**context, "t": translator(lang), "lang": lang,
                        "other_lang": "en" if lang == "ru" else "ru"}, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
    return response
