"""The action that lets a user choose the answer language."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import reply_language
from actions.replies import ReplyAction, language_buttons, menu_buttons
from valkommen.core.languages import normalise_language
from valkommen.core.locales import default_catalogue
from valkommen.core.names import ENTITY_LANGUAGE, SLOT_CHOSEN_LANGUAGE, SLOT_LANGUAGE


def requested_language(tracker: Tracker) -> Optional[str]:
    """The language the user picked (a button's ``language`` entity), if supported."""
    for entity in (tracker.latest_message or {}).get("entities") or []:
        if entity.get("entity") == ENTITY_LANGUAGE:
            return normalise_language(str(entity.get("value")))
    return None


class ActionChangeLanguage(ReplyAction):
    """Sets the chosen language, or offers the languages as buttons."""

    def name(self) -> Text:
        return "action_change_language"

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        catalogue = default_catalogue()
        chosen = requested_language(tracker)
        if chosen is None or chosen not in catalogue.locales:
            language = reply_language(tracker)
            dispatcher.utter_message(text=catalogue.interface("choose_language", language), buttons=language_buttons(catalogue))
            return [SlotSet(SLOT_LANGUAGE, language)]
        dispatcher.utter_message(text=catalogue.interface("language_set", chosen), buttons=menu_buttons(catalogue, chosen))
        return [SlotSet(SLOT_LANGUAGE, chosen), SlotSet(SLOT_CHOSEN_LANGUAGE, chosen)]
