"""The hostile-input corpus (corpus.yml) against the real servers: REST channel, /model/parse and
the action server's /webhook. No 5xx, no crash, no raw <script/onerror= echoed, and every REST
message gets a non-empty reply or a clear 4xx.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import httpx
import pytest
import yaml

from tools.servers import ROOT
from valkommen.core.locales import load_catalogue
from valkommen.core.reply_language import is_language_message

CORPUS = yaml.safe_load((Path(__file__).with_name("corpus.yml")).read_text(encoding="utf-8"))["cases"]
CASE_IDS = [case["id"] for case in CORPUS]
#: What must never come back from any server: the active parts of the HTML/JS the users sent.
FORBIDDEN_ECHOES = ("<script", "onerror=", "onload=", "ontoggle=", "javascript:alert")
#: Actions the /webhook cases rotate through (each gets odd text and metadata in its tracker).
ACTIONS = [
    "action_answer_topic",
    "action_topic_fallback",
    "action_meeting_place",
    "action_change_language",
    "action_feedback",
    "action_greet",
    "action_help",
    "action_out_of_scope",
]
INTENTS = ["school", "nlu_fallback", "meeting_place", "change_language", "feedback", "greet", "help", "out_of_scope"]
#: The "temporarily unavailable" texts: valkommen/server/fault_replies.py sends one instead of a 5xx or silence.
UNAVAILABLE = {locale.interface.get("unavailable") for locale in load_catalogue(ROOT / "locales").locales.values()} - {None}
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_the_corpus_has_at_least_200_cases_with_unique_ids():
    assert len(CORPUS) >= 200
    assert len(set(CASE_IDS)) == len(CASE_IDS)


def case_text(case: Dict[str, Any]) -> Optional[str]:
    """The user's message of a text case (None for raw-body cases)."""
    if "text_repeat" in case:
        return case["text_repeat"]["unit"] * case["text_repeat"]["times"]
    return case.get("text")


def case_metadata(case: Dict[str, Any]) -> Tuple[bool, Any]:
    """(whether the case sets metadata, the metadata)."""
    if "metadata_padding" in case:
        return True, {"channel": "web", "padding": "p" * case["metadata_padding"]}
    if "metadata_nested_depth" in case:
        nested: Dict[str, Any] = {"leaf": 1}
        for _ in range(case["metadata_nested_depth"]):
            nested = {"n": nested}
        return True, {"channel": "web", "deep": nested}
    if "metadata" in case:
        return True, case["metadata"]
    return False, None


def case_sender(case: Dict[str, Any]) -> Any:
    return case.get("sender") if case.get("sender_set") else f"hostile-{case['id']}"


def encode(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def raw_body(case: Dict[str, Any]) -> Tuple[bytes, Dict[str, str]]:
    """The exact bytes and headers of a raw-body case."""
    if "raw_hex" in case:
        body = bytes.fromhex(case["raw_hex"])
    elif "raw_nested" in case:
        spec = case["raw_nested"]
        body = (
            spec["before"] + spec["open"] * spec["depth"] + spec["inner"] + spec["close"] * spec["depth"] + spec["after"]
        ).encode()
    else:
        body = case["raw"].encode("utf-8", "surrogatepass")
    headers = {"Content-Type": case["content_type"]} if "content_type" in case else {}
    return body, headers


def rest_request(case: Dict[str, Any]) -> Tuple[bytes, Dict[str, str]]:
    text = case_text(case)
    if text is None:
        return raw_body(case)
    body: Dict[str, Any] = {"sender": case_sender(case), "message": text}
    has_metadata, metadata = case_metadata(case)
    body["metadata"] = metadata if has_metadata else {"channel": "cli"}
    return encode(body), {"Content-Type": "application/json"}


def parse_request(case: Dict[str, Any]) -> Tuple[bytes, Dict[str, str]]:
    text = case_text(case)
    if text is None:
        return raw_body(case)
    return encode({"text": text}), {"Content-Type": "application/json"}


def action_request(case: Dict[str, Any]) -> Tuple[bytes, Dict[str, str]]:
    """An action call as Rasa makes it, with the case's text, metadata and sender in the tracker."""
    text = case_text(case)
    if text is None:
        return raw_body(case)
    index = CASE_IDS.index(case["id"])
    _, metadata = case_metadata(case)
    intent = INTENTS[index % len(INTENTS)]
    sender = case_sender(case)
    sender = "default" if sender is None else sender  # what Rasa calls a conversation without a sender
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.42},
        "entities": [],
        "intent_ranking": [{"name": name, "confidence": 0.1} for name in ("school", "housing", "sfi")],
        "metadata": metadata,
        "language": {"code": "xx", "confidence": 0.3},
    }
    call = {
        "next_action": ACTIONS[index % len(ACTIONS)],
        "sender_id": sender,
        "version": "3.6.21",
        "domain": DOMAIN,
        "tracker": {
            "sender_id": sender,
            "slots": {"language": "ar", "chosen_language": None},
            "latest_message": latest,
            "events": [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
            "latest_event_time": 0,
        },
    }
    return encode(call), {"Content-Type": "application/json"}


def assert_no_echo(text: str) -> None:
    lowered = text.lower()
    for forbidden in FORBIDDEN_ECHOES:
        assert forbidden not in lowered, f"the reply contains {forbidden!r}: {text[:300]}"


def assert_clear_4xx(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, response.text[:300]
    body = response.json()
    assert isinstance(body, dict) and (body.get("message") or body.get("error")), response.text[:300]


@pytest.mark.parametrize("case", CORPUS, ids=CASE_IDS)
def test_rest_channel_answers_every_hostile_input_or_refuses_it_clearly(http, guarded, case):
    body, headers = rest_request(case)
    response = http.post(f"{guarded.rasa_url}/webhooks/rest/webhook", content=body, headers=headers)
    assert response.status_code < 500, response.text[:300]
    assert_no_echo(response.text)
    if response.status_code == 200:
        assert case["expect"] != "4xx", f"expected a 4xx, got a reply: {response.text[:300]}"
        replies = response.json()
        assert isinstance(replies, list) and replies, "empty reply"
        assert any(r.get("text") or (r.get("custom") and not is_language_message(r)) for r in replies), replies
        assert not [r for r in replies if r.get("text") in UNAVAILABLE], "a failure behind Rasa (the 'unavailable' text)"
    else:
        assert case["expect"] != "reply", f"expected a reply, got {response.status_code}: {response.text[:300]}"
        assert_clear_4xx(response)


@pytest.mark.parametrize("case", CORPUS, ids=CASE_IDS)
def test_parse_endpoint_never_fails_on_hostile_input(http, guarded, token, case):
    body, headers = parse_request(case)
    response = http.post(f"{guarded.rasa_url}/model/parse", content=body, headers=headers, params={"token": token})
    assert response.status_code < 500, response.text[:300]
    if response.status_code == 200:
        assert response.json()["intent"]["name"]
    else:
        assert_clear_4xx(response)


@pytest.mark.parametrize("case", CORPUS, ids=CASE_IDS)
def test_action_server_never_fails_on_hostile_input(http, guarded, case):
    body, headers = action_request(case)
    secret = {"Authorization": f"Bearer {guarded.env['ACTION_SERVER_TOKEN']}"}  # as Rasa sends it
    response = http.post(f"{guarded.action_url}/webhook", content=body, headers={**headers, **secret})
    assert response.status_code < 500, response.text[:300]
    assert_no_echo(response.text)
    if case_text(case) is None:
        return
    if case["expect"] == "4xx" and response.status_code != 200:
        assert_clear_4xx(response)  # Rasa never sends such a call: the REST check refuses the message
    else:
        assert response.status_code == 200, response.text[:300]
        assert response.json()["responses"], "the action sent no message"


def test_both_servers_are_still_alive_after_the_corpus(http, guarded, token):
    assert all(process.poll() is None for process in guarded.processes.values())
    assert http.get(f"{guarded.rasa_url}/status", params={"token": token}).status_code == 200
    assert http.get(f"{guarded.action_url}/health").status_code == 200
    replies = http.post(f"{guarded.rasa_url}/webhooks/rest/webhook", json={"sender": "after-corpus", "message": "Hej"}).json()
    assert replies and replies[0].get("text")
