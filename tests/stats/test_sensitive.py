"""What the report must not show or count twice: crisis messages, carried-over slots."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.stats.test_poisoned_rows import copy_of, insert, slot_row, user_event, user_row
from valkommen.stats.events import EventStore, engine_for


def fallback_row(sender: str, when: float):
    event = {"event": "action", "timestamp": when, "name": "action_topic_fallback"}
    return (sender, "action", when, None, "action_topic_fallback", json.dumps(event))


def test_a_crisis_message_is_never_listed_as_an_unanswered_question(known_store, tmp_path: Path):
    path = copy_of(known_store, tmp_path)
    now = time.time()
    rows = []
    for index in range(12):  # more people than any suppression threshold
        sender = f"crisis-{index}"
        rows.append(user_row(sender, user_event(sender, now, text="jag vill inte leva längre, allt är mörkt")))
        rows.append(fallback_row(sender, now + 1))
        sender = f"plain-{index}"
        rows.append(user_row(sender, user_event(sender, now, text="var kan man köpa cykelhjälm")))
        rows.append(fallback_row(sender, now + 1))
    insert(path, rows)
    with EventStore(engine_for(f"sqlite:///{path}")) as store:
        texts = [question.text for question in store.unanswered_messages(since=now - 10)]
    assert "var kan man köpa cykelhjälm" in texts
    assert not any("leva" in text for text in texts)


def test_a_slot_carried_over_to_a_new_session_is_not_counted_again(known_store, tmp_path: Path):
    path = copy_of(known_store, tmp_path)
    with EventStore(engine_for(f"sqlite:///{path}")) as store:
        before = sum(count.messages for count in store.languages(by_week=False))
    now = time.time()
    carried = json.dumps(
        {"event": "slot", "timestamp": now, "metadata": {"carried_over": True}, "name": "language", "value": "ar"}
    )
    insert(path, [slot_row("s1", now, "language", "ar"), ("s1", "slot", now + 1, None, "language", carried)])
    with EventStore(engine_for(f"sqlite:///{path}")) as store:
        after = sum(count.messages for count in store.languages(by_week=False))
    assert after == before + 1
