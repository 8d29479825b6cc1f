"""Checks of the JSON bodies the Rasa server accepts over HTTP (plain logic)."""

from __future__ import annotations

from typing import Any, Optional

#: Longest message text accepted; longer requests get a clear 413.
MAX_TEXT_CHARS = 20_000
#: Largest metadata object accepted, in characters of its JSON.
MAX_METADATA_CHARS = 10_000


def payload_problem(body: Any, text_field: str) -> Optional[str]:
    """What is wrong with a request body, or None if Rasa can take it.

    ``text_field`` is ``message`` for the REST channel and ``text`` for /model/parse.
    """
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not isinstance(body.get(text_field), str):
        return f"'{text_field}' must be a string"
    if len(body[text_field]) > MAX_TEXT_CHARS:
        return f"'{text_field}' is longer than {MAX_TEXT_CHARS} characters"
    sender = body.get("sender")
    if sender is not None and not isinstance(sender, str):
        return "'sender' must be a string"
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            return "'metadata' must be a JSON object"
        if len(repr(metadata)) > MAX_METADATA_CHARS:
            return f"'metadata' is larger than {MAX_METADATA_CHARS} characters"
    return None


def problem_status(problem: str) -> int:
    """The HTTP status for a problem: 413 for size, 400 for shape."""
    return 413 if "longer than" in problem or "larger than" in problem else 400
