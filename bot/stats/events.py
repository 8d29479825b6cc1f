"""Queries over Rasa's SQL tracker store table ``events`` (SQLite or PostgreSQL).

Every count is grouped in the database (per ISO week, UTC, and one dimension), so the rows
returned stay few however many events there are. Message texts are read only by
``unanswered_messages``, only inside the window it is given, and streamed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

#: 1970-01-05 00:00 UTC, the first Monday after the Unix epoch (ISO weeks start on Mondays).
FIRST_MONDAY = 4 * 86400
WEEK_SECONDS = 7 * 86400

FALLBACK_ACTION = "action_topic_fallback"
OUT_OF_SCOPE_ACTION = "action_out_of_scope"
SLOT_LANGUAGE = "language"
SLOT_MEETING_PLACE = "meeting_place"
SLOT_FEEDBACK = "feedback"
#: Topic and area ids are written into SQL as literals, so they must look like this.
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
#: Placeholder for a missing value (a message without channel metadata, ...).
UNKNOWN = "unknown"


class StoreError(RuntimeError):
    """The database is not a Rasa SQL tracker store (no ``events`` table)."""


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
    """An engine for the tracker store URL (``sqlite:///var/tracker.db``, ``postgresql://...``).

    A SQLite file that does not exist is an error (SQLite would create an empty one).
    """
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        raise StoreError(f"no tracker store database at {parsed.database}")
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
    """Read-only aggregate queries on one tracker store database.

    The first query copies the few columns the counts need (week, sender, intent, channel
    metadata, the counted slots and fallbacks) into two temporary tables on one connection:
    one scan of ``events`` instead of one per measure. Every count then runs on them.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._connection: Optional[Connection] = None

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the connection (the temporary tables go with it)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

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

    def connection(self) -> Connection:
        """The store's connection, with the temporary tables ``stats_user`` and ``stats_turn``."""
        if self._connection is None:
            if not sa.inspect(self.engine).has_table("events"):
                raise StoreError("the database has no events table: is it Rasa's SQL tracker store?")
            connection = self.engine.connect()
            with connection.begin():
                connection.execute(sa.text(
                    f"CREATE TEMPORARY TABLE stats_user AS SELECT {self.week()} AS wk, sender_id, intent_name, "
                    f"{self.json('metadata', 'channel')} AS channel, {self.json('metadata', 'meeting_place')} AS place "
                    "FROM events WHERE type_name = 'user'"
                ))
                connection.execute(sa.text(
                    f"CREATE TEMPORARY TABLE stats_turn AS SELECT {self.week()} AS wk, sender_id, "
                    f"action_name AS name, {self.json('value')} AS value, {self.json('value', 'value')} AS feedback "
                    f"FROM events WHERE (type_name = 'slot' AND action_name IN ('{SLOT_LANGUAGE}', '{SLOT_MEETING_PLACE}', "
                    f"'{SLOT_FEEDBACK}')) OR (type_name = 'action' AND action_name = '{FALLBACK_ACTION}')"
                ))
            self._connection = connection
        return self._connection

    def _counts(
        self, table: str, key_sql: str, where: str, params: Dict[str, object], by_week: bool
    ) -> List[Count]:
        week = "wk" if by_week else "NULL"
        groups = "wk, k" if by_week else "k"
        sql = (
            f"SELECT {week} AS wk, {key_sql} AS k, COUNT(*) AS n, COUNT(DISTINCT sender_id) AS p "
            f"FROM {table} WHERE {where} GROUP BY {groups}"
        )
        statement = sa.text(sql)
        expanding = [name for name, value in params.items() if isinstance(value, (list, tuple))]
        if expanding:
            statement = statement.bindparams(*(sa.bindparam(name, expanding=True) for name in expanding))
        rows = self.connection().execute(statement, params).fetchall()
        return [
            Count(None if row[0] is None else int(row[0]), UNKNOWN if row[1] is None else str(row[1]), int(row[2]), int(row[3]))
            for row in rows
        ]

    # -- The measures -------------------------------------------------------------------
    def user_messages(self, by_week: bool = True) -> List[Count]:
        """All user messages (key ``all``)."""
        return self._counts("stats_user", "'all'", "1 = 1", {}, by_week)

    def topics(self, topics: Sequence[str], by_week: bool = True) -> List[Count]:
        """User messages whose intent is a topic, by topic id."""
        return self._counts("stats_user", "intent_name", "intent_name IN :topics", {"topics": list(topics)}, by_week)

    def areas(self, area_of: Dict[str, str], by_week: bool = True) -> List[Count]:
        """User messages whose intent is a topic, by the topic's program area."""
        for name in (*area_of, *area_of.values()):
            if not IDENTIFIER.match(name):
                raise ValueError(f"not an identifier: {name!r}")
        cases = " ".join(f"WHEN '{topic}' THEN '{area}'" for topic, area in sorted(area_of.items()))
        key = f"CASE intent_name {cases} END"
        return self._counts("stats_user", key, "intent_name IN :topics", {"topics": list(area_of)}, by_week)

    def languages(self, by_week: bool = True) -> List[Count]:
        """Turns by the conversation's language (the ``language`` slot the actions set every turn)."""
        return self._counts("stats_turn", "value", f"name = '{SLOT_LANGUAGE}'", {}, by_week)

    def channels(self, by_week: bool = True) -> List[Count]:
        """User messages by ``metadata.channel``."""
        return self._counts("stats_user", "channel", "1 = 1", {}, by_week)

    def place_pages(self, by_week: bool = True) -> List[Count]:
        """User messages sent from a meeting place's page (``metadata.meeting_place``)."""
        return self._counts("stats_user", "place", "place IS NOT NULL", {}, by_week)

    def place_lookups(self, by_week: bool = True) -> List[Count]:
        """Meeting places found by a look-up (``SlotSet meeting_place``)."""
        return self._counts("stats_turn", "value", f"name = '{SLOT_MEETING_PLACE}' AND value IS NOT NULL", {}, by_week)

    def fallbacks(self, by_week: bool = True) -> List[Count]:
        """Messages answered by the topic fallback (key ``fallback``)."""
        return self._counts("stats_turn", "'fallback'", f"name = '{FALLBACK_ACTION}'", {}, by_week)

    def feedback(self, by_week: bool = True) -> List[Count]:
        """👍/👎 given (``SlotSet feedback`` with value up or down), by value."""
        return self._counts(
            "stats_turn", "feedback", f"name = '{SLOT_FEEDBACK}' AND feedback IN ('up', 'down')", {}, by_week
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

    def week_range(self) -> Tuple[Optional[int], Optional[int]]:
        """The weeks of the first and last user message."""
        row = self.connection().execute(sa.text("SELECT MIN(wk), MAX(wk) FROM stats_user")).fetchone()
        return (row[0], row[1]) if row else (None, None)
