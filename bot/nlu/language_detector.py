"""Rasa NLU component: detects each message's language and adds it to the parse output.

The parse output gets a top-level ``language`` object: ``{"code": "ar", "confidence": 0.93}``.
Training examples carry their language as intent metadata (``metadata: {language: ar}``);
the component learns its character n-gram classifier from them.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.detection import Detection, LanguageIdentifier, LinguaScorer, NgramClassifier

logger = logging.getLogger(__name__)

LANGUAGE = "language"
MODEL_FILE = "ngram_language_classifier.joblib"


def example_language(message: Message) -> Optional[str]:
    """The language a training example is labelled with, from its intent metadata."""
    metadata = message.get("metadata") or {}
    for level in ("example", "intent"):
        value = metadata.get(level)
        if isinstance(value, dict) and value.get(LANGUAGE):
            return str(value[LANGUAGE])
    return None


def message_hint(message: Message) -> Optional[str]:
    """The channel's language hint sent as message metadata, if any."""
    metadata = message.get("metadata")
    if isinstance(metadata, dict):
        hint = metadata.get(LANGUAGE)
        return hint if isinstance(hint, str) else None
    return None


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True
)
class LanguageDetector(GraphComponent):
    """Detects the message language (sv, en, ar, so, ti, fa, uk, bs)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Weights of the signals; see ``bot.nlu.detection``."""
        return {"use_lingua": True, "lingua_weight": 0.5, "hint_weight": 2.0}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        ngrams: Optional[NgramClassifier] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        lingua = LinguaScorer() if config["use_lingua"] else None
        self.identifier = LanguageIdentifier(
            ngrams=ngrams,
            lingua=lingua,
            hint_weight=config["hint_weight"],
            lingua_weight=config["lingua_weight"],
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
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
    ) -> "LanguageDetector":
        """Loads the trained n-gram classifier and warms lingua up."""
        ngrams = None
        try:
            with model_storage.read_from(resource) as directory:
                ngrams = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained language classifier found; using lingua and script rules.")
        component = cls(config, model_storage, resource, ngrams)
        if component.identifier.lingua is not None:
            component.identifier.lingua.warm_up()
        return component

    def train(self, training_data: TrainingData) -> Resource:
        """Learns the n-gram classifier from examples labelled with their language."""
        texts: List[str] = []
        labels: List[str] = []
        for example in training_data.training_examples:
            language = example_language(example)
            if example.get(TEXT) and language:
                texts.append(example.get(TEXT))
                labels.append(language)
        if len(set(labels)) < 2:
            logger.warning("Fewer than two labelled languages; the n-gram classifier is skipped.")
            return self._resource
        ngrams = NgramClassifier().fit(texts, labels)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(ngrams, directory / MODEL_FILE)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Gives training examples their labelled language, so tokenisation matches."""
        for example in training_data.training_examples:
            if not example.get(TEXT):
                continue
            language = example_language(example)
            detection = Detection(language, 1.0) if language else self._detect(example)
            example.set(LANGUAGE, detection.as_dict())
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds ``language`` to each message and to the parse output."""
        for message in messages:
            if isinstance(message.get(TEXT), str):
                message.set(LANGUAGE, self._detect(message).as_dict(), add_to_output=True)
        return messages

    def _detect(self, message: Message) -> Detection:
        return self.identifier.detect(message.get(TEXT) or "", hint=message_hint(message))
