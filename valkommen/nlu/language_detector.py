"""Rasa NLU component: detects each message's language and adds it to the parse output.

The parse output gets a top-level ``language`` object: ``{"code": "ar", "confidence": 0.93}``.
Training examples carry their language as intent metadata (``metadata: {language: ar}``);
the component learns its character n-gram classifier from them, stored as data (JSON and
NumPy arrays, ``valkommen.nlu.model_files``), never pickled.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from valkommen.nlu import model_files
from valkommen.nlu.detection import Detection, LanguageIdentifier, LinguaScorer, NgramClassifier

logger = logging.getLogger(__name__)

LANGUAGE = "language"
#: The stored classifier: ``ngram_language_classifier.json`` and ``.npz`` (data only).
FILE_NAME = "ngram_language_classifier"
FORMAT = "valkommen.ngram_language_classifier"
FORMAT_VERSION = 1
_MULTI_CLASS = ("auto", "ovr", "multinomial")
_SOLVERS = ("lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag", "saga")


def save_ngram_classifier(ngrams: NgramClassifier, directory: Path) -> None:
    """Stores a trained ``NgramClassifier`` in ``directory`` as JSON and arrays; no pickle."""
    vectorizer, regression = (step for _, step in ngrams._pipeline.steps)  # noqa: SLF001
    vectorizer_meta, idf = model_files.vectorizer_state(vectorizer)
    meta = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "classes": [str(c) for c in regression.classes_],
        "multi_class": regression.multi_class,
        "solver": regression.solver,
        "features": vectorizer_meta,
    }
    arrays = {"idf": idf, **model_files.linear_arrays(regression.coef_, regression.intercept_)}
    model_files.save(directory, FILE_NAME, meta, arrays)


def load_ngram_classifier(directory: Path) -> NgramClassifier:
    """The classifier ``save_ngram_classifier`` stored, rebuilt from data without unpickling.

    Raises ``FileNotFoundError`` when there is none and ``model_files.ModelFileError`` when the
    files are not exactly what ``save_ngram_classifier`` writes.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    expected = {"idf": ("f", 1), "coef_t": ("f", 2), "intercept": ("f", 1)}
    meta, arrays = model_files.load(directory, FILE_NAME, FORMAT, FORMAT_VERSION, expected)
    where = str(model_files.model_paths(directory, FILE_NAME)[0])
    model_files.require(
        set(meta) == {"format", "version", "classes", "multi_class", "solver", "features"}, where, "unexpected keys"
    )
    model_files.require(
        meta["multi_class"] in _MULTI_CLASS and meta["solver"] in _SOLVERS, where, "unknown multi_class or solver"
    )
    try:
        vectorizer = model_files.vectorizer_from_state(meta["features"], arrays["idf"], where)
        classes = model_files.class_names(meta["classes"], where)
        n_features = len(vectorizer.vocabulary_)
        coef, intercept = model_files.linear_from_arrays(arrays, n_features, len(classes), where)
        regression = LogisticRegression(multi_class=meta["multi_class"], solver=meta["solver"])
        regression.coef_, regression.intercept_, regression.classes_ = coef, intercept, classes
        regression.n_features_in_ = n_features
        ngrams = NgramClassifier()
        ngrams._pipeline = make_pipeline(vectorizer, regression)  # noqa: SLF001
        ngrams.classes = [str(name) for name in classes]
    except (ValueError, TypeError, KeyError) as error:  # scikit-learn refusing the values
        raise model_files.ModelFileError(f"{where}: {error}") from None
    return ngrams


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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class LanguageDetector(GraphComponent):
    """Detects the message language (one of the languages of ``languages.yml``)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Weights of the signals; see ``valkommen.nlu.detection``."""
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
        """Loads the trained n-gram classifier and warms lingua up.

        Raises ``ModelFileError`` if the stored classifier is not the expected data.
        """
        ngrams = None
        try:
            with model_storage.read_from(resource) as directory:
                ngrams = load_ngram_classifier(directory)
        except (ValueError, FileNotFoundError):  # no stored resource or no model files (ModelFileError is neither)
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
            save_ngram_classifier(ngrams, directory)
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
