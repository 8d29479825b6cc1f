"""A tracker store written through Rasa's own SQLTrackerStore with known conversations."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import List

import pytest

from tools.simulate_traffic import (
    Conversation,
    fallback_turn,
    feedback_turn,
    out_of_scope_turn,
    place_turn,
    topic_turn,
    write_with_tracker_store,
)
from valkommen.stats.events import week_of

DAY = 86400.0
#: Fixed "now" of the generated data: the middle of a week, so weeks are predictable.
NOW = (week_of(time.time()) * 7 + 4 + 3.5) * DAY  # Thursday 12:00 UTC of this week
RECENT_TEXT = "Where can I park my car?"
OLD_TEXT = "Hur byter jag mitt utländska körkort?"
RARE_TEXT = "Min granne heter Kalle Svensson"


@dataclass
class Known:
    """The generated store and the weeks it covers."""

    url: str
    weeks: List[int]  # three weeks, oldest first
    now: float


def known_conversations(now: float) -> List[Conversation]:
    """Conversations whose counts the tests know.

    Week 0 (five weeks ago, older than the 30-day retention), weeks 1 and 2 (recent).
    - week 0: 6 Swedish web users on Hässleholmen's page ask about school; 5 of them send
      OLD_TEXT, which ends in the fallback.
    - week 1: 11 Arabic Telegram users ask about housing, 6 give 👍 and 5 give 👎; 2 Somali
      users ask about sfi (a small group).
    - week 2: 5 English CLI users send RECENT_TEXT (out of scope) and then look up Norrby's
      meeting place; 3 Swedish users send RARE_TEXT (fallback).
    """
    week0, week1, week2 = now - 35 * DAY, now - 14 * DAY, now - 7 * DAY
    conversations = []
    for i in range(6):
        turns = [topic_turn("school", "Hur får mitt barn en plats i skolan?", "sv")]
        if i < 5:
            turns.append(fallback_turn(OLD_TEXT, "sv"))
        conversations.append(
            Conversation(
                f"w0-sv-{i}", week0 + i * 60, {"channel": "web", "language": "sv", "meeting_place": "hassleholmen"}, turns
            )
        )
    for i in range(11):
        turns = [topic_turn("housing", "كيف أجد شقة؟", "ar"), feedback_turn("up" if i < 6 else "down", "housing", "ar")]
        conversations.append(Conversation(f"w1-ar-{i}", week1 + i * 60, {"channel": "telegram", "language": "ar"}, turns))
    for i in range(2):
        conversations.append(
            Conversation(
                f"w1-so-{i}",
                week1 + 600 + i * 60,
                {"channel": "telegram", "language": "so"},
                [topic_turn("sfi", "Sidee SFI loogu qortaa?", "so")],
            )
        )
    for i in range(5):
        turns = [
            out_of_scope_turn(RECENT_TEXT if i % 2 else RECENT_TEXT.lower().rstrip("?") + " ?", "en"),
            place_turn("Norrby", "norrby", "en"),
        ]
        conversations.append(Conversation(f"w2-en-{i}", week2 + i * 60, {"channel": "cli"}, turns))
    for i in range(3):
        conversations.append(
            Conversation(
                f"w2-sv-{i}", week2 + 900 + i * 60, {"channel": "cli", "language": "sv"}, [fallback_turn(RARE_TEXT, "sv")]
            )
        )
    return conversations


@pytest.fixture(scope="session")
def known_store(tmp_path_factory) -> Known:
    """The known conversations saved through SQLTrackerStore into a temporary SQLite file."""
    path: Path = tmp_path_factory.mktemp("stats") / "tracker.db"
    url = f"sqlite:///{path}"
    write_with_tracker_store(url, known_conversations(NOW))
    return Known(url, [week_of(NOW - 35 * DAY), week_of(NOW - 14 * DAY), week_of(NOW - 7 * DAY)], NOW)


def normalised(text: str) -> str:
    """How the report writes a question (case-folded, no surrounding punctuation)."""
    from valkommen.stats.aggregate import normalise_text

    return normalise_text(text)
