"""The accessibility statement (the DOS-lagen form) from the ``accessibility_statement:`` block of the locales.

Each locale may hold the block (``sv`` and ``en`` do); a language without it gets the English
statement, then the Swedish one. ``{contact}`` is ``ACCESSIBILITY_CONTACT`` (a marked demo
placeholder until a municipality sets it) and ``{assessed}`` the date of the latest assessment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Tuple

import yaml

from valkommen.core.languages import SOURCE_LANGUAGE, registry
from valkommen.core.settings import settings

BLOCK = "accessibility_statement"
#: When the widget and the demo pages were last assessed (tests/web/test_accessibility.py); change
#: it, and the statement's texts, after every new assessment.
ASSESSED = dt.date(2026, 12, 7)
#: Languages tried, in order, when the asked one has no statement.
FALLBACK = ("en", SOURCE_LANGUAGE)


@dataclass(frozen=True)
class Section:
    """A heading with its paragraphs and list items."""

    heading: str
    paragraphs: Tuple[str, ...]
    items: Tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """The statement in one language (``language`` may differ from the one asked for)."""

    language: str
    direction: str
    title: str
    sections: Tuple[Section, ...]


@lru_cache(maxsize=32)
def _block(path: Path) -> Optional[dict]:
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    block = data.get(BLOCK) if isinstance(data, dict) else None
    return block if isinstance(block, dict) else None


def _texts(value: Any) -> Tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def statement(language: Optional[str], contact: Optional[str] = None, directory: Optional[Path] = None) -> Statement:
    """The accessibility statement in ``language`` (else English, else Swedish), values filled in.

    ``contact``: where users report problems (default ``ACCESSIBILITY_CONTACT``);
    ``directory``: the locales (default ``LOCALES_DIR``).
    """
    config = settings()
    directory = Path(directory or config.locales_dir)
    contact = contact if contact is not None else config.accessibility_contact
    for code in (language or SOURCE_LANGUAGE, *FALLBACK):
        block = _block(directory / f"{code}.yml")
        if block is None:
            continue
        values = {"contact": contact, "assessed": ASSESSED.isoformat()}
        sections = tuple(
            Section(
                str(s.get("heading", "")).format(**values),
                tuple(p.format(**values) for p in _texts(s.get("text"))),
                tuple(i.format(**values) for i in _texts(s.get("items"))),
            )
            for s in block.get("sections") or ()
            if isinstance(s, dict)
        )
        entry = registry().get(code)
        return Statement(code, entry.direction if entry else "ltr", str(block.get("title", "")), sections)
    raise LookupError(f"no {BLOCK}: block in the {SOURCE_LANGUAGE}, en or {language} locale")
