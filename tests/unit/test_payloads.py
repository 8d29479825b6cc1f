"""Which HTTP bodies the Rasa server takes, and the clear answer for the others."""

import pytest

from bot.payloads import MAX_TEXT_CHARS, payload_problem, problem_status


def test_a_normal_rest_message_passes():
    assert payload_problem({"sender": "a", "message": "Hej", "metadata": {"channel": "web"}}, "message") is None


def test_an_empty_message_passes_so_the_assistant_can_answer_it():
    assert payload_problem({"sender": "a", "message": ""}, "message") is None


@pytest.mark.parametrize(
    "body, expected",
    [
        ([], "JSON object"),
        ({"sender": "a"}, "'message' must be a string"),
        ({"message": ["x"]}, "'message' must be a string"),
        ({"message": "x", "sender": 5}, "'sender' must be a string"),
        ({"message": "x", "metadata": "web"}, "'metadata' must be a JSON object"),
    ],
)
def test_a_malformed_body_is_named_and_answered_with_400(body, expected):
    problem = payload_problem(body, "message")
    assert expected in problem
    assert problem_status(problem) == 400


def test_an_oversized_text_is_answered_with_413():
    problem = payload_problem({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text")
    assert problem_status(problem) == 413


def test_huge_metadata_is_answered_with_413():
    problem = payload_problem({"message": "x", "metadata": {"k": "v" * 20_000}}, "message")
    assert problem_status(problem) == 413
