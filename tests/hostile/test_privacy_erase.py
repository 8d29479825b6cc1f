"""The owner's erase route and the masked store, over HTTP on the real Rasa server (SQLite store)."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import uuid

import httpx
import pytest


def secret() -> str:
    return secrets.token_urlsafe(32)  # 43 characters of A-Z a-z 0-9 _ -, as the widget makes it


def say(http: httpx.Client, url: str, sender: str, text: str, erase_secret: str) -> list:
    body = {"sender": sender, "message": text, "metadata": {"channel": "web", "erase_secret": erase_secret}}
    response = http.post(f"{url}/webhooks/rest/webhook", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def stored_events(http: httpx.Client, url: str, sender: str, token: str) -> list:
    response = http.get(f"{url}/conversations/{sender}/tracker", params={"token": token})
    assert response.status_code == 200, response.text
    return [e for e in response.json()["events"] if e["event"] in ("user", "bot", "slot")]


def erase(http: httpx.Client, url: str, body) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.post(f"{url}/privacy/erase", content=content, headers={"Content-Type": "application/json"})


def database(guarded) -> str:
    return guarded.env["TRACKER_STORE_URL"].removeprefix("sqlite:///")


def test_the_owner_erases_the_conversation_without_the_api_token(http, guarded, token):
    sender, own = uuid.uuid4().hex, secret()
    say(http, guarded.rasa_url, sender, "Hej", own)
    say(http, guarded.rasa_url, sender, "Hur får mitt barn modersmålsundervisning?", own)
    assert stored_events(http, guarded.rasa_url, sender, token)

    response = erase(http, guarded.rasa_url, {"sender": sender, "secret": own})

    assert response.status_code == 204, response.text
    assert stored_events(http, guarded.rasa_url, sender, token) == []


def test_a_wrong_secret_or_another_sender_gets_the_same_404_and_nothing_is_deleted(http, guarded, token):
    sender, other, own = uuid.uuid4().hex, uuid.uuid4().hex, secret()
    say(http, guarded.rasa_url, sender, "Hej", own)
    say(http, guarded.rasa_url, other, "Hej", secret())

    wrong = erase(http, guarded.rasa_url, {"sender": sender, "secret": secret()})
    not_mine = erase(http, guarded.rasa_url, {"sender": other, "secret": own})
    unknown = erase(http, guarded.rasa_url, {"sender": uuid.uuid4().hex, "secret": own})

    assert wrong.status_code == not_mine.status_code == unknown.status_code == 404
    assert wrong.json() == not_mine.json() == unknown.json()  # no oracle: a guessed id learns nothing
    assert [e["text"] for e in stored_events(http, guarded.rasa_url, sender, token) if e["event"] == "user"] == ["Hej"]
    assert [e["text"] for e in stored_events(http, guarded.rasa_url, other, token) if e["event"] == "user"] == ["Hej"]


def test_a_conversation_sent_without_a_secret_cannot_be_erased_by_anyone_guessing_one(http, guarded, token):
    sender = uuid.uuid4().hex
    response = http.post(f"{guarded.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "Hej"})
    assert response.status_code == 200
    assert erase(http, guarded.rasa_url, {"sender": sender, "secret": secret()}).status_code == 404
    assert stored_events(http, guarded.rasa_url, sender, token)


@pytest.mark.parametrize(
    "body",
    [
        b"{oops",
        [],
        {},
        {"sender": "x"},
        {"sender": "x", "secret": "short"},
        {"sender": "x", "secret": "a" * 129},
        {"sender": "x", "secret": "a" * 31 + "!"},
        {"sender": "<script>", "secret": "a" * 40},
        {"sender": 5, "secret": "a" * 40},
    ],
    ids=["not-json", "array", "empty", "no-secret", "short", "long", "bad-char", "bad-sender", "number-sender"],
)
def test_a_malformed_erase_request_gets_a_json_400(http, guarded, body):
    response = erase(http, guarded.rasa_url, body)
    assert response.status_code == 400, response.text
    assert response.json()["reason"] == "BadRequest"


def test_an_oversized_erase_request_is_refused(http, guarded):
    response = erase(http, guarded.rasa_url, {"sender": "x", "secret": "a" * 40, "pad": "p" * 5000})
    assert response.status_code == 413


def test_the_secret_is_never_stored_only_its_hash(http, guarded, token):
    sender, own = uuid.uuid4().hex, secret()
    say(http, guarded.rasa_url, sender, "Hej", own)
    with sqlite3.connect(database(guarded)) as connection:
        rows = "\n".join(r[0] for r in connection.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)))
    assert rows and own not in rows
    assert hashlib.sha256(own.encode()).hexdigest() in rows


def test_personal_data_is_masked_in_the_store_and_the_meaning_still_answered(http, guarded, catalogue, token):
    sender = uuid.uuid4().hex
    replies = say(http, guarded.rasa_url, sender, "mitt personnummer 19900101-1234 är fel", secret())
    assert catalogue.answer("personal_number", "sv").text in [r.get("text") for r in replies]
    say(http, guarded.rasa_url, sender, "ring mig på 070-123 45 67 eller mejla amina@example.se", secret())
    with sqlite3.connect(database(guarded)) as connection:
        rows = "\n".join(r[0] for r in connection.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)))
    for value in ("19900101-1234", "070-123 45 67", "amina@example.se"):
        assert value not in rows
    for token_text in ("[personnummer]", "[telefon]", "[e-post]"):
        assert token_text in rows


def test_a_shared_location_is_stored_to_about_100_metres_and_still_finds_the_meeting_place(http, guarded, catalogue, token):
    sender = uuid.uuid4().hex
    body = {
        "sender": sender,
        "message": "/share_location",
        "metadata": {"channel": "web", "location": {"lat": 57.7210341, "lon": 12.9399127}},
    }
    replies = http.post(f"{guarded.rasa_url}/webhooks/rest/webhook", json=body).json()
    nearest = catalogue.interface("place_heading_nearest", "sv").split("{")[0]
    assert any((r.get("text") or "").startswith(nearest) for r in replies), replies
    user = [e for e in stored_events(http, guarded.rasa_url, sender, token) if e["event"] == "user"][0]
    assert user["metadata"]["location"] == {"lat": 57.721, "lon": 12.94}
