"""Checks of the JSON bodies the Rasa server and the action server accept over HTTP (plain logic)."""

from __future__ import annotations

import json
import re
from typing import Any, Optional

#: Longest message text accepted; longer requests get a clear 413.
MAX_TEXT_CHARS = 20_000
#: Largest metadata object accepted, in characters of its JSON.
MAX_METADATA_CHARS = 10_000
#: Longest sender id (the SQL tracker store's sender_id column holds 255 characters).
MAX_SENDER_CHARS = 255
#: Sender ids are pseudonyms or random ids: letters, digits and a few separators, nothing that
#: could be markup, a path or a control character when Rasa echoes it as ``recipient_id``.
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.:@+=-]+")
#: Content types under which a body is taken as JSON (curl's default form type included, as
#: the README's curl examples use it).
JSON_CONTENT_TYPES = ("application/json", "text/plain", "application/x-www-form-urlencoded", "")
#: Rasa's internal commands typed as a message ("/restart" ...): Rasa would answer them with
#: silence, and no button of ours sends them.
INTERNAL_COMMAND = re.compile(r"\s*/(restart|session_start|back)\s*($|[{@])")


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
    if text_field == "message" and INTERNAL_COMMAND.match(body[text_field]):
        return f"'{text_field}' is one of Rasa's internal commands, which this assistant does not take"
    sender = body.get("sender")
    if sender is not None:
        if not isinstance(sender, str):
            return "'sender' must be a string"
        if len(sender) > MAX_SENDER_CHARS:
            return f"'sender' is longer than {MAX_SENDER_CHARS} characters"
        if not SENDER_PATTERN.fullmatch(sender):
            return "'sender' may hold only letters A-Z, digits and _ . : @ + = -"
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            return "'metadata' must be a JSON object"
        if len(repr(metadata)) > MAX_METADATA_CHARS:
            return f"'metadata' is larger than {MAX_METADATA_CHARS} characters"
    if not is_valid_unicode(body):
        return "the body holds text that is not valid Unicode (a lone surrogate)"
    return None


def is_valid_unicode(value: Any) -> bool:
    """Whether every string in a parsed JSON value can be written as UTF-8."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, ValueError, RecursionError):
        return False
    return True


def unparsable_body_problem(content_type: Optional[str]) -> str:
    """The problem of a body that is not JSON: 415 when it was not even sent as JSON."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type in JSON_CONTENT_TYPES:
        return "the body is not valid JSON"
    return "the body must be JSON, sent with Content-Type: application/json"


def action_call_problem(body: Any) -> Optional[str]:
    """What is wrong with an action server /webhook call, or None if rasa-sdk can run it."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not isinstance(body.get("next_action"), str):
        return "'next_action' must be a string"
    if not isinstance(body.get("tracker"), dict):
        return "'tracker' must be a JSON object"
    if body.get("domain") is not None and not isinstance(body.get("domain"), dict):
        return "'domain' must be a JSON object"
    tracker = body["tracker"]
    if not isinstance(tracker.get("sender_id"), str):
        return "'tracker.sender_id' must be a string"
    for key, kind in TRACKER_FIELDS.items():
        if tracker.get(key) is not None and not isinstance(tracker[key], kind):
            return f"'tracker.{key}' must be a JSON {JSON_NAMES[kind]}"
    latest = tracker.get("latest_message") or {}
    for key, kind in LATEST_MESSAGE_FIELDS.items():
        if latest.get(key) is not None and not isinstance(latest[key], kind):
            return f"'tracker.latest_message.{key}' must be a JSON {JSON_NAMES[kind]}"
    if not all(isinstance(entity, dict) for entity in latest.get("entities") or []):
        return "'tracker.latest_message.entities' must hold JSON objects"
    language = latest.get("language") or {}
    if not isinstance(language.get("code"), (str, type(None))):
        return "'tracker.latest_message.language.code' must be a string"
    confidence = language.get("confidence")
    if confidence is not None and (isinstance(confidence, bool) or not isinstance(confidence, (int, float))):
        return "'tracker.latest_message.language.confidence' must be a number"
    return None


#: Shapes of the tracker fields the actions read (what Rasa itself always sends).
TRACKER_FIELDS = {"slots": dict, "latest_message": dict, "events": list, "active_loop": dict}
LATEST_MESSAGE_FIELDS = {"text": str, "intent": dict, "entities": list, "intent_ranking": list, "metadata": dict, "language": dict}
JSON_NAMES = {dict: "object", list: "array", str: "string"}


def problem_status(problem: str) -> int:
    """The HTTP status for a problem: 413 for size, 415 for a non-JSON type, 400 for shape."""
    if "Content-Type" in problem:
        return 415
    if "'sender' is longer than" in problem:
        return 400
    return 413 if "longer than" in problem or "larger than" in problem else 400
