"""The HTML and CSV report: words from locales, hidden groups, retention, the editor links."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.stats.conftest import OLD_TEXT, RARE_TEXT, RECENT_TEXT, normalised
from valkommen.stats.cli import build_report
from valkommen.stats.editor import OfflineMatcher


@pytest.fixture(scope="module")
def swedish(known_store, catalogue, tmp_path_factory):
    """The Swedish report at threshold 5."""
    return build_report(known_store.url, tmp_path_factory.mktemp("sv"), "sv", 5, 30, catalogue=catalogue, now=known_store.now)


@pytest.fixture(scope="module")
def everything(known_store, catalogue, tmp_path_factory):
    """The English report at threshold 1 (every group shown)."""
    return build_report(known_store.url, tmp_path_factory.mktemp("en"), "en", 1, 30, catalogue=catalogue, now=known_store.now)


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_report_is_in_swedish_with_every_heading_from_the_locales(swedish, catalogue):
    html = swedish.html.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="sv"' in html
    for key in (
        "report_title",
        "report_topics_heading",
        "report_languages_heading",
        "report_channels_heading",
        "report_places_heading",
        "report_fallback_heading",
        "report_unanswered_heading",
        "report_feedback_heading",
    ):
        assert catalogue.interface(key, "sv") in html, key


def test_the_english_version_uses_the_english_strings(everything, catalogue):
    html = everything.html.read_text(encoding="utf-8")
    assert everything.html.name == "report-en.html"
    assert catalogue.interface("report_feedback_heading", "en") in html
    assert catalogue.interface("report_feedback_heading", "sv") not in html


def test_the_html_is_self_contained(swedish):
    html = swedish.html.read_text(encoding="utf-8")
    assert "<style>" in html and "@media print" in html
    assert html.count("<svg") >= 6
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "<script" not in html and "<link" not in html and "@import" not in html


def test_hidden_groups_show_as_a_dash_and_are_empty_in_the_csv(swedish, known_store):
    rows = read_csv(swedish.csv)
    sfi = [r for r in rows if r["section"] == "topic" and r["key"] == "sfi" and r["suppressed"] == "1"]
    assert sfi and all(r["messages"] == "" and r["people"] == "" for r in sfi)
    assert not any(r["section"] == "topic" and r["key"] == "sfi" and r["messages"] == "2" for r in rows)
    assert "–" in swedish.html.read_text(encoding="utf-8")


def test_the_csv_has_the_aggregated_numbers(everything, known_store):
    rows = read_csv(everything.csv)
    total = {(r["section"], r["key"]): r for r in rows if r["week"] == "total"}
    assert total[("channel", "telegram")]["messages"] == "24"
    assert total[("topic", "housing")]["people"] == "11"
    assert total[("feedback", "up")]["messages"] == "6"
    assert float(total[("fallback_rate", "percent")]["percent"]) == pytest.approx(100 * 8 / 48, abs=0.01)


def test_no_question_text_older_than_the_retention_period_appears(everything, swedish):
    for files in (everything, swedish):
        for path in (files.html, files.csv):
            text = path.read_text(encoding="utf-8").casefold()
            assert normalised(OLD_TEXT) not in text and OLD_TEXT.casefold() not in text
            assert "körkort" not in text
    assert normalised(RARE_TEXT) in everything.csv.read_text(encoding="utf-8")  # threshold 1: shown
    assert normalised(RARE_TEXT) not in swedish.csv.read_text(encoding="utf-8")  # 3 people < 5


def test_unanswered_questions_link_to_the_training_file_and_the_answer(swedish):
    rows = [r for r in read_csv(swedish.csv) if r["section"] == "unanswered"]
    assert [(r["key"], r["text"]) for r in rows] == [("en", normalised(RECENT_TEXT))]
    topic = rows[0]["closest_topic"]
    assert rows[0]["example_file"] == f"nlu_data/nlu/en/{topic}.yml"
    assert rows[0]["answer_file"] == "locales/en.yml"
    html = swedish.html.read_text(encoding="utf-8")
    assert f"nlu_data/nlu/en/{topic}.yml" in html and f"answers.{topic}" in html


def test_the_offline_matcher_finds_the_topic_of_a_paraphrase(training_examples, catalogue):
    matcher = OfflineMatcher(training_examples, list(catalogue.topics))
    assert matcher.closest("hur får mitt barn börja i skolan", "sv")[0] == "school"
    assert matcher.closest("كيف أحصل على شقة للإيجار", "ar")[0] == "housing"
    assert matcher.closest("I need an interpreter at the doctor", "en")[0] in ("interpreter", "healthcare")


def test_the_command_line_takes_the_database_threshold_and_language(known_store, tmp_path, monkeypatch, capsys):
    from valkommen.stats.cli import main

    monkeypatch.setenv("STATS_MIN_GROUP", "1")
    main(["--db", known_store.url, "--out", str(tmp_path), "--lang", "en", "--retention-days", "3650"])

    assert (tmp_path / "report-en.html").exists()
    rows = read_csv(tmp_path / "report.csv")
    # Threshold 1 from the environment: the two Somali users' topic is shown.
    assert any(r["section"] == "topic" and r["key"] == "sfi" and r["week"] == "total" and r["messages"] == "2" for r in rows)
    # Ten years of retention: the old question is now inside the window.
    assert any(r["section"] == "unanswered" and r["text"] == normalised(OLD_TEXT) for r in rows)
    assert "report-en.html" in capsys.readouterr().out


def test_an_empty_tracker_store_gives_a_report_saying_there_is_no_data(tmp_path, catalogue):
    import sqlalchemy as sa

    from tools.simulate_traffic import create_table

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    create_table(sa.create_engine(url))
    files = build_report(url, tmp_path / "out", "sv", catalogue=catalogue)
    assert catalogue.interface("report_no_data", "sv") in files.html.read_text(encoding="utf-8")


def test_a_missing_database_is_an_error_and_is_not_created(tmp_path, catalogue):
    from valkommen.stats.events import StoreError

    with pytest.raises(StoreError):
        build_report(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "out", "sv", catalogue=catalogue)
    assert not (tmp_path / "missing.db").exists()


def test_csv_cells_from_users_cannot_become_spreadsheet_formulas():
    from valkommen.stats.report import spreadsheet_safe

    assert spreadsheet_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_safe("+46 33") == "'+46 33"
    assert spreadsheet_safe("var kan jag parkera") == "var kan jag parkera"
    assert spreadsheet_safe(12) == 12


def test_the_database_is_the_servers_tracker_store_by_default():
    from valkommen.stats.cli import DEFAULT_DB, store_url

    assert store_url({"TRACKER_STORE_URL": "postgresql://u@h:5432/valkommen"}) == "postgresql://u@h:5432/valkommen"
    assert store_url({}) == DEFAULT_DB
    # Without a scheme, the URL is a host and the database is TRACKER_DB, as in endpoints.yml.
    url = store_url({"TRACKER_STORE_URL": "db.internal:5433", "TRACKER_DIALECT": "postgresql", "TRACKER_DB": "valkommen"})
    assert url == "postgresql://db.internal:5433/valkommen"
