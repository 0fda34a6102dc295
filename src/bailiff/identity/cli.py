"""`bailiff identity ...`: probabilistic record linkage of person files (link, dedupe-file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import pandas as pd

    from bailiff.identity.linkage.pipeline import Result, Settings

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Identity: link person records across files or find duplicates in one.")

FIELD_HELP = ("COLUMN=KIND, repeatable. Kinds: surname, given_name, patronymic, full_name, birth_date, "
              "birth_place, address, street_number, postcode, locality, region, inn, snils, passport, "
              "iin, pinfl, generic_id")


def parse_fields(specs: list[str]) -> list[tuple[str, str]]:
    """Parse --field COLUMN=KIND options, checking each kind."""
    from bailiff.identity.linkage.normalize import check_kind

    if not specs:
        raise ValueError("at least one --field COLUMN=KIND is required")
    fields = []
    for spec in specs:
        column, sep, kind = spec.rpartition("=")
        if not sep or not column.strip() or not kind.strip():
            raise ValueError(f"--field {spec!r}: expected COLUMN=KIND")
        fields.append((column.strip(), check_kind(kind.strip())))
    return fields


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV file with every value as text (empty cells are null)."""
    import pandas as pd

    try:
        # dtype=str keeps leading zeros of postcodes and identifiers; only empty means null,
        # so a surname "Na" or the text "NULL" is not silently dropped.  utf-8-sig also
        # accepts the byte-order mark that spreadsheet exports put in front.
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (OSError, ValueError) as exc:  # UnicodeDecodeError and pandas' parser errors are ValueErrors
        if isinstance(exc, OSError) and exc.strerror:
            reason = exc.strerror
        else:
            reason = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ValueError(f"cannot read {path}: {reason}") from exc
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame


def write_pairs(result: Result, out: Path) -> None:
    """Write left_id,right_id,probability rows."""
    try:
        result.pairs.to_csv(out, index=False, float_format="%.10g")
    except OSError as exc:
        raise ValueError(f"cannot write {out}: {exc.strerror or exc}") from exc


class RichReporter:
    """Progress of the linkage stages as rich progress bars on stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.fields[detail]}"),
                                 console=Console(stderr=True))
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> RichReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def start(self, stage: str, total: int) -> None:
        """Add a bar for a stage."""
        self.tasks[stage] = self.progress.add_task(stage, total=total, detail="")

    def advance(self, stage: str, detail: str = "") -> None:
        """Move a stage's bar one step."""
        self.progress.update(self.tasks[stage], advance=1, detail=detail)

    def finish(self, stage: str, detail: str = "") -> None:
        """Complete a stage's bar (EM may stop before its iteration limit)."""
        task = self.progress.tasks[self.tasks[stage]]
        done = max(int(task.completed), 1)
        self.progress.update(self.tasks[stage], total=done, completed=done, detail=detail)


def _settings(threshold: float, term_frequency: bool, out: Path) -> Settings:
    from bailiff.identity.linkage.pipeline import Settings

    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"--threshold must be between 0 and 1, got {threshold}")
    # Fail before the work, not after it, when the output cannot be written.
    if not out.parent.is_dir():
        raise ValueError(f"cannot write {out}: directory {out.parent} does not exist")
    if out.is_dir():
        raise ValueError(f"cannot write {out}: it is a directory")
    return Settings(threshold=threshold, term_frequency=term_frequency)


IdOption = Annotated[str, typer.Option("--id", help="Column with the record id (unique per file)")]
FieldOption = Annotated[list[str], typer.Option("--field", help=FIELD_HELP)]
OutOption = Annotated[Path, typer.Option("--out", help="Output CSV: left_id,right_id,probability")]
ThresholdOption = Annotated[float, typer.Option("--threshold", help="Lowest match probability written")]
TfOption = Annotated[bool, typer.Option("--term-frequency/--no-term-frequency",
                                        help="Weigh exact name agreement by how common the name is")]


@app.command("link")
def link(left: Annotated[Path, typer.Argument(help="Left CSV file")],
         right: Annotated[Path, typer.Argument(help="Right CSV file")],
         id_column: IdOption, field: FieldOption, out: OutOption,
         threshold: ThresholdOption = 0.9, term_frequency: TfOption = False) -> None:
    """Link the records of two CSV files; write the pairs at or above the threshold."""
    from bailiff.identity.linkage.pipeline import link_frames

    fields = parse_fields(field)
    settings = _settings(threshold, term_frequency, out)
    left_frame, right_frame = read_table(left), read_table(right)
    with RichReporter() as reporter:
        result = link_frames(left_frame, right_frame, id_column, fields, settings, reporter)
    write_pairs(result, out)


@app.command("dedupe-file")
def dedupe_file(file: Annotated[Path, typer.Argument(help="CSV file to deduplicate")],
                id_column: IdOption, field: FieldOption, out: OutOption,
                threshold: ThresholdOption = 0.9, term_frequency: TfOption = False) -> None:
    """Find duplicate records within one CSV file; write pairs with left_id < right_id."""
    from bailiff.identity.linkage.pipeline import dedupe_frame

    fields = parse_fields(field)
    settings = _settings(threshold, term_frequency, out)
    frame = read_table(file)
    with RichReporter() as reporter:
        result = dedupe_frame(frame, id_column, fields, settings, reporter)
    write_pairs(result, out)


@app.command("dedupe")
def dedupe(threshold: ThresholdOption = 0.9) -> None:
    """Find clusters of person records in the registry that are likely one person; file them for review."""
    import json

    from bailiff.config import load_settings
    from bailiff.core.actor import CLI_ADMIN
    from bailiff.core.db import Database, upgrade
    from bailiff.identity.dedupe import dedupe_registry

    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"--threshold must be between 0 and 1, got {threshold}")
    settings = load_settings()
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    with RichReporter() as reporter, database.transaction() as session:
        summary = dedupe_registry(session=session, actor=CLI_ADMIN, threshold=threshold, reporter=reporter)
    typer.echo(json.dumps(summary))


@app.command("train")
def train() -> None:
    """Estimate the matching model from the registry (EM) and put it in force for online resolution."""
    import json

    from bailiff.config import load_settings
    from bailiff.core.db import Database, upgrade
    from bailiff.identity.training import train as train_model

    settings = load_settings()
    upgrade(settings.database_url)
    database = Database(settings.database_url)
    with RichReporter() as reporter, database.transaction() as session:
        row = train_model(session=session, reporter=reporter)
        out = {"model_id": row.id, "pairs": row.pairs, "prior": row.parameters["prior"]}
    typer.echo(json.dumps(out))
