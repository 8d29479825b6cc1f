"""Rasa NLU component: a message about danger, a crisis or violence always gets its safety topic.

Runs after the classifiers and the FallbackClassifier. When a phrase of ``crisis_terms.yml``
or ``emergency_terms.yml`` occurs in the message (``valkommen.core.safety``), the intent becomes
``crisis_support``, ``violence_support`` or ``emergency`` with confidence 1.0, whatever else
the message mentions, so it is never answered by the fallback. A message left to the fallback
(or taken as out of scope) that still carries a risk word is marked ``risk: true`` in the parse
output: the answer then shows the crisis lines before the topic menu. And when the topic model
alone says crisis or violence but the message holds one of the guards' everyday phrases ("I'm
dying of hunger"), the next-ranked topic is taken.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from valkommen.core.safety import CRISIS_SUPPORT, VIOLENCE_SUPPORT, carries_risk_word, has_guard, safety_topic

#: Parse output key: the message was not understood but carries a risk word.
RISK = "risk"
#: Intents whose answer is not a topic: with a risk word, they get the crisis lines first.
NOT_UNDERSTOOD = ("nlu_fallback", "out_of_scope")
#: Topics the classifier may give only when the words do not say otherwise (a guard).
GUARDED = (CRISIS_SUPPORT, VIOLENCE_SUPPORT)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(GraphComponent):
    """Sets the intent to the safety topic a message needs; marks risky fallbacks."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyOverride":
        """Creates the component; the phrase lists are read on first use."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides the intent of messages that match a safety phrase."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            topic = safety_topic(text)
            if topic is None:
                intent = (message.get(INTENT) or {}).get("name")
                if intent in GUARDED and has_guard(text):
                    self._demote(message)
                elif intent in NOT_UNDERSTOOD and carries_risk_word(text):
                    message.set(RISK, True, add_to_output=True)
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != topic]
            top = {"name": topic, "confidence": 1.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages

    @staticmethod
    def _demote(message: Message) -> None:
        """An everyday use of a crisis word ("I'm dying of hunger"): the next topic instead.

        The classifier learned crisis words; a guard phrase says this is not a crisis, and no
        crisis phrase says otherwise. The best-ranked other intent takes its place.
        """
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in GUARDED]
        top = ranking[0] if ranking else {"name": NOT_UNDERSTOOD[0], "confidence": 0.0}
        message.set(INTENT, dict(top), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
