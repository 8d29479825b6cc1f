"""Strict reading of one ``events`` row: a row the report cannot trust is rejected, never guessed at.

Rows come from a database that clients fill (message metadata is whatever the client sent),
and a row that is already stored cannot be fixed by the server. So every value the report
uses passes through here first:

- ``data`` must be RFC 8259 JSON: no ``NaN``/``Infinity`` (Python's ``json.dumps`` writes
  them for float("nan") / 1e999), no number that overflows a float, an object at the top;
- every value read must have the type Rasa writes (metadata an object, the channel a string,
  a timestamp a finite number in a plausible range, ...);
- every string read must be text that can be written out again: no NUL or other control
  character (tab, newline and carriage return are text), no lone UTF-16 surrogate (an
  unpaired ``\\ud800`` escape, or bytes that are not UTF-8 in SQLite).

A row failing any check raises ``BadRow``: the caller skips and counts it. Labels that come
from clients are then mapped to known values (``known``) and never shown as given.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Collection, Dict, Optional

from valkommen.core.names import SLOT_FEEDBACK

#: 2000-01-01 and 2100-01-01 UTC: a timestamp outside is not one the servers wrote (it would
#: also stretch the report over thousands of weeks).
MIN_TIMESTAMP = 946684800.0
MAX_TIMESTAMP = 4102444800.0
#: Control characters other than tab, newline and carriage return; DEL; lone surrogates
#: (a decoded JSON string holds surrogates only when unpaired). One character class: linear.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class BadRow(ValueError):
    """A row (or one value of it) the report does not use: not JSON, a wrong type, bad text."""


def _reject_constant(name: str) -> Any:
    raise BadRow(f"not JSON: {name}")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e999 is valid JSON syntax, but no float
        raise BadRow(f"number out of range: {literal[:20]}")
    return value


#: One decoder for every row (json.loads with options would build one per call).
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)


def parse_json(raw: object) -> Dict[str, Any]:
    """``data`` of a row as a dict; BadRow unless it is strict JSON with an object at the top."""
    if not isinstance(raw, str):
        raise BadRow("data is not text")
    try:
        data = _DECODER.decode(raw)
    except BadRow:
        raise
    except (ValueError, RecursionError) as error:  # JSONDecodeError, huge integers, deep nesting
        raise BadRow(f"not JSON: {type(error).__name__}") from None
    if not isinstance(data, dict):
        raise BadRow("data is not a JSON object")
    return data


def decoded(value: object) -> object:
    """Bytes (a SQLite text column read as BLOB) as str; BadRow if they are not UTF-8."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise BadRow("text that is not UTF-8") from None
    return value


def text(value: object) -> Optional[str]:
    """``value`` if it is None or a clean string; BadRow otherwise."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRow(f"a {type(value).__name__} where text belongs")
    if _NOT_TEXT.search(value):
        raise BadRow("control character or lone surrogate in text")
    return value


def mapping(value: object) -> Dict[str, Any]:
    """``value`` if it is a dict, {} for None; BadRow otherwise."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRow(f"a {type(value).__name__} where an object belongs")
    return value


def timestamp(value: object) -> float:
    """A row's timestamp: a finite number between MIN_TIMESTAMP and MAX_TIMESTAMP."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRow(f"a {type(value).__name__} where a timestamp belongs")
    if not (MIN_TIMESTAMP <= value < MAX_TIMESTAMP):  # False for NaN too
        raise BadRow("timestamp out of range")
    return float(value)


def known(value: Optional[str], allowed: Collection[str], other: str) -> Optional[str]:
    """A client's label: itself if it is one of ``allowed``, ``other`` if not, None if missing."""
    if value is None:
        return None
    return value if value in allowed else other


@dataclass(frozen=True)
class UserFields:
    """What the report reads from a ``user`` event (all checked, none yet mapped to known values)."""

    text: Optional[str]
    channel: Optional[str]
    meeting_place: Optional[str]
    language: Optional[str]  # the detected language, else the client's metadata.language


def user_fields(data: Dict[str, Any]) -> UserFields:
    """The checked fields of a ``user`` event's data; BadRow if any has an unexpected type or text."""
    metadata = mapping(data.get("metadata"))
    parse_data = mapping(data.get("parse_data"))
    detected = text(mapping(parse_data.get("language")).get("code"))
    declared = text(metadata.get("language"))
    return UserFields(
        text=text(data.get("text")),
        channel=text(metadata.get("channel")),
        meeting_place=text(metadata.get("meeting_place")),
        language=detected or declared,
    )


def slot_value(name: str, data: Dict[str, Any]) -> Optional[str]:
    """The counted value of a ``slot`` event: the text of a text slot, ``value.value`` of feedback."""
    value = data.get("value")
    if name == SLOT_FEEDBACK:
        return text(mapping(value).get("value"))
    return text(value)
