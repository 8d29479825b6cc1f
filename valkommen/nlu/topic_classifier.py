"""Rasa NLU component: the topic (intent) from character and word n-grams, with scikit-learn.

For short examples in eight languages, a linear SVM over TF-IDF character n-grams (robust
to typos, inflection and missing diacritics) and word n-grams generalises as well as or
better than DIET and trains in under a minute (README "Measured"). Texts are folded (lower
case, no diacritics) first, so "forskola" and "förskola" are the same. The model is
``TopicModel`` (plain scikit-learn, testable without Rasa); this class only adapts it.
The model is stored as data (JSON and NumPy arrays, ``valkommen.nlu.model_files``), never pickled:
loading a tampered or old pickled model part fails with ``ModelFileError``.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from valkommen.nlu.topic_model import TopicModel

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TopicClassifier(GraphComponent, IntentClassifier):
    """Classifies messages into the domain's intents; adds ``intent`` and ``intent_ranking``."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """``c``: inverse regularisation of the linear SVM; ``ranking_length``: intents returned."""
        return {"c": 2.0, "ranking_length": 10}

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, model: Optional[TopicModel] = None
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "TopicClassifier":
        """Creates an untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TopicClassifier":
        """Loads the trained model; raises ``ModelFileError`` if its files are not the expected data."""
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                model = TopicModel.load(directory)
        except (ValueError, FileNotFoundError):  # no stored resource or no model files (ModelFileError is neither)
            logger.warning("No trained topic model found; every message will get no intent.")
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the topic model from the intent examples."""
        texts, intents = [], []
        for example in training_data.intent_examples:
            if example.get(TEXT) and example.get(INTENT):
                texts.append(example.get(TEXT))
                intents.append(example.get(INTENT))
        self.model = TopicModel(c=self._config["c"]).fit(texts, intents)
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Sets the intent and the ranking of each message."""
        for message in messages:
            text = message.get(TEXT)
            if self.model is None or not isinstance(text, str):
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            ranking = self.model.rank(text)[: self._config["ranking_length"]]
            best_name, best_confidence = ranking[0]
            message.set(INTENT, {"name": best_name, "confidence": best_confidence}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
        return messages
