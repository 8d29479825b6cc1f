"""Queries over Rasa's SQL tracker store table ``events`` (SQLite or PostgreSQL).

One streamed scan reads the rows the counts need and checks each in Python (valkommen/stats/rows.py:
strict JSON, expected types, clean text); a row that fails is skipped and counted
(``skipped_rows``), never allowed to fail the report. The checked values, with client labels
mapped to known ones, go into two temporary tables, and every count is grouped there in the
database (per ISO week, UTC, and one dimension), so the rows returned stay few however many
events there are. The database never parses JSON itself: SQLite's json_extract and
PostgreSQL's ``CAST(data AS json)`` fail the whole query on one malformed row.

Message texts are read only by ``unanswered_messages``, only inside the window it is given,
and streamed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Collection, Dict, FrozenSet, Iterator, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from valkommen.core.names import (
    ACTION_OUT_OF_SCOPE,
    ACTION_TOPIC_FALLBACK,
    METADATA_CARRIED_OVER,
    SLOT_FEEDBACK,
    SLOT_LANGUAGE,
    SLOT_MEETING_PLACE,
)
from valkommen.core.safety import carries_risk_word
from valkommen.stats import rows as checked

#: 1970-01-05 00:00 UTC, the first Monday after the Unix epoch (ISO weeks start on Mondays).
FIRST_MONDAY = 4 * 86400
WEEK_SECONDS = 7 * 86400

#: Topic and area ids are written into SQL as literals, so they must look like this.
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
#: Placeholder for a missing value (a message without channel metadata, ...) and for a
#: client's label that is not a known one (never shown as given).
UNKNOWN = "unknown"
#: The channels the servers set in ``metadata.channel``, in report order.
CHANNELS: Tuple[str, ...] = ("telegram", "web", "cli")
#: Rows read and inserted per batch by the scan.
SCAN_BATCH = 5000


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


@dataclass(frozen=True)
class KnownLabels:
    """The values a client's label may take in the report; anything else is counted as UNKNOWN."""

    channels: FrozenSet[str]
    places: FrozenSet[str]
    languages: FrozenSet[str]

    @classmethod
    def of_project(cls, places: Optional[Collection[str]] = None) -> "KnownLabels":
        """The channels, the meeting places of data/meeting_places.yml (valkommen/core/places.py) and the
        selectable languages (valkommen/core/languages.py). ``places``: ids to use instead of the file's."""
        from valkommen.core.languages import SELECTABLE_LANGUAGES

        if places is None:
            try:
                from valkommen.core.places import load_places

                places = [place.id for place in load_places()]
            except Exception:  # the report must not fail on a places data problem
                places = []
        return cls(frozenset(CHANNELS), frozenset(places), frozenset(SELECTABLE_LANGUAGES))


def is_sensitive(data: Dict[str, Any], text: Optional[str]) -> bool:
    """Whether a user message may be about a crisis, violence or danger (its text is never listed)."""
    if checked.mapping(data.get("parse_data")).get("risk") is True:
        return True
    if not text:
        return False
    return carries_risk_word(text)


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

    The first query scans ``events`` once for the rows the counts need (user messages, the
    counted slots, fallbacks), checks every row and copies the few values the counts need
    (week, sender, intent, channel, meeting place, slot value) into two temporary tables on
    one connection. Every count then runs on them. ``skipped_rows`` says how many rows were
    left out as unreadable.
    """

    def __init__(self, engine: Engine, known: Optional[KnownLabels] = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.known = known or KnownLabels.of_project()
        self._connection: Optional[Connection] = None
        self._skipped = 0

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
    def _text_column(self, column: str) -> str:
        """SQL text reading a text column; on SQLite as bytes, decoded (strictly) by the row checks:
        SQLite stores any bytes, and its driver fails the whole query on one that is not UTF-8."""
        return f"CAST({column} AS BLOB)" if self.dialect == "sqlite" else column

    def _timestamp(self) -> str:
        """SQL text of the ``timestamp`` column; on SQLite only numbers (a TEXT value is NULL)."""
        if self.dialect == "sqlite":
            return "CASE WHEN typeof(timestamp) IN ('integer', 'real') THEN timestamp END"
        return "timestamp"

    def connection(self) -> Connection:
        """The store's connection, with the temporary tables ``stats_user`` and ``stats_turn``."""
        if self._connection is None:
            if not sa.inspect(self.engine).has_table("events"):
                raise StoreError("the database has no events table: is it Rasa's SQL tracker store?")
            connection = self.engine.connect()
            try:
                with connection.begin():
                    connection.execute(
                        sa.text(
                            "CREATE TEMPORARY TABLE stats_user (wk INTEGER, sender_id TEXT, intent_name TEXT, "
                            "channel TEXT, place TEXT)"
                        )
                    )
                    connection.execute(
                        sa.text(
                            "CREATE TEMPORARY TABLE stats_turn (wk INTEGER, sender_id TEXT, name TEXT, value TEXT, feedback TEXT)"
                        )
                    )
                    self._skipped = self._scan(connection)
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    def _scan(self, connection: Connection) -> int:
        """Reads, checks and copies the rows into the temporary tables; returns how many were skipped."""
        text_column = self._text_column
        sql = (
            f"SELECT type_name, action_name, {self._timestamp()} AS ts, {text_column('sender_id')}, "
            f"{text_column('intent_name')}, CASE WHEN type_name = 'action' THEN NULL ELSE {text_column('data')} END "
            f"FROM events WHERE type_name = 'user' OR (type_name = 'slot' AND action_name IN ('{SLOT_LANGUAGE}', "
            f"'{SLOT_MEETING_PLACE}', '{SLOT_FEEDBACK}')) OR (type_name = 'action' AND action_name = '{ACTION_TOPIC_FALLBACK}')"
        )
        insert = self._inserter(connection)
        skipped = 0
        # Reading and writing on one connection: fetch a batch, then insert its rows. SQLite
        # through the driver's own cursor (SQLAlchemy's result rows cost as much as the checks).
        if self.dialect == "sqlite":
            result: Any = connection.connection.cursor()
            result.execute(sql)
        else:
            result = connection.execute(sa.text(sql).execution_options(stream_results=True))
        check = self._check_row
        while True:
            batch = result.fetchmany(SCAN_BATCH)
            if not batch:
                break
            users: List[Tuple[Any, ...]] = []
            turns: List[Tuple[Any, ...]] = []
            for row in batch:
                try:
                    check(row, users, turns)
                except checked.BadRow:
                    skipped += 1
            insert("stats_user", users)
            insert("stats_turn", turns)
        return skipped

    def _inserter(self, connection: Connection) -> Callable[[str, List[Tuple[Any, ...]]], None]:
        """A function inserting tuples of five values into a temporary table (the fastest way per driver)."""
        if self.dialect == "sqlite":
            cursor = connection.connection.cursor()

            def insert(table: str, rows: List[Tuple[Any, ...]]) -> None:
                if rows:
                    cursor.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)", rows)

            return insert
        columns = {
            "stats_user": ("wk", "sender_id", "intent_name", "channel", "place"),
            "stats_turn": ("wk", "sender_id", "name", "value", "feedback"),
        }
        tables = {name: sa.table(name, *(sa.column(c) for c in cols)) for name, cols in columns.items()}

        def insert_rows(table: str, rows: List[Tuple[Any, ...]]) -> None:
            if rows:  # SQLAlchemy batches an insert() construct's parameter list (psycopg2: execute_values)
                connection.execute(tables[table].insert(), [dict(zip(columns[table], row)) for row in rows])

        return insert_rows

    def _check_row(self, row: Any, users: List[Tuple[Any, ...]], turns: List[Tuple[Any, ...]]) -> None:
        """Appends the checked values of one scanned row to ``users`` or ``turns``; BadRow if unusable."""
        kind, name, timestamp, sender, intent, raw = row
        week = week_of(checked.timestamp(timestamp))
        sender = checked.text(checked.decoded(sender))
        if sender is None:
            raise checked.BadRow("no sender")
        if kind == "action":
            turns.append((week, sender, name, None, None))
            return
        data = checked.parse_json(checked.decoded(raw))
        if kind == "user":
            fields = checked.user_fields(data)
            users.append(
                (
                    week,
                    sender,
                    checked.text(checked.decoded(intent)),
                    checked.known(fields.channel, self.known.channels, UNKNOWN),
                    checked.known(fields.meeting_place, self.known.places, UNKNOWN),
                )
            )
            return
        if checked.mapping(data.get("metadata")).get(METADATA_CARRIED_OVER) is True:
            return  # a slot a new session carried over (actions/session.py): not a new turn
        value = checked.slot_value(name, data)
        if name == SLOT_FEEDBACK:
            turns.append((week, sender, name, None, value))
            return
        allowed = self.known.languages if name == SLOT_LANGUAGE else self.known.places
        turns.append((week, sender, name, checked.known(value, allowed, UNKNOWN), None))

    def skipped_rows(self) -> int:
        """How many rows of the counted kinds were left out: not JSON, wrong types, bad text."""
        self.connection()
        return self._skipped

    def _counts(self, table: str, key_sql: str, where: str, params: Dict[str, object], by_week: bool) -> List[Count]:
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
        return self._counts("stats_turn", "'fallback'", f"name = '{ACTION_TOPIC_FALLBACK}'", {}, by_week)

    def feedback(self, by_week: bool = True) -> List[Count]:
        """👍/👎 given (``SlotSet feedback`` with value up or down), by value."""
        return self._counts("stats_turn", "feedback", f"name = '{SLOT_FEEDBACK}' AND feedback IN ('up', 'down')", {}, by_week)

    def unanswered_messages(self, since: float, until: Optional[float] = None) -> Iterator[Unanswered]:
        """User messages in [since, until) whose next action was the fallback or out of scope.

        Streams the rows (server-side cursor where the driver has one); a row failing the
        checks is left out (the scan has counted it already).
        """
        bound = "" if until is None else "AND timestamp < :until"
        sql = f"""
            SELECT sender_id, ts, data FROM (
              SELECT {self._text_column("sender_id")} AS sender_id, type_name, {self._timestamp()} AS ts,
                     CASE WHEN type_name = 'user' THEN {self._text_column("data")} END AS data,
                     LEAD(action_name) OVER (PARTITION BY sender_id ORDER BY id) AS next_action
              FROM events
              WHERE timestamp >= :since {bound}
                AND (type_name = 'user' OR (type_name = 'action' AND action_name <> 'action_listen'))
            ) AS turns
            WHERE type_name = 'user' AND next_action IN ('{ACTION_TOPIC_FALLBACK}', '{ACTION_OUT_OF_SCOPE}')
        """
        params = {"since": since, "until": until}
        with self.engine.connect().execution_options(stream_results=True) as connection:
            for sender, timestamp, raw in connection.execute(sa.text(sql), params):
                try:
                    checked.timestamp(timestamp)
                    sender = checked.text(checked.decoded(sender))
                    data = checked.parse_json(checked.decoded(raw))
                    fields = checked.user_fields(data)
                except checked.BadRow:
                    continue
                if is_sensitive(data, fields.text):
                    continue  # a message that may be about a crisis is counted, never shown
                if sender is not None and fields.text:
                    yield Unanswered(sender, fields.text, fields.language)

    def week_range(self) -> Tuple[Optional[int], Optional[int]]:
        """The weeks of the first and last user message."""
        row = self.connection().execute(sa.text("SELECT MIN(wk), MAX(wk) FROM stats_user")).fetchone()
        return (row[0], row[1]) if row else (None, None)
