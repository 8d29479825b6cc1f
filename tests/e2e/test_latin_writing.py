"""End to end: a language written in Latin letters (Arabizi, "Finglish", Latin-letter Ukrainian) is
answered in that language's own script, once saying so in the answer's first line."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.e2e.test_conversation import say, say_all
from valkommen.core.reply_language import language_of

CASES = [
    ("kif a3mel personnummer", "personal_number", "ar", "rtl"),
    ("yak otrymaty personnummer dlya dytyny", "personal_number", "uk", "ltr"),
    ("man baraye pesaram madrese mikham, chetori sabtenam konam", "school", "fa", "rtl"),
]


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=60.0) as http:
        yield http


@pytest.mark.parametrize(("text", "topic", "language", "direction"), CASES)
def test_latin_letter_writing_is_answered_in_its_own_script_with_a_first_line_saying_so(
    client,
    servers,
    catalogue,
    text,
    topic,
    language,
    direction,
):
    replies = say_all(client, servers, text)
    lines = replies[0]["text"].split("\n")
    assert lines[0] == catalogue.interface("latin_written", language)
    assert "\n".join(lines[1:]) == catalogue.answer(topic, language).text
    assert language_of(replies) == (language, direction)


def test_the_line_about_latin_letters_comes_once_per_conversation(client, servers, catalogue):
    sender = uuid.uuid4().hex
    first = say(client, servers, "kif a3mel personnummer", sender=sender)
    second = say(client, servers, "wen bsajel ibni bel madrase", sender=sender)
    note = catalogue.interface("latin_written", "ar")
    assert first[0]["text"].startswith(note + "\n")
    assert second[0]["text"] == catalogue.answer("school", "ar").text


def test_a_latin_script_language_gets_no_line_about_latin_letters(client, servers, catalogue):
    replies = say(client, servers, "how do I get a personnummer")
    assert replies[0]["text"] == catalogue.answer("personal_number", "en").text


def test_an_explicit_choice_wins_over_latin_letter_writing(client, servers, catalogue):
    sender = uuid.uuid4().hex
    say(client, servers, '/change_language{"language":"fa"}', sender=sender)
    replies = say(client, servers, "kif a3mel personnummer", sender=sender)
    assert replies[0]["text"] == catalogue.answer("personal_number", "fa").text
