"""problem+json in the reader's language: titles and this layer's details; fields and rules unchanged."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bailiff.core.db import Database
from tests.conftest import make_org

RU, EN = {"Accept-Language": "ru-RU,ru;q=0.9"}, {"Accept-Language": "en-GB,en;q=0.9,ru;q=0.5"}


def test_authentication_required_in_russian_and_in_english(web: TestClient) -> None:
    ru = web.post("/api/v1/writs", json={}, headers=RU)
    assert ru.status_code == 401 and ru.headers["content-type"] == "application/problem+json"
    assert ru.json()["title"] == "Требуется аутентификация"
    assert "Authorization: Bearer" in ru.json()["detail"] and "API-токен" in ru.json()["detail"]
    assert ru.headers["content-language"] == "ru"
    en = web.post("/api/v1/writs", json={}, headers=EN)
    assert en.json()["title"] == "Authentication required"
    assert en.json()["detail"] == "send the organisation's API token as 'Authorization: Bearer <token>'"
    assert en.headers["content-language"] == "en"
    assert {ru.json()["type"], en.json()["type"]} == {"/problems/unauthorized"}


def test_russian_when_no_language_is_asked_for_as_on_pages(web: TestClient) -> None:
    assert web.post("/api/v1/writs", json={}).json()["title"] == "Требуется аутентификация"


def test_validation_keeps_fields_and_rules_whatever_the_language(web: TestClient) -> None:
    url = "/api/v1/log/proofs/inclusion?leaf_index=-1&tree_size=0"
    ru, en = web.get(url, headers=RU).json(), web.get(url, headers=EN).json()
    assert ru["title"] == "Входные данные нарушают одно или несколько правил"
    assert ru["detail"] == "полей с ошибками: 2"
    assert en["title"] == "The input breaks one or more rules" and en["detail"] == "2 field(s) failed validation"
    assert ru["errors"] == en["errors"]
    assert {(e["field"], e["rule"]) for e in en["errors"]} == {
        ("leaf_index", "schema.greater_than_equal"), ("tree_size", "schema.greater_than_equal")}


def test_a_body_that_is_not_json_in_both_languages(web: TestClient, database: Database) -> None:
    court = make_org(database, "court")
    ru = web.post("/api/v1/writs", content=b"{not json", headers={**court.headers, **RU}).json()
    en = web.post("/api/v1/writs", content=b"{not json", headers={**court.headers, **EN}).json()
    assert ru["detail"] == "тело запроса не является корректным JSON"
    assert en["detail"] == "the body is not valid JSON"
    assert ru["errors"][0]["rule"] == en["errors"][0]["rule"] == "json.syntax"


def test_an_unknown_api_path_and_a_wrong_method(web: TestClient) -> None:
    missing = web.get("/api/v1/no-such-thing", headers=RU)
    assert missing.status_code == 404 and missing.json()["title"] == missing.json()["detail"] == "Не найдено"
    assert web.get("/api/v1/no-such-thing", headers=EN).json()["title"] == "Not Found"
    wrong = web.delete("/api/v1/log/tree-head", headers=RU)
    assert wrong.status_code == 405 and wrong.json()["title"] == "Метод не разрешён"
    assert "GET" in wrong.headers["allow"]  # the HTTP error's own headers are kept
