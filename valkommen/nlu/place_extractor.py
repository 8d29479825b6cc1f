"""Rasa NLU component: Borås district, meeting-place and postcode entities via spaCy.

At train time it builds the spaCy pipeline of ``valkommen.nlu.place_finder`` from the places data
(``places_file``, default ``PLACES_FILE`` or data/meeting_places.yml) and stores it in the
model; at run time it adds entities ``district``, ``place`` and ``postcode`` whose values are
ids ("norrby") and digits ("50430").
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import spacy
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language

from valkommen.core.places import load_directory
from valkommen.nlu import place_finder  # registers the spaCy component  # noqa: F401
from valkommen.nlu.place_finder import build_place_nlp, find_places

logger = logging.getLogger(__name__)
PIPELINE_DIR = "place_pipeline"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class PlaceEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds Borås place names in any of the eight languages and scripts."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """``places_file``: the data the pipeline is built from (None: PLACES_FILE or the default)."""
        return {"places_file": None}

    def __init__(
        self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, nlp: Optional[Language] = None
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.nlp = nlp

    @classmethod
    def create(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext
    ) -> "PlaceEntityExtractor":
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
    ) -> "PlaceEntityExtractor":
        """Loads the spaCy pipeline stored at train time."""
        nlp = None
        try:
            with model_storage.read_from(resource) as directory:
                nlp = spacy.load(directory / PIPELINE_DIR)
        except (ValueError, FileNotFoundError, OSError):
            logger.warning("No place pipeline in the model; place names will not be recognised.")
        return cls(config, model_storage, resource, nlp)

    def train(self, training_data: TrainingData) -> Resource:
        """Builds the spaCy pipeline from the places data and stores it in the model."""
        places_file = self._config.get("places_file")
        self.nlp = build_place_nlp(load_directory(Path(places_file) if places_file else None))
        with self._model_storage.write_to(self._resource) as directory:
            self.nlp.to_disk(directory / PIPELINE_DIR)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds the place entities found in each message."""
        if self.nlp is None:
            return messages
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            found = [
                {"entity": f.label, "value": f.value, "start": f.start, "end": f.end, "confidence_entity": 1.0}
                for f in find_places(self.nlp, text[:2000])
            ]
            if found:
                entities = self.add_extractor_name(found)
                message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
