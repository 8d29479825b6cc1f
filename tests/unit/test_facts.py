"""Facts as data: every number, URL and e-mail address an answer states is a named fact, the
same facts in every language, national and municipal facts apart, and a second municipality
that changes the answers with no code change."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from valkommen.core.locales import PLACEHOLDER, LocaleError, load_catalogue, load_facts

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
SHARED = ROOT.parent / "shared"
#: What must never be written into an answer's text: any digit (numbers, phone numbers, amounts,
#: dates, postcodes), a URL or domain, an e-mail address.
LITERAL_FACT = re.compile(r"\d|https?://|www\.|\S+@\S+|\b[\w-]+\.(?:se|nu|com|org|net|eu)\b", re.I)
NATIONAL = {
    "phone_emergency",
    "phone_police",
    "phone_crisis_info",
    "phone_1177",
    "phone_mind",
    "phone_kvinnofridslinjen",
    "phone_bris",
    "law_interpreter",
    "url_skatteverket",
}
MUNICIPAL = {
    "phone_city",
    "email_fritid",
    "email_sfi",
    "office_cfl",
    "office_labour",
    "grant_basic_amount",
    "place_hassle",
    "housing_bostader_i_boras",
}


def raw_locales():
    for path in sorted(LOCALES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "answers" in data:
            yield data["code"], data


def outside_placeholders(text: str) -> str:
    return PLACEHOLDER.sub(" ", text)


def test_no_answer_states_a_number_url_or_email_that_is_not_a_fact():
    found = [
        (code, topic, match.group(0))
        for code, data in raw_locales()
        for topic, entry in data["answers"].items()
        for match in LITERAL_FACT.finditer(outside_placeholders(entry["text"]))
    ]
    assert found == []


def test_no_interface_line_states_a_phone_number_url_or_email():
    found = [
        (code, key, match.group(0))
        for code, data in raw_locales()
        for key, text in data["interface"].items()
        for match in re.finditer(r"\d{2,}|https?://|\S+@\S+|\b[\w-]+\.se\b", outside_placeholders(str(text)))
    ]
    assert found == []


def test_every_language_uses_the_same_facts_per_topic_as_swedish():
    locales = dict(raw_locales())
    source = {t: set(PLACEHOLDER.findall(e["text"])) for t, e in locales["sv"]["answers"].items()}
    differ = [
        (code, topic, sorted(set(PLACEHOLDER.findall(entry["text"])) ^ source[topic]))
        for code, data in locales.items()
        for topic, entry in data["answers"].items()
        if set(PLACEHOLDER.findall(entry["text"])) != source.get(topic, set())
    ]
    assert differ == []


def test_every_fact_has_a_value_a_description_a_source_and_a_read_date(catalogue):
    for fact in catalogue.facts.values():
        assert fact.value.strip() and fact.what.strip(), fact.name
        assert isinstance(fact.read, dt.date) and fact.read <= dt.date.today(), fact.name
        if fact.source.startswith(("https://", "http://")):
            continue
        assert re.fullmatch(r"shared/reference/[\w.-]+, .+", fact.source), fact.name
        if SHARED.exists():
            assert (ROOT.parent / fact.source.split(",")[0]).exists(), fact.name


def test_national_and_municipal_facts_live_in_separate_files(catalogue):
    scopes = {fact.name: fact.scope for fact in catalogue.facts.values()}
    assert {scopes[name] for name in NATIONAL} == {"facts/national.yml"}
    assert {scopes[name] for name in MUNICIPAL} == {"facts/municipality.yml"}
    assert not (LOCALES / "facts.yml").exists()


def test_every_fact_is_used(catalogue):
    used = set()
    for _, data in raw_locales():
        for entry in data["answers"].values():
            used |= set(PLACEHOLDER.findall(entry["text"]))
        for text in data["interface"].values():
            used |= set(PLACEHOLDER.findall(str(text)))
    assert set(catalogue.facts) - used == set()


def test_a_fact_defined_twice_is_rejected(tmp_path):
    shutil.copytree(LOCALES, tmp_path / "locales")
    path = tmp_path / "locales" / "facts" / "municipality.yml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '  phone_emergency:\n    value: "999"\n    what: x\n    source: https://example.org\n    read: 2026-01-01\n',
        encoding="utf-8",
    )
    with pytest.raises(LocaleError, match="phone_emergency"):
        load_facts(tmp_path / "locales")


def test_a_second_municipality_changes_the_answers_with_no_code_change(tmp_path, catalogue):
    """Replace only facts/municipality.yml: switchboard, e-mail and offices change in every language."""
    shutil.copytree(LOCALES, tmp_path / "locales")
    path = tmp_path / "locales" / "facts" / "municipality.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["facts"]["phone_city"]["value"] = "011-00 00 00"
    data["facts"]["email_fritid"]["value"] = "forening@exempelkommun.se"
    data["facts"]["office_labour"]["value"] = "Arbetsmarknadsenheten"
    data["facts"]["grant_basic_amount"]["value"] = "75 kr"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    other = load_catalogue(tmp_path / "locales")

    for code in catalogue.locales:
        contact = other.answer("contact_person", code).text
        assert "011-00 00 00" in contact and "033-35 70 00" not in contact, code
        associations = other.answer("associations", code).text
        assert "forening@exempelkommun.se" in associations and "fritid@boras.se" not in associations, code
        assert "75 kr" in associations and "100 kr" not in associations, code
        assert "Arbetsmarknadsenheten" in other.answer("civic_orientation", code).text, code
        # National facts stay as they were.
        assert other.answer("emergency", code).text == catalogue.answer("emergency", code).text, code
    assert "011-00 00 00" in other.interface("bot_challenge", "sv")


def test_right_to_left_answers_isolate_every_fact(catalogue):
    for code in ("ar", "fa"):
        text = catalogue.answer("associations", code).text
        for name in ("phone_city", "email_fritid", "grant_social_amount"):
            assert f"\u2066{catalogue.facts[name].value}\u2069" in text, (code, name)
