"""Bounded work per message: long runs of punctuation, emoji or repeated characters cost linear
time, and ordinary messages are tokenised and matched exactly as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
import yaml
from rasa.shared.nlu.training_data.message import Message

from valkommen.core.emergency import normalise
from valkommen.core.languages import SUPPORTED_LANGUAGES
from valkommen.core.places import load_directory
from valkommen.core.safety import safety_topic
from valkommen.nlu.place_finder import build_place_nlp, find_places
from valkommen.nlu.spacy_tokenizer import (
    LONGEST_PIECE,
    MAX_CHARS,
    LanguageAwareSpacyTokenizer,
    bounded_pieces,
    make_doc,
    spacy_code,
)

NLU = Path(__file__).resolve().parents[2] / "bot" / "nlu"
HOSTILE = {
    "emoji run": "😀" * 5000,
    "different emoji": "".join(chr(0x1F300 + i % 800) for i in range(5000)),
    "? run": "?" * 5000,
    "?! alternating": "?!" * 2500,
    "word then !": "hej" + "!" * 5000,
    "long word": "förskolan" * 500,
    "combining marks": "a" + "\u0301" * 5000,
    "scripts alternating": "aбبሀ" * 1250,
}


def tokenizer():
    return LanguageAwareSpacyTokenizer(LanguageAwareSpacyTokenizer.get_default_config())


def tokenize(text, language="sv"):
    message = Message(data={"text": text, "language": {"code": language, "confidence": 1.0}})
    return tokenizer().tokenize(message, "text")


def test_an_ordinary_text_is_one_piece():
    text = "Hur får mitt barn modersmål? https://www.boras.se/forskola 😀😀 !!! " * 20
    assert bounded_pieces(text) == [(0, len(text))]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_pieces_cover_the_text_and_bound_every_run(name):
    text = "Hej " + HOSTILE[name] + " då"
    pieces = bounded_pieces(text)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(end == next_start for (_, end), (next_start, _) in zip(pieces, pieces[1:]))
    longest_run = max(len(run) for start, end in pieces for run in text[start:end].split())
    assert longest_run <= LONGEST_PIECE


def test_a_run_is_cut_where_a_word_meets_punctuation_if_it_can():
    text = "!" * 70 + "förskolan" * 3 + "?" * 200
    assert bounded_pieces(text) == [(0, 97), (97, 197), (197, 297)]  # the word ends at 97


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bounded_doc_keeps_the_text_and_offsets(name):
    text = "Hej " + HOSTILE[name] + " Norrby"
    doc = make_doc(spacy.blank("xx"), text)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)


def test_training_examples_are_tokenised_exactly_as_by_spacy(training_examples):
    splitter = tokenizer()
    different = []
    for example in training_examples:
        language = example.language or "sv"
        expected = [(t.text, t.idx) for t in splitter.pipeline(language).make_doc(example.text) if not t.is_space]
        message = Message(data={"text": example.text, "language": {"code": language, "confidence": 1.0}})
        got = [(t.text, t.start) for t in splitter.tokenize(message, "text")]
        if got != expected:
            different.append(example.text)
    assert different == []


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_tokens_lie_in_the_first_characters_at_their_offsets(name):
    text = HOSTILE[name] * 4
    found = tokenize(text)
    assert found and all(text[t.start : t.end] == t.text for t in found)
    assert found[-1].end <= MAX_CHARS


def test_every_language_is_tokenised_the_same_in_pieces():
    text = "?" * 300 + " kurs"
    for language in SUPPORTED_LANGUAGES:
        tokens = [t.text for t in tokenize(text, language)]
        assert tokens[-1] == "kurs" and set(tokens[:-1]) == {"?"}, spacy_code(language)


@pytest.fixture(scope="module")
def place_nlp():
    return build_place_nlp(load_directory())


def test_places_are_found_after_a_long_run_at_their_offsets(place_nlp):
    text = "!" * 1500 + " Jag bor på Norrby " + "😀" * 400
    found = find_places(place_nlp, text)
    assert [(f.label, f.value) for f in found] == [("district", "norrby")]
    assert text[found[0].start : found[0].end] == "Norrby"


def _plain_find(nlp, text):
    """What ``find_places`` found before: the whole pipeline on spaCy's own tokens."""
    found = [(e.label_, e.ent_id_, e.start_char, e.end_char) for e in nlp(text).ents]
    found += [
        ("postcode", m.group(1) + m.group(2), m.start(), m.end())
        for m in re.finditer(r"(?<!\d)([2-9]\d{2}) ?(\d{2})(?!\d)", text)
        if not any(s < m.end() and m.start() < e for _, _, s, e in found)
    ]
    return sorted(found, key=lambda f: f[2])


def _names(directory):
    for district in directory.districts:
        yield from district.all_names()
    for place in directory.places:
        yield place.name


def test_places_in_ordinary_texts_are_found_as_before(place_nlp, training_examples):
    directory = load_directory()
    texts = [example.text for example in training_examples]
    templates = [
        "Jag bor på {}",
        "I live in {}!",
        "أسكن في {}؟",
        "ኣብ {} እየ ዝነብር።",
        "Я живу в {}.",
        "Živim u {}, 504 30",
        "{}n är nära",
        "på {}: när?",
        "{} och {}",
        "({})",
    ]
    named = [t.format(name, name) for name in _names(directory) for t in templates]
    found_any = 0
    for text in texts + named:
        found = [(f.label, f.value, f.start, f.end) for f in find_places(place_nlp, text)]
        assert found == _plain_find(place_nlp, text), text
        found_any += bool(found)
    assert found_any >= len(named) // 2


def test_normalising_cuts_runs_of_one_character_to_three():
    assert normalise("HJÄLP!!!!!!  han andas inte 😀😀😀😀😀😀") == "hjalp!!! han andas inte 😀😀😀"
    assert len(normalise("!" * 20_000)) == 3


def test_a_phrase_after_a_long_run_is_still_found():
    assert safety_topic("!" * 15_000 + " han andas inte " + "?" * 4000) == "emergency"


def _phrases(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _phrases(value)
    elif isinstance(node, list):
        for value in node:
            yield from _phrases(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("file_name", ["emergency_terms.yml", "crisis_terms.yml"])
def test_no_phrase_has_a_character_four_times_in_a_row(file_name):
    """``normalise`` cuts such runs to three: a phrase with one could match more than it says."""
    path = NLU / file_name
    if not path.exists():
        pytest.skip(f"no {file_name}")
    phrases = list(_phrases(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert [p for p in phrases if re.search(r"(.)\1\1\1", p)] == []
