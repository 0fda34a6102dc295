"""The API documentation renders in a real browser with no network beyond loopback (no CDN)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Deployment
from tests.e2e.test_browser import CHROMIUM, launch

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")


def offline_page(browser, outside: list[str]):  # noqa: ANN001, ANN201 - Playwright objects
    """A page whose requests beyond loopback are refused and written down."""
    page = browser.new_page(locale="ru-RU")

    def only_loopback(route, request) -> None:  # noqa: ANN001
        if urlsplit(request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.route("**/*", only_loopback)
    return page


def test_swagger_ui_and_redoc_render_the_operations_offline(deployment: Deployment, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    server = deployment.start_server()
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = offline_page(browser, outside)
            page.goto(server + "/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert any("/api/v1/writs/batch" in p for p in paths), paths
            assert page.locator(".opblock").count() >= 10
            page.screenshot(path=str(tmp_path / "swagger.png"), full_page=False)

            page = offline_page(browser, outside)
            page.goto(server + "/redoc")
            page.get_by_role("heading", name="signed writs").first.wait_for(timeout=20_000)  # a substring
            assert page.locator("h1").first.inner_text().startswith("Bailiff API")
            page.screenshot(path=str(tmp_path / "redoc.png"), full_page=False)
        finally:
            browser.close()
    # Swagger UI asks nothing of the outside; ReDoc's footer tries Redocly's logo and hides it when that
    # fails, as here. The pages render either way.
    assert set(outside) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}, outside
