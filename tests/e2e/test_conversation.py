"""End to end: the real Rasa server and action server, spoken to over HTTP."""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from typing import Any, Dict, List, Optional

import httpx
import pytest
import yaml

from tools.servers import ROOT
from valkommen.core.languages import SUPPORTED_LANGUAGES
from valkommen.core.reply_language import is_language_message, language_of

TOPICS = tuple(yaml.safe_load((ROOT / "locales" / "topics.yml").read_text(encoding="utf-8"))["topics"])
EMERGENCY_CASES = yaml.safe_load((ROOT / "tests" / "nlu" / "emergency_cases.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=60.0) as http:
        yield http


def say_all(client, servers, text: str, sender: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None) -> List[dict]:
    """Everything the REST channel answered, the closing language message included."""
    payload = {"sender": sender or uuid.uuid4().hex, "message": text, "metadata": metadata or {"channel": "cli"}}
    response = client.post(f"{servers.rasa_url}/webhooks/rest/webhook", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def say(client, servers, text: str, sender: Optional[str] = None, metadata: Optional[Dict[str, Any]] = None) -> List[dict]:
    """The messages a reader sees; checks that the reply ends with the message saying its language."""
    replies = say_all(client, servers, text, sender, metadata)
    assert replies and is_language_message(replies[-1]), replies
    assert not any(is_language_message(r) for r in replies[:-1]), replies
    return [r for r in replies[:-1] if not is_translation_note(r)]


def is_translation_note(reply: dict) -> bool:
    """The Swedish text sent along with a machine-translated answer (for "Show in Swedish"): not shown by itself."""
    custom = reply.get("custom")
    return "text" not in reply and isinstance(custom, dict) and "unreviewed_translation" in custom


def parse(client, servers, text: str) -> dict:
    response = client.post(f"{servers.rasa_url}/model/parse", json={"text": text}, headers=servers.auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_parse_output_has_the_topic_and_a_language_object(client, servers):
    result = parse(client, servers, "Hur får mitt barn modersmålsundervisning?")
    assert result["intent"]["name"] == "home_language"
    assert result["language"]["code"] == "sv"
    assert 0.0 <= result["language"]["confidence"] <= 1.0


def test_mother_tongue_question_is_answered_in_swedish_and_in_arabic(client, servers, catalogue):
    swedish = say(client, servers, "Hur får mitt barn modersmålsundervisning?")
    arabic = say(client, servers, "كيف يحصل طفلي على تعليم اللغة الأم؟")
    assert [r.get("text") for r in swedish] == [catalogue.answer("home_language", "sv").text]
    assert [r.get("text") for r in arabic] == [catalogue.answer("home_language", "ar").text]


def test_a_machine_translated_answer_carries_its_swedish_text(client, servers, catalogue):
    assert not catalogue.answer("home_language", "ar").reviewed
    replies = say_all(client, servers, "كيف يحصل طفلي على تعليم اللغة الأم؟")
    notes = [r["custom"]["unreviewed_translation"] for r in replies if is_translation_note(r)]
    assert notes == [{"language": "sv", "text": catalogue.answer("home_language", "sv").text}]
    swedish = say_all(client, servers, "Hur får mitt barn modersmålsundervisning?")
    assert not any(is_translation_note(r) for r in swedish)


def test_heldout_questions_get_the_right_topic_and_language_in_every_language(client, servers, heldout_examples):
    """Topic and language of questions the model never saw, per language."""
    topic_hits: Dict[str, List[bool]] = defaultdict(list)
    language_hits: Dict[str, List[bool]] = defaultdict(list)
    for example in heldout_examples:
        if example.intent not in TOPICS:
            continue
        result = parse(client, servers, example.text)
        topic_hits[example.language].append(result["intent"]["name"] == example.intent)
        language_hits[example.language].append(result["language"]["code"] == example.language)
    assert set(topic_hits) == set(SUPPORTED_LANGUAGES)
    topic_accuracy = {lang: sum(h) / len(h) for lang, h in topic_hits.items()}
    language_accuracy = {lang: sum(h) / len(h) for lang, h in language_hits.items()}
    print("topic accuracy", topic_accuracy, "language accuracy", language_accuracy)
    # A floor that catches a broken language, not the quality target: that is `make eval`'s
    # (21 topics; measured 0.82-0.88 per language on 2026-11-28).
    assert min(topic_accuracy.values()) >= 0.75, topic_accuracy
    assert min(language_accuracy.values()) >= 0.9, language_accuracy


def test_every_language_gets_topic_answers_in_its_own_language(client, servers, heldout_examples, catalogue):
    """Over REST, a held-out question is answered with the locale's answer in the question's language."""
    hits: Dict[str, List[bool]] = defaultdict(list)
    for example in heldout_examples:
        if example.intent not in TOPICS:
            continue
        replies = say(client, servers, example.text)
        assert replies and all(r.get("text", "").strip() or r.get("custom") for r in replies), example.text
        if example.intent == "meeting_place":  # answered with a place, or asked where the user lives
            hits[example.language].append(any({"venue", "request_location"} & set(r.get("custom") or {}) for r in replies))
            continue
        expected = catalogue.answer(example.intent, example.language).text
        if example.script == "latin":  # Latin letters: the answer's first line says it is in the language's own script
            expected = catalogue.interface("latin_written", example.language) + "\n" + expected
        hits[example.language].append(replies[0]["text"] == expected)
    accuracy = {lang: sum(h) / len(h) for lang, h in hits.items()}
    print("answered with the right topic in the right language", accuracy)
    assert min(accuracy.values()) >= 0.7, accuracy


def test_dialogue_messages_never_go_unanswered(client, servers, heldout_examples):
    for example in heldout_examples:
        if example.intent in TOPICS:
            continue
        replies = say(client, servers, example.text)
        assert replies and replies[0].get("text", "").strip(), example.text


def test_every_reply_says_its_language(client, servers, catalogue):
    """The actions' one reply-language decision reaches the channels with the reply itself."""
    arabic = say_all(client, servers, "السلام عليكم")
    assert arabic[0]["text"] == catalogue.interface("greet", "ar")
    assert arabic[-1]["custom"] == {"language": "ar", "direction": "rtl"}
    sender = uuid.uuid4().hex
    say_all(client, servers, '/change_language{"language":"uk"}', sender=sender)
    chosen = say_all(client, servers, "/school", sender=sender, metadata={"channel": "web", "language": "fa"})
    assert chosen[0]["text"] == catalogue.answer("school", "uk").text
    assert language_of(chosen) == ("uk", "ltr")  # the user's explicit choice wins over the channel's hint


def test_a_button_press_is_answered_in_the_conversation_language(client, servers, catalogue):
    sender = uuid.uuid4().hex
    greeting = say(client, servers, "ሰላም፡ ከመይ ኣለኹም", sender=sender)
    assert greeting[0]["text"] == catalogue.locales["ti"].interface["greet"]
    school = next(b for b in greeting[0]["buttons"] if b["payload"] == "/school")
    replies = say(client, servers, school["payload"], sender=sender)
    assert replies[0]["text"] == catalogue.answer("school", "ti").text


def test_a_chosen_language_is_kept_for_button_presses(client, servers, catalogue):
    sender = uuid.uuid4().hex
    menu = say(client, servers, "/change_language", sender=sender, metadata={"channel": "web", "language": "sv"})
    somali = next(b for b in menu[0]["buttons"] if b["title"] == catalogue.locales["so"].name)
    confirmed = say(client, servers, somali["payload"], sender=sender)
    assert confirmed[0]["text"] == catalogue.locales["so"].interface["language_set"]
    replies = say(client, servers, "/income_support", sender=sender)
    assert replies[0]["text"] == catalogue.answer("income_support", "so").text


def test_the_channel_language_hint_decides_for_an_emoji(client, servers, catalogue):
    replies = say(client, servers, "👍🙂", metadata={"channel": "telegram", "language": "fa"})
    assert replies and replies[0]["text"]
    assert replies[0]["text"] in {catalogue.locales["fa"].interface[k] for k in catalogue.locales["fa"].interface}


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\u0000\u0007\u001b[31m", "🙂" * 50, "a" * 10_000, "Hej " * 2_500, "<script>alert(1)</script>"],
    ids=["empty", "whitespace", "control", "emoji", "10k-letters", "10k-words", "html"],
)
def test_odd_input_gets_a_clear_reply(client, servers, text):
    replies = say(client, servers, text)
    assert replies, "no reply"
    assert all(r.get("text", "").strip() for r in replies)
    assert all("<script>" not in r["text"] for r in replies)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"sender": "x"}',
        b'{"message": 5, "sender": "x"}',
        b"[]",
        b'{"sender": "x", "message": "hej", "metadata": 7}',
    ],
    ids=["malformed", "no-message", "number-message", "array", "metadata-not-object"],
)
def test_malformed_rest_requests_get_a_clear_400(client, servers, body):
    response = client.post(
        f"{servers.rasa_url}/webhooks/rest/webhook", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["message"]


def test_a_message_over_the_size_limit_gets_a_413(client, servers):
    response = client.post(f"{servers.rasa_url}/webhooks/rest/webhook", json={"sender": "x", "message": "a" * 100_000})
    assert response.status_code == 413


@pytest.mark.parametrize("body", [b"{oops", b"[]", b"{}", b'{"text": 5}'], ids=["malformed", "array", "no-text", "number"])
def test_parse_rejects_a_bad_body_with_a_400(client, servers, body):
    response = client.post(
        f"{servers.rasa_url}/model/parse", content=body, headers={"Content-Type": "application/json", **servers.auth}
    )
    assert response.status_code == 400


def test_conversations_are_kept_in_the_sqlite_tracker_store(client, servers):
    sender = uuid.uuid4().hex
    say(client, servers, "Hej", sender=sender)
    database = servers.env["TRACKER_STORE_URL"].replace("sqlite:///", "")
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()
    assert rows[0] > 0


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_danger_to_life_gets_112_at_once_in_every_language(client, servers, catalogue, language):
    for text in EMERGENCY_CASES[language]["urgent"][:4]:
        assert parse(client, servers, text)["intent"] == {"name": "emergency", "confidence": 1.0}, text
        replies = say(client, servers, text)
        assert replies[0]["text"] == catalogue.answer("emergency", language).text, text


def test_easy_swedish_can_be_chosen_and_is_kept_for_swedish_questions(client, servers, catalogue):
    sender = uuid.uuid4().hex
    say(client, servers, '/change_language{"language":"sv-easy"}', sender=sender)
    replies = say(client, servers, "Hur ansöker jag om plats på förskola?", sender=sender)
    assert replies[0]["text"] == catalogue.answer("preschool", "sv-easy").text


PRIVACY_QUESTIONS = {
    "sv": "vem läser mina meddelanden",
    "en": "what do you do with my data",
    "ar": "ماذا تفعلون ببياناتي",
    "fa": "با اطلاعات من چه کار می‌کنید",
    "so": "maxaad ku sameysaan xogtayda",
    "ti": "ብሓበሬታይ እንታይ ትገብሩ",
    "uk": "що ви робите з моїми даними",
    "bs": "šta radite s mojim podacima",
    "ru": "что вы делаете с моими данными",
    "tr": "verilerimle ne yapıyorsunuz",
    "kmr": "hûn bi daneyên min çi dikin",
    "ckb": "ئێوە چی بە زانیارییەکانم دەکەن",
    "am": "በመረጃዬ ምን ታደርጋላችሁ",
    "ps": "زما د معلوماتو سره څه کوئ",
}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_what_do_you_do_with_my_data_gets_the_privacy_summary_in_every_language(client, servers, catalogue, language):
    from valkommen.core.privacy_notice import notice

    replies = say(client, servers, PRIVACY_QUESTIONS[language], metadata={"channel": "web"})
    summary = catalogue.interface("privacy_summary", language).replace("{days}", "21")
    privacy = notice(language, catalogue)
    assert [r.get("text") for r in replies] == [f"{summary}\n{privacy.title}: {privacy.url}"]


def test_on_telegram_the_privacy_summary_points_to_the_privacy_command(client, servers, catalogue):
    replies = say(client, servers, "delete my data", metadata={"channel": "telegram"})
    assert replies[0]["text"].endswith(": /privacy")
    assert replies[0]["text"].startswith(catalogue.interface("privacy_summary", "en").split("{")[0])


def test_a_personal_number_is_understood_but_not_stored(client, servers, catalogue):
    sender = uuid.uuid4().hex
    replies = say(client, servers, "mitt personnummer 19900101-1234 är fel", sender=sender)
    assert replies[0]["text"] == catalogue.answer("personal_number", "sv").text
    database = servers.env["TRACKER_STORE_URL"].replace("sqlite:///", "")
    with sqlite3.connect(database) as connection:
        rows = "\n".join(r[0] for r in connection.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)))
    assert "19900101" not in rows and "[personnummer]" in rows
