"""Reading a conversation's language and intents from the tracker (rasa-sdk)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from valkommen.core.language_choice import choose_reply_language
from valkommen.core.locales import Catalogue
from valkommen.core.names import SLOT_CHOSEN_LANGUAGE, SLOT_LANGUAGE


def message_metadata(tracker: Tracker) -> Dict[str, Any]:
    """The channel metadata sent with the latest user message."""
    metadata = (tracker.latest_message or {}).get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def reply_language(tracker: Tracker) -> str:
    """The language to answer the latest message in."""
    hint = message_metadata(tracker).get("language")
    return choose_reply_language(
        detected=(tracker.latest_message or {}).get("language"),
        chosen=tracker.get_slot(SLOT_CHOSEN_LANGUAGE),
        previous=tracker.get_slot(SLOT_LANGUAGE),
        hint=hint if isinstance(hint, str) else None,
    )


def ranked_topics(tracker: Tracker, catalogue: Catalogue, limit: int = 3) -> List[str]:
    """The most likely topics of the latest message, best first."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    topics = [entry.get("name") for entry in ranking if entry.get("name") in catalogue.topics]
    return topics[:limit]


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the latest user message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    """The text of the latest user message ("" if there is none)."""
    text = (tracker.latest_message or {}).get("text")
    return text if isinstance(text, str) else ""


def has_words(text: str) -> bool:
    """Whether ``text`` contains any letter or digit (not only emoji, spaces or symbols)."""
    return any(char.isalnum() for char in text)
