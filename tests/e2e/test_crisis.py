"""Crisis messages get the right help, in every language: risk-weighted cases on the real servers.

Each urgent case in tests/nlu/crisis_cases.yml names the numbers its answer must contain; the
case is sent over the REST channel and the reply a user would read is checked, not only the
topic. Everyday uses of the same words must not be taken for a crisis.
"""

from __future__ import annotations

import uuid
from typing import Dict, List

import httpx
import pytest
import yaml

from tools.servers import ROOT
from valkommen.core.languages import SUPPORTED_LANGUAGES

CASES = yaml.safe_load((ROOT / "tests" / "nlu" / "crisis_cases.yml").read_text(encoding="utf-8"))
SAFETY_TOPICS = {"crisis_support", "violence_support", "emergency"}
#: Direction isolates around numbers in right-to-left answers (valkommen/core/locales.py) are invisible.
INVISIBLE = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=60.0) as http:
        yield http


def reply_text(client: httpx.Client, servers, text: str, sender: str, language: str) -> str:
    """Everything the assistant answered to ``text``, as one string a reader sees."""
    body = {"sender": sender, "message": text, "metadata": {"channel": "cli", "language": language}}
    response = client.post(f"{servers.rasa_url}/webhooks/rest/webhook", json=body)
    assert response.status_code == 200, response.text
    return "\n".join(message.get("text") or "" for message in response.json()).translate(INVISIBLE)


def intent(client: httpx.Client, servers, text: str) -> str:
    response = client.post(f"{servers.rasa_url}/model/parse", json={"text": text}, headers=servers.auth)
    assert response.status_code == 200, response.text
    return response.json()["intent"]["name"]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_urgent_messages_are_answered_with_the_help_they_need(client, servers, language):
    missing: List[Dict[str, object]] = []
    for case in CASES[language]["urgent"]:
        text = reply_text(client, servers, case["text"], uuid.uuid4().hex, language)
        absent = [number for number in case["must_contain"] if number not in text]
        if absent:
            missing.append({"text": case["text"], "kind": case["kind"], "absent": absent})
    assert missing == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_urgent_messages_get_their_safety_topic(client, servers, language):
    wrong = [
        (case["text"], got)
        for case in CASES[language]["urgent"]
        if (got := intent(client, servers, case["text"])) != case["topic"]
    ]
    assert wrong == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_everyday_uses_of_the_same_words_are_not_a_crisis(client, servers, language):
    false_alarms = [
        (text, got) for text in CASES[language]["everyday"] if (got := intent(client, servers, text)) in SAFETY_TOPICS
    ]
    assert false_alarms == []


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_crisis_in_the_middle_of_a_conversation_gets_the_crisis_answer(client, servers, language):
    for conversation in CASES[language]["conversations"]:
        sender = uuid.uuid4().hex
        for turn in conversation["turns"][:-1]:
            reply_text(client, servers, turn, sender, language)
        last = reply_text(client, servers, conversation["turns"][-1], sender, language)
        assert all(number in last for number in conversation["must_contain"]), (conversation["turns"], last)


@pytest.mark.parametrize("text", ["xq självmord ??", "suicid blorp zz", "qq abuse zz"])
def test_a_message_that_carries_a_risk_word_never_gets_only_the_menu(client, servers, text):
    """Whatever the topic model makes of it: the crisis answer, or the crisis lines before the menu."""
    reply = reply_text(client, servers, text, uuid.uuid4().hex, "sv")
    assert "112" in reply and ("90101" in reply or "020-50 50 50" in reply), reply
