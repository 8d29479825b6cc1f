"""The language of a reply, told to the channels with every reply.

The actions decide the reply language once (``language_choice.choose_reply_language``) and end
every reply with ``language_message`` (actions/replies.py ``say_language``); the Rasa server's
fault reply (valkommen/server/fault_replies.py) ends with the same message. On the REST channel
it arrives as ``{"recipient_id": ..., "custom": {"language": "ar", "direction": "rtl"}}``.

Channels read it with ``language_of(replies)`` (the widget in JavaScript, the same way) and
use it for their own interface strings, keyboards and layout; none keeps a copy of the
conversation's language of its own or asks the tracker for it.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, NamedTuple, Optional

from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.names import REPLY_DIRECTION, REPLY_LANGUAGE

DIRECTIONS = ("ltr", "rtl")


class ReplyLanguage(NamedTuple):
    """A reply's language code and writing direction (``ltr`` or ``rtl``)."""

    code: str
    direction: str


def language_message(language: str, catalogue: Optional[Catalogue] = None) -> Dict[str, str]:
    """The machine-readable message (rasa-sdk ``json_message``) saying a reply is in ``language``.

    The direction is the locale's (``ltr`` for a language without a locale, as its text falls
    back to Swedish).
    """
    catalogue = catalogue or default_catalogue()
    locale = catalogue.locales.get(language)
    direction = locale.direction if locale is not None else "ltr"
    return {REPLY_LANGUAGE: language, REPLY_DIRECTION: direction}


def read_language_message(reply: Any) -> Optional[ReplyLanguage]:
    """The language a REST channel reply says, if it is a language message."""
    custom = reply.get("custom") if isinstance(reply, dict) else None
    if not isinstance(custom, dict) or set(custom) != {REPLY_LANGUAGE, REPLY_DIRECTION}:
        return None
    code, direction = custom[REPLY_LANGUAGE], custom[REPLY_DIRECTION]
    if not isinstance(code, str) or not code or direction not in DIRECTIONS:
        return None
    return ReplyLanguage(code, direction)


def is_language_message(reply: Any) -> bool:
    """Whether a REST channel reply is the language message (nothing to show by itself)."""
    return read_language_message(reply) is not None


def language_of(replies: Iterable[Any]) -> Optional[ReplyLanguage]:
    """The language the replies say they are in (the last language message), None if none says."""
    found: Optional[ReplyLanguage] = None
    for reply in replies or ():
        said = read_language_message(reply)
        if said is not None:
            found = said
    return found
