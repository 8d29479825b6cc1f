"""Meeting places through the running servers: district names, shared locations, GeoJSON data."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict, List, Optional

import httpx
import pytest

from tools.servers import free_port, start_actions, stop
from valkommen.core.place_lookup import render, resolve
from valkommen.core.places import load_directory
from valkommen.core.reply_language import is_language_message
from valkommen.server.wait_ready import actions_ready

NORRBY_QUESTIONS = {
    "sv": "Var ligger närmaste mötesplats? Jag bor på Norrby",
    "so": "Xagee ku taal goobta kulanka ee iigu dhow? Waxaan deggenahay Norrby.",
    "ti": "እቲ ኣብ ጥቓይ ዘሎ mötesplats ኣበይ ኣሎ? ኣብ ኖርቢ እየ ዝነብር።",
    "ar": "أين أقرب مكان لقاء؟ أسكن في نوربي",
    "uk": "Де найближче місце зустрічей? Я живу в Норрбю",
}


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=60.0) as http:
        yield http


def say(client, servers, text: str, metadata: Optional[Dict[str, Any]] = None, sender: Optional[str] = None) -> List[dict]:
    body = {"sender": sender or uuid.uuid4().hex, "message": text, "metadata": metadata or {"channel": "cli"}}
    response = client.post(f"{servers.rasa_url}/webhooks/rest/webhook", json=body)
    assert response.status_code == 200, response.text
    *replies, closing = response.json()  # every reply ends with the message saying its language
    assert is_language_message(closing), closing
    return replies


@pytest.mark.parametrize("language", sorted(NORRBY_QUESTIONS))
def test_living_in_norrby_gets_norrbyhuset_in_the_users_language(client, servers, catalogue, language):
    directory = load_directory()
    expected = render(catalogue, directory, language, resolve(directory, {}, [{"entity": "district", "value": "norrby"}]))
    replies = say(client, servers, NORRBY_QUESTIONS[language])
    assert replies[0]["text"] == expected.text
    assert replies[1]["custom"]["venue"]["name"] == "Norrbyhuset"


def test_a_location_next_to_hassleholmen_gets_hasslehuset(client, servers):
    replies = say(
        client,
        servers,
        "/share_location",
        {"channel": "telegram", "language": "en", "location": {"lat": 57.7362, "lon": 12.9791}},
    )
    assert replies[0]["text"].startswith("The nearest meeting place is Hässlehuset")
    venue = replies[1]["custom"]["venue"]
    assert (venue["id"], venue["precision"], venue["address"]) == ("hassleholmen", "approximate", None)


def test_a_place_question_without_a_place_asks_for_the_location(client, servers, catalogue):
    replies = say(client, servers, "Where is the nearest meeting place?", {"channel": "web", "language": "en"})
    assert replies[0]["text"] == catalogue.interface("place_ask_location", "en")
    assert any(b["payload"] == '/meeting_place{"district":"hulta"}' for b in replies[0]["buttons"])
    assert replies[1]["custom"]["request_location"]["button"] == catalogue.interface("place_share_button", "en")


def test_the_widget_page_names_its_own_meeting_place(client, servers):
    replies = say(client, servers, "/meeting_place", {"channel": "web", "language": "sv", "meeting_place": "sjobo"})
    assert replies[1]["custom"]["venue"]["name"] == "Mötesplats Sjöbo"


def test_a_district_button_gets_that_districts_place(client, servers):
    replies = say(client, servers, '/meeting_place{"district":"hulta"}', {"channel": "telegram", "language": "uk"})
    assert replies[1]["custom"]["venue"]["id"] == "hulta"
    assert "Хульта" in replies[0]["text"] or "Гульта" in replies[0]["text"]


@pytest.mark.parametrize("location", [{"lat": "NaN", "lon": 12.9}, {"lat": 91, "lon": 12.9}, "here", {"lat": 57.7}])
def test_malformed_locations_get_a_clear_answer(client, servers, catalogue, location):
    replies = say(client, servers, "/share_location", {"channel": "telegram", "language": "ar", "location": location})
    assert replies[0]["text"] == catalogue.interface("place_bad_location", "ar")


def test_a_location_outside_boras_gets_a_polite_answer_with_the_city_contact(client, servers, catalogue):
    replies = say(
        client,
        servers,
        "/share_location",
        {"channel": "telegram", "language": "fa", "location": {"lat": 59.3293, "lon": 18.0686}},
    )
    assert [r.get("text") for r in replies] == [catalogue.interface("place_outside", "fa")]


def test_replacing_the_data_with_a_geojson_changes_the_answers(tmp_path, client, servers):
    """Another action server reads a GeoJSON export of other places: no code change."""
    path = tmp_path / "other.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [12.8335, 57.6335]},
                        "properties": {"id": "viskafors", "name": "Viskaforshuset", "serves": ["viskafors", "hassleholmen"]},
                    },
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [12.9401, 57.7210]},
                        "properties": {"id": "centrum", "name": "Stadshuset", "serves": ["centrum"]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    port = free_port()
    env = dict(servers.env, PLACES_FILE=str(path))
    process = start_actions(env, port, name="actions-geojson")
    try:
        deadline = time.monotonic() + 120
        while not actions_ready(f"http://127.0.0.1:{port}") and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert actions_ready(f"http://127.0.0.1:{port}"), "the action server with the GeoJSON data did not start"

        def action(metadata, entities):
            body = {
                "next_action": "action_meeting_place",
                "sender_id": "geo",
                "domain": {},
                "version": "3.6.2",
                "tracker": {
                    "sender_id": "geo",
                    "slots": {"language": "sv"},
                    "events": [],
                    "paused": False,
                    "latest_message": {
                        "text": "x",
                        "intent": {"name": "meeting_place"},
                        "entities": entities,
                        "metadata": metadata,
                    },
                    "latest_event_time": None,
                    "followup_action": None,
                    "active_loop": {},
                    "latest_action_name": "action_listen",
                },
            }
            response = client.post(
                f"http://127.0.0.1:{port}/webhook", json=body, headers={"Authorization": f"Bearer {env['ACTION_SERVER_TOKEN']}"}
            )
            assert response.status_code == 200, response.text
            return [r for r in response.json()["responses"] if r.get("custom")][0]["custom"]["venue"]["name"]

        assert action({"location": {"lat": 57.7362, "lon": 12.9791}}, []) == "Stadshuset"
        assert action({}, [{"entity": "district", "value": "hassleholmen"}]) == "Viskaforshuset"
    finally:
        stop({"actions": process})
