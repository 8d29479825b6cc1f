"""👍/👎 under answers and the "what was missing?" comment: what the actions say and store."""

from __future__ import annotations

from actions.answers import ActionAnswerTopic, ActionOutOfScope, ActionTopicFallback
from actions.feedback import ActionFeedback
from actions.places import ActionMeetingPlace
from tests.unit.test_actions import run, slot_events, tracker


def feedback(value=None, **slots):
    entities = [{"entity": "feedback", "value": value}] if value else []
    return tracker("feedback", None, slots={"language": "bs", "last_topic": "sfi", **slots}, entities=entities)


def test_every_topic_answer_carries_thumbs_up_and_down_buttons(catalogue):
    messages, _ = run(ActionAnswerTopic(), tracker("sfi", {"code": "uk", "confidence": 0.95}))
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/feedback{"feedback":"up"}', '/feedback{"feedback":"down"}']
    assert [b["title"] for b in messages[0]["buttons"]] == [
        catalogue.interface("feedback_up", "uk"),
        catalogue.interface("feedback_down", "uk"),
    ]


def test_thumbs_up_is_stored_with_topic_and_language_and_thanked(catalogue):
    messages, events = run(ActionFeedback(), feedback("up"))
    assert [m["text"] for m in messages] == [catalogue.interface("feedback_thanks", "bs")]
    assert slot_events(events)["feedback"] == {"value": "up", "topic": "sfi", "language": "bs"}
    assert slot_events(events)["feedback_pending"] is False


def test_thumbs_down_asks_what_was_missing(catalogue):
    messages, events = run(ActionFeedback(), feedback("down"))
    assert [m["text"] for m in messages] == [catalogue.interface("feedback_missing", "bs")]
    assert slot_events(events)["feedback"] == {"value": "down", "topic": "sfi", "language": "bs"}
    assert slot_events(events)["feedback_pending"] is True


def test_feedback_in_words_without_a_value_asks_with_the_buttons(catalogue):
    messages, events = run(ActionFeedback(), feedback())
    assert messages[0]["text"] == catalogue.interface("feedback_question", "bs")
    assert len(messages[0]["buttons"]) == 2 and "feedback" not in slot_events(events)


def _after_thumbs_down(intent, text):
    tr = tracker(intent, {"code": "sv", "confidence": 0.9}, slots={"feedback_pending": True, "last_topic": "sfi"})
    tr.latest_message["text"] = text
    return tr


def test_the_message_after_thumbs_down_is_kept_as_the_comment(catalogue):
    messages, events = run(ActionTopicFallback(), _after_thumbs_down("nlu_fallback", "tider för kvällskurser"))
    assert [m["text"] for m in messages] == [catalogue.interface("feedback_comment_thanks", "sv")]
    assert slot_events(events)["feedback_comment"] == {"topic": "sfi", "language": "sv", "text": "tider för kvällskurser"}
    assert slot_events(events)["feedback_pending"] is False


def test_a_new_question_after_thumbs_down_is_answered_and_kept(catalogue):
    messages, events = run(ActionAnswerTopic(), _after_thumbs_down("preschool", "hur söker jag förskola"))
    assert messages[0]["text"] == catalogue.answer("preschool", "sv").text
    assert slot_events(events)["feedback_comment"]["text"] == "hur söker jag förskola"


def test_out_of_scope_after_thumbs_down_is_thanked_not_rejected(catalogue):
    messages, _ = run(ActionOutOfScope(), _after_thumbs_down("out_of_scope", "fler exempel"))
    assert messages[0]["text"] == catalogue.interface("feedback_comment_thanks", "sv")


def test_without_thumbs_down_nothing_is_kept_as_a_comment():
    _, events = run(ActionTopicFallback(), tracker("nlu_fallback", {"code": "sv", "confidence": 0.9}))
    assert "feedback_comment" not in slot_events(events)


def test_a_place_answer_is_a_text_then_a_venue_and_sets_the_place(catalogue):
    tr = tracker("meeting_place", {"code": "ti", "confidence": 0.99}, entities=[{"entity": "district", "value": "norrby"}])
    messages, events = run(ActionMeetingPlace(), tr)
    assert "Norrbyhuset" in messages[0]["text"] and len(messages[0]["buttons"]) == 2
    assert messages[1]["custom"]["venue"]["name"] == "Norrbyhuset"
    assert slot_events(events)["meeting_place"] == "norrby" and slot_events(events)["last_topic"] == "meeting_place"


def test_a_place_question_with_nothing_known_asks_for_the_location(catalogue):
    messages, events = run(ActionMeetingPlace(), tracker("meeting_place", {"code": "fa", "confidence": 0.99}))
    assert messages[0]["text"] == catalogue.interface("place_ask_location", "fa")
    assert len(messages[0]["buttons"]) >= 4
    assert messages[1]["custom"]["request_location"]["button"] == catalogue.interface("place_share_button", "fa")
    assert "meeting_place" not in slot_events(events)


def test_a_district_in_a_message_the_nlu_was_unsure_about_gets_the_place():
    tr = tracker("nlu_fallback", {"code": "uk", "confidence": 0.9}, entities=[{"entity": "district", "value": "sjobo"}])
    messages, _ = run(ActionTopicFallback(), tr)
    assert messages[1]["custom"]["venue"]["id"] == "sjobo"
