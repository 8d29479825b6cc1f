"""Actions that answer: council topics, dialogue replies and the helpful fallback."""

from __future__ import annotations

import abc
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import has_words, latest_intent, latest_text, message_metadata, ranked_topics, reply_language
from actions.feedback import comment_events, feedback_buttons, has_comment
from actions.places import place_events
from actions.replies import ReplyAction, help_button, menu_buttons, topic_buttons
from valkommen.core.languages import SOURCE_LANGUAGE
from valkommen.core.locales import Catalogue, RenderedAnswer, default_catalogue
from valkommen.core.names import ACTION_OUT_OF_SCOPE, ACTION_PRIVACY, ACTION_TOPIC_FALLBACK, SLOT_LANGUAGE, SLOT_LAST_TOPIC
from valkommen.core.privacy_notice import notice
from valkommen.core.settings import settings


class ActionAnswerTopic(ReplyAction):
    """Answers the topic of the latest message from ``locales/``, ending with its source."""

    def name(self) -> Text:
        return "action_answer_topic"

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        catalogue = default_catalogue()
        language = reply_language(tracker)
        topic = latest_intent(tracker)
        if topic not in catalogue.topics:
            dispatcher.utter_message(text=catalogue.interface("fallback", language), buttons=menu_buttons(catalogue, language))
            return [SlotSet(SLOT_LANGUAGE, language)]
        answer = catalogue.answer(topic, language)
        dispatcher.utter_message(
            text=answer.text,
            buttons=feedback_buttons(catalogue, language),
            json_message=unreviewed_translation(catalogue, answer),
        )
        return [SlotSet(SLOT_LANGUAGE, language), SlotSet(SLOT_LAST_TOPIC, topic)] + comment_events(tracker, language)


def unreviewed_translation(catalogue: Catalogue, answer: RenderedAnswer) -> Optional[Dict[Text, Any]]:
    """For a machine translation nobody has reviewed: ``{"unreviewed_translation": {"language": "sv",
    "text": <the Swedish answer>}}``, sent with the answer (the REST channel delivers it as the
    next message's ``custom``). The widget says once per conversation that the answer is
    machine-translated and offers "Show in Swedish" from it without asking again (docs/widget.md);
    Telegram ignores it. None for a reviewed or Swedish answer."""
    if answer.reviewed or answer.answer_language == SOURCE_LANGUAGE:
        return None
    swedish = catalogue.answer(answer.topic, SOURCE_LANGUAGE)
    return {"unreviewed_translation": {"language": SOURCE_LANGUAGE, "text": swedish.text}}


class InterfaceReply(ReplyAction, abc.ABC):
    """A reply made of one interface string, optionally followed by the topic menu."""

    message_key: Text = ""
    with_menu: bool = False
    #: Whether a message right after a 👎 is taken as the feedback comment and thanked for.
    takes_comment: bool = False

    @abc.abstractmethod
    def name(self) -> Text:
        """The action name used in domain.yml and the rules."""

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        catalogue = default_catalogue()
        language = reply_language(tracker)
        comment = comment_events(tracker, language)
        if carries_risk(tracker):
            return risk_reply(dispatcher, tracker, catalogue, language) + comment
        if self.takes_comment and has_comment(comment):
            dispatcher.utter_message(text=catalogue.interface("feedback_comment_thanks", language))
            return [SlotSet(SLOT_LANGUAGE, language)] + comment
        if self.takes_comment and names_a_place(tracker):
            return place_events(dispatcher, tracker, catalogue, language) + comment
        buttons = menu_buttons(catalogue, language) if self.with_menu else []
        dispatcher.utter_message(text=self.text(catalogue, language, tracker), buttons=buttons)
        return [SlotSet(SLOT_LANGUAGE, language)] + comment

    def text(self, catalogue: Catalogue, language: str, tracker: Tracker) -> str:
        """The reply's text (default: the interface string ``message_key``)."""
        return catalogue.interface(self.message_key, language)


class ActionGreet(InterfaceReply):
    """Welcomes the user and shows the topic menu."""

    message_key = "greet"
    with_menu = True

    def name(self) -> Text:
        return "action_greet"


class ActionGoodbye(InterfaceReply):
    """Says goodbye."""

    message_key = "goodbye"

    def name(self) -> Text:
        return "action_goodbye"


class ActionThanks(InterfaceReply):
    """Answers thanks."""

    message_key = "thanks"

    def name(self) -> Text:
        return "action_thanks"


class ActionHelp(InterfaceReply):
    """Says what the assistant can do and shows the topic menu."""

    message_key = "help"
    with_menu = True

    def name(self) -> Text:
        return "action_help"


class ActionBotChallenge(InterfaceReply):
    """Says it is a digital assistant and how to reach a person."""

    message_key = "bot_challenge"

    def name(self) -> Text:
        return "action_bot_challenge"


class ActionPrivacy(InterfaceReply):
    """ "What do you do with my data?": what is stored, for how long, the rights and how to delete,
    then where the full notice is: ``/privacy`` on Telegram, the notice page's link elsewhere."""

    message_key = "privacy_summary"

    def name(self) -> Text:
        return ACTION_PRIVACY

    def text(self, catalogue: Catalogue, language: str, tracker: Tracker) -> str:
        config = settings()
        summary = catalogue.interface(self.message_key, language).replace("{days}", str(config.retention_days))
        title = notice(language, catalogue, config).title
        where = "/privacy" if message_metadata(tracker).get("channel") == "telegram" else str(config.privacy_notice_url)
        return f"{summary}\n{title}: {where}"


class ActionOutOfScope(InterfaceReply):
    """Says what the assistant covers and shows the topic menu."""

    message_key = "out_of_scope"
    with_menu = True
    takes_comment = True

    def name(self) -> Text:
        return ACTION_OUT_OF_SCOPE


class ActionTopicFallback(ReplyAction):
    """Low confidence: "I'm not sure I understood", the likeliest topics and the menu.

    A message without words (empty, only emoji or control characters) is asked to be
    written in words instead. A message right after a 👎 is the feedback comment. A message
    naming a Borås district or meeting place ("I live in Norrby") gets that meeting place.
    """

    def name(self) -> Text:
        return ACTION_TOPIC_FALLBACK

    async def reply(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        catalogue = default_catalogue()
        language = reply_language(tracker)
        if not has_words(latest_text(tracker)):
            dispatcher.utter_message(
                text=catalogue.interface("empty_message", language), buttons=menu_buttons(catalogue, language)
            )
            return [SlotSet(SLOT_LANGUAGE, language)]
        comment = comment_events(tracker, language)
        if carries_risk(tracker):
            return risk_reply(dispatcher, tracker, catalogue, language) + comment
        if has_comment(comment):
            dispatcher.utter_message(text=catalogue.interface("feedback_comment_thanks", language))
            return [SlotSet(SLOT_LANGUAGE, language)] + comment
        if names_a_place(tracker):
            return place_events(dispatcher, tracker, catalogue, language) + comment
        buttons = topic_buttons(catalogue, language, ranked_topics(tracker, catalogue))
        buttons.append(help_button(catalogue, language))
        dispatcher.utter_message(text=catalogue.interface("fallback", language), buttons=buttons)
        return [SlotSet(SLOT_LANGUAGE, language)] + comment


#: The topics offered first when a message that was not understood carries a risk word.
SUPPORT_TOPICS = ("crisis_support", "violence_support", "mental_health")


def carries_risk(tracker: Tracker) -> bool:
    """Whether the NLU marked the latest message as not understood but carrying a risk word."""
    return (tracker.latest_message or {}).get("risk") is True


def risk_reply(dispatcher: CollectingDispatcher, tracker: Tracker, catalogue: Catalogue, language: str) -> List[Dict[Text, Any]]:
    """The crisis lines, then the support topics, the likeliest topics and the menu."""
    offered = [t for t in SUPPORT_TOPICS if t in catalogue.topics]
    offered += [t for t in ranked_topics(tracker, catalogue) if t not in offered]
    buttons = topic_buttons(catalogue, language, offered) + [help_button(catalogue, language)]
    dispatcher.utter_message(text=catalogue.interface("risk_help_lines", language), buttons=buttons)
    return [SlotSet(SLOT_LANGUAGE, language)]


def names_a_place(tracker: Tracker) -> bool:
    """Whether the latest message names a Borås district or meeting place."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return any(entity.get("entity") in ("district", "place") for entity in entities)
