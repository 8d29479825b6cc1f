"""Benchmark: the follow-up report for 100,000 simulated conversations.

Generates the tracker store by bulk insert (rows in exactly the format SQLTrackerStore
writes; checked first on a sample against Rasa's own store), then times ``build_report``.
Prints the figures; asserts nothing about time.

Usage: ``python -m bench.report [--conversations 100000] [--weeks 12] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Sequence

from tools.simulate_traffic import example_texts, random_conversations, write_bulk, write_with_tracker_store
from valkommen.core.locales import default_catalogue
from valkommen.stats.cli import build_report

SAMPLE = 30


def _rows(path: Path) -> List[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id"
        ).fetchall()


def check_format(directory: Path, topics: Sequence[str], examples) -> int:
    """Writes SAMPLE conversations both ways and checks the rows are identical; returns the row count."""
    sample = list(random_conversations(SAMPLE, seed=7, examples=examples, topics=topics))
    write_with_tracker_store(f"sqlite:///{directory / 'reference.db'}", sample)
    write_bulk(f"sqlite:///{directory / 'bulk-sample.db'}", sample)
    reference, bulk = _rows(directory / "reference.db"), _rows(directory / "bulk-sample.db")
    if reference != bulk:
        raise SystemExit("bulk rows differ from SQLTrackerStore's rows: the benchmark data would be wrong")
    return len(reference)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--keep", type=Path, default=None, help="keep the database and report in this directory")
    args = parser.parse_args(argv)
    catalogue = default_catalogue()
    topics = list(catalogue.topics)
    examples = example_texts(topics)
    with tempfile.TemporaryDirectory() as temporary:
        directory = args.keep or Path(temporary)
        directory.mkdir(parents=True, exist_ok=True)
        sample_rows = check_format(directory, topics, examples)
        print(f"format: {SAMPLE} conversations ({sample_rows} rows) identical to SQLTrackerStore's")
        database = directory / "bench.db"
        database.unlink(missing_ok=True)
        url = f"sqlite:///{database}"
        started = time.perf_counter()
        rows = write_bulk(url, random_conversations(args.conversations, args.weeks, seed=1, examples=examples, topics=topics))
        generated = time.perf_counter() - started
        print(
            f"generated: {args.conversations:,} conversations, {rows:,} events, "
            f"{database.stat().st_size / 1e6:,.0f} MB in {generated:.1f} s (bulk insert)"
        )
        started = time.perf_counter()
        files = build_report(url, directory / "report", "sv", catalogue=catalogue)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"report: {elapsed:.1f} s for {len(files.stats.weeks)} weeks "
            f"({files.html.stat().st_size / 1e3:,.0f} kB HTML, {files.csv.stat().st_size / 1e3:,.0f} kB CSV); "
            f"peak memory of the process {peak:,.0f} MB"
        )


if __name__ == "__main__":
    main()
