"""The API documentation is served from this deployment: Swagger UI and ReDoc without a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_and_redoc_load_their_scripts_from_this_site(web: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = web.get(page).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets and all(a.startswith("/static/api-docs/") for a in assets), assets
        assert "cdn." not in html and "fonts.googleapis" not in html
        for asset in assets:
            assert web.get(asset).status_code == 200
