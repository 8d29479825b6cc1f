"""The fast bulk writer stores exactly the rows Rasa's SQLTrackerStore stores."""

from __future__ import annotations

import sqlite3

from tests.stats.conftest import NOW, known_conversations
from tools.simulate_traffic import write_bulk, write_with_tracker_store

COLUMNS = "sender_id, type_name, timestamp, intent_name, action_name, data"


def rows(path) -> list:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT {COLUMNS} FROM events ORDER BY id").fetchall()


def schema(path) -> list:
    with sqlite3.connect(path) as db:
        return sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())


def test_bulk_insert_writes_the_same_rows_and_schema_as_the_sql_tracker_store(tmp_path):
    conversations = known_conversations(NOW)
    write_with_tracker_store(f"sqlite:///{tmp_path / 'rasa.db'}", conversations)
    write_bulk(f"sqlite:///{tmp_path / 'bulk.db'}", conversations)

    reference, bulk = rows(tmp_path / "rasa.db"), rows(tmp_path / "bulk.db")

    assert len(reference) > 300
    assert bulk == reference
    assert schema(tmp_path / "bulk.db") == schema(tmp_path / "rasa.db")


def test_simulated_events_have_the_shape_the_real_servers_write(tmp_path):
    write_bulk(f"sqlite:///{tmp_path / 'bulk.db'}", known_conversations(NOW)[:1])
    types = [row[1] for row in rows(tmp_path / "bulk.db")]
    # Observed from the real servers: session start, then per turn user, featurization,
    # action, bot, slots, action_listen.
    assert types[:5] == ["slot", "action", "session_started", "slot", "action"]
    assert types[5:9] == ["user", "user_featurization", "action", "bot"]
