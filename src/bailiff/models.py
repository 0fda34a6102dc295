"""Imports every context's models so that the metadata is complete (migrations, tests)."""

from __future__ import annotations


def load_all() -> None:
    """Import all model modules (their import registers the tables on Base.metadata)."""
    import bailiff.core.audit  # noqa: F401
    import bailiff.core.outbox  # noqa: F401
    import bailiff.core.sequences  # noqa: F401
    import bailiff.core.translog  # noqa: F401
    import bailiff.orgs.models  # noqa: F401
    import bailiff.identity.models  # noqa: F401
    import bailiff.register.models  # noqa: F401
    import bailiff.assignment.models  # noqa: F401
    import bailiff.proceedings.models  # noqa: F401
