"""A linear topic model over character and word n-grams (scikit-learn; no Rasa)."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from bot.nlu.detection import fold

#: The longest text looked at; a topic shows in the first few sentences.
MAX_CHARS = 2000


def _features() -> FeatureUnion:
    return FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")),
    ])


class TopicModel:
    """TF-IDF character (2-5) and word (1-2) n-grams of the folded text → logistic regression."""

    def __init__(self, c: float = 20.0) -> None:
        self.c = c
        self.features = _features()
        self.classifier = LogisticRegression(C=c, max_iter=3000)
        self._weights: Optional[np.ndarray] = None

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> "TopicModel":
        """Learns from example texts and their intents."""
        matrix = self.features.fit_transform([fold(t[:MAX_CHARS]) for t in texts])
        self.classifier.fit(matrix, list(intents))
        self._weights = None
        return self

    def _weight_matrix(self) -> np.ndarray:
        """The coefficients as one contiguous (features × intents) array, made once.

        scikit-learn's ``predict_proba`` multiplies by ``coef_.T``, a strided view that SciPy
        copies (the whole coefficient matrix) on every call: most of the time of a message.
        """
        weights = getattr(self, "_weights", None)
        if weights is None:
            weights = self._weights = np.ascontiguousarray(self.classifier.coef_.T)
        return weights

    def rank(self, text: str) -> List[Tuple[str, float]]:
        """Every intent with its probability, best first."""
        matrix = self.features.transform([fold(text[:MAX_CHARS])])
        scores = np.asarray(matrix @ self._weight_matrix())[0] + self.classifier.intercept_
        probabilities = np.exp(scores - scores.max())  # softmax: the multinomial model's probabilities
        probabilities /= probabilities.sum()
        ranked = sorted(zip(self.classifier.classes_, probabilities), key=lambda pair: -pair[1])
        return [(str(name), float(p)) for name, p in ranked]
