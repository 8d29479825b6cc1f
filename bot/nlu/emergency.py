"""Deterministic recognition of danger to life, in every language (plain logic).

Phrases live in ``emergency_terms.yml`` beside this file. A message matches when one
phrase occurs in it after both are lower-cased, stripped of diacritics and harakat and
whitespace-collapsed. Used by ``EmergencyOverride`` so that such a message always gets the
``emergency`` topic (112), whatever else it mentions, and never the fallback.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from bot.nlu.detection import fold

TERMS_FILE = Path(__file__).with_name("emergency_terms.yml")


def normalise(text: str) -> str:
    """Lower-case, without combining marks (``fold``), single spaces."""
    return " ".join(fold(text).split())


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
