"""Per-message cost flat in the length of a conversation: a new session every ``MAX_SESSION_TURNS``.

Rasa loads a conversation's events since its latest session start for every message, replays
them, featurises them for the rule policy and sends them to the action server: each message
costs more than the one before (measured on 2 cores: message 10 31 ms, message 400 381 ms).
Rasa already starts a new session after ``session_expiration_time`` of silence; this patch,
installed by ``valkommen.server.rasa_server``, also starts one once the current session holds
``MAX_SESSION_TURNS`` user messages. Nothing is deleted: earlier sessions stay in the tracker
store (statistics, forget-me and retention see them); ``actions/session.py`` carries over the
state the next turn needs (language, last topic, a pending feedback comment).
"""

from __future__ import annotations

from typing import Any

from valkommen.core.settings import Settings, settings

#: User messages in one session before the next message starts a new one.
DEFAULT_MAX_SESSION_TURNS = Settings.__fields__["max_session_turns"].default
_INSTALLED = "_valkommen_session_cap"


def max_session_turns() -> int:
    """``MAX_SESSION_TURNS`` of the settings (at least 2), default 20."""
    return settings().max_session_turns


def user_turns(events: Any) -> int:
    """The number of user messages among ``events`` (a tracker's current session)."""
    return sum(1 for event in events if getattr(event, "type_name", None) == "user")


def install() -> None:
    """Wraps ``MessageProcessor._has_session_expired`` (idempotent)."""
    from rasa.core.processor import MessageProcessor

    original = MessageProcessor._has_session_expired
    if getattr(original, _INSTALLED, False):
        return
    limit = max_session_turns()

    def has_session_expired(self: Any, tracker: Any) -> bool:
        return original(self, tracker) or user_turns(tracker.events) >= limit

    setattr(has_session_expired, _INSTALLED, True)
    MessageProcessor._has_session_expired = has_session_expired  # type: ignore[assignment]
