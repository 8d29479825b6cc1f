"""The locale loader and the content it serves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from valkommen.core.languages import SELECTABLE_LANGUAGES
from valkommen.core.locales import LocaleError, load_catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_every_supported_language_has_a_locale_file(catalogue):
    assert set(catalogue.locales) == set(SELECTABLE_LANGUAGES)


def test_every_topic_is_answered_in_every_language(catalogue):
    missing = [
        (code, topic)
        for code, locale in catalogue.locales.items()
        for topic in catalogue.topics
        if topic not in locale.answers or not locale.answers[topic].text.strip()
    ]
    assert missing == []


def test_every_language_has_the_source_languages_interface_strings(catalogue):
    source = catalogue.locales["sv"]
    for code, locale in catalogue.locales.items():
        assert set(locale.interface) == set(source.interface), code
        assert set(locale.topic_titles) == set(source.topic_titles), code


def test_the_arabic_script_languages_are_right_to_left_and_the_rest_left_to_right(catalogue):
    """Arabic, Persian, Kurdish Sorani and Pashto (those of them the registry has) read right to left."""
    directions = {code: locale.direction for code, locale in catalogue.locales.items()}
    arabic_script = {"ar", "fa", "ckb", "ps"} & set(directions)
    assert {"ar", "fa"} <= arabic_script
    assert {code for code, d in directions.items() if d == "rtl"} == arabic_script


def test_an_answer_ends_with_its_source_and_the_month_it_was_read(catalogue):
    """ "Uppgifter från boras.se, lästa 2026-11: <url>": where from and when read, no live check."""
    for code in catalogue.locales:
        for topic, meta in catalogue.topics.items():
            answer = catalogue.answer(topic, code)
            last_line = answer.text.splitlines()[-1]
            assert meta.source_label in last_line, (code, topic)
            assert meta.read.strftime("%Y-%m") in last_line and meta.read.isoformat() not in last_line, (code, topic)
            assert (meta.source in last_line) == meta.is_url, (code, topic)
    swedish = catalogue.answer("school", "sv").text.splitlines()[-1]
    assert swedish.startswith("Uppgifter från boras.se, lästa ") and "kontroll" not in swedish
    for code in catalogue.locales:
        assert "kontroll" not in catalogue.interface("checked", code)


def test_an_answer_is_in_the_asked_language_and_marked_unreviewed(catalogue):
    answer = catalogue.answer("home_language", "ar")
    assert answer.language == "ar" and answer.translated
    assert answer.text.startswith(catalogue.locales["ar"].answers["home_language"].text.strip())
    assert answer.reviewed is False
    assert answer.direction == "rtl"


def test_a_missing_translation_gives_swedish_with_a_notice_in_the_users_language(tmp_path):
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    path = tmp_path / "locales" / "so.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["answers"]["school"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalogue = load_catalogue(tmp_path / "locales")

    answer = catalogue.answer("school", "so")

    assert not answer.translated and answer.answer_language == "sv"
    notice = catalogue.locales["so"].interface["not_translated"]
    swedish = catalogue.locales["sv"].answers["school"].text.strip()
    assert answer.text.startswith(f"{notice}\n{swedish}\n")


def test_an_unknown_language_gets_the_swedish_answer(catalogue):
    assert catalogue.answer("school", "xx").language == "sv"


def test_a_locale_declaring_the_wrong_code_is_rejected(tmp_path):
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    path = tmp_path / "locales" / "en.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("code: en", "code: sv"), encoding="utf-8")
    with pytest.raises(LocaleError, match="en.yml"):
        load_catalogue(tmp_path / "locales")


def test_an_answer_without_a_reviewed_flag_is_rejected(tmp_path):
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    path = tmp_path / "locales" / "en.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["answers"]["school"]["reviewed"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LocaleError, match="reviewed"):
        load_catalogue(tmp_path / "locales")


def test_no_answer_text_lives_in_python_or_training_files():
    """Answers are data: no sentence of an answer appears in code or NLU data."""
    catalogue = load_catalogue(ROOT / "locales")
    sentences = {
        line.strip("• ").strip()
        for locale in catalogue.locales.values()
        for answer in locale.answers.values()
        for line in answer.text.splitlines()
        if len(line) > 40
    }
    sources = [p for d in ("bot", "actions", "nlu_data") for p in (ROOT / d).rglob("*") if p.suffix in (".py", ".yml")]
    sources += [ROOT / "domain.yml"]
    for path in sources:
        content = path.read_text(encoding="utf-8")
        assert not [s for s in sentences if s in content], path


def test_an_answer_is_one_message_without_blank_lines(catalogue):
    """Rasa's REST channel splits texts at blank lines; an answer must stay one message."""
    for code in catalogue.locales:
        for topic in catalogue.topics:
            assert "\n\n" not in catalogue.answer(topic, code).text, (code, topic)
