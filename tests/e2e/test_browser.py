"""Pages in a real browser (Debian's Chromium driven by Playwright): public verification, staff workbench."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import EXAMPLE
from tests.e2e.conftest import Deployment

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")


def launch(pw: Any) -> Any:
    """Debian's Chromium, headless, with nothing that would reach beyond loopback."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"])


def test_citizen_verifies_a_writ_by_number(deployment: Deployment, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    court = deployment.add_court("MS-77-0123")
    envelope = deployment.cli("writ", "sign", "--key", str(court["keys"] / "private.pem"), str(EXAMPLE)).stdout
    server = deployment.start_server()
    number = httpx.post(server + "/api/v1/writs", content=envelope,
                        headers={"Authorization": f"Bearer {court['token']}"}).json()["register_number"]
    document_hash = json.loads(httpx.get(f"{server}/api/v1/writs/{number}/verification").text)["document_hash"]
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            # A citizen's browser in Russian; the pages work without JS.
            page = browser.new_page(java_script_enabled=False, locale="ru-RU")
            page.goto(server + "/")
            assert page.locator("h1").inner_text() == "Бейлиф — исполнение судебных решений"
            page.fill("#number", number)
            page.click("button[type=submit]")
            page.wait_for_url(f"**/verify/{number}")
            assert page.locator("#status").get_attribute("data-status") == "registered"
            assert page.locator("#status").inner_text() == "зарегистрирован"
            assert page.locator("#document-hash").inner_text() == document_hash
            assert "Иванова" not in page.content()  # no personal data on a public page
            page.screenshot(path=str(tmp_path / "verify-ru.png"), full_page=True)
            page.click("text=English")
            assert page.locator("#status").inner_text() == "registered"
            page.goto(server + "/verify/RU-2026-999999999")
            assert "No writ with this number" in page.locator("[role=alert]").inner_text()
        finally:
            browser.close()


def test_bailiff_signs_in_and_sees_the_workbench(deployment: Deployment) -> None:
    from playwright.sync_api import sync_playwright

    summary = json.loads(deployment.cli("demo", "--writs", "120", "--no-serve").stdout)
    token = json.loads(Path(summary["tokens"]).read_text())["FSSP-RU"]
    number = summary["example_proceeding"]
    server = deployment.start_server()
    chosen = httpx.get(f"{server}/api/v1/assignments/{quote(number, safe='')}").json()["bailiff"]["bailiff_id"]
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(java_script_enabled=False, locale="ru-RU")
            page.goto(f"{server}/workbench/{chosen}")
            page.wait_for_url("**/login**")  # staff pages need a sign-in
            page.fill("input[name=token]", token)
            page.click("button[type=submit]")
            page.wait_for_url(f"**/workbench/{chosen}")
            row = page.locator(f"tr[data-number='{number}']")
            assert row.count() == 1
            assert row.get_attribute("data-todo") in ("deliver_order", "await_identity")
            assert page.locator("h1").inner_text().startswith("Рабочее место пристава")
        finally:
            browser.close()
