"""The OpenAPI document, made whole: schemas that routes embed keep their `$defs` where `$ref` finds them.

A pydantic `model_json_schema()` placed in a route's `openapi_extra` carries its own `$defs` and refers
to them as `#/$defs/Name`, which in the OpenAPI document points at its root, where there is no `$defs`:
ReDoc then shows only "Invalid reference token: $defs" and Swagger UI cannot resolve the body schema.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

LOCAL = "#/$defs/"
COMPONENTS = "#/components/schemas/"


def hoist_defs(document: dict[str, Any]) -> dict[str, Any]:
    """Move every nested `$defs` into components/schemas and point their references there."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            for name, schema in node.pop("$defs", {}).items():
                schemas.setdefault(name, schema)
                visit(schema)
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(LOCAL):
                node["$ref"] = COMPONENTS + ref.removeprefix(LOCAL)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(document.get("paths", {}))
    return document


def install(app: FastAPI) -> None:
    """Serve the document with its embedded schemas' definitions hoisted (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = hoist_defs(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
