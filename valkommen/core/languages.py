"""The languages Välkommen speaks: the one list to extend when adding a language."""

from typing import Dict, Optional, Tuple

#: Language codes in the order they are offered to users. Swedish is the source language.
SUPPORTED_LANGUAGES: Tuple[str, ...] = ("sv", "en", "ar", "so", "ti", "fa", "uk", "bs")

#: Answers are written in this language first; it is the fallback for missing translations.
SOURCE_LANGUAGE = "sv"

#: Reading variants a user can choose like a language; each maps to the language it is
#: written in. They have their own locale file but no NLU examples of their own.
READING_VARIANTS: Dict[str, str] = {"sv-easy": "sv"}

#: Every code a user can choose: the languages, then the reading variants.
SELECTABLE_LANGUAGES: Tuple[str, ...] = SUPPORTED_LANGUAGES + tuple(READING_VARIANTS)


def normalise_language(code: Optional[str]) -> Optional[str]:
    """Map a language tag from a channel (``ar-SY``, ``HR``, ``prs``) to a selectable code.

    Reading variants (``sv-easy``) are kept as they are. Returns None when the tag names
    no supported language.
    """
    if not code or not isinstance(code, str):
        return None
    tag = code.strip().lower().replace("_", "-")
    if tag in READING_VARIANTS:
        return tag
    base = tag.split("-")[0]
    base = _ALIASES.get(base, base)
    return base if base in SUPPORTED_LANGUAGES else None


# Tags that mean one of our languages under another code: Croatian and Serbian share
# the Bosnian locale, Dari (prs) the Persian one.
_ALIASES = {"hr": "bs", "sr": "bs", "sh": "bs", "cnr": "bs", "prs": "fa", "swe": "sv"}


def base_language(code: str) -> str:
    """The language a code is written in: ``sv`` for ``sv-easy``, the code itself otherwise."""
    return READING_VARIANTS.get(code, code)
