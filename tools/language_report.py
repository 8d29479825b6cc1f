"""Language identification figures: per language, per language written in Latin letters, on short
messages (the first 3 and 5 words), and the confusion pairs between neighbouring languages.

Two uses:
- ``make eval`` (tools/evaluation.py) calls ``language_report`` with the held-out predictions and
  the trained model: it adds this section to the report (``results/language.md``).
- ``python -m tools.language_report`` cross-validates the detector on the TRAINING examples
  (``nlu_data/nlu``): the n-gram classifier is trained on the other folds, lingua and the registry
  hints are as in the model. This is how detection is tuned without looking at the held-out set,
  including how often a Latin-script language's message is taken for a Latin-letter writing.
"""

from __future__ import annotations

import argparse
import random
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

from valkommen.core.examples import Example, read_examples
from valkommen.core.languages import Registry, registry
from valkommen.nlu.detection import LanguageIdentifier, LinguaScorer, NgramClassifier, dominant_script

ROOT = Path(__file__).resolve().parents[1]
#: The lengths a message is cut to for "short message" figures (None: the whole message).
LENGTHS: Tuple[Optional[int], ...] = (None, 5, 3)
#: The member of a trained model that holds the language detector's n-gram classifier.
MODEL_COMPONENT = "LanguageDetector"


class Guess(NamedTuple):
    """One example, cut to ``words`` words (None: whole), and the language detected for it."""

    example: Example
    words: Optional[int]
    detected: str


def group_of(example: Example) -> str:
    """``ar`` for an example in the language's own script, ``ar (Latin letters)`` for Arabizi."""
    language = example.language or "?"
    return f"{language} (Latin letters)" if example.script == "latin" else language


def cut(text: str, words: Optional[int]) -> str:
    """The first ``words`` words of ``text`` (all of it when None)."""
    return text if words is None else " ".join(text.split()[:words])


def neighbours(languages: Registry) -> Dict[str, Tuple[str, ...]]:
    """Per script, the languages a message in it may be in (Latin: with the Latin-letter writings)."""
    identifier = LanguageIdentifier(languages=languages)
    out = {}
    for script in ("latin", "arabic", "ethiopic", "cyrillic"):
        out[script] = identifier.candidates("", script)
    return out


def guesses(
    identifier: LanguageIdentifier, examples: Iterable[Example], lengths: Sequence[Optional[int]] = LENGTHS
) -> List[Guess]:
    """The detected language of every example at every length (empty cuts are left out)."""
    rows = []
    for example in examples:
        for words in lengths:
            text = cut(example.text, words)
            if words is not None and len(example.text.split()) <= words:
                text = example.text  # short already: counted at this length as it is
            rows.append(Guess(example, words, identifier.detect(text).code))
    return rows


def accuracy_table(rows: Sequence[Guess], lengths: Sequence[Optional[int]] = LENGTHS) -> str:
    """A Markdown table: per language (and Latin-letter writing), the share detected right at each length."""
    hits: Dict[Tuple[str, Optional[int]], List[bool]] = defaultdict(list)
    for row in rows:
        hits[(group_of(row.example), row.words)].append(row.detected == row.example.language)
    groups = sorted({group for group, _ in hits}, key=lambda g: (" (" in g, g))
    names = ["whole message" if n is None else f"first {n} words" for n in lengths]
    lines = ["| language | examples | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(lengths)]
    for group in groups:
        cells = []
        for words in lengths:
            values = hits.get((group, words), [])
            cells.append(f"{sum(values) / len(values):.3f}" if values else "–")
        lines.append(f"| {group} | {len(hits.get((group, lengths[0]), []))} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def confusion_pairs(rows: Sequence[Guess], languages: Registry, limit: int = 25) -> str:
    """The most frequent confusions (true → detected), over all lengths, with their share of the
    true group's messages; neighbours (same script, or a Latin-letter writing and the Latin-script
    languages) are marked."""
    near = neighbours(languages)
    totals: Counter = Counter(group_of(row.example) for row in rows)
    wrong: Counter = Counter((group_of(row.example), row.detected) for row in rows if row.detected != row.example.language)
    if not wrong:
        return "No confusions."
    lines = ["| written | detected as | messages | share | neighbours |", "|---|---|---|---|---|"]
    for (group, detected), count in wrong.most_common(limit):
        language = group.split(" ")[0]
        script = "latin" if group.endswith("(Latin letters)") else languages[language].script if languages.get(language) else ""
        neighbour = "yes" if detected in near.get(script, ()) else "no"
        lines.append(f"| {group} | {detected} | {count} | {count / totals[group]:.3f} | {neighbour} |")
    return "\n".join(lines)


def latin_false_positives(rows: Sequence[Guess], languages: Registry) -> str:
    """How many messages of the Latin-script languages were taken for a Latin-letter writing."""
    latin = set(languages.written_in("latin"))
    writers = set(languages.latin_writers())
    own = [row for row in rows if row.example.language in latin]
    taken = Counter(row.detected for row in own if row.detected in writers)
    share = sum(taken.values()) / len(own) if own else 0.0
    detail = ", ".join(f"{code}: {count}" for code, count in taken.most_common()) or "none"
    return f"Latin-script messages ({', '.join(sorted(latin))}) taken for a Latin-letter writing: {sum(taken.values())} of {len(own)} ({share:.3%}; {detail})."


def report(rows: Sequence[Guess], languages: Registry, title: str) -> str:
    """The Markdown section: the accuracy table, the Latin-letter false positives and the confusion pairs."""
    return "\n".join(
        [
            f"## {title}",
            "",
            "Language identification: share of messages detected as their language, whole and cut to",
            'their first words. "(Latin letters)": the language written in Latin letters (Arabizi ...).',
            "",
            accuracy_table(rows),
            "",
            latin_false_positives(rows, languages),
            "",
            "Confusion pairs (all lengths), most frequent first:",
            "",
            confusion_pairs(rows, languages),
        ]
    )


# --- make eval: the held-out set with the trained model ---------------------------------------


def model_identifier(model: Path) -> LanguageIdentifier:
    """The trained model's language detector (its n-gram classifier from the model archive, lingua,
    the registry), without starting Rasa."""
    from valkommen.nlu.language_detector import load_ngram_classifier

    with tarfile.open(model) as archive, tempfile.TemporaryDirectory() as directory:
        members = [
            m for m in archive.getmembers() if MODEL_COMPONENT in m.name and m.isfile() and "ngram_language_classifier" in m.name
        ]
        for member in members:
            target = Path(directory) / Path(member.name).name
            source = archive.extractfile(member)
            if source is not None:
                target.write_bytes(source.read())
        ngrams = load_ngram_classifier(Path(directory))
    return LanguageIdentifier(ngrams=ngrams, lingua=LinguaScorer())


def language_report(model: Path, examples: Sequence[Example], predictions: Sequence[object], out: Path) -> str:
    """Held-out language identification for ``make eval``: per language, per Latin-letter writing,
    whole messages (as the served model detected them, ``predictions``) and their first 5 and 3
    words (the model's detector run directly); writes ``out/language.md`` and returns the text."""
    identifier = model_identifier(model)
    rows = [Guess(p.example, None, p.language) for p in predictions]  # type: ignore[attr-defined]
    rows += guesses(identifier, examples, LENGTHS[1:])
    text = report(rows, registry(), "Language identification (held-out set)")
    (out / "language.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    return text


# --- cross-validation on the training examples --------------------------------------------------


def cross_validate(
    examples: Sequence[Example],
    folds: int = 5,
    per_group: int = 200,
    seed: int = 7,
    languages: Optional[Registry] = None,
    train_per_group: Optional[int] = None,
) -> List[Guess]:
    """Each fold's examples detected by a detector whose n-grams learnt from the other folds.

    At most ``per_group`` examples of each language (and Latin-letter writing) are detected per
    fold; the n-grams learn from at most ``train_per_group`` of each (all when None: the model
    learns from all; fewer learn faster and score a little lower)."""
    languages = languages or registry()
    lingua = LinguaScorer(languages)
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    rows: List[Guess] = []
    for fold in range(folds):
        test = shuffled[fold::folds]
        train = [e for i, e in enumerate(shuffled) if i % folds != fold]
        if train_per_group is not None:
            counts: Counter = Counter()
            train = [e for e in train if counts.update([group_of(e)]) or counts[group_of(e)] <= train_per_group]
        ngrams = NgramClassifier().fit([e.text for e in train], [e.language or "" for e in train])
        identifier = LanguageIdentifier(ngrams=ngrams, lingua=lingua, languages=languages)
        taken: Counter = Counter()
        chosen = []
        for example in test:
            if taken[group_of(example)] < per_group and dominant_script(example.text):
                taken[group_of(example)] += 1
                chosen.append(example)
        rows += guesses(identifier, chosen)
        print(f"fold {fold + 1}/{folds}: {len(chosen)} examples", flush=True)
    return rows


def main() -> int:
    """Cross-validates language identification on the training examples and prints the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--per-group", type=int, default=200, help="examples detected per language and fold")
    parser.add_argument("--train-per-group", type=int, help="n-gram training examples per language and fold (default: all)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    examples = read_examples(ROOT / "nlu_data" / "nlu")
    rows = cross_validate(examples, args.folds, args.per_group, train_per_group=args.train_per_group)
    text = report(rows, registry(), f"Language identification, {args.folds}-fold cross-validation on the training examples")
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
