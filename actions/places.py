"""The meeting-place action: the nearest place from a location, a district, a postcode or the page."""

from __future__ import annotations

import functools
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import message_metadata, reply_language
from actions.feedback import comment_events, feedback_buttons
from actions.replies import ReplyAction
from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.names import SLOT_LANGUAGE, SLOT_LAST_TOPIC, SLOT_MEETING_PLACE, TOPIC_MEETING_PLACE
from valkommen.core.place_lookup import FOUND, district_buttons, render, resolve
from valkommen.core.places import PlaceDirectory, load_directory

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def default_directory() -> PlaceDirectory:
    """The places data named by PLACES_FILE (default data/meeting_places.yml), read once."""
    return load_directory()


def place_events(dispatcher: CollectingDispatcher, tracker: Tracker, catalogue: Catalogue, language: str) -> List[EventType]:
    """Sends the meeting-place reply for the latest message; returns the slot events."""
    directory = default_directory()
    entities = (tracker.latest_message or {}).get("entities") or []
    lookup = resolve(directory, message_metadata(tracker), entities)
    reply = render(catalogue, directory, language, lookup)
    events: List[EventType] = [SlotSet(SLOT_LANGUAGE, language)]
    if lookup.outcome in FOUND and lookup.place is not None:
        dispatcher.utter_message(text=reply.text, buttons=feedback_buttons(catalogue, language))
        dispatcher.utter_message(json_message={"venue": reply.venue})
        events += [SlotSet(SLOT_MEETING_PLACE, lookup.place.id), SlotSet(SLOT_LAST_TOPIC, TOPIC_MEETING_PLACE)]
    elif reply.ask_location:
        dispatcher.utter_message(text=reply.text, buttons=district_buttons(directory, language))
        dispatcher.utter_message(
            json_message={
                "request_location": {
                    "text": catalogue.interface("place_ask_location", language),
                    "button": catalogue.interface("place_share_button", language),
                }
            }
        )
    else:
        dispatcher.utter_message(text=reply.text)
    logger.info("meeting place look-up: %s", lookup.outcome)
    return events


class ActionMeetingPlace(ReplyAction):
    """Names the meeting place the user needs, with what it offers, its page and a map link."""

    def name(self) -> Text:
        return "action_meeting_place"

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        catalogue = default_catalogue()
        language = reply_language(tracker)
        return place_events(dispatcher, tracker, catalogue, language) + comment_events(tracker, language)
