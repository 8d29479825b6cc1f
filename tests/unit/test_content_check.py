"""The editors' content check: it lists gaps and fails on missing answers."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import yaml

from tools.content_check import check, main, placeholders
from valkommen.core.locales import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "boras_facts.md"
#: Official authorities' sites an answer may cite besides the reference file's links.
OFFICIAL_HOSTS = {
    "www.boras.se", "arbetsformedlingen.se", "www.forsakringskassan.se", "www.1177.se",
    "www.informationsverige.se", "www.krisinformation.se", "polisen.se", "www.skatteverket.se",
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
    later = max(t.checked for t in catalogue.topics.values()) + dt.timedelta(days=400)
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
    reference_urls = set(re.findall(r"https?://\S+?(?=\s|$| ;)", REFERENCE.read_text(encoding="utf-8"))) if REFERENCE.exists() else set()
    for topic in catalogue.topics.values():
        assert topic.source.startswith("https://") or topic.source in reference_urls, topic.id
        assert topic.source in reference_urls or urlparse(topic.source).hostname in OFFICIAL_HOSTS, topic.id
