"""The one line the CLI prints for failures that are not Bailiff's own errors: usage errors, a database
that cannot be reached, a migration that cannot be found."""

from __future__ import annotations

# typer 0.29 bundles its own copy of click (typer._click) and raises that copy's exceptions, not
# click's: catching click.exceptions.ClickException misses every usage error. Its public base class is
# typer.TyperException; the exception for "no arguments, show the help" is not exported.
from typer import TyperException
from typer._click.exceptions import NoArgsIsHelpError, UsageError

__all__ = ["NoArgsIsHelpError", "explain"]


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def explain(exc: BaseException) -> tuple[str, int] | None:
    """The line and exit status for an exception the user can act on, or None for a defect (which keeps
    its traceback). Usage errors exit 2, as click's do; the rest exit 1."""
    if isinstance(exc, TyperException):
        line = _one_line(exc.format_message())
        context = getattr(exc, "ctx", None) if isinstance(exc, UsageError) else None
        if context is not None:
            line += f" (see '{context.command_path} --help')"
        return line, exc.exit_code
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        # The driver's own words (connection refused, authentication failed, unable to open the file),
        # without the statement SQLAlchemy appends.
        return f"the database (BAILIFF_DATABASE_URL) cannot be used: {_one_line(exc.orig or exc)}", 1
    if isinstance(exc, CommandError):
        return f"database migration: {_one_line(exc)}", 1
    return None
