"""The load benchmark's own arithmetic and conversations (bench/load.py), without servers."""

from __future__ import annotations

import math
import statistics

import pytest

from bench.load import FEEDBACK_UP, Level, conversations, parse_pause, rss_mb, targets
from bench.percentiles import percentile


def test_percentiles_interpolate_linearly_in_milliseconds():
    level = Level("x", 1, latencies=[i / 1000 for i in range(1, 101)])
    assert level.percentile(50) == pytest.approx(50.5)
    assert level.percentile(95) == pytest.approx(95.05)
    assert level.percentile(99) == pytest.approx(99.01)
    assert math.isnan(Level("x", 1).percentile(95))


def test_every_benchmark_reports_the_same_p95_for_the_same_latencies():
    import bench.telegram_bot

    seconds = [0.05, 0.07, 0.08, 0.1, 0.11, 0.13, 0.2, 0.4, 0.9, 1.5]
    ms = [s * 1000 for s in seconds]
    assert bench.telegram_bot.percentile is percentile
    assert Level("x", 1, latencies=seconds).percentile(95) == pytest.approx(percentile(ms, 95))
    assert percentile(ms, 50) == pytest.approx(statistics.median(ms))
    assert f"p95 {percentile(ms, 95):7.0f} ms" in bench.telegram_bot.line("x", seconds)


def test_lost_messages_count_as_messages_but_not_as_latencies():
    level = Level("x", 1, latencies=[0.1, 0.2], lost=3, seconds=1.0)
    assert level.messages == 5
    assert level.throughput == 2.0


def test_each_conversation_is_one_language_with_a_greeting_questions_a_button_and_thanks(heldout_examples):
    talks = conversations(heldout_examples, 16, seed=1)
    assert len(talks) == 16
    languages = {turns[0][1]["language"] for turns in talks}
    held_out_languages = {example.language or "sv" for example in heldout_examples}
    assert languages == held_out_languages  # 16 conversations cover every held-out language
    for turns in talks:
        assert len(turns) == 6
        assert turns[3][0] == FEEDBACK_UP
        assert len({metadata["language"] for _, metadata in turns}) == 1
    assert conversations(heldout_examples, 16, seed=1) == talks


def test_memory_of_this_process_is_read_from_proc():
    import os

    assert rss_mb(os.getpid()) > 1.0
    assert rss_mb(None) is None


def test_pause_is_read_as_a_range_of_seconds_and_zero_means_flat_out():
    assert parse_pause("2-6") == (2.0, 6.0)
    assert parse_pause("3") == (3.0, 3.0)
    assert parse_pause("0") is None
    for bad in ("6-2", "-1", "x"):
        with pytest.raises(ValueError):
            parse_pause(bad)


def _level(label, load, users, latency_ms, throughput):
    latencies = [latency_ms / 1000.0] * 20
    return Level(label, users, load=load, latencies=latencies, seconds=len(latencies) / throughput, rasa_rss_mb=900.0)


def test_p95_target_is_judged_on_the_paced_run_and_throughput_on_the_flat_out_runs():
    project = [_level("project", "flat out", 50, 1500, 40.0), _level("project", "paced 2-6 s", 50, 120, 10.0)]
    reference = [_level("rasa-default", "flat out", 50, 4000, 10.0), _level("rasa-default", "paced 2-6 s", 50, 900, 9.0)]
    lines = "\n".join(targets(project, reference))
    assert "p95 under 500 ms at 50 users (paced 2-6 s): 120 ms: met" in lines
    assert "flat out at 50 users, for information: p95 1,500 ms" in lines
    assert "40.0 vs 10.0 msg/s = 4.00x: met" in lines
    assert "RSS under 1024 MB: peak 900 MB: met" in lines


def test_a_slow_paced_run_misses_the_latency_target():
    project = [_level("project", "flat out", 50, 1500, 12.0), _level("project", "paced 2-6 s", 50, 800, 8.0)]
    lines = "\n".join(targets(project, [_level("rasa-default", "flat out", 50, 2000, 10.0)]))
    assert "(paced 2-6 s): 800 ms: NOT met" in lines
    assert "1.20x: NOT met" in lines
