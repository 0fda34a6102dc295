"""Where sign-in may send a browser back to: paths on this site only."""

from __future__ import annotations

import pytest

from bailiff.web.session import safe_next


@pytest.mark.parametrize("target", ["/", "/commission", "/workbench/77001-001?lang=en", "/verify/RU-2026-000000001",
                                    "/identity/reviews/7", "/a:b", "/%2F%2Fevil.example"])
def test_a_path_on_this_site_is_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", [
    "//evil.example/", "///evil.example", "/\\evil.example", "/\\/evil.example", "/x\\..\\\\evil.example",
    "https://evil.example/", "javascript:alert(1)", "evil.example", "", None, "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\x00", "/\x7f",
])
def test_anything_that_can_leave_the_site_falls_back_to_the_home_page(target: str | None) -> None:
    assert safe_next(target) == "/"
