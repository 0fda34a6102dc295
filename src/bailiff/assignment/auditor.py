"""`bailiff verify-assignment`: recompute a proceeding's draw from public data only.

Trusts nothing the server computed: it reads the commit, reveal, anchor and result leaves from the
log, proves each is in the signed tree head, checks the beacon round against the chain's anchor,
checks that the commitment was logged before the round was revealed, and redraws.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

from bailiff.assignment import rules
from bailiff.assignment.beacon import verify_chain_round
from bailiff.core import merkle
from bailiff.register.auditor import Auditor, Report


class AssignmentAuditor(Auditor):
    """Checks one proceeding's draw against one server's public endpoints."""

    def verify(self, proceeding_number: str) -> Report:
        """Run every check; the report says which passed."""
        report = Report()
        key_der = self.service_key(report)
        head = self._get("/api/v1/log/tree-head")
        if not self.check_tree_head(head, key_der, report, "tree_head.signature"):
            return report
        size, root = int(head["tree_size"]), bytes.fromhex(head["root_hash"])
        claimed = self._get("/api/v1/assignments/" + quote(proceeding_number, safe=""))
        commit = self._leaf(int(claimed["commit"]["leaf_index"]), size, root, report, "commit")
        if commit is None:
            return report
        report.add("commit.names_proceeding", commit.get("event") == "assignment.committed"
                   and commit.get("proceeding") == proceeding_number,
                   f"leaf {claimed['commit']['leaf_index']} commits to {commit.get('proceeding')}")
        committed = rules.eligible_from_leaf(commit)
        report.add("commit.matches_record", commit["eligible"] == claimed["eligible"]
                   and commit["round"] == claimed["beacon"]["round"] and commit["beacon"] == claimed["beacon"]["source"],
                   f"{len(committed)} eligible, total weight {sum(e.weight for e in committed)}, "
                   f"round {commit['round']} of {commit['beacon']}")
        if claimed["status"] != "drawn":
            report.add("draw.done", False, "committed; the round has not been revealed yet")
            return report
        seed = self._beacon(commit, claimed, size, root, report)
        if seed is None:
            return report
        result = rules.draw(seed=seed, proceeding_number=proceeding_number, eligible=committed)
        logged = self._leaf(int(claimed["result"]["leaf_index"]), size, root, report, "result")
        if logged is None:
            return report
        report.add("result.recomputed", logged.get("bailiff_id") == result.bailiff_id
                   and logged.get("ctr") == result.ctr and int(logged.get("r", -1)) == result.r
                   and logged.get("commit_leaf") == int(claimed["commit"]["leaf_index"])
                   and (claimed.get("bailiff") or {}).get("bailiff_id") == result.bailiff_id,
                   f"recomputed: {result.bailiff_id} (ctr {result.ctr}, r {result.r} of {result.total_weight})")
        return report

    def _beacon(self, commit: dict[str, Any], claimed: dict[str, Any], size: int, root: bytes,
                report: Report) -> bytes | None:
        beacon = claimed["beacon"]
        if not str(commit["beacon"]).startswith("local-chain:"):
            report.add("beacon.kind", False, f"this auditor knows local hash chains, not {commit['beacon']}")
            return None
        anchor_leaf = self._leaf(int(beacon["anchor_leaf"]), size, root, report, "beacon.anchor")
        reveal_leaf = self._leaf(int(beacon["reveal_leaf"]), size, root, report, "beacon.reveal")
        if anchor_leaf is None or reveal_leaf is None:
            return None
        value = bytes.fromhex(reveal_leaf["value"])
        anchor = bytes.fromhex(anchor_leaf["anchor"])
        # The chain is the one the commitment itself named (its anchor and the leaf that logged it),
        # whatever chain the server's answer points at.
        report.add("beacon.committed_chain", anchor_leaf.get("event") == "beacon.anchored"
                   and commit.get("beacon_anchor_leaf") == int(beacon["anchor_leaf"])
                   and commit.get("beacon_anchor") == anchor.hex() and anchor_leaf.get("beacon") == commit["beacon"],
                   f"the commitment names the chain anchored at leaf {commit.get('beacon_anchor_leaf')}")
        report.add("beacon.chain", reveal_leaf.get("event") == "beacon.revealed"
                   and reveal_leaf.get("beacon") == commit["beacon"] and reveal_leaf.get("round") == commit["round"]
                   and verify_chain_round(anchor=anchor, round_=int(commit["round"]), value=value),
                   f"round {commit['round']} hashes back to the anchor logged at leaf {beacon['anchor_leaf']}")
        report.add("beacon.order", int(beacon["anchor_leaf"]) < int(claimed["commit"]["leaf_index"])
                   < int(beacon["reveal_leaf"]),
                   f"anchor (leaf {beacon['anchor_leaf']}) < commit (leaf {claimed['commit']['leaf_index']}) "
                   f"< reveal (leaf {beacon['reveal_leaf']}): the list was fixed before the round existed")
        return value

    def _leaf(self, index: int, size: int, root: bytes, report: Report, name: str) -> dict[str, Any] | None:
        """A leaf's JSON, after proving it is in the signed tree."""
        data = base64.b64decode(self._get(f"/api/v1/log/leaves/{index}")["leaf_data"])
        proof = self._get("/api/v1/log/proofs/inclusion", leaf_index=index, tree_size=size)
        ok = merkle.verify_inclusion(merkle.leaf_hash(data), index, size,
                                     [bytes.fromhex(h) for h in proof["audit_path"]], root)
        report.add(f"{name}.inclusion", ok, f"leaf {index} is in the signed tree of size {size}")
        return json.loads(data) if ok else None
