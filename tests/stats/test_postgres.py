"""The same counts from a PostgreSQL tracker store (production) as from SQLite."""

from __future__ import annotations

import pytest

from tests.reliability.helpers import postgres
from tests.stats.conftest import known_conversations
from tools.simulate_traffic import write_with_tracker_store
from valkommen.stats.aggregate import Stats, aggregate
from valkommen.stats.events import EventStore, engine_for

pytestmark = pytest.mark.e2e


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


def test_bad_rows_in_postgresql_are_skipped_and_counted(known_store, catalogue):
    """On PostgreSQL ``CAST(data AS json)`` of one such row failed the whole query, like SQLite's json_extract."""
    import json

    import sqlalchemy as sa

    from tests.stats.conftest import DAY
    from tests.stats.test_poisoned_rows import user_event

    when = known_store.now - 7 * DAY
    event = user_event("bad", when)
    bad = [
        '{"event": "user", "text": "Var lig',  # not JSON
        json.dumps({**event, "metadata": {**event["metadata"], "location": {"lat": 1e999, "lon": -1e999}}}),  # Infinity
        json.dumps({**event, "text": "Var\x00 skolan"}),  # \u0000: PostgreSQL's json ->> text refuses it
        json.dumps({**event, "text": "Var \ud800 skolan"}),  # a lone surrogate
        json.dumps({**event, "metadata": "web"}),  # metadata that is not an object
    ]
    with postgres() as url:
        write_with_tracker_store(url, known_conversations(known_store.now))
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            for index, data in enumerate(bad):
                connection.execute(
                    sa.text(
                        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                        "VALUES (:sender, 'user', :when, 'school', NULL, :data)"
                    ),
                    {"sender": f"bad-{index}", "when": when, "data": data},
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                        "VALUES (:sender, 'action', :when, NULL, 'action_topic_fallback', '{}')"
                    ),
                    {"sender": f"bad-{index}", "when": when + 1},
                )
        engine.dispose()
        from_postgres = stats_of(url, catalogue, known_store.now)

    assert from_postgres.skipped_rows == len(bad)
    assert from_postgres.messages.total("all").messages == 48
    assert all("skolan" not in q.text for qs in from_postgres.questions.values() for q in qs)
