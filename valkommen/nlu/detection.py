"""Language identification for short, code-mixed messages.

Combines four signals (see DESIGN.md):
1. the script (Ge'ez script is Tigrinya here; Cyrillic, Arabic and Latin script each
   narrow the candidates): the languages ``languages.yml`` writes in it; a language written in
   a script only as one of its ``other_scripts`` (Bosnian/Serbian in Cyrillic) is picked there
   by its distinctive letters,
2. lingua, a general detector, restricted to the candidate languages,
3. a character n-gram classifier trained on the project's own NLU examples,
4. the channel's hint (Telegram's ``language_code``, the page's ``lang``).
A language lingua has no model of is scored in lingua's place by its registry hints (the share
of words that are its common words or hold its distinctive letters).
Latin-letter writing (Arabizi, "Finglish", Latin-letter Tigrinya or Ukrainian): a language whose
registry entry has ``latin_writing`` is a candidate for a Latin-script message too; lingua has no
model of that writing, so its ``latin_writing`` words and digits-for-letters score it in lingua's
place, and it is picked only with evidence of its own (one of those words or digits, or the n-gram
classifier, trained on its ``script: latin`` examples, sure of it), so that messages of the
Latin-script languages stay theirs.
Swedish official words (personnummer, Arbetsförmedlingen, ...) are ignored when the
message has other words. Plain logic: no Rasa imports, testable alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from valkommen.core.languages import Language, Registry, registry
from valkommen.core.text import fold

if TYPE_CHECKING:  # lingua is imported only when first needed
    from lingua import LanguageDetector as LinguaDetector

TERMS_FILE = Path(__file__).with_name("swedish_terms.txt")
MAX_CHARS = 1000  # the beginning of a message is enough to tell its language
NON_LATIN_SHARE = 0.2

# Unicode blocks, as (first, last) code points.
_ETHIOPIC = ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_CYRILLIC = ((0x0400, 0x052F),)
_WORD = re.compile(r"\w+")
#: A digit touching a letter inside a word: Arabizi's "a3mel", "7abibi", "lil lika2".
_DIGIT_FOR_LETTER = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")
#: The n-gram classifier's probability of a Latin-letter writing that counts as evidence of it
#: without any of its words or digits (cross-validated on the training data: tools/language_report.py).
LATIN_WRITING_NGRAM_EVIDENCE = 0.6


def script_candidates(languages: Registry, script: str) -> Tuple[str, ...]:
    """The languages written in ``script``: those whose main script it is, in registry order,
    then those that write it as one of their other scripts."""
    return languages.written_in(script) + languages.also_written_in(script)


def lingua_names(languages: Registry) -> Dict[str, str]:
    """lingua's language names (``"CROATIAN"``) → our codes (``"bs"``), from the registry."""
    return {name: entry.code for entry in languages.languages if not entry.is_variant for name in entry.lingua}


def letter_script(char: str) -> Optional[str]:
    """The script of one letter (of those ``dominant_script`` knows), or None."""
    if _in_blocks(char, _ETHIOPIC):
        return "ethiopic"
    if _in_blocks(char, _ARABIC):
        return "arabic"
    if _in_blocks(char, _CYRILLIC):
        return "cyrillic"
    return "latin" if _is_latin(char) else None


def hint_letters(entry: Language, script: str) -> str:
    """The language's distinctive letters that are written in ``script``."""
    return "".join(c for c in entry.hints.letters if letter_script(c) == script)


def hint_share(text: str, entry: Language, script: str) -> float:
    """The share of words in ``text`` that are the language's common words or hold its
    distinctive letters of ``script`` (0 when it has no hints or ``text`` no words)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0.0
    letters = set(hint_letters(entry, script))
    common = set(entry.hints.words)
    hits = sum(1 for word in words if word in common or letters.intersection(word))
    return hits / len(words)


def latin_share(text: str, entry: Language) -> float:
    """The share of words in ``text`` that show the language written in Latin letters: its
    ``latin_writing`` words, or words with one of its digits written for a letter ("a3mel");
    0 when it has no ``latin_writing`` or ``text`` no words."""
    writing = entry.latin_writing
    words = _WORD.findall(text.lower())
    if writing is None or not words:
        return 0.0
    common = set(writing.words)
    digits = set(writing.digits)

    def shows(word: str) -> bool:
        return word in common or bool(digits.intersection(word) and _DIGIT_FOR_LETTER.search(word))

    return sum(1 for word in words if shows(word)) / len(words)


@dataclass(frozen=True)
class Detection:
    """The detected language of a message, how sure the detector is (0..1) and the script the
    message is written in (None without letters)."""

    code: str
    confidence: float
    script: Optional[str] = None

    def as_dict(self) -> Dict[str, object]:
        """The parse-output shape: ``{"code": "ar", "confidence": 0.93, "script": "latin"}``
        (``script``: the message's script, when it has letters)."""
        out: Dict[str, object] = {"code": self.code, "confidence": round(self.confidence, 4)}
        if self.script:
            out["script"] = self.script
        return out


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
        script = letter_script(char)
        if script:
            counts[script] += 1
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
    """lingua's confidence values, mapped onto our language codes; built lazily.

    The languages are the registry's ``lingua`` names that the installed lingua has a model of.
    """

    def __init__(self, languages: Optional[Registry] = None) -> None:
        self._detector: Optional[LinguaDetector] = None
        self._registry = languages or registry()
        self._names: Optional[Dict[str, str]] = None

    @property
    def names(self) -> Dict[str, str]:
        """lingua's names of our languages → our codes, only those lingua has a model of."""
        if self._names is None:
            from lingua import Language as LinguaLanguage

            self._names = {name: code for name, code in lingua_names(self._registry).items() if hasattr(LinguaLanguage, name)}
        return self._names

    def knows(self, code: str) -> bool:
        """Whether lingua has a model of our language ``code``."""
        return code in self.names.values()

    def _build(self) -> LinguaDetector:
        from lingua import Language as LinguaLanguage
        from lingua import LanguageDetectorBuilder

        languages = [getattr(LinguaLanguage, name) for name in self.names]
        return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()

    def _loaded(self) -> LinguaDetector:
        if self._detector is None:
            self._detector = self._build()
        return self._detector

    def warm_up(self) -> None:
        """Load lingua's models now rather than on the first message."""
        self._loaded()

    def probabilities(self, text: str) -> Dict[str, float]:
        """Confidence of each of our languages that lingua knows, summing variants."""
        scores: Dict[str, float] = {}
        for value in self._loaded().compute_language_confidence_values(text):
            code = self.names.get(value.language.name)
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
        languages: Optional[Registry] = None,
    ) -> None:
        self.languages = languages or registry()
        self.ngrams = ngrams
        self.lingua = lingua
        self.hint_weight = hint_weight
        self.lingua_weight = lingua_weight

    def detect(self, text: str, hint: Optional[str] = None) -> Detection:
        """The language of ``text``; ``hint`` is the channel's guess (may be None or unknown)."""
        hint = self.languages.normalise(hint)
        sample = without_swedish_terms((text or "")[:MAX_CHARS])
        script = dominant_script(sample)
        candidates = self.candidates(sample, script) if script else ()
        if not script or not candidates:
            return Detection(hint or self.languages.source, 0.0, script)
        if len(candidates) == 1:
            return Detection(candidates[0], 0.99, script)
        ngrams = self.ngrams.probabilities(sample) if self.ngrams is not None else None
        scores = self._combined_scores(sample, candidates, script, ngrams)
        scores = self._founded(sample, scores, script, ngrams or {})
        if hint in scores:
            scores[hint] *= self.hint_weight
        total = sum(scores.values()) or 1.0
        code, score = max(scores.items(), key=lambda item: item[1])
        return Detection(code, score / total, script)

    def romanised(self, code: str, script: str) -> bool:
        """Whether ``code`` is a candidate in ``script`` only as Latin-letter writing."""
        entry = self.languages[code]
        return script == "latin" and script not in entry.scripts and entry.latin_writing is not None

    def _founded(self, sample: str, scores: Dict[str, float], script: str, ngrams: Mapping[str, float]) -> Dict[str, float]:
        """``scores`` without the Latin-letter writings that have no evidence of their own in
        ``sample``: none of their words or digits and an n-gram probability below
        ``LATIN_WRITING_NGRAM_EVIDENCE`` (the Latin-script languages keep their messages)."""
        kept = {
            code: score
            for code, score in scores.items()
            if not self.romanised(code, script)
            or latin_share(sample, self.languages[code]) > 0.0
            or ngrams.get(code, 0.0) >= LATIN_WRITING_NGRAM_EVIDENCE
        }
        return kept or scores

    def candidates(self, sample: str, script: str) -> Tuple[str, ...]:
        """The languages ``sample``, written in ``script``, may be in.

        A language that writes ``script`` only as one of its other scripts is the candidate when
        ``sample`` has one of its distinctive letters of that script (Serbian Cyrillic ђ ћ џ љ њ ј);
        otherwise the languages whose main script it is.
        """
        lettered = tuple(
            code
            for code in self.languages.also_written_in(script)
            if set(hint_letters(self.languages[code], script)).intersection(sample.lower())
        )
        found = lettered or self.languages.written_in(script) or self.languages.also_written_in(script)
        if script == "latin":
            found += tuple(code for code in self.languages.latin_writers() if code not in found)
        return found

    def _lingua_with_hints(
        self, sample: str, candidates: Sequence[str], script: str, ngrams: Optional[Mapping[str, float]] = None
    ) -> Dict[str, float]:
        """lingua's probabilities; a candidate lingua has no model of gets its hint share instead
        (and lingua's values make room for it). A Latin-letter writing (which lingua has no model
        of) gets its ``latin_writing`` share or its n-gram probability, whichever is higher."""
        assert self.lingua is not None
        probabilities = self.lingua.probabilities(sample)
        shares = {
            code: latin_share(sample, self.languages[code])
            if self.romanised(code, script)
            else hint_share(sample, self.languages[code], script)
            for code in candidates
            if self.romanised(code, script) or not self.lingua.knows(code)
        }
        for code in shares:
            probabilities.pop(code, None)
            if ngrams and self.romanised(code, script):
                # lingua knows nothing of Latin-letter writing and its hint words are few: the
                # n-gram classifier, trained on its examples, speaks in lingua's place as well
                subtotal = sum(ngrams.get(other, 0.0) for other in candidates) or 1.0
                shares[code] = max(shares[code], ngrams.get(code, 0.0) / subtotal)
        top = max(shares.values(), default=0.0)
        if top <= 0.0:
            return probabilities
        scaled = {code: value * (1.0 - top) for code, value in probabilities.items()}
        scaled.update(shares)
        return scaled

    def _combined_scores(
        self, sample: str, candidates: Sequence[str], script: str, ngrams: Optional[Mapping[str, float]] = None
    ) -> Dict[str, float]:
        signals: List[Tuple[float, Mapping[str, float]]] = []
        if ngrams is not None:
            signals.append((1.0 - self.lingua_weight, ngrams))
        if self.lingua is not None:
            signals.append((self.lingua_weight, self._lingua_with_hints(sample, candidates, script, ngrams)))
        if not signals:
            return dict.fromkeys(candidates, 1.0)
        scores = dict.fromkeys(candidates, 1e-06)
        weight_sum = sum(weight for weight, _ in signals)
        for weight, probabilities in signals:
            subtotal = sum(probabilities.get(code, 0.0) for code in candidates) or 1.0
            for code in candidates:
                scores[code] += weight / weight_sum * probabilities.get(code, 0.0) / subtotal
        return scores
