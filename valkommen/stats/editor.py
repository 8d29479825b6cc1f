"""The editor loop: the closest topic of an unanswered question and the files to edit.

With a Rasa server URL, the closest topic is the first topic in ``/model/parse``'s
``intent_ranking``; without one, a character n-gram TF-IDF nearest neighbour over the NLU
training examples of the question's language (``nlu_data/nlu/<lang>/<topic>.yml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Protocol, Sequence, Tuple, Union

import httpx

from valkommen.core.examples import Example, read_examples
from valkommen.core.languages import base_language
from valkommen.core.settings import settings
from valkommen.stats.aggregate import Question

if TYPE_CHECKING:  # scikit-learn is imported only when first needed
    from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = Path("nlu_data") / "nlu"
LOCALES_DIR = Path("locales")


def example_file(language: str, topic: str) -> str:
    """Where an editor adds a training example (relative to the project root)."""
    return str(NLU_DIR / base_language(language) / f"{topic}.yml")


def answer_file(language: str) -> str:
    """The locale file holding the answer in ``language`` (under ``answers.<topic>``)."""
    return str(LOCALES_DIR / f"{language}.yml")


class Matcher(Protocol):
    """Finds the closest topic of a text."""

    def closest(self, text: str, language: Optional[str]) -> Tuple[Optional[str], float]:
        """The closest topic id (None if there is none) and a score in [0, 1]."""


class OfflineMatcher:
    """Nearest training example by cosine similarity of character n-gram TF-IDF vectors."""

    def __init__(self, examples: Iterable[Example], topics: Sequence[str]) -> None:
        self.topics = set(topics)
        self.by_language: Dict[str, List[Example]] = {}
        for example in examples:
            if example.intent in self.topics:
                self.by_language.setdefault(example.language or "", []).append(example)
                self.by_language.setdefault("*", []).append(example)
        # Per language: the fitted vectorizer, its matrix of the examples (scipy sparse) and their topics.
        self._models: Dict[str, Tuple[TfidfVectorizer, Any, List[str]]] = {}

    def _model(self, language: str) -> Tuple[TfidfVectorizer, Any, List[str]]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        key = language if language in self.by_language else "*"
        if key not in self._models:
            examples = self.by_language[key]
            vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True)
            matrix = vectorizer.fit_transform([e.text for e in examples])
            self._models[key] = (vectorizer, matrix, [e.intent for e in examples])
        return self._models[key]

    def closest(self, text: str, language: Optional[str]) -> Tuple[Optional[str], float]:
        """The topic of the most similar example in ``language`` and the cosine similarity."""
        if not self.by_language:
            return None, 0.0
        vectorizer, matrix, intents = self._model(base_language(language or ""))
        scores = (matrix @ vectorizer.transform([text]).T).toarray().ravel()  # rows are L2-normalised
        best = int(scores.argmax())
        return intents[best], float(scores[best])


class RasaMatcher:
    """The first topic of the Rasa server's ``/model/parse`` intent ranking."""

    def __init__(self, url: str, topics: Sequence[str], token: Optional[str] = None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.topics = set(topics)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(timeout=timeout)

    def closest(self, text: str, language: Optional[str]) -> Tuple[Optional[str], float]:
        """The highest-ranked topic intent and its confidence."""
        response = self.client.post(f"{self.url}/model/parse", headers=self.headers, json={"text": text})
        response.raise_for_status()
        for entry in response.json().get("intent_ranking") or []:
            if entry.get("name") in self.topics:
                return entry["name"], float(entry.get("confidence") or 0.0)
        return None, 0.0


def matcher(
    topics: Sequence[str], rasa_url: Optional[str] = None, nlu_dir: Optional[Path] = None
) -> Union["RasaMatcher", OfflineMatcher]:
    """A RasaMatcher when a server URL is given, else an OfflineMatcher over the NLU examples."""
    if rasa_url:
        return RasaMatcher(rasa_url, topics, token=settings().reveal("rasa_token"))
    return OfflineMatcher(read_examples(nlu_dir or ROOT / NLU_DIR), topics)


def link_questions(questions: Dict[str, List[Question]], match: Matcher) -> None:
    """Fills in each question's closest topic and score."""
    for language, listed in questions.items():
        for question in listed:
            question.topic, question.score = match.closest(question.text, language)
