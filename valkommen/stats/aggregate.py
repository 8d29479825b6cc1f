"""Aggregated, suppressed statistics for the follow-up report, built from EventStore queries."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from valkommen.core.languages import SELECTABLE_LANGUAGES, normalise_language
from valkommen.core.settings import Settings
from valkommen.stats.events import CHANNELS, UNKNOWN, Count, EventStore, Unanswered
from valkommen.stats.suppress import Cell, complementary, primary

#: The seven areas of Borås Stad's Program för ett integrerat samhälle, in report order.
AREAS: Tuple[str, ...] = ("work", "housing", "education", "participation", "safety", "health", "culture")
#: Default retention of message texts in days (RETENTION_DAYS overrides it): the tracker's, 21.
DEFAULT_RETENTION_DAYS: int = Settings.__fields__["retention_days"].default
#: How many unanswered questions are listed per language.
DEFAULT_TOP_QUESTIONS = 20


@dataclass
class Table:
    """Counts of one dimension per week and for the whole period, after suppression."""

    keys: List[str]
    weeks: List[int]
    cells: Dict[Tuple[int, str], Cell]
    totals: Dict[str, Cell]

    def cell(self, week: int, key: str) -> Cell:
        """The cell of ``key`` in ``week`` (an empty cell when there were none)."""
        return self.cells.get((week, key)) or Cell()

    def total(self, key: str) -> Cell:
        """The whole period's cell of ``key``."""
        return self.totals.get(key) or Cell()


@dataclass
class Question:
    """A frequent unanswered question (normalised text) in one language."""

    language: str
    text: str
    messages: int
    people: int
    topic: Optional[str] = None  # the closest topic, filled in by valkommen.stats.editor
    score: Optional[float] = None


@dataclass
class Stats:
    """Everything the report shows."""

    threshold: int
    retention_days: int
    generated: float
    weeks: List[int]
    messages: Table
    topics: Table
    areas: Table
    area_of: Dict[str, str]
    languages: Table
    channels: Table
    place_pages: Table
    place_lookups: Table
    fallbacks: Table
    feedback: Table
    questions: Dict[str, List[Question]] = field(default_factory=dict)
    suppressed_questions: int = 0
    skipped_rows: int = 0  # rows of the tracker store left out as unreadable (valkommen/stats/rows.py)


def ordered_keys(found: Iterable[str], preferred: Sequence[str]) -> List[str]:
    """``preferred`` keys first (all of them), then the other keys found, sorted; unknown last."""
    found = set(found)
    rest = sorted(found - set(preferred) - {UNKNOWN})
    return list(preferred) + rest + ([UNKNOWN] if UNKNOWN in found else [])


def make_table(weekly: List[Count], totals: List[Count], keys: Sequence[str], weeks: List[int]) -> Table:
    """A table of raw counts (every week and key present; nothing suppressed yet)."""
    cells = {(c.week, c.key): Cell(c.messages, c.people) for c in weekly if c.week is not None}
    for week in weeks:
        for key in keys:
            cells.setdefault((week, key), Cell())
    total_cells = {c.key: Cell(c.messages, c.people) for c in totals}
    for key in keys:
        total_cells.setdefault(key, Cell())
    return Table(list(keys), list(weeks), cells, total_cells)


def table_lines(table: Table, margin: Optional[Table] = None) -> List[List[Cell]]:
    """The lines of one table: each week across its keys, the totals across its keys, and each
    key's weeks with its total. ``margin``: a one-key table every week of which is the sum of
    this table's week (e.g. the week's messages for the channels); it joins those lines."""
    lines = []
    for week in table.weeks:
        line = [table.cell(week, key) for key in table.keys]
        if margin is not None:
            line.append(margin.cell(week, margin.keys[0]))
        lines.append(line)
    totals = [table.total(key) for key in table.keys]
    if margin is not None:
        totals.append(margin.total(margin.keys[0]))
    lines.append(totals)
    lines += [[table.cell(week, key) for week in table.weeks] + [table.total(key)] for key in table.keys]
    return lines


def group_lines(parts: Table, whole: Table, groups: Dict[str, Sequence[str]]) -> List[List[Cell]]:
    """Lines linking a whole's cells to the parts they sum (an area and its topics)."""
    lines = []
    for group, members in groups.items():
        for week in parts.weeks:
            lines.append([parts.cell(week, key) for key in members] + [whole.cell(week, group)])
        lines.append([parts.total(key) for key in members] + [whole.total(group)])
    return lines


def suppress(tables: Sequence[Table], lines: Sequence[Sequence[Cell]], threshold: int) -> None:
    """Primary suppression on every cell of ``tables``, then complementary over ``lines``."""
    for table in tables:
        primary(table.cells.values(), threshold)
        primary(table.totals.values(), threshold)
    complementary(lines)


def build_table(weekly: List[Count], totals: List[Count], keys: Sequence[str], weeks: List[int], threshold: int) -> Table:
    """One table suppressed on its own lines."""
    table = make_table(weekly, totals, keys, weeks)
    suppress([table], table_lines(table), threshold)
    return table


_SPACES = re.compile(r"\s+")


def strip_punctuation(text: str) -> str:
    """``text`` without leading and trailing characters that are not letters or digits.

    A loop from each end, linear in the length: the regex it replaces, ``[\\W_]+$``, retried
    the whole run of punctuation from every position in it (quadratic: a message of 100,000
    "!" followed by a letter took minutes).
    """
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def normalise_text(text: str) -> str:
    """A question's grouping key: NFC, case-folded, single spaces, no surrounding punctuation."""
    text = unicodedata.normalize("NFC", text).casefold()
    return strip_punctuation(_SPACES.sub(" ", text))


def frequent_questions(rows: Iterable[Unanswered], threshold: int, top: int) -> Tuple[Dict[str, List[Question]], int]:
    """Questions asked by at least ``threshold`` people, the ``top`` most frequent per language.

    Returns them and how many distinct questions were left out as too rare. Button payloads
    (texts starting with "/") are not questions.
    """
    messages: Dict[Tuple[str, str], int] = defaultdict(int)
    people: Dict[Tuple[str, str], Set[str]] = defaultdict(set)
    for row in rows:
        if row.text.lstrip().startswith("/"):
            continue
        key = normalise_text(row.text)
        if not key:
            continue
        language = normalise_language(row.language) or UNKNOWN
        messages[(language, key)] += 1
        people[(language, key)].add(row.sender)
    grouped: Dict[str, List[Question]] = defaultdict(list)
    rare = 0
    for (language, key), count in messages.items():
        senders = len(people[(language, key)])
        if senders >= threshold:
            grouped[language].append(Question(language, key, count, senders))
        else:
            rare += 1
    result = {}
    for language in ordered_keys(grouped, [code for code in SELECTABLE_LANGUAGES if code in grouped]):
        questions = sorted(grouped[language], key=lambda q: (-q.people, -q.messages, q.text))
        result[language] = questions[:top]
    return result, rare


def week_range(store: EventStore) -> List[int]:
    """Every week from the first to the last user message (empty weeks included)."""
    first, last = store.week_range()
    if first is None or last is None:
        return []
    return list(range(int(first), int(last) + 1))


def aggregate(
    store: EventStore,
    area_of: Dict[str, str],
    threshold: int,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    places: Sequence[str] = (),
    now: Optional[float] = None,
    top_questions: int = DEFAULT_TOP_QUESTIONS,
) -> Stats:
    """Runs every query and applies suppression. ``area_of`` maps topic id -> program area."""
    now = time.time() if now is None else now
    weeks = week_range(store)
    topics = [t for area in AREAS for t in area_of if area_of[t] == area]
    topics += [t for t in area_of if t not in topics]
    areas = ordered_keys(area_of.values(), AREAS)

    def table(query, preferred: Sequence[str]) -> Table:
        weekly, totals = query(by_week=True), query(by_week=False)
        return make_table(weekly, totals, ordered_keys([c.key for c in totals], preferred), weeks)

    tables = {
        "messages": table(store.user_messages, ["all"]),
        "topics": table(lambda by_week: store.topics(topics, by_week), topics),
        "areas": table(lambda by_week: store.areas(area_of, by_week), areas),
        "languages": table(store.languages, SELECTABLE_LANGUAGES),
        "channels": table(store.channels, CHANNELS),
        "place_pages": table(store.place_pages, places),
        "place_lookups": table(store.place_lookups, places),
        "fallbacks": table(store.fallbacks, ["fallback"]),
        "feedback": table(store.feedback, ["up", "down"]),
    }
    # Channels split every user message and languages every turn (one per message): their
    # weeks sum to the week's messages. Areas sum their topics; topics and areas share a week.
    lines: List[List[Cell]] = []
    for name, t in tables.items():
        lines += table_lines(t, tables["messages"] if name in ("channels", "languages") else None)
    lines += group_lines(tables["topics"], tables["areas"], {a: [t for t in topics if area_of[t] == a] for a in areas})
    topics_table, areas_table = tables["topics"], tables["areas"]
    for week in weeks:
        lines.append([topics_table.cell(week, k) for k in topics] + [areas_table.cell(week, k) for k in areas])
    suppress(list(tables.values()), lines, threshold)

    since = now - retention_days * 86400
    questions, rare = frequent_questions(store.unanswered_messages(since, now), threshold, top_questions)
    return Stats(
        threshold=threshold,
        retention_days=retention_days,
        generated=now,
        weeks=weeks,
        area_of=dict(area_of),
        questions=questions,
        **tables,
        suppressed_questions=rare,
        skipped_rows=store.skipped_rows(),
    )
