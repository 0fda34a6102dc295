"""A domain error as a page's form shows it: the detail and every broken rule, named."""

from __future__ import annotations

from bailiff.core.errors import FieldError, ValidationFailed


def test_a_form_error_names_each_field_and_rule() -> None:
    exc = ValidationFailed("the period cannot be filed", errors=[
        FieldError("ends_on", "period.order", "the period ends before it starts"),
        FieldError("reason", "reason.required", "say why")])
    assert exc.explained() == ("the period cannot be filed — ends_on: the period ends before it starts (period.order); "
                               "reason: say why (reason.required)")
    assert ValidationFailed("plain").explained() == "plain"
