"""The demo's draws, recomputed by `bailiff verify-assignment` against a real server process."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from tests.e2e.conftest import Deployment


def test_demo_draws_verify_from_outside(deployment: Deployment) -> None:
    summary = json.loads(deployment.cli("demo", "--writs", "150", "--no-serve").stdout)
    assert summary["proceedings_opened"] == summary["presented"] > 0
    # Every proceeding has a bailiff: drawn, or joined to its consolidated proceeding's lead (art. 34).
    assert summary["bailiffs_drawn"] + summary["joined_consolidated"] == summary["proceedings_opened"]
    number = summary["example_proceeding"]
    assert "/" in number  # a national number with slashes, percent-encoded on the way
    server = deployment.start_server()
    result = deployment.cli("verify-assignment", number, "--server", server)
    checks = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(c["ok"] for c in checks) and "result.recomputed" in {c["check"] for c in checks}

    unknown = deployment.cli("verify-assignment", "999/26/00000-ИП", "--server", server, check=False)
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1 and "404" in unknown.stderr


def test_a_rewritten_draw_fails_verification(deployment: Deployment) -> None:
    summary = json.loads(deployment.cli("demo", "--writs", "150", "--no-serve").stdout)
    number = summary["example_proceeding"]
    # Someone with database access moves the case to a colleague: the log still holds the truth.
    engine = create_engine(deployment.database_url)
    with engine.begin() as db:
        chosen, office = db.execute(text("SELECT bailiff_id, office_id FROM assignments WHERE proceeding_number = :n"),
                                    {"n": number}).one()
        other = db.execute(text("SELECT id FROM bailiffs WHERE office_id = :o AND id != :c ORDER BY id LIMIT 1"),
                           {"o": office, "c": chosen}).scalar_one()
        db.execute(text("UPDATE assignments SET bailiff_id = :b WHERE proceeding_number = :n"), {"b": other, "n": number})
    engine.dispose()
    server = deployment.start_server()
    result = deployment.cli("verify-assignment", number, "--server", server, check=False)
    assert result.returncode == 1
    assert "result.recomputed" in result.stderr


def test_kazakh_demo_distributes_among_private_bailiffs_of_regional_chambers(deployment: Deployment) -> None:
    """`bailiff demo` in a Kazakh deployment: writs with IINs, regional chambers of private bailiffs
    (`private` mode), proceedings opened and drawn in the chamber of the debtor's city, and draws that
    an outsider recomputes."""
    kz = {"BAILIFF_JURISDICTION": "kz"}
    refused = deployment.cli("demo", "--writs", "5", "--no-serve", check=False, env_extra={"BAILIFF_JURISDICTION": "uz"})
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "Russian and Kazakh" in refused.stderr
    summary = json.loads(deployment.cli("demo", "--writs", "150", "--no-serve", env_extra=kz).stdout)
    assert summary["accepted"] > 100 and summary["forgeries"] + summary["identifier_typos"] <= summary["rejected"]
    assert summary["proceedings_opened"] == summary["presented"] > 0
    assert summary["bailiffs_drawn"] + summary["joined_consolidated"] == summary["proceedings_opened"]
    engine = create_engine(deployment.database_url)
    with engine.begin() as db:
        offices = dict(db.execute(text("SELECT id, kind FROM offices")).all())
        numbers = db.execute(text("SELECT register_number FROM writs")).scalars().all()
        opened = db.execute(text("SELECT p.office_id, w.document FROM proceedings p "
                                 "JOIN writs w ON w.register_number = p.register_number")).all()
    engine.dispose()
    assert set(offices.values()) == {"chamber"} and {"ALA", "AST", "SHY", "KAR"} <= set(offices)
    assert numbers and all(n.startswith("KZ") for n in numbers)
    cities = {"ALA": "г. Алматы", "AST": "г. Астана", "SHY": "г. Шымкент", "KAR": "г. Караганда"}
    for office, document in opened:  # the chamber of the debtor's city
        document = json.loads(document) if isinstance(document, str) else document
        assert cities[office] in document["debtors"][0]["address"]
        assert document["claim"]["currency"] == "KZT" and "iin" in document["debtors"][0]["identifiers"]
    number = summary["example_proceeding"]
    server = deployment.start_server(env_extra=kz)
    checks = [json.loads(line) for line in deployment.cli("verify-assignment", number, "--server", server).stdout.splitlines()]
    assert all(c["ok"] for c in checks) and "result.recomputed" in {c["check"] for c in checks}
