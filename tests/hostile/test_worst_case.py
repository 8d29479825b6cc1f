"""A worst-case text is answered, and another user's "hej" sent meanwhile gets its greeting.

Timings live in the benchmark (``python -m bench.worst_case``, results/worst_case.md); here only
that both messages get their proper answer: no 500, no silence, no "temporarily unavailable".
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench.worst_case import GREETING, send, with_concurrent_greeting, worst_case_texts
from valkommen.core.locales import load_catalogue
from valkommen.server.payloads import MAX_TEXT_CHARS

ROOT = Path(__file__).resolve().parents[2]
#: The slowest texts before the fix (quadratic in spaCy's tokenizer): a run of one emoji and of "!".
SLOWEST = ("one emoji repeated", "! repeated", "different emoji")


@pytest.fixture(scope="module")
def unavailable():
    catalogue = load_catalogue(ROOT / "locales")
    return {locale.interface.get("unavailable") for locale in catalogue.locales.values()} - {None}


@pytest.mark.parametrize("case", SLOWEST)
def test_a_worst_case_text_and_a_concurrent_greeting_are_both_answered(servers, unavailable, case):
    import httpx

    with httpx.Client(timeout=120.0) as client:
        greeting = send(client, servers.rasa_url, f"worst-lone-{time.time_ns()}", GREETING)
    assert greeting.ok and greeting.texts
    text = worst_case_texts(MAX_TEXT_CHARS)[case]
    worst, hej = with_concurrent_greeting(servers.rasa_url, text, f"test-{time.time_ns()}")
    assert worst.status == 200 and worst.texts, worst
    assert not set(worst.texts) & unavailable, worst.texts
    assert hej.status == 200 and hej.texts == greeting.texts, hej
