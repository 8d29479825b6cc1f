"""The same counts from a PostgreSQL tracker store (production) as from SQLite."""

from __future__ import annotations

from bot.stats.aggregate import Stats, aggregate
from bot.stats.events import EventStore, engine_for
from bot.stats.simulate import write_with_tracker_store
from tests.reliability.helpers import postgres
from tests.stats.conftest import known_conversations


def stats_of(url: str, catalogue, now: float) -> Stats:
    engine = engine_for(url)
    try:
        with EventStore(engine) as store:
            return aggregate(store, {t: m.area for t, m in catalogue.topics.items()}, 1, 30, now=now)
    finally:
        engine.dispose()


def numbers(stats: Stats) -> dict:
    tables = ("messages", "topics", "areas", "languages", "channels", "place_pages", "place_lookups", "fallbacks", "feedback")
    result = {"weeks": stats.weeks}
    for name in tables:
        table = getattr(stats, name)
        result[name] = (
            {k: (c.messages, c.people, c.shown) for k, c in table.cells.items()},
            {k: (c.messages, c.people, c.shown) for k, c in table.totals.items()},
        )
    result["questions"] = {lang: [(q.text, q.messages, q.people) for q in qs] for lang, qs in stats.questions.items()}
    return result


def test_postgresql_and_sqlite_give_the_same_statistics(known_store, catalogue):
    with postgres() as url:
        write_with_tracker_store(url, known_conversations(known_store.now))
        from_postgres = stats_of(url, catalogue, known_store.now)
    from_sqlite = stats_of(known_store.url, catalogue, known_store.now)

    assert from_postgres.messages.total("all").messages == 48
    assert numbers(from_postgres) == numbers(from_sqlite)
