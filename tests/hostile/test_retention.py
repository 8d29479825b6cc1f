"""Retention and forget-me on a real SQLite tracker written through Rasa's own SQLTrackerStore."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from tools.servers import ROOT
from valkommen.server import retention

NOW = time.time()
DAY = 86400.0


def conversation(sender: str, age_days: float, text: str) -> list:
    at = NOW - age_days * DAY
    return [
        UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=at),
        ActionExecuted("utter_greet", timestamp=at + 1),
        BotUttered("Hej!", timestamp=at + 2),
    ]


def seed(store, sender: str, events: list) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))


def texts(store, sender: str) -> list:
    tracker = asyncio.run(store.retrieve_full_tracker(sender))
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


@pytest.fixture
def sql_store(tmp_path: Path) -> SQLTrackerStore:
    return SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))


def test_retention_deletes_only_events_older_than_the_limit(sql_store):
    seed(sql_store, "old-only", conversation("old-only", 45, "old message"))
    seed(sql_store, "mixed", conversation("mixed", 31, "old turn") + conversation("mixed", 2, "new turn"))
    seed(sql_store, "new-only", conversation("new-only", 29, "recent message"))

    deleted = retention.run_once(FailSafeTrackerStore(sql_store), days=30, now=NOW)

    assert deleted == 6
    assert texts(sql_store, "old-only") == []
    assert texts(sql_store, "mixed") == ["new turn"]
    assert texts(sql_store, "new-only") == ["recent message"]


def test_a_second_retention_run_deletes_nothing_more(sql_store):
    seed(sql_store, "a", conversation("a", 40, "old") + conversation("a", 1, "new"))
    assert retention.run_once(sql_store, days=30, now=NOW) == 3
    assert retention.run_once(sql_store, days=30, now=NOW) == 0
    assert texts(sql_store, "a") == ["new"]


def test_retention_days_come_from_the_environment_with_a_21_day_default():
    assert retention.retention_days({}) == 21
    assert retention.retention_days({"RETENTION_DAYS": "7"}) == 7
    with pytest.raises(ValueError):
        retention.retention_days({"RETENTION_DAYS": "0"})


def test_make_retention_uses_the_tracker_store_of_endpoints_yml(tmp_path, monkeypatch, capsys):
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    seed(store, "old", conversation("old", 60, "old message"))
    seed(store, "new", conversation("new", 1, "new message"))
    monkeypatch.setenv("TRACKER_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("TRACKER_DB", "valkommen")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:9/webhook")
    monkeypatch.delenv("RETENTION_DAYS", raising=False)

    assert retention.main(["--endpoints", str(ROOT / "endpoints.yml")]) == 0

    assert "deleted 3 tracker events older than 21 days" in capsys.readouterr().out
    assert texts(store, "old") == []
    assert texts(store, "new") == ["new message"]


def test_forget_me_deletes_one_sender_in_the_sql_store(sql_store):
    seed(sql_store, "me", conversation("me", 1, "mine"))
    seed(sql_store, "other", conversation("other", 1, "theirs"))
    assert retention.delete_sender(FailSafeTrackerStore(sql_store), "me") == 3
    assert texts(sql_store, "me") == []
    assert texts(sql_store, "other") == ["theirs"]
    assert retention.delete_sender(sql_store, "me") == 0


def test_retention_and_forget_me_work_on_the_in_memory_store():
    store = InMemoryTrackerStore(Domain.empty())
    seed(store, "mixed", conversation("mixed", 31, "old turn") + conversation("mixed", 2, "new turn"))
    seed(store, "old", conversation("old", 90, "old"))
    assert retention.run_once(store, days=30, now=NOW) == 6
    assert texts(store, "mixed") == ["new turn"]
    assert "old" not in store.store
    assert retention.delete_sender(store, "mixed") > 0
    assert retention.delete_sender(store, "mixed") == 0
