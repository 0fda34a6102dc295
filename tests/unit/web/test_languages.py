"""The reader's language from Accept-Language, and problem titles in Russian for every kind of error."""

from __future__ import annotations

import pytest

import bailiff.app  # noqa: F401 - imports every context, so that every error class is known
from bailiff.core.errors import BailiffError
from bailiff.web.i18n import MESSAGES, preferred, problem_title


@pytest.mark.parametrize(("header", "expected"), [
    ("ru", "ru"), ("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("en-US,en;q=0.9", "en"),
    ("en;q=0.1, ru;q=0.9", "ru"), ("ru;q=0.2, en", "en"), ("de, en;q=0.5", "en"), ("de, fr", None),
    ("", None), ("*", None), ("en;q=0", None), ("ru;q=oops, en;q=0.3", "en"), ("EN-gb", "en"),
])
def test_the_language_weighed_highest_wins(header: str, expected: str | None) -> None:
    assert preferred(header) == expected


def _error_classes(cls: type[BailiffError] = BailiffError) -> list[type[BailiffError]]:
    return [cls, *(sub for child in cls.__subclasses__() for sub in _error_classes(child))]


@pytest.mark.parametrize("error", _error_classes(), ids=lambda cls: cls.slug)
def test_every_problem_type_has_a_russian_title(error: type[BailiffError]) -> None:
    assert f"problem.{error.slug}" in MESSAGES["ru"], f"give it a Russian title: 'problem.{error.slug}' in web/i18n.py"
    assert problem_title("ru", f"/problems/{error.slug}", error.status, error.title) != error.title
    assert problem_title("en", f"/problems/{error.slug}", error.status, error.title) == error.title


def test_a_bare_http_error_is_titled_by_its_status() -> None:
    assert problem_title("ru", "about:blank", 404, "Not Found") == "Не найдено"
    assert problem_title("en", "about:blank", 404, "Not Found") == "Not Found"
    assert problem_title("ru", "about:blank", 418, "I'm a Teapot") == "I'm a Teapot"  # no translation: as is
