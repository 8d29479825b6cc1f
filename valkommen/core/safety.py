"""Which safety topic a message needs, whatever the topic model says (plain logic).

Three phrase lists win over the topic model and the fallback, in this order:
``crisis_support`` (thoughts of suicide or self-harm) and ``violence_support`` (violence at
home, sexual violence, a child harmed, forced marriage, exploitation) from
``crisis_terms.yml``, then ``emergency`` (danger to life now) from ``emergency_terms.yml``.
The crisis answers start with 112 too, and add the people to talk to.

``risk_words`` are broader: a message the topic model did not understand that still carries
one gets the crisis lines with the topic menu, never the menu alone. ``guards`` are everyday
phrases ("dödstrött", "my phone is dead") taken out of the text before anything is looked for.
Matching is on the normalised text (``valkommen.core.emergency.normalise``), as substrings.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Set, Tuple

import yaml

from valkommen.core.emergency import TERMS_FILE as EMERGENCY_FILE
from valkommen.core.emergency import normalise

CRISIS_FILE = Path(__file__).with_name("crisis_terms.yml")
CRISIS_SUPPORT, VIOLENCE_SUPPORT, EMERGENCY = "crisis_support", "violence_support", "emergency"
#: The safety topics, the first that matches wins.
PRIORITY = (CRISIS_SUPPORT, VIOLENCE_SUPPORT, EMERGENCY)
#: What stands in for a guard phrase taken out of a text (no phrase contains it).
GUARD_GAP = " | "


@dataclass(frozen=True)
class SafetyTerms:
    """Normalised phrases per safety topic, risk words and guards (all languages together)."""

    phrases: Dict[str, Tuple[str, ...]]
    risk_words: Tuple[str, ...]
    guards: Tuple[str, ...]


def _normalised(entries: object) -> Tuple[str, ...]:
    """Every normalised phrase of a {language: [phrases]} mapping, longest first, no duplicates."""
    found: Set[str] = set()
    for phrases in (entries or {}).values() if isinstance(entries, dict) else ():
        found.update(normalise(p) for p in phrases or () if isinstance(p, str) and normalise(p))
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


@lru_cache(maxsize=4)
def load_terms(crisis_file: Path = CRISIS_FILE, emergency_file: Path = EMERGENCY_FILE) -> SafetyTerms:
    """The phrase lists, read once."""
    crisis = yaml.safe_load(crisis_file.read_text(encoding="utf-8")) if crisis_file.exists() else {}
    emergency = yaml.safe_load(emergency_file.read_text(encoding="utf-8")) or {}
    crisis = crisis or {}
    return SafetyTerms(
        phrases={
            CRISIS_SUPPORT: _normalised(crisis.get(CRISIS_SUPPORT)),
            VIOLENCE_SUPPORT: _normalised(crisis.get(VIOLENCE_SUPPORT)),
            EMERGENCY: _normalised(emergency),
        },
        risk_words=_normalised(crisis.get("risk_words")),
        guards=_normalised(crisis.get("guards")),
    )


def guarded_text(text: str, terms: SafetyTerms) -> str:
    """The normalised text with every guard phrase taken out."""
    haystack = normalise(text or "")
    for guard in terms.guards:
        if guard in haystack:
            haystack = haystack.replace(guard, GUARD_GAP)
    return haystack


def safety_match(text: str, terms: Optional[SafetyTerms] = None) -> Optional[Tuple[str, str]]:
    """``(topic, phrase)`` of the first safety topic whose phrase occurs in ``text``, or None."""
    terms = terms or load_terms()
    return _phrase_in(guarded_text(text, terms), terms)


def _phrase_in(haystack: str, terms: SafetyTerms) -> Optional[Tuple[str, str]]:
    """``(topic, phrase)`` of the first safety phrase in an already guarded text."""
    if not haystack.strip(" |"):
        return None
    for topic in PRIORITY:
        for phrase in terms.phrases[topic]:
            if phrase in haystack:
                return topic, phrase
    return None


def safety_topic(text: str, terms: Optional[SafetyTerms] = None) -> Optional[str]:
    """The safety topic ``text`` needs (crisis_support, violence_support, emergency) or None."""
    match = safety_match(text, terms)
    return match[0] if match else None


def has_guard(text: str, terms: Optional[SafetyTerms] = None) -> bool:
    """Whether ``text`` holds one of the guards' everyday phrases."""
    terms = terms or load_terms()
    haystack = normalise(text or "")
    return any(guard in haystack for guard in terms.guards)


def carries_risk_word(text: str, terms: Optional[SafetyTerms] = None) -> bool:
    """Whether ``text`` holds a risk word (or any safety phrase) outside the guards."""
    terms = terms or load_terms()
    haystack = guarded_text(text, terms)
    return any(word in haystack for word in terms.risk_words) or _phrase_in(haystack, terms) is not None
