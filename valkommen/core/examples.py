"""Reading labelled examples from Rasa NLU YAML files (for tests and evaluation)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, NamedTuple, Optional

import yaml


class Example(NamedTuple):
    """One NLU example with its intent, the language it is written in and, when that is not the
    language's own script, the script it is written in (``latin``: Arabizi, Finglish ...)."""

    text: str
    intent: str
    language: Optional[str]
    script: Optional[str] = None


def read_examples(directory: Path) -> List[Example]:
    """Every example of the Rasa NLU files under ``directory``, in file order."""
    rows = []
    for path in sorted(Path(directory).rglob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" not in block:
                continue
            metadata = block.get("metadata") or {}
            language, script = metadata.get("language"), metadata.get("script")
            for line in block.get("examples", "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    rows.append(Example(line[2:].strip(), block["intent"], language, script))
    return rows


def by_language(rows: List[Example]) -> Dict[str, List[Example]]:
    """Examples grouped by their language."""
    grouped: Dict[str, List[Example]] = {}
    for row in rows:
        grouped.setdefault(row.language or "", []).append(row)
    return grouped
