"""`bailiff writ sign`, `bailiff intake`, `bailiff verify`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from bailiff.core.crypto import SigningKey, sign_envelope

writ_app = typer.Typer(no_args_is_help=True, help="Writ documents.")


@writ_app.command("sign")
def sign(file: Annotated[Path, typer.Argument(help="Writ document (JSON, schema bailiff/writ/1)")],
         key: Annotated[Path, typer.Option(help="Issuer's private.pem (PKCS#8 Ed25519)")]) -> None:
    """Print the signed envelope of a writ document."""
    from bailiff.register.auditor import load_json

    document = load_json(file)
    if "document" in document and "signature" in document:
        raise ValueError(f"{file} is already a signed envelope")
    typer.echo(json.dumps(sign_envelope(document, SigningKey.load(key)), ensure_ascii=False))


def intake(file: Annotated[Path, typer.Argument(help="JSONL file, one signed envelope per line")],
           server: Annotated[str, typer.Option(envvar="BAILIFF_SERVER", help="Register URL")] = "http://127.0.0.1:8000",
           token: Annotated[str | None, typer.Option(envvar="BAILIFF_TOKEN", help="The issuer's API token")] = None,
           batch_size: Annotated[int, typer.Option(min=1, max=10_000)] = 1000) -> None:
    """Send a file of signed writs; interrupted, the same command resumes without duplicates."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from bailiff.intake.client import IntakeError, count_lines, rejects_path, send_file

    if not token:
        raise ValueError("an API token is required (--token or BAILIFF_TOKEN)")
    if not file.exists():
        raise ValueError(f"{file}: no such file")
    total = count_lines(file)
    with Progress(TextColumn("intake"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=not os.isatty(2)) as progress:
        task = progress.add_task("intake", total=total)
        try:
            state = send_file(file, server=server, token=token, batch_size=batch_size,
                              on_progress=lambda done: progress.update(task, completed=done))
        except IntakeError as exc:
            raise ValueError(str(exc)) from exc
    typer.echo(json.dumps({"lines": state.lines_done, "accepted": state.accepted, "replayed": state.replayed,
                           "rejected": state.rejected,
                           "rejects_file": str(rejects_path(file)) if state.rejected else None}))


def verify(server: Annotated[str, typer.Option(envvar="BAILIFF_SERVER", help="Register URL")] = "http://127.0.0.1:8000",
           writ: Annotated[Path | None, typer.Option(help="Signed envelope (JSON) to prove registered")] = None,
           issuer_key: Annotated[Path | None, typer.Option(help="Issuer's public.pem to check the signature")] = None,
           service_key: Annotated[Path | None, typer.Option(help="Pinned service public key (PEM)")] = None,
           tree_head: Annotated[Path | None, typer.Option(help="A saved tree head to check consistency against")] = None,
           save_tree_head: Annotated[Path | None, typer.Option(help="Save the verified current tree head here")] = None,
           ) -> None:
    """Audit a register independently: writ signature and inclusion, log consistency."""
    from bailiff.register.auditor import Auditor, load_json

    envelope = load_json(writ) if writ else None
    auditor = Auditor(server, service_key_pem=service_key.read_bytes() if service_key else None)
    report, head = auditor.audit(envelope=envelope, issuer_key_pem=issuer_key.read_bytes() if issuer_key else None,
                                 saved_head=load_json(tree_head) if tree_head else None)
    for check in report.checks:
        typer.echo(json.dumps(check, ensure_ascii=False))
    if report.ok and save_tree_head is not None:
        save_tree_head.write_text(json.dumps(head))
    if not report.ok:
        failed = [c["check"] for c in report.checks if not c["ok"]]
        raise ValueError(f"verification failed: {', '.join(failed)}")
