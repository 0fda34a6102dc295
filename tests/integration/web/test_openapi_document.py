"""The OpenAPI document: embedded schemas' definitions are where their references point."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from bailiff.web.openapi import hoist_defs


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for v in node.values() for r in _refs(v)]
    return [r for v in node for r in _refs(v)] if isinstance(node, list) else []


def test_every_reference_of_the_openapi_document_resolves(web: TestClient) -> None:
    document = web.get("/openapi.json").json()
    refs = set(_refs(document))
    assert "#/components/schemas/Signature" in refs  # the envelope's, embedded by the intake routes
    for ref in refs:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            assert part in node, f"{ref} does not resolve"
            node = node[part]


def test_hoisting_moves_nested_definitions_and_their_references() -> None:
    document = {"paths": {"/x": {"post": {"requestBody": {"schema": {
        "properties": {"s": {"$ref": "#/$defs/S"}}, "$defs": {"S": {"properties": {"t": {"$ref": "#/$defs/T"}}},
                                                            "T": {"type": "string"}}}}}}}}
    hoisted = hoist_defs(document)
    assert hoisted["components"]["schemas"]["S"] == {"properties": {"t": {"$ref": "#/components/schemas/T"}}}
    assert hoisted["paths"]["/x"]["post"]["requestBody"]["schema"] == {
        "properties": {"s": {"$ref": "#/components/schemas/S"}}}
