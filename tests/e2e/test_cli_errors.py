"""What the CLI says when it cannot do what it was asked: one line on stderr, never a traceback, and
a non-zero exit (2 for usage errors, as click's convention; 1 for the rest). Each case is a separate
process, as a user runs it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from bailiff.orgs.rules import ORG_KINDS
from tests.conftest import EXAMPLE
from tests.e2e.conftest import BAILIFF, Deployment


def run(*args: str, data_dir: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`bailiff ARGS` on an embedded database of its own."""
    env = {**os.environ, "BAILIFF_DATA_DIR": str(data_dir), "BAILIFF_DATABASE_URL": "", "COLUMNS": "200",
           **(env_extra or {})}
    return subprocess.run([*BAILIFF, *args], env=env, capture_output=True, text=True, timeout=120)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line on stderr, checked to be an error line without a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


@pytest.mark.parametrize(("args", "expected"), [
    (["bailiff", "add", "--id", "1", "--name", "x", "--office", "o", "--capacity", "abc"],
     "Invalid value for '--capacity': Input should be a valid integer"),
    (["serve", "--port", "abc"], "Invalid value for '--port'"),
    (["demo", "--writs", "-1"], "Invalid value for '--writs': Input should be greater than or equal to 0"),
    (["worker", "--batch", "0"], "Invalid value for '--batch': Input should be greater than or equal to 1"),
    (["org", "add", "--kind", "court"], "Missing option '--code'"),
    (["org", "add", "--bogus"], "No such option: --bogus"),
    (["bogus-command"], "No such command 'bogus-command'"),
    (["intake"], "Missing argument 'file'"),
    (["keys", "generate"], "Missing option '--out'"),
    (["org", "deactivate", "--code", "X"], "Missing option '--reason'"),
])
def test_usage_errors_are_one_line_with_status_2(args: list[str], expected: str, tmp_path: Path) -> None:
    result = run(*args, data_dir=tmp_path)
    assert result.returncode == 2
    line = one_error_line(result)
    assert expected in line and "--help" in line, line
    assert not (tmp_path / "bailiff.sqlite3").exists()  # refused before anything was opened


def test_help_still_works_and_lists_every_organisation_kind(tmp_path: Path) -> None:
    result = run("org", "add", "--help", data_dir=tmp_path)
    assert result.returncode == 0 and "Usage:" in result.stdout and not result.stderr
    assert f"One of: {', '.join(ORG_KINDS)}" in " ".join(result.stdout.split())
    assert {"claimant", "commission"} <= set(ORG_KINDS)


def _refused_port() -> str:
    """A loopback port nothing listens on (bound and closed again)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    server = f"http://127.0.0.1:{_refused_port()}"
    for args in (["verify", "--server", server, "--writ", str(EXAMPLE)],
                 ["verify-assignment", "1/26/77001-ИП", "--server", server]):
        result = run(*args, data_dir=tmp_path)
        assert result.returncode == 1, args
        assert f"error: {server}: server unreachable" in one_error_line(result)


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql+psycopg://x@127.0.0.1:1/x", "the database (BAILIFF_DATABASE_URL) cannot be used: connection"),
    ("mysql://x", "BAILIFF_DATABASE_URL: scheme 'mysql' is not supported"),
])
def test_an_unusable_database_is_one_line(url: str, expected: str, tmp_path: Path) -> None:
    result = run("org", "add", "--kind", "bank", "--code", "B", "--name", "B", data_dir=tmp_path,
                 env_extra={"BAILIFF_DATABASE_URL": url})
    assert result.returncode == 1
    assert expected in one_error_line(result)


def test_an_unknown_migration_is_one_line(tmp_path: Path) -> None:
    result = run("db", "upgrade", "nonexistent_rev", data_dir=tmp_path)
    assert result.returncode == 1
    assert one_error_line(result) == ("error: database migration: Can't locate revision identified by "
                                      "'nonexistent_rev'")


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("BAILIFF_OUTBOX_MAX_ATTEMPTS", "abc", "BAILIFF_OUTBOX_MAX_ATTEMPTS='abc': expected an integer >= 1"),
    ("BAILIFF_OUTBOX_MAX_ATTEMPTS", "0", "BAILIFF_OUTBOX_MAX_ATTEMPTS='0': expected an integer >= 1"),
    ("BAILIFF_WEBHOOK_TIMEOUT", "soon", "BAILIFF_WEBHOOK_TIMEOUT='soon': expected a number > 0"),
    ("BAILIFF_DRAND_GENESIS", "1.5", "BAILIFF_DRAND_GENESIS='1.5': expected an integer >= 0"),
    ("BAILIFF_JURISDICTION", "xx", "BAILIFF_JURISDICTION: unknown jurisdiction 'xx'"),
])
def test_a_bad_environment_variable_is_named(variable: str, value: str, expected: str, tmp_path: Path) -> None:
    result = run("stats", "fairness", data_dir=tmp_path, env_extra={variable: value})
    assert result.returncode == 1
    assert expected in one_error_line(result)


def test_serve_announces_nothing_when_it_cannot_listen(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run("serve", "--port", port, data_dir=tmp_path)
    assert result.returncode == 1
    assert one_error_line(result) == f"error: --host/--port: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert "Bailiff on" not in result.stdout
    # An unknown jurisdiction is refused before the database is migrated or anything is announced.
    result = run("serve", "--port", _refused_port(), data_dir=tmp_path / "xx", env_extra={"BAILIFF_JURISDICTION": "xx"})
    assert result.returncode == 1 and "BAILIFF_JURISDICTION" in one_error_line(result)
    assert not (tmp_path / "xx").exists()


def test_intake_refuses_a_line_that_is_not_json_by_its_number(deployment: Deployment, tmp_path: Path) -> None:
    court = deployment.add_court("MS-77-0123")
    envelope = deployment.cli("writ", "sign", "--key", str(court["keys"] / "private.pem"), str(EXAMPLE)).stdout
    file = tmp_path / "writs.jsonl"
    file.write_text(envelope.strip() + "\n\nthis is not json\n{\"document\": \n")
    server = deployment.start_server()
    summary = json.loads(deployment.cli("intake", str(file), "--server", server, "--token", court["token"]).stdout)
    assert summary == {"lines": 3, "accepted": 1, "replayed": 0, "rejected": 2,
                       "rejects_file": str(tmp_path / "writs.jsonl.rejected.jsonl")}
    rejects = [json.loads(line) for line in Path(summary["rejects_file"]).read_text().splitlines()]
    assert [(r["line"], [(e["field"], e["rule"]) for e in r["errors"]]) for r in rejects] == [
        (3, [("envelope", "json.syntax")]), (4, [("envelope", "json.syntax")])]
    assert rejects[0]["errors"][0]["message"].startswith("line 3 is not JSON (RFC 8259): ")
    assert rejects[1]["errors"][0]["message"].startswith("line 4 is not JSON (RFC 8259): ")
    # A file of nothing but such lines is refused without asking the server anything.
    bad = tmp_path / "bad.jsonl"
    bad.write_text("nope\n")
    summary = json.loads(deployment.cli("intake", str(bad), "--server", "http://127.0.0.1:1", "--token", "t").stdout)
    assert summary["rejected"] == 1 and summary["accepted"] == 0


def test_bad_values_are_refused_and_nothing_is_stored(deployment: Deployment, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    deployment.cli("keys", "generate", "--out", str(keys))
    cases = [
        (["org", "add", "--kind", "bank", "--code", "B10", "--name", "x", "--callback-url", "not a url"],
         "callback_url [org.callback_url.http]"),
        (["org", "add", "--kind", "bank", "--code", "B10", "--name", "x", "--callback-url", "ftp://bank.example/r"],
         "callback_url [org.callback_url.http]"),
        (["org", "add", "--kind", "court", "--code", "MS-1", "--name", "x"], "public_key [org.key.required]"),
        (["org", "add", "--kind", "agency", "--code", "GIBDD", "--name", "x"], "public_key [org.key.required]"),
        (["office", "add", "--id", "", "--name", "x", "--region", "77"], "id [office.id.required]"),
        (["office", "add", "--id", "77001", "--name", "x", "--region", "ZZZ"], "region [office.region.known]"),
        (["office", "add", "--id", "77001", "--name", "x", "--region", "80"], "region [office.region.known]"),
    ]
    for args, expected in cases:
        result = deployment.cli(*args, check=False)
        assert result.returncode == 1, args
        assert expected in one_error_line(result), args
    # Nothing was half-stored: the same codes register once the values are right.
    deployment.cli("org", "add", "--kind", "bank", "--code", "B10", "--name", "x",
                   "--callback-url", "https://bank.example/receipts")
    court = json.loads(deployment.cli("org", "add", "--kind", "court", "--code", "MS-1", "--name", "x",
                                      "--public-key", str(keys / "public.pem")).stdout)
    assert court["key_id"]
    office = json.loads(deployment.cli("office", "add", "--id", "77001", "--name", "x", "--region", "77").stdout)
    assert office["region"] == "77"

    deployment.cli("org", "add", "--kind", "claimant", "--code", "SBER", "--name", "ПАО Сбербанк")
    for reason in ("", "   "):
        for args in (["org", "identify", "--code", "SBER", "--identifier", "inn=7707083893", "--reason", reason],
                     ["org", "deactivate", "--code", "SBER", "--reason", reason]):
            result = deployment.cli(*args, check=False)
            assert result.returncode == 1 and "reason [reason.required]" in one_error_line(result), args
    identified = json.loads(deployment.cli("org", "identify", "--code", "SBER", "--identifier", "ogrn=1027700132195",
                                           "--reason", "from the register of legal entities").stdout)
    assert identified["identifiers"] == {"ogrn": "1027700132195"}  # the refused INN was never recorded
