"""The editors' content check: it lists gaps and fails on missing answers."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import yaml

from tools.content_check import check, main, placeholders, render, stale_facts
from valkommen.core.locales import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "boras_facts.md"
#: Official authorities' sites an answer may cite besides the reference file's links.
OFFICIAL_HOSTS = {
    "www.boras.se",
    "arbetsformedlingen.se",
    "www.forsakringskassan.se",
    "www.1177.se",
    "www.informationsverige.se",
    "www.krisinformation.se",
    "polisen.se",
    "www.skatteverket.se",
}


def copy_locales(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    return tmp_path / "locales"


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_projects_content_passes(capsys):
    assert main([]) == 0
    assert "content check passed" in capsys.readouterr().out


def test_a_missing_answer_fails_and_is_named(tmp_path):
    locales = copy_locales(tmp_path)
    edit(locales / "ti.yml", lambda d: d["answers"].pop("school"))
    reports = {r.code: r for r in check(load_catalogue(locales), dt.date(2026, 11, 28), 365)}
    assert reports["ti"].missing_answers == ["school"] and reports["ti"].failing
    assert not reports["ar"].failing


def test_unreviewed_translations_are_listed_without_failing(catalogue):
    reports = {r.code: r for r in check(catalogue, dt.date(2026, 11, 28), 365)}
    assert set(reports["ar"].unreviewed) == {t for t, a in catalogue.locales["ar"].answers.items() if not a.reviewed}
    assert not reports["ar"].failing


def test_facts_older_than_the_set_age_are_listed(catalogue):
    later = max(t.read for t in catalogue.topics.values()) + dt.timedelta(days=400)
    reports = check(catalogue, later, 365)
    assert set(reports[0].stale) == set(catalogue.topics)


def test_a_broken_placeholder_fails(tmp_path):
    locales = copy_locales(tmp_path)
    edit(locales / "en.yml", lambda d: d["interface"].__setitem__("greet", "Hello {name"))
    reports = {r.code: r for r in check(load_catalogue(locales), dt.date(2026, 11, 28), 365)}
    assert "interface.greet" in reports["en"].broken_placeholders and reports["en"].failing


def test_placeholders_are_read_from_braces():
    assert placeholders("Hej {name}, {place}!") == {"name", "place"}
    assert placeholders("Hej {name") is None


def test_every_topic_source_is_in_the_reference_or_an_official_site(catalogue):
    """A URL from the reference file or an official site, or a reference document that exists."""
    reference_urls = (
        set(re.findall(r"https?://\S+?(?=\s|$| ;)", REFERENCE.read_text(encoding="utf-8"))) if REFERENCE.exists() else set()
    )
    for topic in catalogue.topics.values():
        if not topic.is_url:
            assert topic.source.startswith("shared/reference/") and topic.source_title, topic.id
            if REFERENCE.parent.exists():
                assert (ROOT.parent / topic.source.split(",")[0]).exists(), topic.id
            continue
        assert topic.source.startswith("https://") or topic.source in reference_urls, topic.id
        assert topic.source in reference_urls or urlparse(topic.source).hostname in OFFICIAL_HOSTS, topic.id


def test_no_topic_cites_a_bare_home_page(catalogue):
    """A home page does not support an answer: each topic cites the page or document it rests on."""
    for topic in catalogue.topics.values():
        if topic.id in ("integration_council", "swimming", "housing", "interpreter"):
            assert not topic.is_url or urlparse(topic.source).path.strip("/"), topic.id


def test_facts_whose_source_was_read_long_ago_are_listed(catalogue):
    oldest = min(f.read for f in catalogue.facts.values())
    listed = stale_facts(catalogue, oldest + dt.timedelta(days=366), 365)
    assert listed and all(
        f.read == oldest for f in catalogue.facts.values() if any(line.startswith(f"{f.name} (") for line in listed)
    )
    assert stale_facts(catalogue, oldest, 365) == []


def test_the_report_lists_old_facts(catalogue):
    later = dt.date(2030, 1, 1)
    out = render(check(catalogue, later, 365), stale_facts(catalogue, later, 365))
    assert "facts whose source was read longer ago than the set age" in out and "phone_city (facts/municipality.yml" in out
