"""Rasa tokenizer that uses spaCy's rules for the language of each message.

Pipelines are blank spaCy languages built from the installed spaCy (no model
downloads); a language spaCy has no rules for falls back to the multilingual one.
Runs after ``LanguageDetector``, which sets the message language.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.detection import fold

MULTILINGUAL = "xx"
# Our language codes whose spaCy rules live under another code.
SPACY_CODES = {"bs": "hr"}


def spacy_code(language: Optional[str]) -> str:
    """The spaCy language code used to tokenise ``language``."""
    if not language:
        return MULTILINGUAL
    return SPACY_CODES.get(language, language)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class LanguageAwareSpacyTokenizer(Tokenizer):
    """Tokenises each message with spaCy's rules for its detected language."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Same options as Rasa's other tokenizers."""
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._pipelines: Dict[str, Any] = {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageAwareSpacyTokenizer":
        """Creates the tokenizer; spaCy pipelines are built on first use."""
        return cls(config)

    def pipeline(self, language: Optional[str]) -> Any:
        """The blank spaCy pipeline for ``language`` (built once, then reused)."""
        code = spacy_code(language)
        if code not in self._pipelines:
            import spacy

            try:
                self._pipelines[code] = spacy.blank(code)
            except ImportError:
                self._pipelines[code] = self._pipelines.get(MULTILINGUAL) or spacy.blank(MULTILINGUAL)
        return self._pipelines[code]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Splits the attribute's text with the rules of the message's language.

        Each token's lemma is its folded form (lower case, no diacritics or harakat), which
        Rasa's CountVectorsFeaturizer uses by default: "forskola" and "förskola" get the
        same features, as do Arabic words with and without vowel marks.
        """
        text = message.get(attribute)
        language = (message.get("language") or {}).get("code")
        doc = self.pipeline(language).make_doc(text)
        tokens = [Token(t.text, t.idx, lemma=fold(t.text)) for t in doc if not t.is_space]
        return self._apply_token_pattern(tokens)
