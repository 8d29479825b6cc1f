"""The load benchmark's own arithmetic and conversations (bench/load.py), without servers."""

from __future__ import annotations

from bench.load import FEEDBACK_UP, Level, conversations, rss_mb


def test_percentiles_are_nearest_rank_in_milliseconds():
    level = Level("x", 1, latencies=[i / 1000 for i in range(1, 101)])
    assert level.percentile(50) == 50.0
    assert level.percentile(95) == 95.0
    assert level.percentile(99) == 99.0


def test_lost_messages_count_as_messages_but_not_as_latencies():
    level = Level("x", 1, latencies=[0.1, 0.2], lost=3, seconds=1.0)
    assert level.messages == 5
    assert level.throughput == 2.0


def test_each_conversation_is_one_language_with_a_greeting_questions_a_button_and_thanks(heldout_examples):
    talks = conversations(heldout_examples, 16, seed=1)
    assert len(talks) == 16
    languages = {turns[0][1]["language"] for turns in talks}
    assert len(languages) == 8
    for turns in talks:
        assert len(turns) == 6
        assert turns[3][0] == FEEDBACK_UP
        assert len({metadata["language"] for _, metadata in turns}) == 1
    assert conversations(heldout_examples, 16, seed=1) == talks


def test_memory_of_this_process_is_read_from_proc():
    import os

    assert rss_mb(os.getpid()) > 1.0
    assert rss_mb(None) is None
