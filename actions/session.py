"""A new conversation session: carries over only the state the next turn needs.

Rasa starts a new session after an hour of silence, and ``valkommen.server.sessions`` also after
``MAX_SESSION_TURNS`` user messages, so that a long conversation costs the same per message
as a short one (Rasa loads only the latest session). Rasa's own ``action_session_start``
copies every slot, which would count feedback and meeting-place records twice in the
statistics; this one carries the conversation's language, the chosen language, the last
topic and a pending feedback comment, each marked ``carried_over`` so that statistics skip it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted
from rasa_sdk.executor import CollectingDispatcher

from valkommen.core.names import (
    METADATA_CARRIED_OVER,
    SLOT_CHOSEN_LANGUAGE,
    SLOT_FEEDBACK_PENDING,
    SLOT_LANGUAGE,
    SLOT_LAST_TOPIC,
)

#: The slots a new session keeps.
CARRIED_SLOTS = (SLOT_LANGUAGE, SLOT_CHOSEN_LANGUAGE, SLOT_LAST_TOPIC, SLOT_FEEDBACK_PENDING)
#: Metadata of a carried-over slot event (valkommen/stats leaves such events out of its counts).
CARRIED_OVER = {METADATA_CARRIED_OVER: True}


def carried_slot_events(tracker: Tracker) -> List[EventType]:
    """SlotSet events (as dictionaries, marked carried over) for the slots a new session keeps."""
    events: List[EventType] = []
    for name in CARRIED_SLOTS:
        value = tracker.get_slot(name)
        if value is not None:
            events.append({"event": "slot", "timestamp": None, "name": name, "value": value, "metadata": dict(CARRIED_OVER)})
    return events


class ActionSessionStart(Action):
    """Starts a session with the carried-over slots, then waits for the user."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SessionStarted(), *carried_slot_events(tracker), ActionExecuted("action_listen")]
