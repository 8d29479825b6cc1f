"""Which HTTP bodies the Rasa server takes, and the clear answer for the others."""

import json
import math
import re

import pytest

from valkommen.server.payloads import (
    MAX_TEXT_CHARS,
    UNREADABLE_LOCATION,
    clean_metadata,
    payload_problem,
    problem_status,
    typed_payload_problem,
)


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


# --- metadata from the channels and typed payloads ---------------------------------------------

RULES = {
    "meeting_place": {"district": frozenset({"norrby"}), "postcode": re.compile(r"[0-9]{5}")},
    "change_language": {"language": frozenset({"sv", "ar"})},
}
INTENTS = ["school", "meeting_place", "change_language", "greet"]


@pytest.mark.parametrize("lat, lon", [(math.inf, -math.inf), (math.nan, 12.9), (95.0, 12.9), ("57.7", 12.9), (True, 12.9)])
def test_a_location_that_is_not_two_finite_coordinates_is_stored_as_unreadable(lat, lon):
    clean = clean_metadata({"channel": "web", "location": {"lat": lat, "lon": lon}})
    assert clean["location"] == UNREADABLE_LOCATION
    json.dumps(clean, allow_nan=False)  # valid JSON, always


def test_metadata_keeps_only_known_keys_and_labels():
    clean = clean_metadata(
        {
            "channel": "<script>",
            "language": "ar-SY",
            "meeting_place": "$\\frac{a}{b}$",
            "extra": "x" * 100,
            "location": {"lat": 57.72, "lon": 12.94},
        },
        place_ids={"norrby"},
    )
    assert clean == {"channel": "other", "language": "ar-SY", "location": {"lat": 57.72, "lon": 12.94}}
    assert clean_metadata({"meeting_place": "norrby", "language": "a" * 50}, place_ids={"norrby"}) == {"meeting_place": "norrby"}
    assert clean_metadata("not a dict") == {}


@pytest.mark.parametrize(
    "text",
    [
        "/school",
        '/meeting_place{"district":"norrby"}',
        '/meeting_place{"postcode": "50430"}',
        '/change_language{"language":"ar"}',
        " /greet ",
    ],
)
def test_payloads_our_buttons_send_are_accepted(text):
    assert typed_payload_problem(text, INTENTS, RULES) is None


@pytest.mark.parametrize(
    "text",
    [
        '/meeting_place{"postcode": "<b>hacked</b> 99999"}',
        '/meeting_place{"district": "Atlantis"}',
        '/change_language{"language":"xx"}',
        '/school{"postcode": "50430"}',
        "/unknown_intent",
        "/school@0.2",
        '/meeting_place[{"entity": "postcode", "value": "x"}]',
        '/meeting_place{"postcode": 50430}',
        "/meeting_place{oops",
    ],
)
def test_payloads_no_button_sends_are_refused(text):
    assert typed_payload_problem(text, INTENTS, RULES) is not None


def test_the_erase_secret_is_kept_only_as_its_sha256():
    import hashlib

    from valkommen.server.payloads import clean_metadata

    secret = "Abc_-" + "x" * 40
    clean = clean_metadata({"channel": "web", "erase_secret": secret})
    assert clean == {"channel": "web", "erase_key": hashlib.sha256(secret.encode("utf-8")).hexdigest()}
    assert secret not in repr(clean)


@pytest.mark.parametrize("secret", ["short", "a" * 31, "a" * 129, "a" * 40 + "!", "ä" * 40, 12345, None, ["a" * 40]])
def test_an_invalid_erase_secret_is_dropped(secret):
    from valkommen.server.payloads import clean_metadata

    assert clean_metadata({"channel": "web", "erase_secret": secret}) == {"channel": "web"}


@pytest.mark.parametrize(
    "lat, lon, expected",
    [
        (57.7210341, 12.9399127, {"lat": 57.721, "lon": 12.94}),  # Borås: 0.001° lat (111 m), 0.002° lon (119 m)
        (57.72049, 12.93899, {"lat": 57.72, "lon": 12.938}),
        (0.00049, 0.00049, {"lat": 0.0, "lon": 0.0}),  # the equator: 0.001° both ways
        (89.9999, 179.9999, {"lat": 90.0, "lon": 180.0}),
    ],
)
def test_a_shared_location_is_kept_to_about_100_metres(lat, lon, expected):
    from valkommen.server.payloads import clean_metadata

    assert clean_metadata({"location": {"lat": lat, "lon": lon}}) == {"location": expected}
