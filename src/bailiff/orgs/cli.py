"""`bailiff org ...`: register organisations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from bailiff.orgs.rules import ISSUER_KINDS, ORG_KINDS

app = typer.Typer(no_args_is_help=True, help="Organisations: courts, agencies, banks, the bailiff service.")


@app.command("add")
def add(kind: Annotated[str, typer.Option(help=f"One of: {', '.join(ORG_KINDS)}")],
        code: Annotated[str, typer.Option(help="Unique code, e.g. MS-77-0123")],
        name: Annotated[str, typer.Option(help="Full official name")],
        public_key: Annotated[Path | None, typer.Option(help=(
            f"PEM public key (SPKI) the organisation signs with; required for {' and '.join(sorted(ISSUER_KINDS))}, "
            "which sign the writs they issue"))] = None,
        region: Annotated[str | None, typer.Option(help="Region code")] = None,
        callback_url: Annotated[str | None, typer.Option(help="http(s) URL where receipts are delivered")] = None,
        identifier: Annotated[list[str] | None, typer.Option(
            help="KIND=VALUE, e.g. inn=7707083893: the organisation's own identifiers (a claimant acts "
                 "only on writs that name it as a creditor)")] = None) -> None:
    """Register an organisation and print JSON with its API token (shown only once)."""
    # Imported here so that `bailiff --help` and other commands start fast.
    from bailiff.config import load_settings
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.core.crypto import public_der_from_pem
    from bailiff.orgs import service

    settings = load_settings()
    der = None
    if public_key is not None:
        try:
            der = public_der_from_pem(public_key.read_bytes())
        except ValueError as exc:
            raise ValueError(f"{public_key}: not a PEM public key ({exc})") from exc
    own = _pairs(identifier or [])
    with _database(settings).transaction() as session:
        new = service.add_org(session=session, kind=kind, code=code, name=name, actor=CLI_ADMIN, region=region,
                              public_key_der=der, callback_url=callback_url, identifiers=own)
    typer.echo(json.dumps({"id": new.id, "code": new.code, "kind": new.kind, "key_id": new.key_id,
                           "token": new.token}))


def _database(settings: Any) -> Any:
    """The deployment's database, migrated to the current schema."""
    from bailiff.core.db import Database, upgrade

    upgrade(settings.database_url)
    return Database(settings.database_url)


def _pairs(pairs: list[str]) -> dict[str, str]:
    own = {}
    for pair in pairs:
        ident_kind, sep, value = pair.partition("=")
        if not sep or not value.strip():
            raise ValueError(f"--identifier {pair!r}: expected KIND=VALUE, e.g. inn=7707083893")
        own[ident_kind.strip().lower()] = value.strip()
    return own


@app.command("identify")
def identify(code: Annotated[str, typer.Option(help="Organisation code")],
             identifier: Annotated[list[str], typer.Option(help="KIND=VALUE, e.g. inn=7707083893")],
             reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")]) -> None:
    """Record an organisation's own identifiers (a claimant acts only on writs naming it by one)."""
    from bailiff.config import load_settings
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.orgs import service

    own = _pairs(identifier)
    with _database(load_settings()).transaction() as session:
        org = service.set_identifiers(session=session, code=code, identifiers=own, reason=reason, actor=CLI_ADMIN)
    typer.echo(json.dumps({"code": org.code, "identifiers": org.identifiers}))


@app.command("deactivate")
def deactivate(code: Annotated[str, typer.Option(help="Organisation code")],
               reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")]) -> None:
    """Deactivate an organisation: its tokens stop working and its writs are refused."""
    _set_active(code, False, reason)


@app.command("activate")
def activate(code: Annotated[str, typer.Option(help="Organisation code")],
             reason: Annotated[str, typer.Option(help="Why (kept in the audit trail)")]) -> None:
    """Activate an organisation again."""
    _set_active(code, True, reason)


def _set_active(code: str, active: bool, reason: str) -> None:
    from bailiff.config import load_settings
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.orgs import service

    with _database(load_settings()).transaction() as session:
        org = service.set_active(session=session, code=code, active=active, reason=reason, actor=CLI_ADMIN)
    typer.echo(json.dumps({"code": org.code, "active": org.active}))
