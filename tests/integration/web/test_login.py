"""Sign-in: a token in an HttpOnly cookie, then back to the page asked for, never to another site."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bailiff.core.db import Database
from tests.conftest import make_org

OUTSIDE = ["//evil.example/", "/\\evil.example/", "https://evil.example/", "/\t/evil.example/"]


@pytest.mark.parametrize("target", OUTSIDE)
def test_the_form_does_not_carry_a_link_to_another_site(web: TestClient, target: str) -> None:
    page = web.get("/login", params={"next": target})
    assert page.status_code == 200
    assert 'name="next" value="/"' in page.text


@pytest.mark.parametrize("target", OUTSIDE)
def test_signing_in_never_redirects_to_another_site(web: TestClient, database: Database, target: str) -> None:
    staff = make_org(database, "bailiff_service")
    answer = web.post("/login", data={"token": staff.token, "next": target}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_a_failed_sign_in_keeps_only_a_safe_next(web: TestClient) -> None:
    page = web.post("/login", data={"token": "wrong", "next": "//evil.example/"})
    assert page.status_code == 401
    assert "evil.example" not in page.text


def test_signing_in_returns_to_the_page_asked_for_with_its_query(web: TestClient, database: Database) -> None:
    staff = make_org(database, "bailiff_service")
    asked = web.get("/commission?lang=en", follow_redirects=False)
    assert asked.status_code == 303
    form = web.get(asked.headers["location"])
    assert 'name="next" value="/commission?lang=en"' in form.text
    answer = web.post("/login", data={"token": staff.token, "next": "/commission?lang=en"}, follow_redirects=False)
    assert answer.headers["location"] == "/commission?lang=en"
