"""Personal data never reaches the tracker store: every tracker is masked as it is saved.

Rasa reads the user's message as typed (the NLU still sees "mitt personnummer 19900101-1234 är
fel" and answers the personal-number topic); what the tracker store writes is a copy in which
every user message (its text, parse data and entities) and every slot value (the feedback
comment) has e-mail addresses, personal and coordination numbers, phone numbers and long digit
runs replaced by ``valkommen.core.masking.mask_text``. The message's metadata is kept as it is:
``valkommen.server.payloads.clean_metadata`` already rounded a shared location to about 100 m
and replaced the erase secret by its hash.

Installed by ``valkommen.server.rasa_server`` on the ``save`` of every tracker store class Rasa
has (SQL: SQLite, PostgreSQL; in-memory; Redis; Mongo; DynamoDB), so the event broker sees the
masked events too.
"""

from __future__ import annotations

import copy
from collections import deque
from functools import wraps
from typing import Any, Callable

from valkommen.core.masking import mask_value, may_hold_personal_data

_INSTALLED = "_valkommen_masked_save"
#: Fields of a user message kept as they are: checked metadata, ids and the time.
KEEP = ("metadata", "message_id", "timestamp", "input_channel")


def masked_event(event: Any) -> Any:
    """``event`` itself when it holds nothing to mask, else a masked copy."""
    from rasa.shared.core.events import Event, SlotSet, UserUttered

    if isinstance(event, UserUttered):
        if not may_hold_personal_data(event.text or "") and not any(
            isinstance(e.get("value"), str) and may_hold_personal_data(e["value"]) for e in event.entities or []
        ):
            return event
        data = event.as_dict()
        masked = mask_value(data, KEEP)
        return event if masked == data else Event.from_parameters(masked)
    if isinstance(event, SlotSet) and event.value is not None and not isinstance(event.value, (bool, int, float)):
        value = mask_value(event.value)
        return event if value == event.value else SlotSet(event.key, value, event.timestamp, event.metadata)
    return event


def masked_tracker(tracker: Any) -> Any:
    """A shallow copy of ``tracker`` whose events are masked (the tracker itself is unchanged)."""
    events = [masked_event(event) for event in tracker.events]
    if all(new is old for new, old in zip(events, tracker.events)):
        return tracker
    copied = copy.copy(tracker)
    copied.events = deque(events, maxlen=tracker.events.maxlen)
    return copied


def _masking_save(original: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(original)
    async def save(self: Any, tracker: Any, *args: Any, **kwargs: Any) -> Any:
        return await original(self, masked_tracker(tracker), *args, **kwargs)

    setattr(save, _INSTALLED, True)
    return save


def install() -> None:
    """Masks the tracker in the ``save`` of each of Rasa's tracker store classes (once)."""
    from rasa.core import tracker_store

    for name in ("SQLTrackerStore", "InMemoryTrackerStore", "RedisTrackerStore", "MongoTrackerStore", "DynamoTrackerStore"):
        cls = getattr(tracker_store, name, None)
        if cls is not None and not getattr(cls.save, _INSTALLED, False):
            cls.save = _masking_save(cls.save)
