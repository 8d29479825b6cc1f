"""Translations out to a translator and back: PO export, import with reviewer and date, and
the refusals (facts that differ from the Swedish answer's, a changed Swedish source)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from tools.translations import TranslationError, export, import_file, main
from valkommen.core.languages import registry
from valkommen.core.locales import LocaleError, load_catalogue

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def locales(tmp_path) -> Path:
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    return tmp_path / "locales"


def reviewed_po(path: Path, reviewer: str = "Amina Translator", date: str = "2026-12-01 10:00+0100") -> str:
    """The exported file as a translator returns it: header filled in, fuzzy cleared."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("FULL NAME <EMAIL@ADDRESS>", f"{reviewer} <amina@example.org>")
    text = text.replace("YEAR-MO-DA HO:MI+ZONE", date)
    return re.sub(r"^#, fuzzy\n|^#, fuzzy, ", lambda m: "" if m.group(0).endswith("\n") else "#, ", text, flags=re.M)


def test_export_writes_one_po_file_per_language_with_source_context_and_translation(locales, tmp_path):
    written = export(locales, tmp_path / "out")
    translations = (set(registry().supported) | set(registry().variants)) - {"sv"}  # all but the Swedish source
    assert {p.stem for p in written} == translations
    with (tmp_path / "out" / "ar.po").open("rb") as handle:
        catalog = read_po(handle)
    sv = yaml.safe_load((locales / "sv.yml").read_text(encoding="utf-8"))["answers"]
    ar = yaml.safe_load((locales / "ar.yml").read_text(encoding="utf-8"))["answers"]
    messages = {m.context: m for m in catalog if m.id}
    assert set(messages) == set(sv)
    school = messages["school"]
    assert school.id == sv["school"]["text"] and school.string == ar["school"]["text"]
    assert "{school_choices}" in school.id and "{school_choices}" in school.string
    assert school.fuzzy  # not reviewed yet


def test_a_reviewed_file_round_trips_with_reviewer_and_date(locales, tmp_path):
    before = (locales / "ar.yml").read_text(encoding="utf-8")
    [path] = export(locales, tmp_path / "out", ["ar"])
    returned = tmp_path / "ar.po"
    returned.write_text(reviewed_po(path), encoding="utf-8")

    result = import_file(returned, locales)

    topics = yaml.safe_load(before)["answers"]
    assert result.code == "ar" and sorted(result.reviewed) == sorted(topics) and result.unreviewed == []
    after = (locales / "ar.yml").read_text(encoding="utf-8")
    assert after.splitlines()[:2] == before.splitlines()[:2]  # the rest of the file untouched
    catalogue = load_catalogue(locales)
    answer = catalogue.locales["ar"].answers["school"]
    assert answer.reviewed and answer.reviewed_by == "Amina Translator <amina@example.org>"
    assert answer.reviewed_on == dt.date(2026, 12, 1)
    assert answer.raw == yaml.safe_load(before)["answers"]["school"]["text"]
    # Exported again, the reviewed answers are no longer fuzzy.
    [again] = export(locales, tmp_path / "again", ["ar"])
    with again.open("rb") as handle:
        assert not any(m.fuzzy for m in read_po(handle) if m.id)


def test_a_changed_translation_is_written_and_fuzzy_entries_stay_unreviewed(locales, tmp_path):
    [path] = export(locales, tmp_path / "out", ["en"])
    text = path.read_text(encoding="utf-8").replace(
        'msgstr ""\n"Preschool (förskola) in Borås:\\n"', 'msgstr ""\n"Preschool (förskola) in the City of Borås:\\n"'
    )
    returned = tmp_path / "en.po"
    returned.write_text(text.replace("FULL NAME <EMAIL@ADDRESS>", "Sam Reviewer"), encoding="utf-8")
    assert main(["--locales", str(locales), "import", str(returned), "--date", "2026-12-02"]) == 0
    catalogue = load_catalogue(locales)
    assert catalogue.locales["en"].answers["preschool"].text.startswith("Preschool (förskola) in the City of Borås:")
    assert not catalogue.locales["en"].answers["preschool"].reviewed


def test_a_file_whose_facts_differ_from_the_swedish_answer_is_refused(locales, tmp_path):
    before = (locales / "so.yml").read_text(encoding="utf-8")
    [path] = export(locales, tmp_path / "out", ["so"])
    text = reviewed_po(path)
    # A translator typed the number instead of keeping the placeholder.
    assert text.count("{phone_city}") > 2
    broken = text.replace("Wac telefoonka guud: {phone_city}", "Wac telefoonka guud: 033-35 70 00", 1)
    assert broken != text
    returned = tmp_path / "so.po"
    returned.write_text(broken, encoding="utf-8")
    with pytest.raises(TranslationError, match="contact_person: facts"):
        import_file(returned, locales)
    assert (locales / "so.yml").read_text(encoding="utf-8") == before  # nothing written
    assert main(["--locales", str(locales), "import", str(returned)]) == 1


def test_a_file_made_from_an_older_swedish_answer_is_refused(locales, tmp_path):
    [path] = export(locales, tmp_path / "out", ["bs"])
    sv = locales / "sv.yml"
    sv.write_text(sv.read_text(encoding="utf-8").replace("Förskola i Borås:", "Förskola i Borås Stad:"), encoding="utf-8")
    returned = tmp_path / "bs.po"
    returned.write_text(reviewed_po(path), encoding="utf-8")
    with pytest.raises(TranslationError, match="preschool: the Swedish answer has changed"):
        import_file(returned, locales)


def test_reviewed_entries_need_a_reviewer(locales, tmp_path):
    [path] = export(locales, tmp_path / "out", ["uk"])
    returned = tmp_path / "uk.po"
    returned.write_text(
        reviewed_po(path).replace("Amina Translator <amina@example.org>", "FULL NAME <EMAIL@ADDRESS>"), encoding="utf-8"
    )
    with pytest.raises(TranslationError, match="reviewer"):
        import_file(returned, locales)


def test_the_loader_reads_old_and_new_review_records(locales):
    path = locales / "en.yml"
    text = path.read_text(encoding="utf-8")
    first = text.index("    reviewed: false")
    text = text[:first] + '    reviewed: {by: "A. Person", on: 2026-11-30}' + text[first + len("    reviewed: false") :]
    path.write_text(text, encoding="utf-8")
    answers = load_catalogue(locales).locales["en"].answers
    assert answers["school"].reviewed and answers["school"].reviewed_by == "A. Person"
    assert answers["school"].reviewed_on == dt.date(2026, 11, 30)
    assert answers["home_language"].reviewed is False and answers["home_language"].reviewed_by is None
    path.write_text(text.replace('{by: "A. Person", on: 2026-11-30}', "{by: A. Person}"), encoding="utf-8")
    with pytest.raises(LocaleError, match="reviewed"):
        load_catalogue(locales)
