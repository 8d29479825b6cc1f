"""NLU evaluation on the held-out set: ``make eval``.

Trains NLU models on ``nlu_data/`` with the project's config and with Rasa's default
pipeline, parses every held-out example (``tests/nlu/heldout/``, never used for training)
with both, and writes ``results/eval.md`` (tables) and ``results/confusion.png``.

The report also says what the support topics (``crisis_support``, ``mental_health``,
``violence_support``, issue 22) cost the earlier topics: macro-F1 of the earlier topics on
their own examples, and macro-F1 and recall of the support topics (``support_scores``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Dict, List, Sequence, Tuple

from actions.answers import SUPPORT_TOPICS
from tools.default_model import DEFAULT_CONFIG, cached_model
from tools.default_model import train as train_reference
from tools.language_report import language_report
from valkommen.core.examples import Example, read_examples

ROOT = Path(__file__).resolve().parent.parent
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"
#: The support topics of issue 22; every other intent of the held-out set is an earlier topic.
SUPPORT = frozenset(SUPPORT_TOPICS)


@dataclass
class Prediction:
    """What a model said about one held-out example."""

    example: Example
    intent: str
    language: str


@dataclass
class Scores:
    """Evaluation figures of one model."""

    accuracy: Dict[str, float]
    macro_f1: Dict[str, float]
    language_accuracy: Dict[str, float]
    out_of_scope_recall: float


@dataclass
class SupportScores:
    """The support topics beside the earlier topics, per language and ``overall``.

    ``earlier_macro_f1``: macro-F1 over the earlier topics, on the examples whose true topic is
    an earlier one (a support-topic guess there is a miss). ``support_macro_f1`` and
    ``support_recall``: the support topics on every example (so earlier-topic examples taken for
    a support topic lower their precision). ``confusions``: per language, how often a support
    topic and an earlier topic were taken for each other, as ``(truth, guess) -> count``.
    """

    earlier_macro_f1: Dict[str, float]
    support_macro_f1: Dict[str, float]
    support_recall: Dict[str, float]
    confusions: Dict[str, Counter]


def as_topic(intent: str) -> str:
    """Fallback counts as "not a topic", like out_of_scope."""
    return OUT_OF_SCOPE if intent == FALLBACK else intent


def by_language(predictions: Sequence[Prediction]) -> Dict[str, List[Prediction]]:
    """The predictions per language of the example, and all of them as ``overall`` (last)."""
    groups: Dict[str, List[Prediction]] = defaultdict(list)
    for p in predictions:
        groups[p.example.language or "?"].append(p)
    groups["overall"] = list(predictions)
    return groups


def score(predictions: Sequence[Prediction]) -> Scores:
    """Per-language and overall intent accuracy, macro-F1, language accuracy, OOS recall."""
    from sklearn.metrics import accuracy_score, f1_score

    groups = by_language(predictions)
    accuracy, macro_f1, language_accuracy = {}, {}, {}
    for language, rows in groups.items():
        truth = [r.example.intent for r in rows]
        guess = [as_topic(r.intent) for r in rows]
        accuracy[language] = accuracy_score(truth, guess)
        macro_f1[language] = f1_score(truth, guess, average="macro", labels=sorted(set(truth)), zero_division=0)
        language_accuracy[language] = sum(r.language == r.example.language for r in rows) / len(rows)
    oos = [p for p in predictions if p.example.intent == OUT_OF_SCOPE]
    recall = sum(as_topic(p.intent) == OUT_OF_SCOPE for p in oos) / len(oos) if oos else float("nan")
    return Scores(accuracy, macro_f1, language_accuracy, recall)


def support_scores(predictions: Sequence[Prediction], support: Collection[str] = SUPPORT) -> SupportScores:
    """What the support topics cost the earlier topics, and how well they are found themselves.

    Per language and overall: macro-F1 of the earlier topics (every true intent not in
    ``support``) over the examples whose true intent is an earlier one, with the guesses as
    ``as_topic`` maps them; macro-F1 of the support topics over all examples; recall of the
    support topics (the share of their examples given the right support topic). NaN where a
    language has no such examples.
    """
    from sklearn.metrics import f1_score

    earlier_f1, support_f1, recall, confusions = {}, {}, {}, {}
    for language, rows in by_language(predictions).items():
        truth = [r.example.intent for r in rows]
        guess = [as_topic(r.intent) for r in rows]
        earlier = [(t, g) for t, g in zip(truth, guess) if t not in support]
        if earlier:
            earlier_truth, earlier_guess = zip(*earlier)
            labels = sorted(set(earlier_truth))
            earlier_f1[language] = f1_score(earlier_truth, earlier_guess, labels=labels, average="macro", zero_division=0)
        else:
            earlier_f1[language] = float("nan")
        found = [t == g for t, g in zip(truth, guess) if t in support]
        labels = sorted(set(truth) & set(support))
        support_f1[language] = f1_score(truth, guess, labels=labels, average="macro", zero_division=0) if labels else float("nan")
        recall[language] = sum(found) / len(found) if found else float("nan")
        confusions[language] = Counter((t, g) for t, g in zip(truth, guess) if t != g and ((t in support) != (g in support)))
    return SupportScores(earlier_f1, support_f1, recall, confusions)


def train(config_path: Path, output: Path, name: str) -> Path:
    """Trains an NLU-only model; returns its path."""
    from rasa.model_training import train_nlu

    model = train_nlu(str(config_path), str(ROOT / "nlu_data"), str(output), fixed_model_name=name)
    if not model:
        raise RuntimeError(f"training {name} failed")
    return Path(model)


def reference_model(epochs: int) -> Path:
    """Rasa's default pipeline trained on the same data: the model ``make bench`` compares with too.

    Cached under models/ by a fingerprint of the data, the domain and the config, so the slow
    DIET training (tens of minutes on 2 cores) happens once per change of the data. ``epochs``
    below Rasa's 100 gives a quicker but less trained reference; the report says which.
    """

    return cached_model(epochs) or train_reference(epochs)


def predict(model_path: Path, examples: Sequence[Example]) -> List[Prediction]:
    """Parses every example with the model."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # unconfigured, structlog prints every parsed text
    agent = Agent.load(str(model_path))

    async def parse_all() -> List[Prediction]:
        out = []
        for example in examples:
            result = await agent.parse_message(example.text)
            language = (result.get("language") or {}).get("code", "")
            out.append(Prediction(example, result["intent"]["name"] or "", language))
        return out

    return asyncio.run(parse_all())


def confusion_picture(predictions: Sequence[Prediction], path: Path) -> None:
    """Saves the overall intent confusion matrix as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    truth = [p.example.intent for p in predictions]
    guess = [as_topic(p.intent) for p in predictions]
    labels = sorted(set(truth) | set(guess))
    figure, axes = plt.subplots(figsize=(14, 12))
    ConfusionMatrixDisplay.from_predictions(truth, guess, labels=labels, ax=axes, xticks_rotation=90, colorbar=False)
    axes.set_title("Välkommen NLU: held-out confusion matrix (all languages)")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def table(results: Dict[str, Scores]) -> str:
    """A Markdown table: per language, each model's accuracy, macro-F1 and language accuracy."""
    names = list(results)
    languages = list(next(iter(results.values())).accuracy)
    header = "| language | " + " | ".join(f"{n} accuracy | {n} macro-F1" for n in names) + " | language detection |"
    lines = [header, "|" + "---|" * (2 * len(names) + 2)]
    for language in languages:
        cells = " | ".join(f"{results[n].accuracy[language]:.3f} | {results[n].macro_f1[language]:.3f}" for n in names)
        lines.append(f"| {language} | {cells} | {results[names[0]].language_accuracy[language]:.3f} |")
    lines.append("")
    lines += [f"- out-of-scope recall, {n}: {results[n].out_of_scope_recall:.3f}" for n in names]
    return "\n".join(lines)


def support_table(results: Dict[str, SupportScores]) -> str:
    """A Markdown table: per language, each model's earlier-topic macro-F1 and support-topic figures."""
    names = list(results)
    languages = list(next(iter(results.values())).earlier_macro_f1)
    header = "| language | " + " | ".join(
        f"{n} earlier topics macro-F1 | {n} support macro-F1 | {n} support recall" for n in names
    )
    lines = [header + " |", "|" + "---|" * (3 * len(names) + 1)]
    for language in languages:
        cells = " | ".join(
            f"{results[n].earlier_macro_f1[language]:.3f} | {results[n].support_macro_f1[language]:.3f}"
            f" | {results[n].support_recall[language]:.3f}"
            for n in names
        )
        lines.append(f"| {language} | {cells} |")
    return "\n".join(lines)


def confusion_lines(scores: SupportScores, top: int = 15) -> List[str]:
    """The most frequent support/earlier topic mix-ups (counts only), with the languages they come from."""
    lines = []
    for (truth, guess), count in scores.confusions["overall"].most_common(top):
        where = ", ".join(
            f"{language} {counter[(truth, guess)]}"
            for language, counter in scores.confusions.items()
            if language != "overall" and counter[(truth, guess)]
        )
        lines.append(f"- {truth} taken for {guess}: {count} ({where})")
    return lines or ["- none"]


def main() -> int:
    """Trains both models, evaluates them on the held-out set and writes the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "results")
    parser.add_argument("--skip-default", action="store_true", help="evaluate only the project's pipeline")
    parser.add_argument(
        "--default-epochs",
        type=int,
        default=100,
        help="DIET epochs of the default pipeline (Rasa's default: 100; fewer trains faster, scores lower)",
    )
    parser.add_argument(
        "--project-model", type=Path, help="a model already trained from config.yml and nlu_data/ (skips that training)"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    examples = read_examples(ROOT / "tests" / "nlu" / "heldout")
    configs: List[Tuple[str, Path]] = [("project", ROOT / "config.yml")]
    if not args.skip_default:
        default_path = args.out / "default_config.yml"
        default_path.write_text(DEFAULT_CONFIG, encoding="utf-8")
        configs.append(("default", default_path))
    results: Dict[str, Scores] = {}
    support: Dict[str, SupportScores] = {}
    timings = []
    for name, config in configs:
        start = time.monotonic()
        if name == "project" and args.project_model:
            model = args.project_model
        elif name == "default":
            model = reference_model(args.default_epochs)
        else:
            model = train(config, args.out / "models", f"eval-{name}")
        trained = time.monotonic() - start
        predictions = predict(model, examples)
        results[name] = score(predictions)
        support[name] = support_scores(predictions)
        timings.append(
            f"- {name}: " + ("given model" if model == args.project_model else f"model ready in {trained:.0f} s ({model.name})")
        )
        if name == "default":
            timings.append(
                f"- default: Rasa's default pipeline with DIET trained for {args.default_epochs} epochs"
                + (
                    " (Rasa's own default)"
                    if args.default_epochs == 100
                    else " (Rasa's default is 100: a less trained reference)"
                )
            )
        if name == "project":
            confusion_picture(predictions, args.out / "confusion.png")
            language_report(model, examples, predictions, args.out)
    report = "\n".join(
        [
            "# Välkommen NLU evaluation (held-out set)",
            "",
            f"{len(examples)} held-out examples in {len({e.language for e in examples})} languages, never used for training.",
            "Fallback (`nlu_fallback`) counts as out of scope. Language detection is the project pipeline's.",
            "",
            table(results),
            "",
            "## Support topics and the earlier topics",
            "",
            f"Support topics: {', '.join(sorted(SUPPORT))}. Earlier topics: every other intent. The earlier",
            "topics' macro-F1 counts only examples whose true topic is an earlier one (a support-topic guess",
            "there is a miss); the support topics' macro-F1 and recall count every example.",
            "",
            support_table(support),
            "",
            "Support and earlier topics taken for each other (project model, counts):",
            "",
            *confusion_lines(support["project"]),
            "",
            *timings,
            "",
            "![confusion matrix](confusion.png)",
        ]
    )
    (args.out / "eval.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
