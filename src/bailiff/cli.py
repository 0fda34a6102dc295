"""The `bailiff` command: server, worker, database, keys, organisations, writs, auditing, demo."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from bailiff.cli_errors import NoArgsIsHelpError, explain
from bailiff.config import load_settings
from bailiff.core.errors import BailiffError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Bailiff: register of writs of enforcement, intake and verification.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
keys_app = typer.Typer(no_args_is_help=True, help="Ed25519 keys.")
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 1."""


def fail(message: str) -> None:
    """Stop with one clear line on stderr."""
    raise CliError(message)


@app.command()
def serve(host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
          port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
          workers: Annotated[int, typer.Option(min=1, help="Server processes")] = 1) -> None:
    """Start the API and pages (migrating the database on first start)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from bailiff.core.db import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    config = uvicorn.Config("bailiff.app:create_server_app", factory=True, host=host, port=port, workers=workers,
                            log_level="warning", access_log=False)
    # The socket is bound here, not by uvicorn, so that a port in use is one line and the address is
    # announced only once it listens (uvicorn would log the failure and exit after our announcement).
    sock = _listen(host, port)
    typer.echo(f"Bailiff on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)", err=True)
    if workers > 1:
        Multiprocess(config, sockets=[sock]).run()
        return
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if not server.started:
        fail("the server did not start (see the log above)")


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port, set up as uvicorn binds one (SO_REUSEADDR, inheritable for
    worker processes); an address in use or not of this machine is one line naming the options."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)  # uvicorn's default backlog
    except OSError as exc:
        sock.close()
        fail(f"--host/--port: cannot listen on {host}:{port}: {exc.strerror or exc}")
    sock.set_inheritable(True)
    return sock


@app.command()
def worker(once: Annotated[bool, typer.Option(help="Deliver what is due now, then exit")] = False,
           batch: Annotated[int, typer.Option(min=1, max=10_000, help=(
               "Events leased at a time. Larger batches open and draw more proceedings per second (5,000 "
               "proceedings: 18% faster at 1,000 than at 500) but hold the log lock, which intake waits "
               "for, longer per batch"))] = 500) -> None:
    """Deliver outbox events (debtor identification, receipts to issuers) with retries until stopped."""
    import logging

    from bailiff.assignment.service import anchor_beacon
    from bailiff.core import heap
    from bailiff.core import worker as outbox_worker
    from bailiff.core.db import Database, upgrade
    from bailiff.proceedings.handlers import chain_store
    from bailiff.subscriptions import all_handlers

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings()
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    # The beacon is anchored in the log at start (a local chain is made, or loaded into this process).
    with database.transaction() as session:
        anchor_beacon(session=session, store=chain_store(settings))
    handlers = all_handlers(database, settings)
    heap.settle()  # as `bailiff serve` does: see bailiff.core.heap
    outbox_worker.run_forever(database, handlers, limit=batch, max_attempts=settings.outbox_max_attempts,
                              stop_when_idle=once)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from bailiff.core.db import upgrade

    settings = load_settings()
    upgrade(settings.database_url, revision)
    typer.echo(f"database at {revision}", err=True)


@keys_app.command("generate")
def keys_generate(out: Annotated[Path, typer.Option(help="Directory for private.pem and public.pem")]) -> None:
    """Create an Ed25519 key pair: DIR/private.pem (PKCS#8) and DIR/public.pem (SPKI)."""
    from bailiff.core.crypto import SigningKey

    if (out / "private.pem").exists():
        fail(f"{out / 'private.pem'} exists; refusing to overwrite a private key")
    key = SigningKey.generate()
    key.write_pair(out)
    typer.echo(json.dumps({"key_id": key.key_id, "private": str(out / "private.pem"),
                           "public": str(out / "public.pem")}))


def _register_subcommands() -> None:
    from bailiff.assignment import cli as assignment_cli
    from bailiff.demo import cli as demo_cli
    from bailiff.identity import cli as identity_cli
    from bailiff.orgs import cli as orgs_cli
    from bailiff.register import cli as register_cli

    app.add_typer(orgs_cli.app, name="org")
    app.add_typer(identity_cli.app, name="identity")
    app.add_typer(register_cli.writ_app, name="writ")
    app.command("intake")(register_cli.intake)
    app.command("verify")(register_cli.verify)
    app.command("demo")(demo_cli.demo)
    app.add_typer(assignment_cli.office_app, name="office")
    app.add_typer(assignment_cli.bailiff_app, name="bailiff")
    app.add_typer(assignment_cli.stats_app, name="stats")
    app.command("verify-assignment")(assignment_cli.verify_assignment)


_register_subcommands()


def main() -> None:
    """Entry point: domain and usage errors become one line on stderr and a non-zero exit."""
    try:
        status = app(standalone_mode=False)
    except (CliError, BailiffError) as exc:
        detail = ""
        if isinstance(exc, BailiffError) and exc.errors:
            detail = ": " + "; ".join(f"{e.field} [{e.rule}] {e.message}" for e in exc.errors)
        typer.echo(f"error: {exc}{detail}", err=True)
        sys.exit(1)
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except NoArgsIsHelpError as exc:  # `bailiff org`: the group's help, on stderr, exit status 2
        exc.show()
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        line, code = explained
        typer.echo(f"error: {line}", err=True)
        sys.exit(code)
    # Outside standalone mode typer returns the code of a `typer.Exit` (and of --help) instead of exiting.
    if isinstance(status, int) and status:
        sys.exit(status)


if __name__ == "__main__":
    main()
