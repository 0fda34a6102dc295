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
from bailiff.assignment.drand import QUICKNET, DrandChain, verify_round
from bailiff.assignment.drand import randomness as drand_randomness
from bailiff.core import merkle
from bailiff.core.crypto import SCHEMES, canonical_json
from bailiff.register.auditor import Auditor, Report


# A lead that ended hands its consolidated proceeding to a successor joined to it; the auditor
# follows such a chain of joins to the draw at its root, up to this many links.
MAX_SUCCESSION = 8


class AssignmentAuditor(Auditor):
    """Checks one proceeding's draw against one server's public endpoints."""

    def __init__(self, server: str, *, drand_chains: dict[str, DrandChain] | None = None,
                 saved_head: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        # The drand chains this auditor trusts, by chain hash: quicknet, and any passed in.
        self.drand_chains = {QUICKNET.chain_hash: QUICKNET, **(drand_chains or {})}
        # A tree head saved earlier (`bailiff verify --save-tree-head`): proves when leaves existed.
        self.saved_head = saved_head

    def verify(self, proceeding_number: str) -> Report:
        """Run every check; the report says which passed."""
        report = Report()
        key_der = self.service_key(report)
        head = self._get("/api/v1/log/tree-head")
        if not self.check_tree_head(head, key_der, report, "tree_head.signature"):
            return report
        size, root = int(head["tree_size"]), bytes.fromhex(head["root_hash"])
        if self.saved_head is not None:
            self._check_consistency(self.saved_head, head, key_der, report)
        self._verify(proceeding_number, size, root, key_der, report, depth=0)
        return report

    def _verify(self, proceeding_number: str, size: int, root: bytes, key_der: bytes, report: Report, *,
                depth: int, claimed: dict[str, Any] | None = None) -> str | None:
        """Check the latest assignment of one proceeding; returns the bailiff it was proven to give."""
        if claimed is None:
            claimed = self._get("/api/v1/assignments/" + quote(proceeding_number, safe=""))
        if claimed["kind"] == "join":
            return self._join(proceeding_number, claimed, size, root, key_der, report, depth=depth)
        if claimed["kind"] == "override":
            return self._override(proceeding_number, claimed, size, root, key_der, report)
        commit = self._leaf(int(claimed["commit"]["leaf_index"]), size, root, report, "commit")
        if commit is None:
            return None
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
            return None
        seed = self._beacon(commit, claimed, size, root, report)
        if seed is None:
            return None
        result = rules.draw(seed=seed, proceeding_number=proceeding_number, eligible=committed)
        logged = self._leaf(int(claimed["result"]["leaf_index"]), size, root, report, "result")
        if logged is None:
            return None
        report.add("result.recomputed", logged.get("bailiff_id") == result.bailiff_id
                   and logged.get("ctr") == result.ctr and int(logged.get("r", -1)) == result.r
                   and logged.get("commit_leaf") == int(claimed["commit"]["leaf_index"])
                   and (claimed.get("bailiff") or {}).get("bailiff_id") == result.bailiff_id,
                   f"recomputed: {result.bailiff_id} (ctr {result.ctr}, r {result.r} of {result.total_weight})")
        return result.bailiff_id

    def _join(self, proceeding_number: str, claimed: dict[str, Any], size: int, root: bytes, key_der: bytes,
              report: Report, *, depth: int) -> str | None:
        """A member of a consolidated proceeding: the leaf that grouped it, its join leaf, then the
        lead's own draw, which must be the assignment the join names."""
        join_index = int(claimed["result"]["leaf_index"])
        joined = self._leaf(join_index, size, root, report, "join")
        if joined is None:
            return None
        bailiff = (claimed.get("bailiff") or {}).get("bailiff_id")
        lead_number = str(joined.get("lead"))
        report.add("join.names_proceeding", joined.get("event") == "assignment.joined"
                   and joined.get("proceeding") == proceeding_number and joined.get("bailiff_id") == bailiff,
                   f"{proceeding_number} follows the consolidated proceeding led by {lead_number} (229-FZ art. 34)")
        grouped_index = joined.get("grouped_leaf")
        grouped = self._leaf(int(grouped_index), size, root, report, "join.grouped") \
            if isinstance(grouped_index, int) else None
        report.add("join.grouped_before", grouped is not None and grouped_index < join_index
                   and grouped.get("event") in ("proceeding.opened", "proceeding.consolidated")
                   and grouped.get("proceeding") == proceeding_number and grouped.get("lead") == lead_number,
                   f"leaf {grouped_index} put {proceeding_number} in the group of {lead_number} before the join")
        if depth >= MAX_SUCCESSION:
            report.add("join.lead_is_drawn", False, f"no draw within {MAX_SUCCESSION} leads of consolidation")
            return None
        lead = self._get("/api/v1/assignments/" + quote(lead_number, safe=""))  # fetched once, checked below
        report.add("join.lead_assignment", lead["result"]["leaf_index"] == joined.get("lead_assignment_leaf")
                   and int(lead["result"]["leaf_index"]) < join_index
                   and lead.get("office_id") == claimed.get("office_id")
                   and grouped is not None and grouped.get("office") == lead.get("office_id"),
                   f"the lead's assignment at leaf {joined.get('lead_assignment_leaf')}, in the same office, "
                   "came before the join")
        proven = self._verify(lead_number, size, root, key_der, report, depth=depth + 1, claimed=lead)
        report.add("join.same_bailiff", proven is not None and proven == bailiff,
                   f"the lead's assignment gives {proven}, the member has {bailiff}")
        return bailiff if proven == bailiff else None

    def _override(self, proceeding_number: str, claimed: dict[str, Any], size: int, root: bytes, key_der: bytes,
                  report: Report) -> str | None:
        """A manual override: not drawn, but signed by the service key and logged with its reason."""
        leaf = self._leaf(int(claimed["result"]["leaf_index"]), size, root, report, "override")
        if leaf is None:
            return None
        event = {k: v for k, v in leaf.items() if k != "signature"}
        signature = leaf.get("signature") or {}
        try:
            signed = SCHEMES["Ed25519"].verify(key_der, base64.b64decode(signature.get("value", ""), validate=True),
                                               canonical_json(event))
        except (ValueError, TypeError):
            signed = False
        bailiff = (claimed.get("bailiff") or {}).get("bailiff_id")
        report.add("override.signed", signed and event.get("event") == "assignment.override"
                   and event.get("proceeding") == proceeding_number and event.get("to") == bailiff,
                   f"override to {bailiff}, signed by the service key: {event.get('reason')}")
        report.add("override.not_drawn", False, "this bailiff was chosen by hand, not drawn (see the fairness report)")
        return bailiff if signed else None

    def _beacon(self, commit: dict[str, Any], claimed: dict[str, Any], size: int, root: bytes,
                report: Report) -> bytes | None:
        beacon = claimed["beacon"]
        drand = str(commit["beacon"]).startswith("drand:")
        if not drand and not str(commit["beacon"]).startswith("local-chain:"):
            report.add("beacon.kind", False, f"this auditor knows local hash chains and drand, not {commit['beacon']}")
            return None
        anchor_leaf = self._leaf(int(beacon["anchor_leaf"]), size, root, report, "beacon.anchor")
        reveal_leaf = self._leaf(int(beacon["reveal_leaf"]), size, root, report, "beacon.reveal")
        if anchor_leaf is None or reveal_leaf is None:
            return None
        if drand:
            return self._drand(commit, claimed, anchor_leaf, reveal_leaf, report)
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

    def _drand(self, commit: dict[str, Any], claimed: dict[str, Any], anchor_leaf: dict[str, Any],
               reveal_leaf: dict[str, Any], report: Report) -> bytes | None:
        """A drand round: the chain's key is the auditor's own pin (quicknet's unless told otherwise), the
        signature verifies, and the commitment was logged before the network published the round."""
        beacon, round_ = claimed["beacon"], int(commit["round"])
        chain_hash = str(anchor_leaf.get("anchor"))
        pinned = self.drand_chains.get(chain_hash)
        report.add("beacon.committed_chain", anchor_leaf.get("event") == "beacon.anchored"
                   and commit.get("beacon_anchor_leaf") == int(beacon["anchor_leaf"])
                   and commit.get("beacon_anchor") == chain_hash and anchor_leaf.get("beacon") == commit["beacon"],
                   f"the commitment names drand chain {chain_hash[:16]}... anchored at leaf {beacon['anchor_leaf']}")
        # Key, genesis and period are the auditor's own pins; what the server logged must agree with them.
        report.add("beacon.drand_chain", pinned is not None and anchor_leaf.get("public_key") == pinned.public_key.hex()
                   and anchor_leaf.get("genesis_time") == pinned.genesis and anchor_leaf.get("period") == pinned.period,
                   "the logged key, genesis and period are the ones this auditor pins" if pinned is not None
                   else f"drand chain {chain_hash[:16]}... is not pinned by this auditor (pass --drand-chain)")
        try:
            signature = bytes.fromhex(str(reveal_leaf.get("signature")))
            value = bytes.fromhex(str(reveal_leaf["value"]))
        except ValueError:
            signature, value = b"", b""
        report.add("beacon.drand_signature", pinned is not None and reveal_leaf.get("round") == round_
                   and verify_round(public_key=pinned.public_key, round_=round_, signature=signature)
                   and value == drand_randomness(signature),
                   f"round {round_}'s BLS signature verifies and its SHA-256 is the value used")
        if pinned is None:
            return value
        published = pinned.time_of(round_)
        commit_leaf = int(claimed["commit"]["leaf_index"])
        committed_at = int(commit.get("at", 2**62)) / 1000
        # The server's own clock: consistent, not proof (the server writes `at`).
        report.add("beacon.order", int(beacon["anchor_leaf"]) < commit_leaf < int(beacon["reveal_leaf"])
                   and committed_at < published,
                   f"the server states the commitment at {committed_at:.3f}, before round {round_} "
                   f"was published at {published}")
        if self.saved_head is not None:
            # Proof: a tree head this auditor saved (signed, and consistent with today's) already held
            # the commitment before the network published the round.
            saved_at = int(self.saved_head.get("timestamp", 2**62)) / 1000
            report.add("beacon.committed_before_round", int(self.saved_head.get("tree_size", 0)) > commit_leaf
                       and saved_at < published,
                       f"the saved tree head of {saved_at:.3f} (size {self.saved_head.get('tree_size')}) holds "
                       f"the commitment (leaf {commit_leaf}); round {round_} came at {published}")
        return value

    def _leaf(self, index: int, size: int, root: bytes, report: Report, name: str) -> dict[str, Any] | None:
        """A leaf's JSON, after proving it is in the signed tree."""
        data = base64.b64decode(self._get(f"/api/v1/log/leaves/{index}")["leaf_data"])
        proof = self._get("/api/v1/log/proofs/inclusion", leaf_index=index, tree_size=size)
        ok = merkle.verify_inclusion(merkle.leaf_hash(data), index, size,
                                     [bytes.fromhex(h) for h in proof["audit_path"]], root)
        report.add(f"{name}.inclusion", ok, f"leaf {index} is in the signed tree of size {size}")
        return json.loads(data) if ok else None
