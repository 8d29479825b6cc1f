"""Custom actions: the message they pick, its language, buttons and slot events."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionAnswerTopic, ActionGreet, ActionHelp, ActionTopicFallback
from actions.language import ActionChangeLanguage
from valkommen.core.reply_language import is_language_message, language_message


def tracker(
    intent: str,
    language: Optional[Dict[str, Any]] = None,
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
) -> Tracker:
    latest = {
        "text": "a question",
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": ranking or [],
        "entities": entities or [],
        "metadata": metadata or {},
    }
    if language is not None:
        latest["language"] = language
    return Tracker("user-1", slots or {}, latest, [], False, None, {}, "action_listen")


def run(action, tr: Tracker):
    """The action's messages before its closing language message (checked here), and its events."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tr, {}))
    *messages, closing = dispatcher.messages
    assert closing["custom"] == language_message(slot_events(events)["language"])
    assert not any(is_language_message({"custom": m.get("custom")}) for m in messages)
    return messages, events


def slot_events(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_a_topic_is_answered_from_the_locale_of_the_detected_language(catalogue):
    messages, events = run(ActionAnswerTopic(), tracker("school", {"code": "fa", "confidence": 0.97}))
    assert [m["text"] for m in messages] == [catalogue.answer("school", "fa").text]
    assert slot_events(events) == {"language": "fa", "last_topic": "school"}


def test_a_topic_button_is_answered_in_the_conversation_language(catalogue):
    messages, _ = run(ActionAnswerTopic(), tracker("income_support", None, slots={"language": "ti"}))
    assert messages[0]["text"] == catalogue.answer("income_support", "ti").text


def test_the_channel_hint_decides_when_detection_is_unsure(catalogue):
    tr = tracker("employment_service", {"code": "sv", "confidence": 0.2}, metadata={"language": "uk"})
    messages, _ = run(ActionAnswerTopic(), tr)
    assert messages[0]["text"] == catalogue.answer("employment_service", "uk").text


def test_greeting_shows_the_topic_menu_in_the_users_language(catalogue):
    messages, _ = run(ActionGreet(), tracker("greet", {"code": "so", "confidence": 0.9}))
    assert messages[0]["text"] == catalogue.locales["so"].interface["greet"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == [f"/{t}" for t in catalogue.topics] + ["/change_language"]
    assert messages[0]["buttons"][0]["title"] == catalogue.locales["so"].topic_titles["school"]


def test_help_menu_has_a_button_for_every_topic(catalogue):
    messages, _ = run(ActionHelp(), tracker("help", {"code": "en", "confidence": 0.9}))
    assert {b["payload"] for b in messages[0]["buttons"]} >= {f"/{t}" for t in catalogue.topics}


def test_fallback_offers_the_three_likeliest_topics_and_the_menu(catalogue):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "home_language", "confidence": 0.3},
        {"name": "greet", "confidence": 0.1},
        {"name": "school", "confidence": 0.08},
        {"name": "income_support", "confidence": 0.04},
        {"name": "employment_service", "confidence": 0.03},
    ]
    messages, _ = run(ActionTopicFallback(), tracker("nlu_fallback", {"code": "ar", "confidence": 0.9}, ranking=ranking))
    assert messages[0]["text"] == catalogue.locales["ar"].interface["fallback"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/home_language", "/school", "/income_support", "/help"]


def test_change_language_without_a_choice_offers_every_language(catalogue):
    messages, events = run(ActionChangeLanguage(), tracker("change_language", {"code": "en", "confidence": 0.9}))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == [catalogue.locales[code].name for code in catalogue.locales]
    assert "chosen_language" not in slot_events(events)


def test_choosing_a_language_sets_it_and_confirms_in_that_language(catalogue):
    entities = [{"entity": "language", "value": "ar"}]
    messages, events = run(ActionChangeLanguage(), tracker("change_language", None, entities=entities))
    assert messages[0]["text"] == catalogue.locales["ar"].interface["language_set"]
    assert slot_events(events) == {"language": "ar", "chosen_language": "ar"}


def test_an_unsupported_language_choice_offers_the_list_again(catalogue):
    entities = [{"entity": "language", "value": "klingon"}]
    messages, events = run(ActionChangeLanguage(), tracker("change_language", None, entities=entities, slots={"language": "en"}))
    assert messages[0]["text"] == catalogue.locales["en"].interface["choose_language"]
    assert slot_events(events) == {"language": "en"}


def test_a_message_without_words_is_asked_to_be_written_in_words(catalogue):
    tr = tracker("nlu_fallback", {"code": "uk", "confidence": 0.0}, slots={"language": "uk"})
    tr.latest_message["text"] = "🙂🙂 \u0007"
    messages, _ = run(ActionTopicFallback(), tr)
    assert messages[0]["text"] == catalogue.locales["uk"].interface["empty_message"]
    assert messages[0]["buttons"]


def test_a_message_not_understood_with_a_risk_word_gets_the_crisis_lines_and_then_the_menu(catalogue):
    risky = tracker("nlu_fallback", {"code": "ar", "confidence": 0.9}, ranking=[{"name": "school", "confidence": 0.2}])
    risky.latest_message["risk"] = True
    messages, _ = run(ActionTopicFallback(), risky)
    assert messages[0]["text"] == catalogue.interface("risk_help_lines", "ar")
    assert "90101" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:3] == ["/crisis_support", "/violence_support", "/mental_health"]
    assert "/school" in payloads and payloads[-1] == "/help"


def test_a_plain_fallback_has_no_crisis_lines(catalogue):
    messages, _ = run(ActionTopicFallback(), tracker("nlu_fallback", {"code": "sv", "confidence": 0.9}))
    assert "90101" not in messages[0]["text"]


def test_every_reply_ends_with_its_language_and_direction(catalogue):
    """The one reply-language decision, sent to the channels: an Arabic reply says ar, rtl."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionGreet().run(dispatcher, tracker("greet", {"code": "ar", "confidence": 0.95}), {}))
    assert dispatcher.messages[-1]["custom"] == {"language": "ar", "direction": "rtl"}
    assert slot_events(events)["language"] == "ar"
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerTopic().run(dispatcher, tracker("school", {"code": "uk", "confidence": 0.95}), {}))
    assert dispatcher.messages[-1]["custom"] == {"language": "uk", "direction": "ltr"}


def test_a_users_choice_is_the_language_the_reply_says(catalogue):
    entities = [{"entity": "language", "value": "fa"}]
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionChangeLanguage().run(dispatcher, tracker("change_language", None, entities=entities), {}))
    assert dispatcher.messages[-1]["custom"] == {"language": "fa", "direction": "rtl"}
    dispatcher = CollectingDispatcher()
    tr = tracker("school", {"code": "sv", "confidence": 0.3}, slots={"language": "fa", "chosen_language": "fa"})
    asyncio.run(ActionAnswerTopic().run(dispatcher, tr, {}))
    assert dispatcher.messages[-1]["custom"] == {"language": "fa", "direction": "rtl"}


def test_an_unreviewed_translation_carries_the_swedish_answer_and_a_swedish_answer_nothing(catalogue):
    """The widget's "Show in Swedish" (docs/widget.md) needs no second question to the server."""
    messages, _ = run(ActionAnswerTopic(), tracker("school", {"code": "ar", "confidence": 0.97}))
    assert not catalogue.locales["ar"].answers["school"].reviewed
    assert messages[0]["text"] == catalogue.answer("school", "ar").text
    assert messages[0]["custom"] == {"unreviewed_translation": {"language": "sv", "text": catalogue.answer("school", "sv").text}}
    swedish, _ = run(ActionAnswerTopic(), tracker("school", {"code": "sv", "confidence": 0.97}))
    assert not swedish[0].get("custom")


def test_arabizi_is_answered_in_arabic_with_a_first_line_saying_so_once(catalogue):
    arabizi = {"code": "ar", "confidence": 0.9, "script": "latin"}
    first = tracker("personal_number", arabizi)
    first.events = [{"event": "user", "parse_data": {"language": arabizi}}]
    messages, _ = run(ActionAnswerTopic(), first)
    note = catalogue.interface("latin_written", "ar")
    assert messages[0]["text"] == f"{note}\n{catalogue.answer('personal_number', 'ar').text}"
    later = tracker("school", arabizi)
    later.events = [{"event": "user", "parse_data": {"language": arabizi}}] * 2
    messages, _ = run(ActionAnswerTopic(), later)
    assert messages[0]["text"] == catalogue.answer("school", "ar").text


def test_arabic_script_gets_no_line_about_latin_letters(catalogue):
    arabic = {"code": "ar", "confidence": 0.9, "script": "arabic"}
    messages, _ = run(ActionAnswerTopic(), tracker("school", arabic))
    assert messages[0]["text"] == catalogue.answer("school", "ar").text
