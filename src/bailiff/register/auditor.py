"""An independent auditor of a register: checks what a server claims using only public data.

It trusts nothing the server computes: it recomputes the document hash, the leaf hash, and
verifies proofs against a tree head whose signature it checks with the service's public key.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bailiff.core import merkle
from bailiff.core.crypto import SCHEMES, canonical_json, document_hash, key_id, public_der_from_pem
from bailiff.core.translog import tree_head_message


@dataclass
class Report:
    """Checks made and their outcome."""

    checks: list[dict[str, Any]] = field(default_factory=list)

    def add(self, name: str, ok: bool, detail: str) -> bool:
        """Record one check."""
        self.checks.append({"check": name, "ok": ok, "detail": detail})
        return ok

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(c["ok"] for c in self.checks)


class Auditor:
    """Talks to one server's public endpoints."""

    def __init__(self, server: str, *, service_key_pem: bytes | None = None, client: httpx.Client | None = None):
        self.base = server.rstrip("/")
        self.client = client or httpx.Client(timeout=30)
        self.pinned_key = public_der_from_pem(service_key_pem) if service_key_pem else None

    def _get(self, path: str, **params: Any) -> Any:
        try:
            response = self.client.get(self.base + path, params=params)
        except httpx.TransportError as exc:  # refused, timed out, no such host: one line, as intake says it
            raise ValueError(f"{self.base}: server unreachable ({exc or type(exc).__name__})") from exc
        if response.status_code != 200:
            raise ValueError(f"GET {path}: HTTP {response.status_code} {response.text[:200]}")
        return response.json()

    def service_key(self, report: Report) -> bytes:
        """The key tree heads must be signed with: pinned, or fetched (trust on first use)."""
        if self.pinned_key is not None:
            return self.pinned_key
        served = self._get("/api/v1/log/public-key")
        der = public_der_from_pem(served["public_key_pem"].encode())
        report.add("service_key", key_id(der) == served["key_id"],
                   f"fetched from the server (not pinned): key id {served['key_id'][:16]}...")
        return der

    def check_tree_head(self, head: dict[str, Any], key_der: bytes, report: Report, name: str) -> bool:
        """Verify a tree head's signature over its TLS-encoded TreeHeadDataV2."""
        try:
            message = tree_head_message(timestamp=int(head["timestamp"]), tree_size=int(head["tree_size"]),
                                        root_hash=bytes.fromhex(head["root_hash"]))
            signature = base64.b64decode(head["signature"], validate=True)
            ok = SCHEMES["Ed25519"].verify(key_der, signature, message) and head["key_id"] == key_id(key_der)
        except (KeyError, ValueError, TypeError):
            ok = False
        return report.add(name, ok, f"tree size {head.get('tree_size')}, root {str(head.get('root_hash'))[:16]}...")

    def audit(self, *, envelope: dict[str, Any] | None = None, issuer_key_pem: bytes | None = None,
              saved_head: dict[str, Any] | None = None) -> tuple[Report, dict[str, Any]]:
        """Run every check that the given inputs allow; returns the report and the current tree head."""
        report = Report()
        key_der = self.service_key(report)
        head = self._get("/api/v1/log/tree-head")
        if not self.check_tree_head(head, key_der, report, "tree_head.signature"):
            return report, head
        root = bytes.fromhex(head["root_hash"])
        if envelope is not None:
            self._check_writ(envelope, issuer_key_pem, head["tree_size"], root, report)
        if saved_head is not None:
            self._check_consistency(saved_head, head, key_der, report)
        return report, head

    def _check_writ(self, envelope: dict[str, Any], issuer_key_pem: bytes | None, size: int, root: bytes,
                    report: Report) -> None:
        document = envelope["document"]
        if issuer_key_pem is not None:
            der = public_der_from_pem(issuer_key_pem)
            try:
                signature = base64.b64decode(envelope["signature"]["value"], validate=True)
                ok = SCHEMES["Ed25519"].verify(der, signature, canonical_json(document))
            except (KeyError, ValueError):
                ok = False
            report.add("writ.signature", ok, "issuer's Ed25519 signature over the RFC 8785 document")
        digest = document_hash(document).hex()
        try:
            found = self._get("/api/v1/writs", document_hash=digest)
        except ValueError as exc:
            report.add("writ.registered", False, f"document hash {digest[:16]}... not found ({exc})")
            return
        leaf_index = int(found["leaf_index"])
        leaf_data = base64.b64decode(self._get(f"/api/v1/log/leaves/{leaf_index}")["leaf_data"])
        leaf = json.loads(leaf_data)
        report.add("writ.leaf_names_document", leaf.get("document_hash") == digest
                   and leaf.get("register_number") == found["register_number"],
                   f"leaf {leaf_index} records {found['register_number']} with this document hash")
        proof = self._get("/api/v1/log/proofs/inclusion", leaf_index=leaf_index, tree_size=size)
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        ok = merkle.verify_inclusion(merkle.leaf_hash(leaf_data), leaf_index, size, path, root)
        report.add("writ.inclusion", ok, f"leaf {leaf_index} is in the signed tree of size {size}")

    def _check_consistency(self, saved: dict[str, Any], head: dict[str, Any], key_der: bytes, report: Report) -> None:
        if not self.check_tree_head(saved, key_der, report, "saved_tree_head.signature"):
            return
        first, second = int(saved["tree_size"]), int(head["tree_size"])
        if first > second:
            report.add("log.consistency", False, f"the log shrank from {first} to {second} leaves")
            return
        if first == 0:
            report.add("log.consistency", True, "the saved tree was empty")
            return
        proof = self._get("/api/v1/log/proofs/consistency", first=first, second=second)["proof"]
        ok = merkle.verify_consistency(first, second, bytes.fromhex(saved["root_hash"]),
                                       bytes.fromhex(head["root_hash"]), [bytes.fromhex(h) for h in proof])
        report.add("log.consistency", ok, f"tree of size {first} is a prefix of tree of size {second}")


def load_json(path: Path) -> dict[str, Any]:
    """Read a JSON file (ValueError with the file name if it is not JSON)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not JSON ({exc})") from exc
