"""Checks of the JSON bodies the Rasa server and the action server accept over HTTP (plain logic)."""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any, Dict, Mapping, Optional

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
LATEST_MESSAGE_FIELDS = {
    "text": str,
    "intent": dict,
    "entities": list,
    "intent_ranking": list,
    "metadata": dict,
    "language": dict,
}
JSON_NAMES = {dict: "object", list: "array", str: "string"}


def problem_status(problem: str) -> int:
    """The HTTP status for a problem: 413 for size, 415 for a non-JSON type, 400 for shape."""
    if "Content-Type" in problem:
        return 415
    if "'sender' is longer than" in problem:
        return 400
    return 413 if "longer than" in problem or "larger than" in problem else 400


# --- What the channels may say about a message (metadata) -------------------------------------

#: The channels that send messages (DESIGN "Channel → Rasa metadata").
KNOWN_CHANNELS = ("telegram", "web", "cli")
#: Metadata keys the channels send; anything else is dropped before Rasa stores the message
#: (``erase_secret`` is stored only as its hash, ``erase_key``).
METADATA_KEYS = ("channel", "language", "location", "meeting_place", "erase_secret")
#: A conversation's erase secret (chosen by the client, sent with every message as
#: ``metadata.erase_secret``): 32-128 characters of the URL-safe alphabet. Never stored.
ERASE_SECRET = re.compile(r"[A-Za-z0-9_-]{32,128}")
#: Stored instead of a location that is not two finite coordinates (the action answers it
#: with "could not read the location"; the report counts it as unreadable).
UNREADABLE_LOCATION = "unreadable"
#: The longest language tag kept as a hint (BCP 47 tags in practice are far shorter).
MAX_LANGUAGE_TAG = 35
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,3}")


def _finite_coordinate(value: Any, limit: float) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")) or abs(number) > limit:
        return None
    return number


def clean_location(value: Any) -> Any:
    """``{"lat", "lon"}`` as two finite numbers in range, else ``UNREADABLE_LOCATION``."""
    if not isinstance(value, dict):
        return UNREADABLE_LOCATION
    lat = _finite_coordinate(value.get("lat", value.get("latitude")), 90.0)
    lon = _finite_coordinate(value.get("lon", value.get("lng", value.get("longitude"))), 180.0)
    if lat is None or lon is None:
        return UNREADABLE_LOCATION
    return round_location(lat, lon)


#: Shared coordinates are kept to about this many metres: 0.001° of latitude (111 m).
LOCATION_STEP_DEGREES = 0.001


def round_location(lat: float, lon: float) -> Dict[str, float]:
    """``{"lat", "lon"}`` rounded to about 100 m: latitude to 0.001°, longitude to the multiple of
    0.001° that is about as long there (0.002° at Borås, 57.7° N), so no exact position is stored."""
    step_lon = LOCATION_STEP_DEGREES * max(1, round(1 / max(math.cos(math.radians(lat)), 0.01)))
    return {
        "lat": round(round(lat / LOCATION_STEP_DEGREES) * LOCATION_STEP_DEGREES, 3),
        "lon": max(-180.0, min(180.0, round(round(lon / step_lon) * step_lon, 3))),
    }


def erase_key(secret: Any) -> Optional[str]:
    """The stored form of an erase secret: lowercase hex SHA-256 of its UTF-8 bytes; None when
    ``secret`` is not a valid secret (32-128 characters of A-Z a-z 0-9 _ -)."""
    if not isinstance(secret, str) or not ERASE_SECRET.fullmatch(secret):
        return None
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def clean_metadata(metadata: Any, place_ids: Any = ()) -> Dict[str, Any]:
    """The metadata Rasa may store: known keys only, each value checked.

    ``channel`` must be a known channel (else ``other``), ``language`` a short language tag,
    ``meeting_place`` one of ``place_ids``, ``location`` two finite coordinates rounded to about
    100 m (``round_location``). ``erase_secret`` is replaced by ``erase_key``, its hash; an invalid
    secret is dropped. Nothing that is not valid JSON (NaN, Infinity) or not a known label
    reaches the tracker store.
    """
    if not isinstance(metadata, dict):
        return {}
    clean: Dict[str, Any] = {}
    channel = metadata.get("channel")
    if channel is not None:
        clean["channel"] = channel if channel in KNOWN_CHANNELS else "other"
    language = metadata.get("language")
    if isinstance(language, str) and len(language) <= MAX_LANGUAGE_TAG and LANGUAGE_TAG.fullmatch(language):
        clean["language"] = language
    place = metadata.get("meeting_place")
    if isinstance(place, str) and place in set(place_ids):
        clean["meeting_place"] = place
    if "location" in metadata:
        clean["location"] = clean_location(metadata["location"])
    key = erase_key(metadata.get("erase_secret"))
    if key is not None:
        clean["erase_key"] = key
    return clean


# --- Payloads a user may type: only what our own buttons send -----------------------------------

#: A message Rasa reads as an intent payload: "/intent" or "/intent{json}" (Rasa also accepts a
#: confidence "@0.5" and entity lists; our buttons never send those).
PAYLOAD = re.compile(r"\s*/([A-Za-z_][A-Za-z0-9_]{0,60})(\{.*\})?\s*", re.DOTALL)
#: Entities a button payload may carry, per intent, and how each value is checked.
#: (values checked against a set are filled in by ``payload_rules``.)
POSTCODE = re.compile(r"[0-9]{5}")


def typed_payload_problem(text: str, intents: Any, allowed_entities: Mapping[str, Mapping[str, Any]]) -> Optional[str]:
    """None when ``text`` is a payload one of our buttons could have sent, else why not.

    ``intents``: the intents a payload may name. ``allowed_entities``: per intent, per entity
    name, the set of allowed values or a compiled pattern the value must match in full.
    A payload that fails is not taken as a payload: the message goes through NLU as text.
    """
    match = PAYLOAD.fullmatch(text or "")
    if match is None:
        return "not a payload"
    intent, entities_text = match.group(1), match.group(2)
    if intent not in set(intents):
        return "unknown intent"
    if entities_text is None:
        return None
    try:
        entities = json.loads(entities_text)
    except ValueError:
        return "entities are not JSON"
    allowed = allowed_entities.get(intent) or {}
    if not isinstance(entities, dict) or not entities:
        return "entities must be a non-empty object"
    for name, value in entities.items():
        rule = allowed.get(name)
        if rule is None or not isinstance(value, str):
            return f"entity {name!r} is not sent by any button of {intent!r}"
        if hasattr(rule, "fullmatch"):
            if not rule.fullmatch(value):
                return f"entity {name!r} has a value no button sends"
        elif value not in rule:
            return f"entity {name!r} has a value no button sends"
    return None
