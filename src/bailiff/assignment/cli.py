"""`bailiff office ...`, `bailiff bailiff ...` and `bailiff verify-assignment`."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

office_app = typer.Typer(no_args_is_help=True, help="Bailiffs' departments and regional chambers.")
bailiff_app = typer.Typer(no_args_is_help=True, help="Bailiffs, their capacity and absences.")
stats_app = typer.Typer(no_args_is_help=True, help="Statistics.")


def _database():  # type: ignore[no-untyped-def]
    from bailiff.config import load_settings
    from bailiff.core.db import Database, upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    return Database(settings.database_url)


@office_app.command("draw-waiting")
def office_draw_waiting(office_id: Annotated[str, typer.Option("--id", help="Office code")]) -> None:
    """Commit draws for the office's proceedings still without a bailiff (no one was eligible when
    they opened); the worker draws them once their round exists. Prints JSON."""
    from bailiff.assignment.beacons import beacon_store
    from bailiff.config import load_settings
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.jurisdictions import load_profile
    from bailiff.proceedings import service as proceedings
    from bailiff.proceedings.rules import consolidation_suffix

    settings = load_settings()
    suffix = consolidation_suffix(load_profile(settings.jurisdiction).raw)
    with _database().transaction() as session:
        outcome = proceedings.draw_waiting(session=session, office_id=office_id, store=beacon_store(settings),
                                           actor=CLI_ADMIN, suffix=suffix,
                                           zone=load_profile(settings.jurisdiction).timezone)
    typer.echo(json.dumps(outcome, ensure_ascii=False))


@office_app.command("add")
def office_add(office_id: Annotated[str, typer.Option("--id", help="Office code, e.g. 77001")],
               name: Annotated[str, typer.Option(help="Official name")],
               region: Annotated[str, typer.Option(
                   help="Region code from the jurisdiction's profile ([regions] in jurisdictions/<code>.toml), e.g. 77")],
               kind: Annotated[str, typer.Option(help="department (state mode) or chamber (private mode)")] = "department",
               locality: Annotated[list[str] | None, typer.Option(help="An address word it serves (repeat)")] = None,
               timezone: Annotated[str | None, typer.Option(
                   help="IANA time zone its days are counted in, if not the profile's (e.g. Asia/Vladivostok)")] = None,
               ) -> None:
    """Register an office; print it as JSON."""
    from bailiff.assignment import service
    from bailiff.config import load_settings
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.jurisdictions import load_profile

    regions = load_profile(load_settings().jurisdiction).regions
    with _database().transaction() as session:
        office = service.add_office(session=session, office_id=office_id, name=name, region=region, regions=regions,
                                    kind=kind, localities=locality or [], actor=CLI_ADMIN, timezone=timezone)
        typer.echo(json.dumps({"id": office.id, "region": office.region, "kind": office.kind,
                               "localities": office.localities, "timezone": office.timezone}, ensure_ascii=False))


@bailiff_app.command("add")
def bailiff_add(bailiff_id: Annotated[str, typer.Option("--id", help="Bailiff id, e.g. 77001-001")],
                name: Annotated[str, typer.Option(help="Full name")],
                office: Annotated[str, typer.Option(help="Office code")],
                capacity: Annotated[int, typer.Option(help="Open proceedings they can carry")],
                head: Annotated[bool, typer.Option(help="Head of the office or chamber")] = False) -> None:
    """Register a bailiff in an office."""
    from bailiff.assignment import service
    from bailiff.core.actor import CLI_ADMIN

    with _database().transaction() as session:
        service.add_bailiff(session=session, bailiff_id=bailiff_id, name=name, office_id=office, capacity=capacity,
                            head=head, actor=CLI_ADMIN)
    typer.echo(json.dumps({"id": bailiff_id, "office": office, "capacity": capacity, "head": head}))


@bailiff_app.command("unavailable")
def bailiff_unavailable(bailiff_id: Annotated[str, typer.Option("--id", help="Bailiff id")],
                        starts: Annotated[str, typer.Option(help="First day (YYYY-MM-DD)")],
                        ends: Annotated[str, typer.Option(help="Last day (YYYY-MM-DD)")],
                        reason: Annotated[str, typer.Option(help="Why (logged)")],
                        kind: Annotated[str, typer.Option(help="absence, or suspension (a head, of themselves)")] = "absence",
                        ) -> None:
    """File an absence or a head's suspension of distribution; it is logged."""
    from bailiff.assignment import service
    from bailiff.core.actor import CLI_ADMIN

    try:
        first, last = date.fromisoformat(starts), date.fromisoformat(ends)
    except ValueError as exc:
        raise ValueError(f"--starts/--ends: dates are YYYY-MM-DD ({exc})") from exc
    with _database().transaction() as session:
        row = service.file_unavailability(session=session, bailiff_id=bailiff_id, kind=kind, starts_on=first,
                                          ends_on=last, reason=reason, actor=CLI_ADMIN)
        typer.echo(json.dumps({"id": bailiff_id, "kind": kind, "leaf_index": row.leaf_index}))


def verify_assignment(proceeding: Annotated[str, typer.Argument(help="Proceeding number, e.g. 15/26/77001-ИП")],
                      server: Annotated[str, typer.Option(envvar="BAILIFF_SERVER", help="Server URL")] = "http://127.0.0.1:8000",
                      service_key: Annotated[str | None, typer.Option(help="Pinned service public key (PEM file)")] = None,
                      drand_chain: Annotated[list[str] | None, typer.Option(
                          help="CHAIN_HASH=PUBLIC_KEY_HEX,GENESIS,PERIOD of a drand chain to trust besides quicknet")] = None,
                      tree_head: Annotated[str | None, typer.Option(
                          help="A tree head saved earlier (bailiff verify --save-tree-head): proves a drand "
                               "commitment was logged before its round")] = None,
                      ) -> None:
    """Recompute a proceeding's draw from the public log and the beacon; exit 1 if anything disagrees."""
    from pathlib import Path

    from bailiff.assignment.auditor import AssignmentAuditor
    from bailiff.assignment.drand import DrandChain
    from bailiff.register.auditor import load_json

    chains = {}
    for pair in drand_chain or []:
        name, _, rest = pair.partition("=")
        try:
            key, genesis, period = rest.split(",")
            chains[name.strip().lower()] = DrandChain(name.strip().lower(), bytes.fromhex(key.strip()), int(genesis),
                                                      int(period))
        except ValueError:
            raise ValueError(f"--drand-chain {pair!r}: expected CHAIN_HASH=PUBLIC_KEY_HEX,GENESIS,PERIOD") from None
    auditor = AssignmentAuditor(server, service_key_pem=Path(service_key).read_bytes() if service_key else None,
                                drand_chains=chains, saved_head=load_json(Path(tree_head)) if tree_head else None)
    report = auditor.verify(proceeding)
    for check in report.checks:
        typer.echo(json.dumps(check, ensure_ascii=False))
    if not report.ok:
        failed = [c["check"] for c in report.checks if not c["ok"]]
        raise ValueError(f"assignment verification failed: {', '.join(failed)}")


@bailiff_app.command("override")
def bailiff_override(proceeding: Annotated[str, typer.Option(help="Proceeding number")],
                     bailiff_id: Annotated[str, typer.Option("--bailiff", help="Bailiff to assign by hand")],
                     reason: Annotated[str, typer.Option(help="Why the draw is overridden (logged, public)")]) -> None:
    """Assign a bailiff by hand: a signed, logged event that the fairness report lists."""
    from bailiff.assignment import changes
    from bailiff.config import load_settings
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.core.crypto import SigningKey

    from bailiff.jurisdictions import load_profile
    from bailiff.proceedings import service as proceedings
    from bailiff.proceedings.rules import consolidation_suffix

    settings = load_settings()
    key = SigningKey.load_or_create(settings.service_key_path)
    suffix = consolidation_suffix(load_profile(settings.jurisdiction).raw)
    with _database().transaction() as session:
        lead = proceedings.group_lead(session=session, number=proceeding, suffix=suffix)
        if lead != proceeding:  # its members follow the lead's bailiff (229-FZ art. 34)
            raise ValueError(f"{proceeding} is part of the consolidated proceeding led by {lead}; override the lead")
        row = changes.override(session=session, proceeding_number=proceeding, bailiff_id=bailiff_id, reason=reason,
                               actor=CLI_ADMIN, key=key)
        typer.echo(json.dumps({"proceeding": proceeding, "bailiff_id": bailiff_id, "leaf_index": row.result_leaf},
                              ensure_ascii=False))


@stats_app.command("fairness")
def stats_fairness(office: Annotated[str | None, typer.Option(help="One office only")] = None) -> None:
    """Per bailiff: share of cases against share of weight, chi-square, and alarms (JSON)."""
    from bailiff.assignment import fairness

    with _database().reading() as session:
        typer.echo(json.dumps(fairness.report(session=session, office_id=office), ensure_ascii=False, indent=1))
