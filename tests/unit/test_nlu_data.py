"""The training data covers every intent in every language, labelled honestly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from valkommen.core.languages import SUPPORTED_LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_INTENTS = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]


def test_every_intent_has_training_examples_in_every_language(training_examples):
    counts = Counter((e.intent, e.language) for e in training_examples)
    missing = [(i, lang) for i in DOMAIN_INTENTS for lang in SUPPORTED_LANGUAGES if counts[(i, lang)] < 8]
    assert missing == []


def test_examples_are_labelled_with_the_language_of_their_folder():
    for path in (ROOT / "nlu_data" / "nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            assert block["metadata"]["language"] == path.parent.name, path
            assert block["intent"] == path.stem, path


def test_a_block_names_no_script_but_latin_writing():
    """A second block of an intent may hold the language written in Latin letters
    (``script: latin``); no other metadata and no other script."""
    for path in (ROOT / "nlu_data" / "nlu").rglob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            assert set(block["metadata"]) <= {"language", "script"}, path
            assert block["metadata"].get("script", "latin") == "latin", path


def test_latin_writing_examples_are_read_with_their_script(training_examples):
    arabizi = [e for e in training_examples if e.language == "ar" and e.script == "latin"]
    assert len(arabizi) >= 100
    assert not any("\u0600" <= char <= "\u06ff" for example in arabizi for char in example.text)


def test_training_files_use_only_domain_intents(training_examples):
    assert {e.intent for e in training_examples} <= set(DOMAIN_INTENTS)


def test_heldout_examples_never_appear_in_training(training_examples, heldout_examples):
    seen = {e.text.casefold().strip(" ?!.") for e in training_examples}
    leaked = [e.text for e in heldout_examples if e.text.casefold().strip(" ?!.") in seen]
    assert leaked == []


def test_heldout_set_covers_every_topic_in_every_language(heldout_examples, catalogue):
    covered = {(e.intent, e.language) for e in heldout_examples}
    assert {(t, lang) for t in catalogue.topics for lang in SUPPORTED_LANGUAGES} <= covered
