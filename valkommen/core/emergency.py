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


def _safety_folds() -> Dict[int, str]:
    """Characters that one writer types one way and another writer another way, folded alike.

    - digits: Arabic-Indic (١١٢) and Persian (۱۱۲) are 112;
    - Turkish dotless ı is i (İ already becomes i);
    - Arabic-script letters as typed on another keyboard: Persian ی and ى as Arabic ي, Persian ک
      as Arabic ك, ة as ه; Sorani ە ۆ ێ ڕ ڵ as ه و ي ر ل; Pashto ړ ږ ښ ټ ډ ځ څ ې ۍ ګ ڼ as
      ر ژ ش ت د ز چ ي ي گ ن; tatweel (ـ) dropped;
    - zero-width characters (the Persian/Sorani ZWNJ, ZWJ, direction marks) dropped, so that
      "می‌خوام" and "میخوام" are the same;
    - curly and modifier apostrophes (’ ʼ ‘) are the straight one;
    - Ethiopic letters that sound alike and are spelled either way (Amharic ሀ/ሐ/ኀ/ሃ, ሰ/ሠ, አ/ዐ/ኣ,
      ጸ/ፀ; Tigrinya ቐ/ቀ, ኸ/ከ, written alike on phones without them), order by order; the
      Ethiopic word space ፡ is a space.
    """
    table: Dict[int, str] = {}
    for zero, digits in ((0x0660, "0123456789"), (0x06F0, "0123456789")):
        table.update({zero + i: d for i, d in enumerate(digits)})
    table.update(
        {
            ord(k): v
            for k, v in {
                "ı": "i",
                "ی": "ي",
                "ى": "ي",
                "ک": "ك",
                "ة": "ه",
                "ە": "ه",
                "ۆ": "و",
                "ێ": "ي",
                "ڕ": "ر",
                "ڵ": "ل",
                "ړ": "ر",
                "ږ": "ژ",
                "ښ": "ش",
                "ټ": "ت",
                "ډ": "د",
                "ځ": "ز",
                "څ": "چ",
                "ې": "ي",
                "ۍ": "ي",
                "ګ": "گ",
                "ڼ": "ن",
                "ـ": "",
                "\u200b": "",
                "\u200c": "",
                "\u200d": "",
                "\u200e": "",
                "\u200f": "",
                "\u00ad": "",
                "’": "'",
                "‘": "'",
                "ʼ": "'",
                "፡": " ",
            }.items()
        }
    )
    # Ethiopic series (seven orders each): the second spelling becomes the first.
    for source, target in (
        (0x1210, 0x1200),
        (0x1280, 0x1200),
        (0x1220, 0x1230),
        (0x12D0, 0x12A0),
        (0x1340, 0x1338),
        (0x1250, 0x1240),
        (0x12B8, 0x12A8),
    ):
        table.update({source + order: chr(target + order) for order in range(7)})
    # The fourth order (a) of h and glottal stop is spelled as the first: ሃ/ሓ/ኃ -> ሀ, ኣ/ዓ -> አ.
    table.update(dict.fromkeys((0x1203, 0x1213, 0x1283), "ሀ"))
    table.update(dict.fromkeys((0x12A3, 0x12D3), "አ"))
    return table


_SAFETY_FOLDS = _safety_folds()


def normalise(text: str) -> str:
    """Lower-case, without combining marks (``fold``), keyboard and spelling variants folded
    (``_safety_folds``), single spaces, no character more than 3 times in a row.

    Phrases and messages are normalised alike, so a phrase found in a message is still found
    (no phrase has a character four times in a row). The runs are cut because every phrase is
    looked for in the whole text: a 20,000-character run of one emoji or "!" cost as much as
    20,000 characters of words, now it costs three.
    """
    return _LONG_REPEAT.sub(r"\1\1\1", " ".join(fold(text).translate(_SAFETY_FOLDS).split()))


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
