"""Aggregated, suppressed statistics for the follow-up report, built from EventStore queries."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from bot.languages import SELECTABLE_LANGUAGES, normalise_language
from bot.stats.events import UNKNOWN, Count, EventStore, Unanswered
from bot.stats.suppress import Cell, complementary, primary

#: The seven areas of Borås Stad's Program för ett integrerat samhälle, in report order.
AREAS: Tuple[str, ...] = ("work", "housing", "education", "participation", "safety", "health", "culture")
#: Known channels in report order (others follow in alphabetical order).
CHANNELS: Tuple[str, ...] = ("telegram", "web", "cli")
#: Default retention of message texts in days (RETENTION_DAYS overrides it).
DEFAULT_RETENTION_DAYS = 30
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
    topic: Optional[str] = None  # the closest topic, filled in by bot.stats.editor
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


def ordered_keys(found: Iterable[str], preferred: Sequence[str]) -> List[str]:
    """``preferred`` keys first (all of them), then the other keys found, sorted; unknown last."""
    found = set(found)
    rest = sorted(found - set(preferred) - {UNKNOWN})
    return list(preferred) + rest + ([UNKNOWN] if UNKNOWN in found else [])


def build_table(
    weekly: List[Count], totals: List[Count], keys: Sequence[str], weeks: List[int], threshold: int,
    groups: Sequence[Sequence[str]] = (),
) -> Table:
    """A suppressed table; ``groups`` are further sets of keys whose sums are published."""
    cells = {(c.week, c.key): Cell(c.messages, c.people) for c in weekly if c.week is not None}
    for week in weeks:
        for key in keys:
            cells.setdefault((week, key), Cell())
    total_cells = {c.key: Cell(c.messages, c.people) for c in totals}
    for key in keys:
        total_cells.setdefault(key, Cell())
    primary(cells.values(), threshold)
    primary(total_cells.values(), threshold)
    every: Dict[object, Cell] = {("w", week, key): cell for (week, key), cell in cells.items()}
    every.update({("t", key): cell for key, cell in total_cells.items()})
    lines: List[List[object]] = []
    for week in weeks:
        lines.append([("w", week, key) for key in keys])
        lines += [[("w", week, key) for key in group] for group in groups]
    lines.append([("t", key) for key in keys])
    lines += [[("t", key) for key in group] for group in groups]
    # A key's weeks sum to its whole-period total: the total is a member of that line.
    lines += [[("w", week, key) for week in weeks] + [("t", key)] for key in keys]
    complementary(every, lines)
    return Table(list(keys), weeks, cells, total_cells)


_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """A question's grouping key: NFC, case-folded, single spaces, no surrounding punctuation."""
    text = unicodedata.normalize("NFC", text).casefold()
    return _PUNCTUATION.sub("", _SPACES.sub(" ", text).strip())


def frequent_questions(
    rows: Iterable[Unanswered], threshold: int, top: int
) -> Tuple[Dict[str, List[Question]], int]:
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

    def table(query, preferred: Sequence[str], groups: Sequence[Sequence[str]] = ()) -> Table:
        weekly, totals = query(by_week=True), query(by_week=False)
        keys = ordered_keys([c.key for c in totals], preferred)
        return build_table(weekly, totals, keys, weeks, threshold, groups)

    area_groups = [[t for t in topics if area_of[t] == area] for area in areas]
    since = now - retention_days * 86400
    questions, rare = frequent_questions(store.unanswered_messages(since, now), threshold, top_questions)
    return Stats(
        threshold=threshold,
        retention_days=retention_days,
        generated=now,
        weeks=weeks,
        messages=table(store.user_messages, ["all"]),
        topics=table(lambda by_week: store.topics(topics, by_week), topics, area_groups),
        areas=table(lambda by_week: store.areas(area_of, by_week), areas),
        area_of=dict(area_of),
        languages=table(store.languages, SELECTABLE_LANGUAGES),
        channels=table(store.channels, CHANNELS),
        place_pages=table(store.place_pages, places),
        place_lookups=table(store.place_lookups, places),
        fallbacks=table(store.fallbacks, ["fallback"]),
        feedback=table(store.feedback, ["up", "down"]),
        questions=questions,
        suppressed_questions=rare,
    )
