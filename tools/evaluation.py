"""NLU evaluation on the held-out set: ``make eval``.

Trains NLU models on ``nlu_data/`` with the project's config and with Rasa's default
pipeline, parses every held-out example (``tests/nlu/heldout/``, never used for training)
with both, and writes ``results/eval.md`` (tables) and ``results/confusion.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from tools.default_model import DEFAULT_CONFIG, cached_model
from tools.default_model import train as train_reference
from tools.language_report import language_report
from valkommen.core.examples import Example, read_examples

ROOT = Path(__file__).resolve().parent.parent
OUT_OF_SCOPE = "out_of_scope"
FALLBACK = "nlu_fallback"


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


def as_topic(intent: str) -> str:
    """Fallback counts as "not a topic", like out_of_scope."""
    return OUT_OF_SCOPE if intent == FALLBACK else intent


def score(predictions: Sequence[Prediction]) -> Scores:
    """Per-language and overall intent accuracy, macro-F1, language accuracy, OOS recall."""
    from sklearn.metrics import accuracy_score, f1_score

    groups: Dict[str, List[Prediction]] = defaultdict(list)
    for p in predictions:
        groups[p.example.language or "?"].append(p)
    groups["overall"] = list(predictions)
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
