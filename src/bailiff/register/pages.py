"""HTML pages of the register: public verification of a writ."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from bailiff.core.errors import NotFound
from bailiff.register import service
from bailiff.web.deps import ReadSession
from bailiff.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/verify/{register_number}", response_class=HTMLResponse)
def verify_page(register_number: str, request: Request, session: ReadSession) -> HTMLResponse:
    try:
        data = service.verification(session=session, register_number=register_number)
    except NotFound:
        return render(request, "register/verify.html", {"data": None, "register_number": register_number},
                      status_code=404)
    return render(request, "register/verify.html", {"data": data, "register_number": register_number})


@router.get("/verify", response_class=HTMLResponse)
def verify_form(request: Request, number: str | None = None) -> HTMLResponse:
    if number:
        from fastapi.responses import RedirectResponse

        return RedirectResponse(f"/verify/{number.strip()}", status_code=303)  # type: ignore[return-value]
    return render(request, "register/verify_form.html", {})
