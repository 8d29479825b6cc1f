"""Rasa tokenizer that uses spaCy's rules for the language of each message.

Pipelines are blank spaCy languages built from the installed spaCy (no model
downloads); which spaCy language tokenises ours is the ``spacy`` field of ``languages.yml``
("xx": spaCy's multilingual rules); a language spaCy has no rules for falls back to "xx".
Runs after ``LanguageDetector``, which sets the message language.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

from valkommen.core.languages import MULTILINGUAL, Registry, registry
from valkommen.core.text import fold


def spacy_codes(languages: Optional[Registry] = None) -> Dict[str, str]:
    """Our language code → the spaCy language code that tokenises it, from the registry."""
    return {entry.code: entry.spacy for entry in (languages or registry()).languages}


#: The longest text tokenised: no component after the tokenizer reads tokens at run time, and
#: the topic model and the place extractor look at the first 2,000 characters too.
MAX_CHARS = 2000
#: The longest run of non-space characters spaCy tokenises in one piece. spaCy strips prefixes
#: and suffixes from a run one at a time, each step costing the run's length, so a run of
#: punctuation, emoji or other symbols ("????", "😀😀😀") took time quadratic in its length
#: (2,000 emoji: 1 s). Longer runs are tokenised in pieces of at most this length; runs up to
#: it (every ordinary word and most URLs) are tokenised exactly as spaCy does.
LONGEST_PIECE = 100
_NON_SPACE = re.compile(r"\S+")


def _wordlike(char: str) -> bool:
    return char.isalnum() or unicodedata.combining(char) != 0


def bounded_pieces(text: str, longest: int = LONGEST_PIECE) -> List[Tuple[int, int]]:
    """(start, end) spans that cover ``text`` in order, none with a non-space run over ``longest``.

    Usually one span, the whole text. A longer run is cut, preferably where a word meets
    punctuation or symbols, but never in the first half of the allowed length (so pieces are
    at least half as long, and finding the cuts stays linear in the length of the text).
    """
    cuts: List[int] = []
    for run in _NON_SPACE.finditer(text):
        start, end = run.span()
        while end - start > longest:
            cut = start + longest
            while cut > start + longest // 2 and _wordlike(text[cut - 1]) == _wordlike(text[cut]):
                cut -= 1
            if cut <= start + longest // 2:
                cut = start + longest
            cuts.append(cut)
            start = cut
    bounds = [0, *cuts, len(text)]
    return list(zip(bounds, bounds[1:]))


def bounded_docs(nlp: Any, text: str) -> List[Tuple[int, Any]]:
    """``text`` tokenised by ``nlp`` in time linear in its length: (offset, Doc) per piece.

    One Doc, ``nlp.make_doc(text)``, unless a run of non-space characters is longer than
    ``LONGEST_PIECE`` (``bounded_pieces``); a token's place in ``text`` is offset + its ``idx``.
    """
    return [(start, nlp.make_doc(text[start:end])) for start, end in bounded_pieces(text)]


def make_doc(nlp: Any, text: str) -> Any:
    """One Doc of ``text`` (its text is ``text``) made from ``bounded_docs``."""
    docs = [doc for _, doc in bounded_docs(nlp, text)]
    if len(docs) == 1:
        return docs[0]
    from spacy.tokens import Doc

    return Doc.from_docs(docs, ensure_whitespace=False)


def spacy_code(language: Optional[str], languages: Optional[Registry] = None) -> str:
    """The spaCy language code used to tokenise ``language`` (a code not in the registry is
    tried as a spaCy code itself)."""
    if not language:
        return MULTILINGUAL
    return spacy_codes(languages).get(language, language)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
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

    def __init__(self, config: Dict[Text, Any], languages: Optional[Registry] = None) -> None:
        super().__init__(config)
        self._pipelines: Dict[str, Any] = {}
        self.languages = languages or registry()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageAwareSpacyTokenizer":
        """Creates the tokenizer with the spaCy pipelines of every supported language built.

        Built now, at start-up, not on a language's first message (up to 0.15 s each).
        """
        tokenizer = cls(config)
        for language in (None, *tokenizer.languages.supported):
            tokenizer.pipeline(language)
        return tokenizer

    def pipeline(self, language: Optional[str]) -> Any:
        """The blank spaCy pipeline for ``language`` (built once, then reused)."""
        code = spacy_code(language, self.languages)
        if code not in self._pipelines:
            import spacy

            try:
                self._pipelines[code] = spacy.blank(code)
            except ImportError:
                self._pipelines[code] = self._pipelines.get(MULTILINGUAL) or spacy.blank(MULTILINGUAL)
        return self._pipelines[code]

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Splits the attribute's text (its first ``MAX_CHARS`` characters, in ``bounded_docs``
        pieces) with the rules of the message's language.

        Each token's lemma is its folded form (lower case, no diacritics or harakat), which
        Rasa's CountVectorsFeaturizer uses by default: "forskola" and "förskola" get the
        same features, as do Arabic words with and without vowel marks.
        """
        text = message.get(attribute)[:MAX_CHARS]
        language = (message.get("language") or {}).get("code")
        tokens = [
            Token(t.text, offset + t.idx, lemma=fold(t.text))
            for offset, doc in bounded_docs(self.pipeline(language), text)
            for t in doc
            if not t.is_space
        ]
        return self._apply_token_pattern(tokens)
