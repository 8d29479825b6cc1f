"""Which language to answer in: plain logic shared by the actions."""

from __future__ import annotations

from typing import Mapping, Optional, SupportsFloat

from valkommen.core.languages import Registry, registry

#: A detection at least this sure decides the reply language on its own.
CONFIDENT_DETECTION = 0.7


def choose_reply_language(
    detected: Optional[Mapping[str, object]],
    chosen: Optional[str] = None,
    previous: Optional[str] = None,
    hint: Optional[str] = None,
    languages: Optional[Registry] = None,
) -> str:
    """The language to reply in.

    Order: a confident detection of the message itself (kept as the chosen reading
    variant, e.g. easy Swedish, when it is that variant's language); the user's explicit choice;
    the language of the conversation so far; the channel's hint; a weak detection;
    the source language (Swedish). ``languages``: the registry (default: the project's).
    """
    languages = languages or registry()
    code = languages.normalise(str(detected.get("code"))) if detected else None
    raw_confidence = detected.get("confidence") if detected else None
    confidence = float(raw_confidence) if isinstance(raw_confidence, (str, SupportsFloat)) and raw_confidence else 0.0
    chosen = languages.normalise(chosen)
    if code and confidence >= CONFIDENT_DETECTION:
        # A chosen reading variant (easy Swedish) stays while the user writes its language.
        return chosen if chosen and languages.base(chosen) == code else code
    for candidate in (chosen, previous, hint):
        normalised = languages.normalise(candidate)
        if normalised:
            return normalised
    if code and confidence > 0.0:
        return code
    return languages.source
