"""The documented CLI interfaces, each as a separate process against a real server."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLE
from tests.e2e.conftest import Deployment
from tests.e2e.corpus import write_corpus


def test_keys_org_sign_intake_verify(deployment: Deployment, tmp_path: Path) -> None:
    court = deployment.add_court("MS-77-0123")  # the shared example's issuer
    assert (court["keys"] / "private.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert (court["keys"] / "public.pem").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    envelope = json.loads(deployment.cli("writ", "sign", "--key", str(court["keys"] / "private.pem"),
                                         str(EXAMPLE)).stdout)
    assert envelope["signature"]["alg"] == "Ed25519"
    server = deployment.start_server()
    single = tmp_path / "example.json"
    single.write_text(json.dumps(envelope, ensure_ascii=False))
    file = write_corpus(tmp_path / "writs.jsonl", code=court["code"], key_path=court["keys"] / "private.pem",
                        count=120, seed=1)
    with file.open("a") as fh:
        fh.write(single.read_text() + "\n")
    summary = json.loads(deployment.cli("intake", str(file), "--server", server, "--token", court["token"],
                                        "--batch-size", "50").stdout)
    assert summary == {"lines": 121, "accepted": 121, "replayed": 0, "rejected": 0, "rejects_file": None}
    head = tmp_path / "head.json"
    result = deployment.cli("verify", "--server", server, "--writ", str(single), "--issuer-key",
                            str(court["keys"] / "public.pem"), "--save-tree-head", str(head))
    checks = [json.loads(line) for line in result.stdout.splitlines()]
    assert {c["check"] for c in checks} >= {"tree_head.signature", "writ.signature", "writ.inclusion"}
    assert all(c["ok"] for c in checks)
    assert json.loads(head.read_text())["tree_size"] == 121
    # More writs later: the saved head must be a prefix of the new one.
    more = write_corpus(tmp_path / "more.jsonl", code=court["code"], key_path=court["keys"] / "private.pem",
                        count=30, seed=2, start=1000)
    deployment.cli("intake", str(more), "--server", server, "--token", court["token"])
    result = deployment.cli("verify", "--server", server, "--tree-head", str(head))
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "check": "log.consistency", "ok": True, "detail": "tree of size 121 is a prefix of tree of size 151"}


def test_verify_fails_for_a_tampered_writ(deployment: Deployment, tmp_path: Path) -> None:
    court = deployment.add_court("MS-77-0123")
    envelope = json.loads(deployment.cli("writ", "sign", "--key", str(court["keys"] / "private.pem"),
                                         str(EXAMPLE)).stdout)
    server = deployment.start_server()
    envelope["document"]["claim"]["amount"] = "1.00"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(envelope, ensure_ascii=False))
    result = deployment.cli("verify", "--server", server, "--writ", str(tampered), "--issuer-key",
                            str(court["keys"] / "public.pem"), check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["error: verification failed: writ.signature, writ.registered"]


def test_bad_input_is_one_line_and_non_zero(deployment: Deployment, tmp_path: Path) -> None:
    cases = [
        (["org", "add", "--kind", "tribunal", "--code", "X", "--name", "X"], "org.kind.known"),
        (["org", "add", "--kind", "claimant", "--code", "C", "--name", "C", "--identifier", "inn=7707083894"],
         "inn.checksum"),
        (["org", "add", "--kind", "claimant", "--code", "C", "--name", "C", "--identifier", "inn"], "KIND=VALUE"),
        (["org", "identify", "--code", "NOPE", "--identifier", "inn=7707083893", "--reason", "x"], "NOPE"),
        (["office", "draw-waiting", "--id", "NOPE"], "no office NOPE"),
        (["bailiff", "override", "--proceeding", "1/26/NOPE-ИП", "--bailiff", "B", "--reason", "x"], "no assignment"),
        (["writ", "sign", "--key", str(tmp_path / "missing.pem"), str(EXAMPLE)], "missing.pem"),
        (["intake", str(tmp_path / "nothing.jsonl"), "--token", "t"], "no such file"),
        (["intake", str(EXAMPLE)], "API token is required"),
    ]
    for args, expected in cases:
        result = deployment.cli(*args, check=False)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], (args, lines)
    deployment.cli("keys", "generate", "--out", str(tmp_path / "k"))
    again = deployment.cli("keys", "generate", "--out", str(tmp_path / "k"), check=False)
    assert again.returncode == 1 and "refusing to overwrite" in again.stderr
    deployment.add_court("MS-1")
    dup = deployment.cli("org", "add", "--kind", "court", "--code", "MS-1", "--name", "again", check=False)
    assert dup.returncode == 1 and "org.code.unique" in dup.stderr
