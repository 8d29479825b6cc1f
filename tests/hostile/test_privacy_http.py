"""Privacy over HTTP on the real servers: forget-me endpoint, API token, nothing personal in logs."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from tests.hostile.conftest import SEEDED


def say(http: httpx.Client, url: str, sender: str, text: str) -> list:
    response = http.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text, "metadata": {"channel": "cli"}})
    assert response.status_code == 200, response.text
    return response.json()


def user_texts(http: httpx.Client, url: str, sender: str, token: str) -> list:
    response = http.get(f"{url}/conversations/{sender}/tracker", params={"token": token})
    assert response.status_code == 200, response.text
    return [e.get("text") for e in response.json()["events"] if e["event"] == "user"]


def test_forget_me_deletes_every_event_of_the_conversation(http, guarded, token):
    sender = uuid.uuid4().hex
    say(http, guarded.rasa_url, sender, "Hur får mitt barn modersmålsundervisning?")
    say(http, guarded.rasa_url, sender, "Tack!")
    assert len(user_texts(http, guarded.rasa_url, sender, token)) == 2

    deleted = http.delete(f"{guarded.rasa_url}/privacy/conversations/{sender}", params={"token": token})
    assert deleted.status_code == 204, deleted.text

    response = http.get(f"{guarded.rasa_url}/conversations/{sender}/tracker", params={"token": token})
    assert response.status_code == 200
    assert [e for e in response.json()["events"] if e["event"] in ("user", "bot", "slot")] == []


def test_forget_me_leaves_other_conversations_alone(http, guarded, token):
    kept, forgotten = uuid.uuid4().hex, uuid.uuid4().hex
    say(http, guarded.rasa_url, kept, "Hej")
    say(http, guarded.rasa_url, forgotten, "Hej")
    assert http.delete(f"{guarded.rasa_url}/privacy/conversations/{forgotten}", params={"token": token}).status_code == 204
    assert user_texts(http, guarded.rasa_url, kept, token) == ["Hej"]


def test_forget_me_for_an_unknown_sender_is_a_json_404(http, guarded, token):
    response = http.delete(f"{guarded.rasa_url}/privacy/conversations/{uuid.uuid4().hex}", params={"token": token})
    assert response.status_code == 404
    assert response.json()["reason"] == "NotFound"


def test_forget_me_without_the_token_is_refused_and_deletes_nothing(http, guarded, token):
    sender = uuid.uuid4().hex
    say(http, guarded.rasa_url, sender, "Hej")
    for params in ({}, {"token": "wrong"}):
        response = http.delete(f"{guarded.rasa_url}/privacy/conversations/{sender}", params=params)
        assert response.status_code in (401, 403)
    assert user_texts(http, guarded.rasa_url, sender, token) == ["Hej"]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/status", None),
        ("POST", "/model/parse", {"text": "Hej"}),
        ("GET", "/conversations/someone/tracker", None),
    ],
)
def test_rasa_http_api_needs_the_token(http, guarded, token, method, path, body):
    refused = http.request(method, f"{guarded.rasa_url}{path}", json=body)
    assert refused.status_code in (401, 403)
    allowed = http.request(method, f"{guarded.rasa_url}{path}", json=body, params={"token": token})
    assert allowed.status_code == 200, allowed.text


def test_rest_webhook_needs_no_token(http, guarded):
    assert say(http, guarded.rasa_url, uuid.uuid4().hex, "Hej") != []


def test_server_logs_hold_no_message_text_no_token_and_no_sender_id(http, guarded, token, server_logs):
    """Distinctive messages, a sender id and the token go in; none of them may appear in either log."""
    marker = "Zqxjv" + uuid.uuid4().hex[:10]
    sender = "sender" + uuid.uuid4().hex
    texts = [
        f"Hur får mitt barn modersmålsundervisning {marker}?",
        f"كيف أسجل في المدرسة {marker}",
        f"I need help with housing {marker}",
    ]
    for text in texts:
        say(http, guarded.rasa_url, sender, text)
    http.post(f"{guarded.rasa_url}/model/parse", json={"text": f"parse {marker}"}, params={"token": token})
    http.get(f"{guarded.rasa_url}/conversations/{sender}/tracker", params={"token": token})
    http.delete(f"{guarded.rasa_url}/privacy/conversations/{sender}", params={"token": token})
    logs = server_logs()
    assert logs.strip(), "the servers wrote no log at all; the test would prove nothing"
    assert marker not in logs
    assert token not in logs
    assert sender not in logs


def test_the_rasa_server_deletes_events_older_than_the_retention_at_start(http, guarded, token):
    """The store held a 45-day-old and a 2-day-old conversation before the server started."""
    assert sorted(SEEDED.values()) == [2.0, 45.0]
    for _ in range(60):  # the start-up run happens right after the server is ready
        if user_texts(http, guarded.rasa_url, "seeded-old", token) == []:
            break
        time.sleep(0.5)
    assert user_texts(http, guarded.rasa_url, "seeded-old", token) == []
    assert user_texts(http, guarded.rasa_url, "seeded-recent", token) == ["Hej"]
