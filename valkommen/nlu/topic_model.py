"""A linear topic model over character and word n-grams (scikit-learn; no Rasa)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from valkommen.core.text import fold
from valkommen.nlu import model_files

#: The longest text looked at; a topic shows in the first few sentences.
MAX_CHARS = 2000
#: Folds used to learn how sure the model is (out-of-fold margins → softmax scale).
CALIBRATION_FOLDS = 3
#: The stored model: ``topic_model.json`` and ``topic_model.npz`` (data only, see ``model_files``).
FILE_NAME = "topic_model"
FORMAT = "valkommen.topic_model"
FORMAT_VERSION = 1
_PARTS = ("chars", "words")


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, dtype=np.float32)),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word", ngram_range=(1, 2), sublinear_tf=True, dtype=np.float32, token_pattern=r"(?u)\b\w+\b"
                ),
            ),
        ]
    )


def _fit_scale(margins: np.ndarray, truth: np.ndarray) -> float:
    """The softmax scale that makes out-of-fold margins the most likely (log loss)."""
    rows = np.arange(len(truth))

    def log_loss(scale: float) -> float:
        return float(-np.log(softmax(scale * margins, axis=-1)[rows, truth] + 1e-12).mean())

    return float(minimize_scalar(log_loss, bounds=(0.1, 100.0), method="bounded").x)


class TopicModel:
    """TF-IDF character (2-5) and word (1-2) n-grams of the folded text → linear SVM.

    The SVM's margins become probabilities by a softmax whose one scale is fitted on
    out-of-fold margins, so a confidence of 0.6 means about 60 % right (the fallback
    threshold relies on that); the ranking order is the SVM's own.
    """

    def __init__(self, c: float = 2.0) -> None:
        self.c = c
        self.features = _features()
        self.classifier = LinearSVC(C=c)
        self.scale = 1.0

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> "TopicModel":
        """Learns from example texts and their intents."""
        matrix = self.features.fit_transform([fold(t[:MAX_CHARS]) for t in texts])
        labels = list(intents)
        self.classifier.fit(matrix, labels)
        folds = min(CALIBRATION_FOLDS, min(Counter(labels).values()))
        if folds >= 2 and len(self.classifier.classes_) > 2:
            margins = cross_val_predict(
                LinearSVC(C=self.c),
                matrix,
                labels,
                method="decision_function",
                cv=StratifiedKFold(folds, shuffle=True, random_state=0),
            )
            truth = np.searchsorted(self.classifier.classes_, labels)
            self.scale = _fit_scale(margins, truth)
        self._fast_layout()
        return self

    def _fast_layout(self) -> None:
        """Stores the coefficients as 32-bit floats with ``coef_.T`` contiguous (once).

        scikit-learn multiplies the features by ``coef_.T``; on the default layout that is a
        strided view, which SciPy copies (the whole coefficient matrix) on every call: that copy
        was most of the time of a message. 32 bits, like the features, halve the matrix
        (tens of MB in the server) and keep the product free of conversions.
        """
        coef = self.classifier.coef_
        if coef.dtype != np.float32 or not coef.T.flags["C_CONTIGUOUS"]:
            self.classifier.coef_ = np.ascontiguousarray(coef.T, dtype=np.float32).T

    def rank(self, text: str) -> List[Tuple[str, float]]:
        """Every intent with its probability, best first."""
        matrix = self.features.transform([fold(text[:MAX_CHARS])])
        self._fast_layout()
        margins = self.classifier.decision_function(matrix)[0].astype(np.float64)
        probabilities = softmax(self.scale * margins)
        ranked = sorted(zip(self.classifier.classes_, probabilities), key=lambda pair: -pair[1])
        return [(str(name), float(p)) for name, p in ranked]

    def save(self, directory: Path) -> None:
        """Stores the trained model in ``directory`` as JSON and arrays; no pickle."""
        meta: Dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "c": self.c,
            "scale": self.scale,
            "classes": [str(name) for name in self.classifier.classes_],
            "features": {},
        }
        arrays = model_files.linear_arrays(self.classifier.coef_, self.classifier.intercept_)
        for name, vectorizer in self.features.transformer_list:
            meta["features"][name], arrays[f"{name}_idf"] = model_files.vectorizer_state(vectorizer)
        model_files.save(directory, FILE_NAME, meta, arrays)

    @classmethod
    def load(cls, directory: Path) -> "TopicModel":
        """The model ``save`` stored in ``directory``, rebuilt from data without unpickling.

        Raises ``FileNotFoundError`` when there is none and ``model_files.ModelFileError`` when
        the files are not exactly what ``save`` writes.
        """
        expected = {"coef_t": ("f", 2), "intercept": ("f", 1), **{f"{name}_idf": ("f", 1) for name in _PARTS}}
        meta, arrays = model_files.load(directory, FILE_NAME, FORMAT, FORMAT_VERSION, expected)
        where = str(model_files.model_paths(directory, FILE_NAME)[0])
        model_files.require(set(meta) == {"format", "version", "c", "scale", "classes", "features"}, where, "unexpected keys")
        features = meta["features"]
        model_files.require(
            isinstance(features, dict) and list(features) == list(_PARTS), where, f"features must be {list(_PARTS)}"
        )
        try:
            model = cls(c=model_files.finite_number(meta["c"], where, "c"))
            model.scale = model_files.finite_number(meta["scale"], where, "scale")
            model.features = FeatureUnion(
                [
                    (name, model_files.vectorizer_from_state(features[name], arrays[f"{name}_idf"], f"{where} {name}"))
                    for name in _PARTS
                ]
            )
            classes = model_files.class_names(meta["classes"], where)
            n_features = sum(len(vectorizer.vocabulary_) for _, vectorizer in model.features.transformer_list)
            coef, intercept = model_files.linear_from_arrays(arrays, n_features, len(classes), where)
            model_files.require(coef.dtype == np.float32, where, "coefficients must be float32")
            model.classifier.coef_, model.classifier.intercept_ = coef, intercept
            model.classifier.classes_ = classes
            model.classifier.n_features_in_ = n_features
        except (ValueError, TypeError, KeyError) as error:  # scikit-learn refusing the values
            raise model_files.ModelFileError(f"{where}: {error}") from None
        model._fast_layout()
        return model
