"""Whole-registry dedupe files clusters for review; ground-truth accuracy of online resolution."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bailiff.config import Settings
from bailiff.core.actor import CLI_ADMIN
from bailiff.core.db import Database, upgrade
from bailiff.identity.dedupe import dedupe_registry
from bailiff.identity.evaluation import evaluate
from bailiff.identity.models import ReviewTask
from tests.conftest import fresh_database_url


def test_ground_truth_no_false_links_and_dedupe_files_reviews(backend: str, tmp_path: Path) -> None:
    url = fresh_database_url(backend, tmp_path, "accuracy")
    upgrade(url)
    database = Database(url)
    try:
        result = evaluate(database, Settings(data_dir=tmp_path, database_url=url), persons=1500, mentions=2500,
                          seed=5)
        assert result["decided"] == 2500
        assert result["namesake_pairs"] > 0 and result["namesake_pairs_linked"] == 0
        assert result["false_links"] == 0
        # A floor against regressions on this small set; make bench reports the 0.99 the issue aims at.
        assert result["recall_with_identifier"] >= 0.97
        # Every missed pair without a shared identifier is accounted for by what held it back; most are
        # writs at a new address held as possible namesakes (rules.corroborated).
        missed = result["missed_without_identifier"]
        assert sum(missed.values()) == round(result["true_pairs_without_identifier"]
                                             * (1 - result["recall_without_identifier"]))
        assert max(missed, key=missed.get) == "review: name and birth date only (possible namesake)"
        with database.reading() as session:
            # Parties made persons of their own by an identifier, resembling others, were filed at intake.
            at_intake = session.scalars(select(ReviewTask).where(ReviewTask.kind == "duplicate_cluster")).all()
        assert at_intake and all(t.candidates[0]["probability"] == 1.0 for t in at_intake)
        with database.transaction() as session:
            summary = dedupe_registry(session=session, actor=CLI_ADMIN)
        assert summary["persons"] > 1000 and summary["filed"] > 0
        with database.reading() as session:
            tasks = session.scalars(select(ReviewTask).where(ReviewTask.kind == "duplicate_cluster")).all()
        assert len(tasks) == len(at_intake) + summary["filed"]
        assert all(len(t.candidates) >= 2 and t.status == "open" for t in tasks)
        # Filing again adds nothing: open clusters are not filed twice.
        with database.transaction() as session:
            assert dedupe_registry(session=session, actor=CLI_ADMIN)["filed"] == 0
    finally:
        database.dispose()
