"""The languages Välkommen speaks: the one list to extend when adding a language."""

from typing import Optional, Tuple

#: Language codes in the order they are offered to users. Swedish is the source language.
SUPPORTED_LANGUAGES: Tuple[str, ...] = ("sv", "en", "ar", "so", "ti", "fa", "uk", "bs")

#: Answers are written in this language first; it is the fallback for missing translations.
SOURCE_LANGUAGE = "sv"


def normalise_language(code: Optional[str]) -> Optional[str]:
    """Map a language tag from a channel (``ar-SY``, ``HR``, ``prs``) to a supported code.

    Returns None when the tag names no supported language.
    """
    if not code or not isinstance(code, str):
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    base = _ALIASES.get(base, base)
    return base if base in SUPPORTED_LANGUAGES else None


# Tags that mean one of our languages under another code: Croatian and Serbian share
# the Bosnian locale, Dari (prs) the Persian one.
_ALIASES = {"hr": "bs", "sr": "bs", "sh": "bs", "cnr": "bs", "prs": "fa", "swe": "sv"}
