"""valkommen/server/speedups.py: Rasa's per-message costs cut without changing what Rasa accepts or stores."""

from __future__ import annotations

import sqlite3

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from sqlalchemy import create_engine, text

from valkommen.server import speedups

speedups.install()
VALID_REPLY = {"events": [{"event": "slot", "name": "language", "value": "sv"}], "responses": [{"text": "Hej"}]}


def test_a_valid_action_reply_is_accepted():
    assert RemoteAction._validate_action_result(None, VALID_REPLY) is True


@pytest.mark.parametrize(
    "reply",
    [
        {"events": "not a list"},
        {"events": [{"event": "slot"}]},  # a slot event without its name
        {"responses": "Hej"},
    ],
)
def test_a_malformed_action_reply_is_still_refused_with_rasas_hint(reply):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction._validate_action_result(None, reply)


def test_stored_events_are_read_back_as_the_same_classes():
    for event in (
        UserUttered("hej", {"name": "greet", "confidence": 1.0}),
        SlotSet("language", "ar"),
        ActionExecuted("action_listen"),
    ):
        again = Event.from_parameters(event.as_dict())
        assert type(again) is type(event) and again == event
        assert type(Event.from_parameters(event.as_dict())) is type(event)  # the cached path


def test_an_unknown_event_name_is_still_an_error_or_the_default():
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("slot") is SlotSet


def test_the_sqlite_tracker_store_uses_write_ahead_logging(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_other_databases_are_left_alone():
    class NotSqlite:
        def cursor(self):  # pragma: no cover - must not be called
            raise AssertionError("a non-SQLite connection was touched")

    speedups.sqlite_on_connect(NotSqlite(), None)
    plain = sqlite3.connect(":memory:")
    speedups.sqlite_on_connect(plain, None)
    assert plain.execute("PRAGMA synchronous").fetchone()[0] == 1
