"""Building replies: message ids and buttons, words from ``locales/``; every reply ends with its language."""

from __future__ import annotations

import abc
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import reply_language
from valkommen.core.language_choice import latin_written
from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.names import INTENT_CHANGE_LANGUAGE, INTENT_HELP, SLOT_LANGUAGE
from valkommen.core.reply_language import language_message

Button = Dict[str, str]


def topic_buttons(catalogue: Catalogue, language: str, topics: Iterable[str]) -> List[Button]:
    """One button per topic; pressing it asks that topic (the payload skips NLU)."""
    return [{"title": catalogue.topic_title(topic, language), "payload": f"/{topic}"} for topic in topics]


def menu_buttons(catalogue: Catalogue, language: str) -> List[Button]:
    """The topic menu: every topic of the catalogue, then "change language"."""
    buttons = topic_buttons(catalogue, language, catalogue.topics)
    buttons.append({"title": catalogue.topic_title(INTENT_CHANGE_LANGUAGE, language), "payload": f"/{INTENT_CHANGE_LANGUAGE}"})
    return buttons


def help_button(catalogue: Catalogue, language: str) -> Button:
    """A button that opens the whole topic menu."""
    return {"title": catalogue.topic_title(INTENT_HELP, language), "payload": f"/{INTENT_HELP}"}


def language_buttons(catalogue: Catalogue) -> List[Button]:
    """One button per available language, titled with the language's name in itself."""
    return [
        {"title": locale.name, "payload": f'/{INTENT_CHANGE_LANGUAGE}{{"language":"{code}"}}'}
        for code, locale in catalogue.locales.items()
    ]


def say_language(dispatcher: CollectingDispatcher, language: str, catalogue: Optional[Catalogue] = None) -> None:
    """Ends a reply with the machine-readable message naming its language and direction.

    The one way the channels learn the reply language (valkommen/core/reply_language.py): on the
    REST channel ``{"custom": {"language": "ar", "direction": "rtl"}}``.
    """
    dispatcher.utter_message(json_message=language_message(language, catalogue))


def language_set_by(events: List[Dict[Text, Any]]) -> Optional[str]:
    """The conversation language the events set (the last ``language`` slot event), if any."""
    found = None
    for event in events:
        if event.get("event") == "slot" and event.get("name") == SLOT_LANGUAGE and isinstance(event.get("value"), str):
            found = event["value"]
    return found


def first_latin_written_answer(tracker: Tracker, language: str) -> bool:
    """Whether the latest message is ``language`` written in Latin letters (Arabizi ...) and no
    earlier message of the conversation was: the one answer that says so (not every turn)."""
    if not latin_written((tracker.latest_message or {}).get("language"), language):
        return False
    user_events = [event for event in tracker.events or [] if event.get("event") == "user"]
    earlier = user_events[:-1] if user_events else []
    return not any(latin_written((event.get("parse_data") or {}).get("language"), language) for event in earlier)


def say_latin_written(dispatcher: CollectingDispatcher, language: str, catalogue: Optional[Catalogue] = None) -> None:
    """Makes the reply's first line say that the answer is in the language's own script and that
    another language can be chosen (``interface.latin_written``)."""
    note = (catalogue or default_catalogue()).interface("latin_written", language)
    for message in dispatcher.messages:
        if message.get("text"):
            message["text"] = f"{note}\n{message['text']}"
            return
    dispatcher.utter_message(text=note)


class ReplyAction(Action, abc.ABC):
    """An action that answers the user. Its reply ends with the language message (``say_language``)
    of the language it answered in: the ``language`` slot it sets, the one reply-language decision."""

    @abc.abstractmethod
    def name(self) -> Text:
        """The action name used in domain.yml and the rules."""

    @abc.abstractmethod
    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        """Sends the reply; returns the events, among them ``SlotSet("language", <reply language>)``."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        events = await self.reply(dispatcher, tracker, domain)
        language = language_set_by(events) or reply_language(tracker)
        if first_latin_written_answer(tracker, language):
            say_latin_written(dispatcher, language)
        say_language(dispatcher, language)
        return events
