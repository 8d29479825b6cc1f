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
    The explicit choice also wins over a confident detection that could have been the chosen
    language (a same-script neighbour: Persian for chosen Arabic, Russian for chosen Ukrainian)
    and over Latin-letter writing (``detected["script"]``, see ``latin_written``).
    """
    languages = languages or registry()
    code = languages.normalise(str(detected.get("code"))) if detected else None
    raw_confidence = detected.get("confidence") if detected else None
    confidence = float(raw_confidence) if isinstance(raw_confidence, (str, SupportsFloat)) and raw_confidence else 0.0
    chosen = languages.normalise(chosen)
    if code and confidence >= CONFIDENT_DETECTION:
        if chosen and (languages.base(chosen) == code or _could_be(chosen, detected, languages)):
            # A chosen reading variant (easy Swedish) stays while the user writes its language;
            # a chosen language stays when the message is in its script (a close neighbour).
            return chosen
        return code
    for candidate in (chosen, previous, hint):
        normalised = languages.normalise(candidate)
        if normalised:
            return normalised
    if code and confidence > 0.0:
        return code
    return languages.source


def _could_be(chosen: str, detected: Optional[Mapping[str, object]], languages: Registry) -> bool:
    """Whether the message (its script, ``detected["script"]``) could have been written in the
    chosen language: in one of its scripts, or, taken for one Latin-letter writing, in the chosen
    language's Latin-letter writing."""
    script = detected.get("script") if detected else None
    entry = languages.get(languages.base(chosen))
    if entry is None or not isinstance(script, str):
        return False
    if script in entry.scripts:
        return True
    found = languages.get(languages.normalise(str(detected.get("code"))) if detected else None)
    return script == "latin" and entry.latin_writing is not None and found is not None and found.latin_writing is not None


def latin_written(detected: Optional[Mapping[str, object]], language: str, languages: Optional[Registry] = None) -> bool:
    """Whether the detection says the message is ``language`` written in Latin letters (Arabizi,
    "Finglish" ...): detected as that language, in the Latin script, which is not one of its own."""
    languages = languages or registry()
    entry = languages.get(languages.base(language))
    if not detected or entry is None or entry.latin_writing is None:
        return False
    return (
        languages.normalise(str(detected.get("code"))) == entry.code
        and detected.get("script") == "latin"
        and "latin" not in entry.scripts
    )
