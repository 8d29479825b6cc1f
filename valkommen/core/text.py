"""Text folding shared by the NLU, the safety phrases and the report (plain logic)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip diacritics (å→a, ö→o) for matching word stems."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
