"""Rasa NLU component: a message about danger to life always gets the ``emergency`` topic.

Runs after the classifiers (and the FallbackClassifier): when a phrase of
``emergency_terms.yml`` occurs in the message, the intent becomes ``emergency`` with
confidence 1.0, whatever else the message mentions, so it is never answered by fallback.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.emergency import matching_phrase

EMERGENCY = "emergency"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyOverride(GraphComponent):
    """Sets the intent to ``emergency`` when the message names danger to life."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyOverride":
        """Creates the component; the phrase list is read on first use."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides the intent of messages that match an emergency phrase."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or matching_phrase(text) is None:
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != EMERGENCY]
            top = {"name": EMERGENCY, "confidence": 1.0}
            message.set(INTENT, top, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
        return messages
