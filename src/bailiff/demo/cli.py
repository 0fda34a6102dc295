"""`bailiff demo`: fill the register with realistic synthetic data, then serve it."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def demo(writs: Annotated[int, typer.Option(min=0, help="How many writs to generate")] = 2000,
         serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the server afterwards")] = True,
         host: Annotated[str, typer.Option()] = "127.0.0.1",
         port: Annotated[int, typer.Option()] = 8000,
         seed: Annotated[int, typer.Option(help="Random seed (the same seed gives the same data)")] = 2026) -> None:
    """Generate courts with keys and signed writs (with forgeries, re-sends and duplicates), register them."""
    from rich.progress import Progress

    from bailiff.config import load_settings
    from bailiff.core.db import Database, upgrade
    from bailiff.demo.service import run_demo

    settings = load_settings()
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    with Progress(transient=True) as progress:
        task = progress.add_task("registering demo writs", total=writs)
        summary = run_demo(database=database, settings=settings, writs=writs, seed=seed,
                           on_progress=lambda n: progress.update(task, completed=n))
    database.dispose()
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    if serve:
        from bailiff.cli import serve as serve_command

        base = f"http://{host}:{port}"
        typer.echo(f"\nPages:        {base}/\nVerify a writ: {base}/verify/{summary['example_register_number']}"
                   f"\nAPI docs:     {base}/docs\nTree head:    {base}/api/v1/log/tree-head"
                   f"\nDraws:        {base}/api/v1/assignments?limit=20"
                   f"\nRecompute:    bailiff verify-assignment '{summary['example_proceeding']}' --server {base}\n")
        serve_command(host=host, port=port, workers=1)
