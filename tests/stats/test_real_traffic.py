"""Real traffic through the REST channel of the real servers is counted from their tracker store."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Dict, Set

import httpx

from tools.servers import Servers
from tools.simulate_traffic import Conversation, conversation_events, fallback_turn, topic_turn
from valkommen.stats.aggregate import aggregate
from valkommen.stats.editor import RasaMatcher
from valkommen.stats.events import EventStore, engine_for

QUESTION = "Hur får mitt barn modersmålsundervisning?"
#: Keys the servers write only for some messages (risk: not understood, but a risk word in it).
OPTIONAL_KEYS = {"risk"}
FEEDBACK_UP = '/feedback{"feedback":"up"}'  # the 👍 button's payload (COMMON contract)


def snapshot(servers: Servers, catalogue):
    engine = engine_for(servers.env["TRACKER_STORE_URL"])
    try:
        areas = {topic: meta.area for topic, meta in catalogue.topics.items()}
        with EventStore(engine) as store:
            return aggregate(store, areas, threshold=1, retention_days=30)
    finally:
        engine.dispose()


def key_shapes(events) -> Dict[str, Set[str]]:
    shapes: Dict[str, Set[str]] = {}
    for data in events:
        shapes.setdefault(data["event"], set()).update(data)
        if data["event"] == "user":
            shapes.setdefault("user.parse_data", set()).update(data["parse_data"])
    return shapes


def test_messages_sent_to_the_real_servers_are_counted(servers: Servers, catalogue):
    before = snapshot(servers, catalogue)
    sender = f"stats-{uuid.uuid4().hex[:8]}"
    metadata = {"channel": "web", "language": "sv", "meeting_place": "norrby"}
    for message in (QUESTION, QUESTION, FEEDBACK_UP):
        response = httpx.post(
            f"{servers.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": metadata},
            timeout=60,
        )
        assert response.status_code == 200 and response.json()
    after = snapshot(servers, catalogue)

    def added(table: str, key: str) -> int:
        return getattr(after, table).total(key).messages - getattr(before, table).total(key).messages

    assert added("messages", "all") == 3
    assert added("channels", "web") == 3
    assert added("place_pages", "norrby") == 3
    assert added("topics", "home_language") == 2
    assert added("languages", "sv") == 3
    assert added("feedback", "up") == 1


def test_the_simulator_writes_the_same_event_shapes_as_the_real_servers(servers: Servers):
    path = servers.env["TRACKER_STORE_URL"].replace("sqlite:///", "", 1)
    with sqlite3.connect(path) as db:
        real = [json.loads(row[0]) for row in db.execute("SELECT data FROM events")]
    turns = [topic_turn("school", "skola", "sv"), fallback_turn("övergrepp", "sv")]
    simulated = conversation_events(Conversation("s", 1.0e9, {"channel": "web"}, turns))
    real_shapes, simulated_shapes = key_shapes(real), key_shapes(simulated)
    assert "risk" in simulated_shapes["user.parse_data"]  # the simulator marks a risky fallback as the NLU does
    for kind, keys in simulated_shapes.items():
        assert keys - OPTIONAL_KEYS == real_shapes[kind] - OPTIONAL_KEYS, kind


def test_the_rasa_server_names_the_closest_topic(servers: Servers, catalogue):
    matcher = RasaMatcher(servers.rasa_url, list(catalogue.topics), token=servers.token)
    assert matcher.closest(QUESTION, "sv")[0] == "home_language"
