"""Cross-validation of the topic model on the training data only: ``python -m tools.cross_validate``.

Stratified k-fold over ``nlu_data/nlu`` (by intent and language): each fold trains the topic
model (``valkommen.nlu.topic_model.TopicModel`` with ``config.yml``'s C) on the other folds and
guesses the held-back examples the way the NLU pipeline does: the FallbackClassifier's threshold
and ambiguity threshold from ``config.yml``, then the safety phrases and guards of
``SafetyOverride``. Prints the same figures as ``make eval`` (``tools.evaluation``) per language,
and the support/earlier topic mix-ups; ``--show`` lists those mix-ups' training texts, to see
which examples sit on a boundary. The held-out set is never read.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import yaml
from scipy.special import softmax
from sklearn.model_selection import StratifiedKFold

from tools.evaluation import (
    FALLBACK,
    ROOT,
    SUPPORT,
    Prediction,
    confusion_lines,
    score,
    support_scores,
    support_table,
    table,
)
from valkommen.core.examples import Example, read_examples
from valkommen.core.safety import has_guard, load_terms, safety_topic
from valkommen.core.text import fold
from valkommen.nlu.safety_override import GUARDED
from valkommen.nlu.topic_model import MAX_CHARS, TopicModel

#: ``[shown text]{"entity": ...}`` or ``[shown text](entity)`` in Rasa's training format.
ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def plain(text: str) -> str:
    """The text a user types: Rasa's entity annotations replaced by the annotated words."""
    return ANNOTATION.sub(r"\1", text)


def pipeline_settings(config: Path) -> Dict[str, float]:
    """C of the topic model and the FallbackClassifier's thresholds, as ``config.yml`` sets them."""
    settings = {"c": 2.0, "threshold": 0.3, "ambiguity_threshold": 0.1}
    for component in yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline") or []:
        name = str(component.get("name", ""))
        if name.endswith("TopicClassifier") and "c" in component:
            settings["c"] = float(component["c"])
        elif name == "FallbackClassifier":
            for key in ("threshold", "ambiguity_threshold"):
                if key in component:
                    settings[key] = float(component[key])
    return settings


def guesses(model: TopicModel, texts: Sequence[str], threshold: float, ambiguity: float) -> List[Tuple[str, bool]]:
    """The intent the pipeline gives each text (topic model, fallback, then the safety phrases),
    and whether a safety phrase decided it."""
    terms = load_terms()
    matrix = model.features.transform([fold(t[:MAX_CHARS]) for t in texts])
    probabilities = softmax(model.scale * model.classifier.decision_function(matrix).astype(np.float64), axis=-1)
    classes = [str(c) for c in model.classifier.classes_]
    out = []
    for text, row in zip(texts, probabilities):
        order = np.argsort(-row)
        best, second = row[order[0]], (row[order[1]] if len(order) > 1 else 0.0)
        intent = FALLBACK if best < threshold or best - second < ambiguity else classes[order[0]]
        safety = safety_topic(text, terms)
        if safety:
            intent = safety
        elif intent in GUARDED and has_guard(text, terms):
            intent = next((classes[i] for i in order if classes[i] not in GUARDED), FALLBACK)
        out.append((intent, bool(safety)))
    return out


def cross_validate(
    examples: Sequence[Example], folds: int = 5, seed: int = 0, config: Path = ROOT / "config.yml"
) -> Tuple[List[Prediction], List[bool]]:
    """Every example guessed by a model that did not see it (stratified by intent and language),
    and for each whether a safety phrase gave the guess."""
    settings = pipeline_settings(config)
    texts = [plain(e.text) for e in examples]
    intents = [e.intent for e in examples]
    strata = [f"{e.intent}|{e.language}" for e in examples]
    smallest = min(Counter(strata).values())
    splitter = StratifiedKFold(n_splits=min(folds, max(2, smallest)), shuffle=True, random_state=seed)
    guessed: List[Optional[str]] = [None] * len(examples)
    by_phrase = [False] * len(examples)
    for number, (train, test) in enumerate(splitter.split(texts, strata), start=1):
        model = TopicModel(c=settings["c"]).fit([texts[i] for i in train], [intents[i] for i in train])
        for i, (intent, phrase) in zip(
            test, guesses(model, [texts[i] for i in test], settings["threshold"], settings["ambiguity_threshold"])
        ):
            guessed[i], by_phrase[i] = intent, phrase
        print(f"fold {number} done", flush=True)
    predictions = [Prediction(e, g or FALLBACK, e.language or "") for e, g in zip(examples, guessed)]
    return predictions, by_phrase


def mix_ups(predictions: Sequence[Prediction], language: str) -> List[Tuple[str, str, str]]:
    """(truth, guess, text) of the examples of ``language`` where a support and an earlier topic met."""
    rows = []
    for p in predictions:
        truth, guess = p.example.intent, p.intent if p.intent != FALLBACK else "out_of_scope"
        if p.example.language == language and truth != guess and ((truth in SUPPORT) != (guess in SUPPORT)):
            rows.append((truth, guess, p.example.text))
    return sorted(rows)


def main() -> int:
    """Cross-validates and prints the figures (and with ``--show``, the mixed-up training texts)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "nlu_data" / "nlu")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", nargs="*", default=[], metavar="LANG", help="list the mixed-up training texts")
    args = parser.parse_args()
    predictions, by_phrase = cross_validate(read_examples(args.data), args.folds, args.seed, args.config)
    support = support_scores(predictions)
    phrased = Counter(
        p.example.language
        for p, phrase in zip(predictions, by_phrase)
        if phrase and p.example.intent not in SUPPORT and p.intent in SUPPORT
    )
    print(f"\n{args.folds}-fold cross-validation on {args.data} (seed {args.seed})\n")
    print(table({"cv": score(predictions)}))
    print()
    print(support_table({"cv": support}))
    print()
    print("\n".join(confusion_lines(support, top=30)))
    print(f"\nOf these, earlier-topic examples given a support topic by a safety phrase: {dict(sorted(phrased.items()))}")
    for language in args.show:
        print(f"\n## {language}: support and earlier topics mixed up")
        for truth, guess, text in mix_ups(predictions, language):
            print(f"{truth} -> {guess}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
