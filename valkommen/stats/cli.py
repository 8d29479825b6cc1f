"""``make report``: the follow-up report (HTML + CSV) from the tracker store.

Usage: ``python -m valkommen.stats [--db URL] [--out DIR] [--lang sv|en] [--min-group N]
[--retention-days N] [--rasa-url URL]``. Defaults: TRACKER_STORE_URL, results/report/,
Swedish, STATS_MIN_GROUP (5), RETENTION_DAYS (21), the offline topic matcher.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import sqlalchemy as sa

from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.settings import Settings, exit_on_error, load_settings, settings
from valkommen.stats.aggregate import DEFAULT_RETENTION_DAYS, DEFAULT_TOP_QUESTIONS, Stats, aggregate
from valkommen.stats.editor import link_questions, matcher
from valkommen.stats.events import EventStore, KnownLabels, StoreError, engine_for
from valkommen.stats.report import Labels, render_csv, render_html
from valkommen.stats.suppress import DEFAULT_THRESHOLD

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB: str = Settings.__fields__["tracker_store_url"].default
DEFAULT_OUT = ROOT / "results" / "report"
CSV_NAME = "report.csv"


@dataclass(frozen=True)
class ReportFiles:
    """What a report run wrote."""

    html: Path
    csv: Path
    stats: Stats


def html_name(language: str) -> str:
    """The HTML file name for a report language (``report-sv.html``)."""
    return f"report-{language}.html"


def place_names() -> dict:
    """Meeting place id -> name from the places data (ids only if it cannot be read)."""
    try:
        from valkommen.core.places import load_places

        return {place.id: place.name for place in load_places()}
    except Exception:  # the report must not fail on a places data problem
        return {}


def build_report(
    db_url: str,
    out_dir: Path,
    language: str = "sv",
    threshold: int = DEFAULT_THRESHOLD,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    rasa_url: Optional[str] = None,
    catalogue: Optional[Catalogue] = None,
    now: Optional[float] = None,
    top_questions: int = DEFAULT_TOP_QUESTIONS,
) -> ReportFiles:
    """Aggregates the tracker store at ``db_url`` and writes the HTML and CSV into ``out_dir``."""
    catalogue = catalogue or default_catalogue()
    engine = engine_for(db_url)
    names = place_names()
    try:
        with EventStore(engine, KnownLabels.of_project(list(names))) as store:
            stats = aggregate(
                store,
                {t: m.area for t, m in catalogue.topics.items()},
                threshold,
                retention_days,
                places=list(names),
                now=now,
                top_questions=top_questions,
            )
    finally:
        engine.dispose()
    link_questions(stats.questions, matcher(list(catalogue.topics), rasa_url))
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, csv_path = out_dir / html_name(language), out_dir / CSV_NAME
    html_path.write_text(render_html(stats, Labels(catalogue, language, names), CSV_NAME), encoding="utf-8")
    csv_path.write_text(render_csv(stats), encoding="utf-8")
    return ReportFiles(html_path, csv_path, stats)


def store_url(env: Optional[dict] = None) -> str:
    """The tracker store URL the servers use: TRACKER_STORE_URL, completed as endpoints.yml does.

    A URL without a scheme is a host (``db.example:5432``) of the TRACKER_DIALECT database
    TRACKER_DB, as in Rasa's SQLTrackerStore; unset means ``var/tracker.db``.
    """
    config = settings() if env is None else load_settings(env)
    url = config.tracker_store_url
    if "://" in url:
        return url
    host, _, port = url.partition(":")
    return str(
        sa.engine.URL.create(
            config.tracker_dialect, host=host or None, port=int(port) if port else None, database=config.tracker_db
        )
    )


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Command line entry point."""
    config = exit_on_error()  # a bad setting: "error: NAME: ..." and status 2
    parser = argparse.ArgumentParser(description="Välkommen follow-up report (HTML + CSV) from the tracker store.")
    parser.add_argument("--db", default=store_url(), help="tracker store URL (default: the servers' TRACKER_STORE_URL)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--lang", default="sv", help="report language (sv, en, ...)")
    parser.add_argument("--min-group", type=int, default=config.stats_min_group, help="smallest group of people shown")
    parser.add_argument(
        "--retention-days", type=int, default=config.retention_days, help="message texts older than this are never shown"
    )
    parser.add_argument("--rasa-url", default=None, help="Rasa server for the closest topic (/model/parse)")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP_QUESTIONS, help="unanswered questions per language")
    args = parser.parse_args(argv)
    if args.min_group < 1 or args.retention_days < 0:
        parser.error("--min-group must be at least 1 and --retention-days not negative")
    started = time.perf_counter()
    try:
        files = build_report(
            args.db, args.out, args.lang, args.min_group, args.retention_days, args.rasa_url, top_questions=args.top
        )
    except StoreError as error:
        raise SystemExit(f"error: {error}") from None
    if files.stats.skipped_rows:
        print(f"skipped: {files.stats.skipped_rows} unreadable rows of the events table (not JSON or unexpected values)")
    print(f"report: {files.html}\nnumbers: {files.csv}\n({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
