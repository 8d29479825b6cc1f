"""Language identification for short, code-mixed messages.

Combines four signals (see DESIGN.md):
1. the script (Ge'ez script is Tigrinya here; Cyrillic, Arabic and Latin script each
   narrow the candidates),
2. lingua, a general detector, restricted to the candidate languages,
3. a character n-gram classifier trained on the project's own NLU examples,
4. the channel's hint (Telegram's ``language_code``, the page's ``lang``).
Swedish official words (personnummer, Arbetsförmedlingen, ...) are ignored when the
message has other words. Plain logic: no Rasa imports, testable alone.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from valkommen.core.languages import SOURCE_LANGUAGE, normalise_language
from valkommen.core.text import fold

TERMS_FILE = Path(__file__).with_name("swedish_terms.txt")
MAX_CHARS = 1000  # the beginning of a message is enough to tell its language
NON_LATIN_SHARE = 0.2

# Unicode blocks, as (first, last) code points.
_ETHIOPIC = ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_CYRILLIC = ((0x0400, 0x052F),)
_SERBIAN_CYRILLIC = set("ђћџљњјЂЋЏЉЊЈ")

#: Candidate languages by script.
SCRIPT_CANDIDATES: Dict[str, Tuple[str, ...]] = {
    "ethiopic": ("ti",),
    "arabic": ("ar", "fa"),
    "cyrillic": ("uk", "bs"),
    "latin": ("sv", "en", "so", "bs"),
}

_LINGUA_NAMES = {
    "SWEDISH": "sv",
    "ENGLISH": "en",
    "ARABIC": "ar",
    "PERSIAN": "fa",
    "UKRAINIAN": "uk",
    "SOMALI": "so",
    "BOSNIAN": "bs",
    "CROATIAN": "bs",
    "SERBIAN": "bs",
}


@dataclass(frozen=True)
class Detection:
    """The detected language of a message and how sure the detector is (0..1)."""

    code: str
    confidence: float

    def as_dict(self) -> Dict[str, object]:
        """The parse-output shape: ``{"code": "ar", "confidence": 0.93}``."""
        return {"code": self.code, "confidence": round(self.confidence, 4)}


def _in_blocks(char: str, blocks: Iterable[Tuple[int, int]]) -> bool:
    point = ord(char)
    return any(first <= point <= last for first, last in blocks)


def dominant_script(text: str) -> Optional[str]:
    """The script ``text`` is written in, or None if it has no letters.

    A non-Latin script wins when at least a fifth of the letters (and two or more) are
    written in it; otherwise Latin.
    """
    counts = {"ethiopic": 0, "arabic": 0, "cyrillic": 0, "latin": 0}
    for char in text:
        if not char.isalpha():
            continue
        if _in_blocks(char, _ETHIOPIC):
            counts["ethiopic"] += 1
        elif _in_blocks(char, _ARABIC):
            counts["arabic"] += 1
        elif _in_blocks(char, _CYRILLIC):
            counts["cyrillic"] += 1
        elif _is_latin(char):
            counts["latin"] += 1
    total = sum(counts.values())
    if not total:
        return None
    # Swedish words go into messages in other scripts, rarely the other way round: a fair
    # share of non-Latin letters decides the script even when Latin letters outnumber them.
    script, count = max(((s, c) for s, c in counts.items() if s != "latin"), key=lambda item: item[1])
    if count >= max(2, NON_LATIN_SHARE * total):
        return script
    return "latin" if counts["latin"] else script


@lru_cache(maxsize=1)
def swedish_term_stems() -> Tuple[str, ...]:
    """The folded stems of Swedish official words, from ``swedish_terms.txt``."""
    lines = TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))


def _is_latin(char: str) -> bool:
    return char.isalpha() and "LATIN" in unicodedata.name(char, "")


def split_scripts(text: str) -> str:
    """``text`` with a space wherever Latin letters meet letters of another script.

    Tigrinya and Arabic prefixes join the next word ("ንmodersmål", "بالـSFI"); split, the
    Swedish word can be recognised.
    """
    out = []
    for previous, char in zip(" " + text, text):
        if previous.isalpha() and char.isalpha() and _is_latin(previous) != _is_latin(char):
            out.append(" ")
        out.append(char)
    return "".join(out)


def without_swedish_terms(text: str) -> str:
    """``text`` without Swedish official words, or ``text`` itself if nothing else is left."""
    stems = swedish_term_stems()
    words = split_scripts(text).split()
    kept = [word for word in words if not fold(word.strip("?!.,:;()\"'")).startswith(stems)]
    rest = " ".join(kept)
    return rest if any(c.isalpha() for c in rest) else text


class NgramClassifier:
    """A character n-gram classifier of languages, trained on labelled examples."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self._pipeline = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, lowercase=True),
            LogisticRegression(C=20.0, max_iter=2000),
        )
        self.classes: List[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "NgramClassifier":
        """Train on ``texts`` labelled with language codes."""
        self._pipeline.fit([without_swedish_terms(t) for t in texts], list(labels))
        self.classes = list(self._pipeline.classes_)
        return self

    def probabilities(self, text: str) -> Dict[str, float]:
        """Probability of each trained language for ``text``."""
        if not self.classes:
            return {}
        probs = self._pipeline.predict_proba([text])[0]
        return dict(zip(self.classes, (float(p) for p in probs)))


class LinguaScorer:
    """lingua's confidence values, mapped onto our language codes; built lazily."""

    def __init__(self) -> None:
        self._detector = None

    def _build(self):  # noqa: ANN202 - lingua's own type
        from lingua import Language, LanguageDetectorBuilder

        languages = [getattr(Language, name) for name in _LINGUA_NAMES]
        return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()

    def warm_up(self) -> None:
        """Load lingua's models now rather than on the first message."""
        if self._detector is None:
            self._detector = self._build()

    def probabilities(self, text: str) -> Dict[str, float]:
        """Confidence of each of our languages that lingua knows, summing variants."""
        self.warm_up()
        scores: Dict[str, float] = {}
        for value in self._detector.compute_language_confidence_values(text):
            code = _LINGUA_NAMES.get(value.language.name)
            if code:
                scores[code] = scores.get(code, 0.0) + float(value.value)
        return scores


class LanguageIdentifier:
    """Detects the language of a message from script, lingua, n-grams and a hint."""

    def __init__(
        self,
        ngrams: Optional[NgramClassifier] = None,
        lingua: Optional[LinguaScorer] = None,
        hint_weight: float = 2.0,
        lingua_weight: float = 0.5,
    ) -> None:
        self.ngrams = ngrams
        self.lingua = lingua
        self.hint_weight = hint_weight
        self.lingua_weight = lingua_weight

    def detect(self, text: str, hint: Optional[str] = None) -> Detection:
        """The language of ``text``; ``hint`` is the channel's guess (may be None or unknown)."""
        hint = normalise_language(hint)
        sample = without_swedish_terms((text or "")[:MAX_CHARS])
        script = dominant_script(sample)
        if script is None:
            return Detection(hint or SOURCE_LANGUAGE, 0.0)
        candidates = SCRIPT_CANDIDATES[script]
        if script == "cyrillic":
            candidates = ("bs",) if any(c in _SERBIAN_CYRILLIC for c in sample) else ("uk",)
        if len(candidates) == 1:
            return Detection(candidates[0], 0.99)
        scores = self._combined_scores(sample, candidates)
        if hint in scores:
            scores[hint] *= self.hint_weight
        total = sum(scores.values()) or 1.0
        code, score = max(scores.items(), key=lambda item: item[1])
        return Detection(code, score / total)

    def _combined_scores(self, sample: str, candidates: Sequence[str]) -> Dict[str, float]:
        signals = []
        if self.ngrams is not None:
            signals.append((1.0 - self.lingua_weight, self.ngrams.probabilities(sample)))
        if self.lingua is not None:
            signals.append((self.lingua_weight, self.lingua.probabilities(sample)))
        if not signals:
            return {code: 1.0 for code in candidates}
        scores = {code: 1e-6 for code in candidates}
        weight_sum = sum(weight for weight, _ in signals)
        for weight, probabilities in signals:
            subtotal = sum(probabilities.get(code, 0.0) for code in candidates) or 1.0
            for code in candidates:
                scores[code] += weight / weight_sum * probabilities.get(code, 0.0) / subtotal
        return scores
