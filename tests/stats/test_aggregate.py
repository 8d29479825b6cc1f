"""Counts from a tracker store written by Rasa's SQLTrackerStore, per ISO week."""

from __future__ import annotations

import pytest

from tests.stats.conftest import OLD_TEXT, RARE_TEXT, RECENT_TEXT, normalised
from valkommen.stats.aggregate import Stats, aggregate, build_table
from valkommen.stats.events import Count, EventStore, engine_for
from valkommen.stats.report import fallback_share, feedback_share

PLACES = ["hassleholmen", "norrby", "sjobo", "hulta"]


def stats_of(known, catalogue, threshold: int) -> Stats:
    engine = engine_for(known.url)
    try:
        areas = {topic: meta.area for topic, meta in catalogue.topics.items()}
        with EventStore(engine) as store:
            return aggregate(store, areas, threshold, 30, places=PLACES, now=known.now)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def all_groups(known_store, catalogue) -> Stats:
    """No suppression (threshold 1): the raw counts."""
    return stats_of(known_store, catalogue, 1)


@pytest.fixture(scope="module")
def suppressed(known_store, catalogue) -> Stats:
    """The default threshold of 5 people."""
    return stats_of(known_store, catalogue, 5)


def values(table, weeks, key):
    return [table.cell(week, key).value for week in weeks]


def test_weeks_run_from_the_first_to_the_last_message_without_gaps(all_groups, known_store):
    assert all_groups.weeks[0] == known_store.weeks[0] and all_groups.weeks[-1] == known_store.weeks[-1]
    assert all_groups.weeks == list(range(known_store.weeks[0], known_store.weeks[-1] + 1))


def test_user_messages_topics_and_areas_are_counted_per_week(all_groups, known_store):
    w0, w1, w2 = known_store.weeks
    weeks = [w0, w1, w2]
    assert values(all_groups.messages, weeks, "all") == [11, 24, 13]
    assert values(all_groups.topics, weeks, "school") == [6, 0, 0]
    assert values(all_groups.topics, weeks, "housing") == [0, 11, 0]
    assert values(all_groups.topics, weeks, "sfi") == [0, 2, 0]
    assert values(all_groups.topics, weeks, "meeting_place") == [0, 0, 5]
    assert values(all_groups.areas, weeks, "education") == [6, 2, 0]
    assert values(all_groups.areas, weeks, "participation") == [0, 0, 5]
    assert all_groups.topics.total("housing").people == 11


def test_languages_channels_and_meeting_places_are_counted(all_groups, known_store):
    w0, w1, w2 = known_store.weeks
    assert all_groups.languages.total("ar").value == 22  # 11 people, two turns each
    assert all_groups.languages.total("so").value == 2
    assert all_groups.languages.cell(w2, "sv").value == 3
    assert [all_groups.channels.total(k).value for k in ("telegram", "web", "cli")] == [24, 11, 13]
    assert all_groups.place_pages.cell(w0, "hassleholmen").value == 11
    assert all_groups.place_lookups.cell(w2, "norrby").value == 5
    assert all_groups.place_lookups.total("hulta").value == 0


def test_fallback_rate_is_the_share_of_user_messages_answered_by_the_fallback(all_groups, known_store):
    w0, w1, w2 = known_store.weeks
    assert fallback_share(all_groups, w0) == pytest.approx(100 * 5 / 11)
    assert fallback_share(all_groups, w1) == 0
    assert fallback_share(all_groups, None) == pytest.approx(100 * 8 / 48)


def test_feedback_share_is_thumbs_up_among_all_feedback(all_groups, suppressed, known_store):
    w1 = known_store.weeks[1]
    assert (all_groups.feedback.cell(w1, "up").value, all_groups.feedback.cell(w1, "down").value) == (6, 5)
    assert feedback_share(all_groups, w1) == pytest.approx(100 * 6 / 11)
    assert feedback_share(suppressed, None) == pytest.approx(100 * 6 / 11)


def test_groups_of_fewer_people_than_the_threshold_are_hidden(suppressed, known_store):
    w0, w1, w2 = known_store.weeks
    assert suppressed.topics.cell(w1, "sfi").value is None  # 2 Somali users
    assert suppressed.topics.total("sfi").value is None
    assert suppressed.languages.cell(w1, "so").value is None
    assert suppressed.fallbacks.cell(w2, "fallback").value is None  # 3 people
    # Large groups stay visible.
    assert suppressed.channels.cell(w1, "telegram").value == 24
    assert suppressed.place_lookups.cell(w2, "norrby").value == 5


def test_a_hidden_cell_cannot_be_recovered_from_its_week_or_its_total(suppressed, known_store):
    w0, w1, w2 = known_store.weeks
    # sfi (2) is hidden in week w1; housing, the only other topic that week, is hidden too.
    assert suppressed.topics.cell(w1, "housing").value is None
    # Week w2's fallbacks (3) are hidden; with the total (8) shown, week w0's 5 must be hidden too.
    assert suppressed.fallbacks.total("fallback").value == 8
    assert suppressed.fallbacks.cell(w0, "fallback").value is None
    for table in (suppressed.topics, suppressed.languages, suppressed.fallbacks, suppressed.areas):
        for week in suppressed.weeks:
            row = [table.cell(week, key) for key in table.keys]
            hidden = [cell for cell in row if not cell.shown and cell.messages]
            shown = [cell for cell in row if cell.shown and cell.messages]
            # A lone hidden cell is allowed only when it is the week's only group in this table.
            assert len(hidden) != 1 or not shown
        for key in table.keys:
            column = [table.cell(week, key) for week in suppressed.weeks] + [table.total(key)]
            assert sum(1 for cell in column if not cell.shown and cell.messages) != 1


def test_complementary_suppression_hides_the_next_smallest_cell():
    weekly = [Count(1, "a", 2, 2), Count(1, "b", 9, 9), Count(1, "c", 20, 20)]
    totals = [Count(None, "a", 2, 2), Count(None, "b", 9, 9), Count(None, "c", 20, 20)]
    table = build_table(weekly, totals, ["a", "b", "c"], [1], threshold=5)
    assert [table.cell(1, k).value for k in "abc"] == [None, None, 20]


def test_unanswered_questions_group_spelling_variants_and_need_enough_people(all_groups, suppressed):
    english = suppressed.questions["en"]
    assert [(q.text, q.people) for q in english] == [(normalised(RECENT_TEXT), 5)]
    assert "sv" not in suppressed.questions  # RARE_TEXT: 3 people
    assert suppressed.suppressed_questions == 1
    assert [q.text for q in all_groups.questions["sv"]] == [normalised(RARE_TEXT)]


def test_question_texts_older_than_the_retention_period_are_never_read(all_groups):
    texts = [q.text for questions in all_groups.questions.values() for q in questions]
    assert normalised(OLD_TEXT) not in texts
    assert len(texts) == 2


def test_links_between_tables_do_not_give_a_hidden_cell_away(suppressed):
    weeks_and_total = [(w, lambda t, k, w=w: t.cell(w, k)) for w in suppressed.weeks] + [(None, lambda t, k: t.total(k))]
    for _, get in weeks_and_total:
        messages = get(suppressed.messages, "all")
        # Channels and languages sum to the week's messages.
        for table in (suppressed.channels, suppressed.languages):
            hidden = [get(table, k) for k in table.keys if not get(table, k).shown and get(table, k).messages]
            assert len(hidden) != 1 or not messages.shown
        # An area is the sum of its topics.
        for area in suppressed.areas.keys:
            members = [get(suppressed.topics, t) for t, a in suppressed.area_of.items() if a == area]
            members.append(get(suppressed.areas, area))
            assert sum(1 for cell in members if not cell.shown and cell.messages) != 1, area
