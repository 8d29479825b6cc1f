"""The language registry ``languages.yml``: the one table of per-language facts.

The main test builds a throw-away copy of the project with a made-up language ``zz`` added only
through a registry entry and its data files (``locales/zz.yml``, ``nlu_data/nlu/zz/``), and shows
it is detected, tokenised and answered without a change anywhere in the code.
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from valkommen.core.examples import by_language, read_examples
from valkommen.core.language_choice import choose_reply_language
from valkommen.core.languages import (
    SCRIPTS,
    SELECTABLE_LANGUAGES,
    SOURCE_LANGUAGE,
    SUPPORTED_LANGUAGES,
    RegistryError,
    language,
    load_registry,
    parse_registry,
    registry,
)
from valkommen.core.locales import load_catalogue
from valkommen.core.place_lookup import language_script
from valkommen.nlu.detection import LanguageIdentifier, LinguaScorer, NgramClassifier, script_candidates
from valkommen.nlu.spacy_tokenizer import LanguageAwareSpacyTokenizer, spacy_code

ROOT = Path(__file__).resolve().parents[2]
MARKER = "[zz]"
#: Zeddi, a made-up Latin-script language: its very common words (the registry hints) and a few more.
ZZ_HINTS = ["zorbu", "klavo", "miqqa", "tuvek", "zeppi"]
ZZ_TOPICS = {
    "school": ["skolrava", "tuvek", "lernodo"],
    "sfi": ["sfi", "svenzo", "lernodo"],
    "housing": ["hauzzi", "lodjan", "kvartor"],
    "greet": ["halozzi", "bunzo", "dagvo"],
}
ZZ_ENTRY = f"""
  - code: zz
    english_name: Zeddi (made up for a test)
    name: Zeddi
    script: latin
    direction: ltr
    spacy: xx
    lingua: []
    hints:
      letters: ""
      words: [{", ".join(ZZ_HINTS)}]
    aliases: [zed]
"""


def zz_examples(topic: str) -> list:
    """About 40 made-up Zeddi examples for ``topic``: hint words around the topic's own words."""
    words = ZZ_TOPICS[topic]
    rows = []
    for first, second, word in itertools.product(ZZ_HINTS, ZZ_HINTS[::-1], words):
        if first != second:
            rows.append(f"{first} {second} {word}?")
    return rows[:40]


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """A copy of the registry, locales and NLU data with the language zz added (data only)."""
    copy = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "languages.yml", copy / "languages.yml")
    shutil.copytree(ROOT / "locales", copy / "locales")
    shutil.copytree(ROOT / "nlu_data" / "nlu", copy / "nlu_data" / "nlu")
    with (copy / "languages.yml").open("a", encoding="utf-8") as registry_file:
        registry_file.write(ZZ_ENTRY)
    locale = yaml.safe_load((ROOT / "locales" / "en.yml").read_text(encoding="utf-8"))
    locale["code"] = "zz"
    for entry in locale["answers"].values():
        entry["text"] = f"{MARKER} {entry['text']}"
    (copy / "locales" / "zz.yml").write_text(yaml.safe_dump(locale, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (copy / "nlu_data" / "nlu" / "zz").mkdir()
    for topic in ZZ_TOPICS:
        block = {
            "intent": topic,
            "metadata": {"language": "zz"},
            "examples": "".join(f"- {line}\n" for line in zz_examples(topic)),
        }
        text = yaml.safe_dump({"version": "3.1", "nlu": [block]}, allow_unicode=True, sort_keys=False)
        (copy / "nlu_data" / "nlu" / "zz" / f"{topic}.yml").write_text(text, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def zz_registry(project_copy):
    return load_registry(project_copy / "languages.yml")


@pytest.fixture(scope="module")
def zz_identifier(project_copy, zz_registry) -> LanguageIdentifier:
    """The detector as the trained model has it: n-grams from the copy's examples, lingua, hints.

    The n-grams learn from at most 300 examples per Latin-script language (all of them take
    minutes to learn); the Latin-script languages are the ones zz must be told from.
    """
    latin = set(script_candidates(zz_registry, "latin"))
    grouped = by_language(read_examples(project_copy / "nlu_data" / "nlu"))
    examples = [e for code in sorted(latin) for e in grouped[code][:: max(1, len(grouped[code]) // 300)]]
    ngrams = NgramClassifier().fit([e.text for e in examples], [e.language for e in examples])
    return LanguageIdentifier(ngrams=ngrams, lingua=LinguaScorer(zz_registry), languages=zz_registry)


# --- the project's registry -------------------------------------------------------------------


def test_the_public_names_come_from_the_registry():
    assert SUPPORTED_LANGUAGES[:8] == ("sv", "en", "ar", "so", "ti", "fa", "uk", "bs")  # the first eight; new languages follow
    assert SOURCE_LANGUAGE == "sv" and SELECTABLE_LANGUAGES == SUPPORTED_LANGUAGES + ("sv-easy",)
    assert language("sv-easy").variant_of == "sv" and language("sv-easy").direction == "ltr"
    assert registry().aliases["hr"] == "bs" and registry().aliases["prs"] == "fa"


def test_every_language_has_its_data_files_and_every_locale_a_language():
    for code in SUPPORTED_LANGUAGES:
        assert (ROOT / "locales" / f"{code}.yml").exists(), code
        assert any((ROOT / "nlu_data" / "nlu" / code).glob("*.yml")), code
    for code in SELECTABLE_LANGUAGES:
        assert (ROOT / "locales" / f"{code}.yml").exists(), code
    locale_codes = {p.stem for p in (ROOT / "locales").glob("*.yml")} - {"topics", "facts"}
    assert locale_codes == set(SELECTABLE_LANGUAGES)


def test_every_entry_names_what_the_tools_have():
    import spacy
    from lingua import Language as LinguaLanguage

    for entry in registry().languages:
        assert entry.script in SCRIPTS and entry.direction in ("ltr", "rtl")
        assert all(hasattr(LinguaLanguage, name) for name in entry.lingua), entry.code
        assert spacy.blank(entry.spacy).lang == entry.spacy, entry.code


def test_the_registry_gives_detection_its_candidates_and_the_other_tables():
    languages = registry()
    assert script_candidates(languages, "latin")[:4] == ("sv", "en", "so", "bs")  # then tr, kmr
    assert script_candidates(languages, "arabic")[:2] == ("ar", "fa")  # then ckb, ps when added
    assert script_candidates(languages, "cyrillic") == ("uk", "ru", "bs")
    assert script_candidates(languages, "ethiopic") == ("ti", "am")
    assert spacy_code("bs") == "hr" and spacy_code("so") == "xx"
    assert [language_script(code) for code in ("fa", "ti", "uk", "bs", "sv-easy", "??")] == [
        "arabic",
        "ethiopic",
        "cyrillic",
        "latin",
        "latin",
        "latin",
    ]


def test_a_bad_registry_is_refused_with_the_reason():
    good = {"code": "sv", "english_name": "Swedish", "name": "Svenska", "script": "latin", "direction": "ltr"}
    parse_registry({"source_language": "sv", "languages": [good]})
    for change, reason in (
        ({"script": "runic"}, "script"),
        ({"direction": "up"}, "direction"),
        ({"colour": "blue"}, "unknown fields"),
        ({"name": ""}, "name"),
    ):
        with pytest.raises(RegistryError, match=reason):
            parse_registry({"source_language": "sv", "languages": [{**good, **change}]})
    with pytest.raises(RegistryError, match="source_language"):
        parse_registry({"source_language": "en", "languages": [good]})
    with pytest.raises(RegistryError, match="variant_of"):
        parse_registry(
            {"source_language": "sv", "languages": [good, {"code": "x", "english_name": "X", "name": "X", "variant_of": "en"}]}
        )


def test_latin_letter_writing_is_an_entry_field_of_languages_with_a_script_of_their_own():
    arabic = {"code": "ar", "english_name": "Arabic", "name": "العربية", "script": "arabic", "direction": "rtl"}
    swedish = {"code": "sv", "english_name": "Swedish", "name": "Svenska", "script": "latin", "direction": "ltr"}
    writing = {"words": ["kif", "Shu"], "digits": "37"}
    languages = parse_registry({"source_language": "sv", "languages": [swedish, {**arabic, "latin_writing": writing}]})
    assert languages["ar"].latin_writing.words == ("kif", "shu") and languages["ar"].latin_writing.digits == "37"
    assert languages.latin_writers() == ("ar",)
    for entry, reason in (
        ({**swedish, "latin_writing": writing}, "script of its own"),
        ({**arabic, "latin_writing": {"words": ["kif"], "digits": "3a"}}, "digits"),
        ({**arabic, "latin_writing": {"words": ["كيف"]}}, "Latin letters"),
        ({**arabic, "latin_writing": {"letters": "x"}}, "words"),
    ):
        others = [swedish] if entry["code"] == "ar" else []
        with pytest.raises(RegistryError, match=reason):
            parse_registry({"source_language": "sv", "languages": [*others, entry]})
    assert set(registry().latin_writers()) >= {"ar", "fa", "ti", "uk"}


def test_the_widget_has_no_language_table_of_its_own():
    widget = (ROOT / "valkommen" / "channels" / "web" / "static" / "widget.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", widget, flags=re.S)  # without comments
    for literal in ('"bs"', '"fa"', '"ar"', '"sv"', "bs:", "sv:", "fa:"):
        assert literal not in code, literal


def test_the_widget_strings_carry_names_directions_aliases_and_the_source(catalogue):
    from valkommen.channels.web.strings import widget_strings

    data = widget_strings(catalogue)
    assert {"code": "fa", "name": "فارسی", "direction": "rtl"} in data["languages"]
    assert data["source"] == "sv" and data["aliases"]["sr"] == "bs"


# --- a made-up language added through the registry and data files only -------------------------


def test_a_new_language_is_detected_by_its_hint_words(zz_identifier):
    detection = zz_identifier.detect("zorbu klavo miqqa tuvek skolrava?")
    assert detection.code == "zz" and detection.confidence > 0.5
    assert zz_identifier.detect("klavo miqqa hauzzi lodjan").code == "zz"
    # The other languages are detected as before.
    assert zz_identifier.detect("How do I register my child at school?").code == "en"
    assert zz_identifier.detect("Hur får mitt barn modersmålsundervisning?").code == "sv"
    assert zz_identifier.detect("kako dobiti personnummer").code == "bs"
    assert zz_identifier.detect("Sidee baan ugu diiwaan gashan karaa SFI?").code == "so"


def test_a_language_lingua_has_no_model_of_is_detected_by_its_hints_alone(zz_registry):
    lingua_only = LanguageIdentifier(lingua=LinguaScorer(zz_registry), languages=zz_registry)
    assert not lingua_only.lingua.knows("zz") and lingua_only.lingua.knows("bs")
    assert lingua_only.detect("zorbu klavo miqqa tuvek zeppi").code == "zz"
    assert lingua_only.detect("How do I register my child at school?").code == "en"


def test_a_new_language_is_tokenised_with_its_registry_spacy_code(zz_registry):
    assert spacy_code("zz", zz_registry) == "xx"
    tokenizer = LanguageAwareSpacyTokenizer(LanguageAwareSpacyTokenizer.get_default_config(), languages=zz_registry)
    assert tokenizer.pipeline("zz").lang == "xx"
    message = Message(data={"text": "zorbu klavo tuvek zeppi?", "language": {"code": "zz", "confidence": 0.99}})
    assert [t.text for t in tokenizer.tokenize(message, "text")] == ["zorbu", "klavo", "tuvek", "zeppi", "?"]


def test_a_new_language_is_answered_in_its_own_locale(project_copy, zz_registry):
    catalogue = load_catalogue(project_copy / "locales", zz_registry)
    assert catalogue.locales["zz"].name == "Zeddi" and catalogue.locales["zz"].direction == "ltr"
    for topic in ZZ_TOPICS:
        if topic in catalogue.topics:
            answer = catalogue.answer(topic, "zz")
            assert answer.text.startswith(MARKER) and answer.language == "zz", topic
    assert catalogue.answer("school", "en").text.startswith(MARKER) is False


def test_the_reply_language_is_the_new_language_when_it_is_detected(zz_identifier, zz_registry):
    detected = zz_identifier.detect("zorbu klavo miqqa tuvek skolrava?").as_dict()
    assert choose_reply_language(detected, previous="sv", languages=zz_registry) == "zz"
    assert choose_reply_language(None, hint="zed-ZZ", languages=zz_registry) == "zz"
    assert choose_reply_language(detected, previous="sv") == "sv"  # the project's own registry has no zz
