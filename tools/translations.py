"""Send answers to a translator and read the reviewed translations back.

``python -m tools.translations export [--out DIR] [--lang CODE ...]`` (``make translations-export``)
writes one gettext PO file per language, ``results/translations/<code>.po``: per answer the topic
as context (``msgctxt``), the Swedish answer as the source (``msgid``) and the current
translation (``msgstr``), ``{fact}`` placeholders kept as they are. Translations nobody has
reviewed are marked ``fuzzy``, so a translator's tool (Poedit, Lokalize, OmegaT, Weblate...)
shows them as needing review. A Swedish answer that is not translated yet has an empty msgstr.

``python -m tools.translations import FILE [--reviewer NAME] [--date YYYY-MM-DD]``
(``make translations-import FILE=...``) writes the file's translations into
``locales/<code>.yml``. Every entry that is not ``fuzzy`` and not empty is recorded as reviewed
by the reviewer on the date (by default the PO header's ``Last-Translator`` and
``PO-Revision-Date``); fuzzy entries are written as ``reviewed: false``. The whole file is
refused, and nothing written, when any entry's ``{facts}`` differ from the Swedish answer's,
its Swedish source is no longer the current Swedish answer, its topic is unknown or its text
would split into two messages (a blank line).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from tools.locale_text import set_answer
from valkommen.core.languages import SOURCE_LANGUAGE
from valkommen.core.locales import DEFAULT_LOCALES_DIR, PLACEHOLDER
from valkommen.core.paths import ROOT

DEFAULT_OUT = ROOT / "results" / "translations"
#: The header fields naming who reviewed the file and when.
REVIEWER_HEADER, DATE_HEADER = "Last-Translator", "PO-Revision-Date"


class TranslationError(ValueError):
    """A translation file that cannot be imported; the message names every problem."""


def _answers(directory: Path, code: str) -> Dict[str, dict]:
    data = yaml.safe_load((directory / f"{code}.yml").read_text(encoding="utf-8")) or {}
    return data.get("answers") or {}


def facts_in(text: str) -> List[str]:
    """The ``{fact}`` names of a text, sorted, with repeats (the same facts, as often)."""
    return sorted(PLACEHOLDER.findall(text))


def languages(directory: Path) -> List[str]:
    """Every translated language: the locale files other than the source language."""
    return sorted(
        path.stem
        for path in directory.glob("*.yml")
        if path.stem != SOURCE_LANGUAGE and "answers" in (yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    )


def build_catalog(directory: Path, code: str) -> Catalog:
    """The PO catalogue of one language: Swedish source, topic as context, translation."""
    source = _answers(directory, SOURCE_LANGUAGE)
    target = _answers(directory, code)
    catalog = Catalog(
        locale=None,
        project="Välkommen",
        domain="answers",
        fuzzy=False,
        language_team=code,
        header_comment=(
            f"# Välkommen: the answers in {code}, for a translator's review.\n"
            f"# Source: the Swedish answers (locales/{SOURCE_LANGUAGE}.yml); context: the topic.\n"
            "# Fill in Last-Translator (your name) and PO-Revision-Date, and clear the fuzzy mark\n"
            "# of every answer you have checked. Keep every {name} as it is."
        ),
    )
    for topic, entry in source.items():
        translation = target.get(topic) or {}
        text = translation.get("text") or ""
        reviewed = translation.get("reviewed")
        flags = [] if (not text or (reviewed and reviewed is not False)) else ["fuzzy"]
        comments = [
            f"Keep every {{name}} exactly as in the source: it is filled in with a fact ({', '.join(sorted(set(facts_in(entry['text'])))) or 'none'})."
        ]
        if isinstance(reviewed, dict):
            comments.append(f"Reviewed by {reviewed.get('by')} on {reviewed.get('on')}.")
        catalog.add(entry["text"], text, context=topic, flags=flags, auto_comments=comments)
    return catalog


def export(directory: Path, out: Path, codes: Optional[Sequence[str]] = None) -> List[Path]:
    """Write ``<out>/<code>.po`` for each language; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for code in codes or languages(directory):
        buffer = io.BytesIO()
        write_po(buffer, build_catalog(directory, code), width=0, omit_header=False)
        text = buffer.getvalue().decode("utf-8")
        # The file's language, for tools that read it from the header.
        text = text.replace('"Language-Team: ', f'"Language: {code}\\n"\n"Language-Team: ', 1)
        path = out / f"{code}.po"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


@dataclass
class Imported:
    """What an import wrote."""

    code: str
    reviewed: List[str]
    unreviewed: List[str]


def _language_of(path: Path, catalog: Catalog) -> str:
    header = dict(catalog.mime_headers)
    code = header.get("Language") or header.get("Language-Team") or path.stem
    return str(code).strip().replace("_", "-")


def _date(value: object) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.match(r"\d{4}-\d{2}-\d{2}", str(value or ""))
    return dt.date.fromisoformat(match.group(0)) if match else None


def import_file(path: Path, directory: Path, reviewer: Optional[str] = None, date: Optional[dt.date] = None) -> Imported:
    """Write one PO file's translations into its locale, or raise TranslationError."""
    with path.open("rb") as handle:
        catalog = read_po(handle)
    code = _language_of(path, catalog)
    locale_path = directory / f"{code}.yml"
    if code == SOURCE_LANGUAGE or not locale_path.exists():
        raise TranslationError(f"{path.name}: {code!r} is not a translated language of {directory}")
    header = dict(catalog.mime_headers)
    reviewer = (reviewer or str(header.get(REVIEWER_HEADER) or "")).strip()
    if not reviewer or reviewer.upper().startswith("FULL NAME"):
        reviewer = ""
    date = date or _date(catalog.revision_date) or _date(header.get(DATE_HEADER))
    source = _answers(directory, SOURCE_LANGUAGE)
    problems, updates = [], []
    for message in catalog:
        if not message.id:
            continue
        topic = message.context
        text = (message.string or "").strip()
        if topic not in source:
            problems.append(f"{topic}: not a topic of {SOURCE_LANGUAGE}.yml")
            continue
        if message.id.strip() != source[topic]["text"].strip():
            problems.append(f"{topic}: the Swedish answer has changed since the export; export again")
            continue
        if not text:
            continue
        if facts_in(text) != facts_in(source[topic]["text"]):
            problems.append(f"{topic}: facts {facts_in(text)} differ from the Swedish answer's {facts_in(source[topic]['text'])}")
            continue
        if "\n\n" in text:
            problems.append(f"{topic}: a blank line would split the answer into two messages")
            continue
        updates.append((topic, text, not message.fuzzy))
    if any(done for _, _, done in updates) and (not reviewer or date is None):
        problems.append(
            f"reviewed entries need a reviewer and a date (--reviewer/--date, or the {REVIEWER_HEADER} and {DATE_HEADER} headers)"
        )
    if problems:
        raise TranslationError(f"{path.name} refused, nothing written:\n  " + "\n  ".join(problems))
    raw = locale_path.read_text(encoding="utf-8")
    existing = _answers(directory, code)
    result = Imported(code, [], [])
    for topic, text, done in updates:
        if topic not in existing:
            raise TranslationError(f"{path.name}: {code}.yml has no answer {topic!r} to fill in; add it first")
        raw = set_answer(raw, topic, text, (reviewer, date) if done else False)
        (result.reviewed if done else result.unreviewed).append(topic)
    locale_path.write_text(raw, encoding="utf-8")
    return result


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locales", type=Path, default=DEFAULT_LOCALES_DIR)
    commands = parser.add_subparsers(dest="command", required=True)
    ex = commands.add_parser("export", help="write results/translations/<code>.po")
    ex.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ex.add_argument("--lang", action="append", help="only this language (repeatable)")
    im = commands.add_parser("import", help="read one PO file back into locales/<code>.yml")
    im.add_argument("file", type=Path)
    im.add_argument("--reviewer", help="who reviewed it (default: the Last-Translator header)")
    im.add_argument("--date", type=dt.date.fromisoformat, help="when (default: the PO-Revision-Date header)")
    args = parser.parse_args(argv)
    if args.command == "export":
        for path in export(args.locales, args.out, args.lang):
            print(path)
        return 0
    try:
        result = import_file(args.file, args.locales, args.reviewer, args.date)
    except (TranslationError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"{result.code}: {len(result.reviewed)} answers marked reviewed, {len(result.unreviewed)} written as unreviewed (fuzzy)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
