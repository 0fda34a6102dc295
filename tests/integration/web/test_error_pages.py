"""A page's errors are pages (Russian first, English on request), never raw JSON in the browser."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bailiff.core.db import Database
from tests.conftest import Issuer, make_org

STAFF_PAGES = ["/commission", "/workbench/77001-001", "/offices/77001", "/identity/reviews", "/identity/reviews/1"]
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def signed_in(org: Issuer, **headers: str) -> dict[str, str]:
    return {"Cookie": f"bailiff_token={org.token}", **BROWSER, **headers}


def is_page(answer) -> bool:  # noqa: ANN001 - an httpx response
    return answer.headers["content-type"].startswith("text/html") and answer.text.startswith("<!doctype html>")


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_page_opened_with_the_wrong_role_is_a_forbidden_page(web: TestClient, database: Database,
                                                                path: str) -> None:
    court = make_org(database, "court")
    ru = web.get(path, headers=signed_in(court))
    assert ru.status_code == 403 and is_page(ru)
    assert '<html lang="ru">' in ru.text and "Недостаточно прав" in ru.text
    assert 'data-type="/problems/forbidden"' in ru.text
    assert f'href="/login?next={path.replace("/", "%2F")}"' in ru.text  # sign in as someone else
    en = web.get(path + "?lang=en", headers=signed_in(court))
    assert en.status_code == 403 and is_page(en) and "Not allowed for this actor" in en.text
    accepted = web.get(path, headers=signed_in(court, **{"Accept-Language": "en-US,en;q=0.9"}))
    assert '<html lang="en">' in accepted.text and "Not allowed for this actor" in accepted.text


def test_a_form_posted_with_the_wrong_role_answers_with_a_page(web: TestClient, database: Database) -> None:
    court = make_org(database, "court")
    answer = web.post("/commission/1", headers=signed_in(court), data={"decision": "grant", "reason": "x"})
    assert answer.status_code == 403 and is_page(answer)


def test_a_form_that_breaks_a_rule_lists_the_fields_on_a_page(web: TestClient, database: Database) -> None:
    staff = make_org(database, "bailiff_service")
    answer = web.post("/offices/77001/suspension", headers=signed_in(staff),
                      data={"starts_on": "not a date", "ends_on": "2026-12-07"})
    assert answer.status_code == 422 and is_page(answer)
    assert "Входные данные нарушают одно или несколько правил" in answer.text
    assert 'data-field="starts_on" data-rule="schema.date_from_datetime_parsing"' in answer.text
    assert 'data-field="reason" data-rule="schema.missing"' in answer.text


def test_a_missing_record_on_a_page_is_a_not_found_page(web: TestClient, database: Database) -> None:
    staff = make_org(database, "bailiff_service")
    answer = web.get("/identity/reviews/987654321", headers=signed_in(staff))
    assert answer.status_code == 404 and is_page(answer) and "Такой страницы или записи нет" in answer.text


def test_a_browser_on_an_unknown_path_gets_a_page_and_a_program_gets_json(web: TestClient) -> None:
    page = web.get("/no-such-page", headers=BROWSER)
    assert page.status_code == 404 and is_page(page) and "Не найдено" in page.text
    assert web.get("/no-such-page").headers["content-type"] == "application/problem+json"
    assert web.get("/api/v1/no-such-thing", headers=BROWSER).headers["content-type"] == "application/problem+json"


def test_the_api_answers_the_same_actor_with_problem_json(web: TestClient, database: Database) -> None:
    court = make_org(database, "court")
    answer = web.get("/api/v1/identity/reviews", headers={**court.headers, **BROWSER})
    assert answer.status_code == 403 and answer.headers["content-type"] == "application/problem+json"
