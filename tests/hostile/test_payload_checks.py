"""The request checks in front of Rasa and the action server (valkommen.server.payloads), without servers."""

from __future__ import annotations

import pytest

from valkommen.server.payloads import action_call_problem, payload_problem, problem_status, unparsable_body_problem


def test_real_sender_ids_pass():
    for sender in ("telegram-0123456789abcdef0123456789abcdef", "cli-" + "a" * 32, "9f86d081884c7d659a2feaa0c55ad015"):
        assert payload_problem({"sender": sender, "message": "Hej"}, "message") is None


@pytest.mark.parametrize("sender", ["", "<script>alert(1)</script>", "../../etc/passwd", "a\x00b", "a b", "用户", "x" * 256])
def test_a_sender_that_could_be_markup_a_path_or_too_long_is_refused_with_400(sender):
    problem = payload_problem({"sender": sender, "message": "Hej"}, "message")
    assert problem and "'sender'" in problem
    assert problem_status(problem) == 400


def test_a_lone_surrogate_anywhere_in_the_body_is_refused():
    assert "Unicode" in payload_problem({"sender": "a", "message": "hej \ud800"}, "message")
    assert "Unicode" in payload_problem({"sender": "a", "message": "hej", "metadata": {"k": "\udfff"}}, "message")


@pytest.mark.parametrize("text", ["/restart", " /session_start", "/back", '/restart{"a":1}'])
def test_rasas_internal_commands_are_refused_on_the_rest_channel(text):
    assert "internal commands" in payload_problem({"sender": "a", "message": text}, "message")


@pytest.mark.parametrize("text", ["/restarting", "/background", "hej /restart", "/school", '/change_language{"language":"ar"}'])
def test_other_slash_messages_pass(text):
    assert payload_problem({"sender": "a", "message": text}, "message") is None


def test_internal_commands_can_still_be_parsed():
    assert payload_problem({"text": "/restart"}, "text") is None


def test_an_unparsable_body_gets_415_when_it_was_not_sent_as_json():
    assert problem_status(unparsable_body_problem("multipart/form-data; boundary=x")) == 415
    assert problem_status(unparsable_body_problem("application/xml")) == 415
    for content_type in ("application/json", "application/json; charset=utf-8", None, "application/x-www-form-urlencoded"):
        assert problem_status(unparsable_body_problem(content_type)) == 400


GOOD_TRACKER = {
    "sender_id": "a",
    "slots": {},
    "latest_message": {"text": "hej", "language": {"code": "sv", "confidence": 0.9}},
    "events": [],
}


def test_a_real_action_call_passes():
    assert action_call_problem({"next_action": "action_greet", "tracker": GOOD_TRACKER, "domain": {}}) is None


@pytest.mark.parametrize(
    "call, expected",
    [
        ([], "JSON object"),
        ({"tracker": GOOD_TRACKER}, "'next_action'"),
        ({"next_action": "a", "tracker": 5}, "'tracker'"),
        ({"next_action": "a", "tracker": {}}, "sender_id"),
        ({"next_action": "a", "tracker": {**GOOD_TRACKER, "events": 5}}, "tracker.events"),
        ({"next_action": "a", "tracker": {**GOOD_TRACKER, "latest_message": {"language": "ar"}}}, "language"),
        ({"next_action": "a", "tracker": {**GOOD_TRACKER, "latest_message": {"language": {"confidence": "high"}}}}, "confidence"),
        ({"next_action": "a", "tracker": {**GOOD_TRACKER, "latest_message": {"entities": [5]}}}, "entities"),
        ({"next_action": "a", "tracker": GOOD_TRACKER, "domain": [1]}, "'domain'"),
    ],
)
def test_a_broken_action_call_is_named(call, expected):
    assert expected in action_call_problem(call)
