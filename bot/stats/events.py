"""Queries over Rasa's SQL tracker store table ``events`` (SQLite or PostgreSQL).

Every count is grouped in the database (per ISO week and one dimension), so the rows
returned stay few however many events there are. Message texts are read only by
``unanswered_messages``, only inside the window it is given, and streamed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

#: 1970-01-05 00:00 UTC, the first Monday after the Unix epoch (ISO weeks start on Mondays).
FIRST_MONDAY = 4 * 86400
WEEK_SECONDS = 7 * 86400

FALLBACK_ACTION = "action_topic_fallback"
OUT_OF_SCOPE_ACTION = "action_out_of_scope"
UNANSWERED_ACTIONS = (FALLBACK_ACTION, OUT_OF_SCOPE_ACTION)
SLOT_LANGUAGE = "language"
SLOT_MEETING_PLACE = "meeting_place"
SLOT_FEEDBACK = "feedback"
#: Topic and area ids are written into SQL as literals, so they must look like this.
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
#: Placeholder for a missing value (a message without channel metadata, ...).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Count:
    """One group: its ISO week index (or None for the whole period), key, messages and people."""

    week: Optional[int]
    key: str
    messages: int
    people: int


@dataclass(frozen=True)
class Unanswered:
    """A user message that ended in the fallback or out-of-scope answer."""

    sender: str
    text: str
    language: Optional[str]


def engine_for(url: str) -> Engine:
    """An engine for the tracker store URL (``sqlite:///var/tracker.db``, ``postgresql://...``)."""
    return sa.create_engine(url)


def week_start(week: int) -> dt.date:
    """The Monday (UTC) that starts week index ``week``."""
    return dt.date(1970, 1, 5) + dt.timedelta(weeks=week)


def week_label(week: int) -> str:
    """ISO week label of a week index, e.g. ``2026-W48``."""
    year, number, _ = week_start(week).isocalendar()
    return f"{year}-W{number:02d}"


def week_of(timestamp: float) -> int:
    """The week index of a Unix timestamp (the same arithmetic as the SQL)."""
    return int((timestamp - FIRST_MONDAY) // WEEK_SECONDS)


class EventStore:
    """Read-only aggregate queries on one tracker store database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    # -- SQL building blocks ------------------------------------------------------------
    def json(self, *path: str) -> str:
        """SQL text extracting ``path`` from the JSON column ``data`` as text."""
        if self.dialect == "postgresql":
            return f"(CAST(data AS json) #>> '{{{','.join(path)}}}')"
        return f"json_extract(data, '$.{'.'.join(path)}')"

    def week(self) -> str:
        """SQL text of the week index of ``timestamp``."""
        if self.dialect == "postgresql":
            return f"CAST(FLOOR((timestamp - {FIRST_MONDAY}) / {WEEK_SECONDS}) AS integer)"
        return f"CAST((timestamp - {FIRST_MONDAY}) / {WEEK_SECONDS} AS integer)"

    def _counts(
        self, key_sql: str, where: str, params: Dict[str, object], by_week: bool
    ) -> List[Count]:
        week = self.week() if by_week else "NULL"
        groups = "wk, k" if by_week else "k"
        sql = (
            f"SELECT {week} AS wk, {key_sql} AS k, COUNT(*) AS n, COUNT(DISTINCT sender_id) AS p "
            f"FROM events WHERE {where} GROUP BY {groups}"
        )
        statement = sa.text(sql)
        expanding = [name for name, value in params.items() if isinstance(value, (list, tuple))]
        if expanding:
            statement = statement.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
        with self.engine.connect() as connection:
            rows = connection.execute(statement, params).fetchall()
        return [
            Count(None if row[0] is None else int(row[0]), UNKNOWN if row[1] is None else str(row[1]), int(row[2]), int(row[3]))
            for row in rows
        ]

    # -- The measures -------------------------------------------------------------------
    def user_messages(self, by_week: bool = True) -> List[Count]:
        """All user messages (key ``all``)."""
        return self._counts("'all'", "type_name = 'user'", {}, by_week)

    def topics(self, topics: Sequence[str], by_week: bool = True) -> List[Count]:
        """User messages whose intent is a topic, by topic id."""
        return self._counts("intent_name", "type_name = 'user' AND intent_name IN :topics", {"topics": list(topics)}, by_week)

    def areas(self, area_of: Dict[str, str], by_week: bool = True) -> List[Count]:
        """User messages whose intent is a topic, by the topic's program area."""
        for name in (*area_of, *area_of.values()):
            if not IDENTIFIER.match(name):
                raise ValueError(f"not an identifier: {name!r}")
        cases = " ".join(f"WHEN '{topic}' THEN '{area}'" for topic, area in sorted(area_of.items()))
        key = f"CASE intent_name {cases} END"
        return self._counts(key, "type_name = 'user' AND intent_name IN :topics", {"topics": list(area_of)}, by_week)

    def languages(self, by_week: bool = True) -> List[Count]:
        """Turns by the conversation's language (the ``language`` slot the actions set every turn)."""
        return self._counts(
            self.json("value"), f"type_name = 'slot' AND action_name = '{SLOT_LANGUAGE}'", {}, by_week
        )

    def channels(self, by_week: bool = True) -> List[Count]:
        """User messages by ``metadata.channel``."""
        return self._counts(self.json("metadata", "channel"), "type_name = 'user'", {}, by_week)

    def place_pages(self, by_week: bool = True) -> List[Count]:
        """User messages sent from a meeting place's page (``metadata.meeting_place``)."""
        key = self.json("metadata", "meeting_place")
        return self._counts(key, f"type_name = 'user' AND {key} IS NOT NULL", {}, by_week)

    def place_lookups(self, by_week: bool = True) -> List[Count]:
        """Meeting places found by a look-up (``SlotSet meeting_place``)."""
        key = self.json("value")
        return self._counts(
            key, f"type_name = 'slot' AND action_name = '{SLOT_MEETING_PLACE}' AND {key} IS NOT NULL", {}, by_week
        )

    def fallbacks(self, by_week: bool = True) -> List[Count]:
        """Messages answered by the topic fallback (key ``fallback``)."""
        return self._counts(
            "'fallback'", f"type_name = 'action' AND action_name = '{FALLBACK_ACTION}'", {}, by_week
        )

    def feedback(self, by_week: bool = True) -> List[Count]:
        """👍/👎 given (``SlotSet feedback`` with value up or down), by value."""
        key = self.json("value", "value")
        return self._counts(
            key, f"type_name = 'slot' AND action_name = '{SLOT_FEEDBACK}' AND {key} IN ('up', 'down')", {}, by_week
        )

    def unanswered_messages(self, since: float, until: Optional[float] = None) -> Iterator[Unanswered]:
        """User messages in [since, until) whose next action was the fallback or out of scope.

        Streams the rows (server-side cursor where the driver has one).
        """
        bound = "" if until is None else "AND timestamp < :until"
        language = f"COALESCE({self.json('parse_data', 'language', 'code')}, {self.json('metadata', 'language')})"
        sql = f"""
            SELECT sender_id, text, lang FROM (
              SELECT sender_id, type_name,
                     CASE WHEN type_name = 'user' THEN {self.json('text')} END AS text,
                     CASE WHEN type_name = 'user' THEN {language} END AS lang,
                     LEAD(action_name) OVER (PARTITION BY sender_id ORDER BY id) AS next_action
              FROM events
              WHERE timestamp >= :since {bound}
                AND (type_name = 'user' OR (type_name = 'action' AND action_name <> 'action_listen'))
            ) AS turns
            WHERE type_name = 'user' AND next_action IN ('{FALLBACK_ACTION}', '{OUT_OF_SCOPE_ACTION}')
        """
        params = {"since": since, "until": until}
        with self.engine.connect().execution_options(stream_results=True) as connection:
            for sender, text, lang in connection.execute(sa.text(sql), params):
                if text:
                    yield Unanswered(sender, text, lang)

    def time_range(self) -> Tuple[Optional[float], Optional[float]]:
        """The first and last user message's timestamps."""
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT MIN(timestamp), MAX(timestamp) FROM events WHERE type_name = 'user'")
            ).fetchone()
        return (row[0], row[1]) if row else (None, None)
