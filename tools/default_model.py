"""The reference model for ``make bench``: Rasa's default NLU pipeline on the project's data.

Pipeline: Rasa's default (what ``rasa init`` writes; ``DEFAULT_CONFIG``).
Dialogue: the project's own policies (its rules only; Rasa's default TEDPolicy has no stories
to learn here), so the comparison isolates the NLU pipeline. Domain and data: the project's.

The model is cached as ``models/default-reference-<fingerprint>.tar.gz``, the fingerprint taken
over the data, the domain and this config, so it is trained once. Training it takes long on
2 cores (DIET 2 x 256, 100 epochs). ``python -m tools.default_model`` trains it if missing;
``--epochs N`` trains DIET for N epochs only: the network and so the cost of answering a message
(what the benchmark compares) stay the same, only its accuracy is lower. The number of epochs is
kept next to the model (``.json``) and printed with the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import yaml

#: Rasa's default pipeline (what `rasa init` writes), for comparison on the same data.
DEFAULT_CONFIG = """
recipe: default.v1
language: xx
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
    constrain_similarities: true
  - name: EntitySynonymMapper
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
policies: []
"""

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"
PREFIX = "default-reference-"


DEFAULT_EPOCHS = 100


def reference_config(epochs: int = DEFAULT_EPOCHS) -> str:
    """Rasa's default pipeline with the project's policies (DIET for ``epochs`` epochs)."""
    config = yaml.safe_load(DEFAULT_CONFIG)
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["epochs"] = epochs
    project = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["policies"] = project.get("policies") or []
    config["assistant_id"] = "valkommen-default-reference"
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def fingerprint(config_text: str) -> str:
    """A hash of the training data, the domain and the reference config."""
    digest = hashlib.sha256(config_text.encode("utf-8"))
    files = [ROOT / "domain.yml", *sorted((ROOT / "nlu_data").rglob("*.yml"))]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached_model(epochs: int = DEFAULT_EPOCHS) -> Optional[Path]:
    """The reference model for the current data, if it was trained already."""
    path = MODELS / f"{PREFIX}{fingerprint(reference_config(epochs))}.tar.gz"
    return path if path.exists() else None


def newest_stale_model() -> Optional[Path]:
    """The newest reference model on earlier data or with fewer epochs (used rather than training again)."""
    models = sorted(MODELS.glob(f"{PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def epochs_of(model: Path) -> Optional[int]:
    """The DIET epochs a cached reference model was trained with (None if not recorded)."""
    try:
        return int(json.loads(model.with_suffix("").with_suffix(".json").read_text())["epochs"])
    except (OSError, ValueError, KeyError):
        return None


def train(epochs: int = DEFAULT_EPOCHS) -> Path:
    """Trains the reference model (slow: tens of minutes on 2 shared cores); returns its path."""
    config_text = reference_config(epochs)
    name = f"{PREFIX}{fingerprint(config_text)}"
    MODELS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "config.yml"
        config_path.write_text(config_text, encoding="utf-8")
        command = [
            str(Path(sys.executable).parent / "rasa"),
            "train",
            "--config",
            str(config_path),
            "--domain",
            "domain.yml",
            "--data",
            "nlu_data",
            "--out",
            str(MODELS),
            "--fixed-model-name",
            name,
            "--quiet",
        ]
        subprocess.run(command, cwd=ROOT, check=True)
    (MODELS / f"{name}.json").write_text(json.dumps({"epochs": epochs}), encoding="utf-8")
    return MODELS / f"{name}.tar.gz"


def main() -> int:
    """Trains the reference model unless it is cached."""
    parser = argparse.ArgumentParser(description="Train the reference model of make bench.")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS, help="DIET epochs (Rasa's default: 100)")
    args = parser.parse_args()
    found = cached_model(args.epochs)
    if found:
        print(f"reference model is up to date: {found}")
        return 0
    print("training Rasa's default pipeline on the project's data (takes long on 2 cores) ...", flush=True)
    start = time.monotonic()
    path = train(args.epochs)
    print(f"trained in {time.monotonic() - start:.0f} s: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
