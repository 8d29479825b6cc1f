"""Deterministic recognition of danger to life, in every language (plain logic).

Phrases live in ``emergency_terms.yml`` beside this file. A message matches when one
phrase occurs in it after both are lower-cased, stripped of diacritics and harakat and
whitespace-collapsed. Used by ``valkommen.core.safety`` (and its ``SafetyOverride``) so that such a
message always gets the ``emergency`` topic (112), whatever else it mentions, and never the
fallback; crisis and violence phrases (``crisis_terms.yml``) come before it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from valkommen.core.text import fold

TERMS_FILE = Path(__file__).with_name("emergency_terms.yml")
#: A character repeated more than three times in a row ("!!!!!!", "😀😀😀😀", "aaaa").
_LONG_REPEAT = re.compile(r"(.)\1{3,}", re.DOTALL)


def normalise(text: str) -> str:
    """Lower-case, without combining marks (``fold``), single spaces, no character more than 3 times in a row.

    Phrases and messages are normalised alike, so a phrase found in a message is still found
    (no phrase has a character four times in a row). The runs are cut because every phrase is
    looked for in the whole text: a 20,000-character run of one emoji or "!" cost as much as
    20,000 characters of words, now it costs three.
    """
    return _LONG_REPEAT.sub(r"\1\1\1", " ".join(fold(text).split()))


@lru_cache(maxsize=4)
def load_phrases(path: Path = TERMS_FILE) -> Dict[str, Tuple[str, ...]]:
    """The normalised phrases by language code."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {code: tuple(normalise(p) for p in phrases if normalise(p)) for code, phrases in data.items()}


def matching_phrase(text: str, path: Path = TERMS_FILE) -> Optional[str]:
    """The first phrase (of any language) found in ``text``, or None."""
    haystack = normalise(text or "")
    if not haystack:
        return None
    for phrases in load_phrases(path).values():
        for phrase in phrases:
            if phrase in haystack:
                return phrase
    return None
