"""A linear topic model over character and word n-grams (scikit-learn; no Rasa)."""

from __future__ import annotations

from typing import List, Sequence, Tuple

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

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> "TopicModel":
        """Learns from example texts and their intents."""
        matrix = self.features.fit_transform([fold(t[:MAX_CHARS]) for t in texts])
        self.classifier.fit(matrix, list(intents))
        self._fast_layout()
        return self

    def _fast_layout(self) -> None:
        """Stores the coefficients so that ``coef_.T`` is contiguous (once; no extra memory).

        scikit-learn multiplies the features by ``coef_.T``; on the default layout that is a
        strided view, which SciPy copies (the whole coefficient matrix) on every call: that copy
        was most of the time of a message.
        """
        if not self.classifier.coef_.T.flags["C_CONTIGUOUS"]:
            self.classifier.coef_ = np.ascontiguousarray(self.classifier.coef_.T).T

    def rank(self, text: str) -> List[Tuple[str, float]]:
        """Every intent with its probability, best first."""
        matrix = self.features.transform([fold(text[:MAX_CHARS])])
        self._fast_layout()
        probabilities = self.classifier.predict_proba(matrix)[0]
        ranked = sorted(zip(self.classifier.classes_, probabilities), key=lambda pair: -pair[1])
        return [(str(name), float(p)) for name, p in ranked]
