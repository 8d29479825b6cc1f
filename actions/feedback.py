"""👍/👎 under answers, and the optional "what was missing?" comment after a 👎.

Feedback is stored as slots on the conversation (topic and language, not the person);
statistics read them from the tracker store (valkommen/stats).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import has_words, latest_text, reply_language
from actions.replies import ReplyAction
from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.masking import mask_text
from valkommen.core.names import (
    ENTITY_FEEDBACK,
    INTENT_FEEDBACK,
    SLOT_FEEDBACK,
    SLOT_FEEDBACK_COMMENT,
    SLOT_FEEDBACK_PENDING,
    SLOT_LANGUAGE,
    SLOT_LAST_TOPIC,
)

#: The longest comment kept (a comment is a few words; the rest is cut).
MAX_COMMENT_CHARS = 1000


def feedback_buttons(catalogue: Catalogue, language: str) -> List[Dict[str, str]]:
    """The 👍 and 👎 buttons shown under an answer."""
    return [
        {"title": catalogue.interface("feedback_up", language), "payload": f'/{INTENT_FEEDBACK}{{"{ENTITY_FEEDBACK}":"up"}}'},
        {"title": catalogue.interface("feedback_down", language), "payload": f'/{INTENT_FEEDBACK}{{"{ENTITY_FEEDBACK}":"down"}}'},
    ]


def feedback_value(tracker: Tracker) -> Optional[str]:
    """ "up" or "down" from the latest message's feedback entity."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == ENTITY_FEEDBACK and entity.get("value") in ("up", "down"):
            return entity["value"]
    return None


def comment_events(tracker: Tracker, language: str) -> List[EventType]:
    """After a 👎, the next message with words is kept as the comment (then no longer pending)."""
    if not tracker.get_slot(SLOT_FEEDBACK_PENDING):
        return []
    events: List[EventType] = [SlotSet(SLOT_FEEDBACK_PENDING, False)]
    text = latest_text(tracker).strip()
    if has_words(text) and not text.startswith("/"):
        comment = {"topic": tracker.get_slot(SLOT_LAST_TOPIC), "language": language, "text": mask_text(text)[:MAX_COMMENT_CHARS]}
        events.insert(0, SlotSet(SLOT_FEEDBACK_COMMENT, comment))
    return events


def has_comment(events: List[EventType]) -> bool:
    """Whether ``events`` store a feedback comment."""
    return any(event.get("name") == SLOT_FEEDBACK_COMMENT for event in events)


class ActionFeedback(ReplyAction):
    """Records 👍/👎 for the last answered topic; after 👎 asks what was missing."""

    def name(self) -> Text:
        return "action_feedback"

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        catalogue = default_catalogue()
        language = reply_language(tracker)
        value = feedback_value(tracker)
        if value is None:
            dispatcher.utter_message(
                text=catalogue.interface("feedback_question", language), buttons=feedback_buttons(catalogue, language)
            )
            return [SlotSet(SLOT_LANGUAGE, language)]
        record = {"value": value, "topic": tracker.get_slot(SLOT_LAST_TOPIC), "language": language}
        if value == "up":
            dispatcher.utter_message(text=catalogue.interface("feedback_thanks", language))
            return [SlotSet(SLOT_LANGUAGE, language), SlotSet(SLOT_FEEDBACK, record), SlotSet(SLOT_FEEDBACK_PENDING, False)]
        dispatcher.utter_message(text=catalogue.interface("feedback_missing", language))
        return [SlotSet(SLOT_LANGUAGE, language), SlotSet(SLOT_FEEDBACK, record), SlotSet(SLOT_FEEDBACK_PENDING, True)]
