"""Content check for city editors: what is missing, unreviewed, stale or broken in ``locales/``.

Usage: ``python -m tools.content_check [--max-age-days N]`` (``make content-check``).
Exits 1 when an answer or interface string is missing or a placeholder is broken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import string
import sys
from dataclasses import dataclass, field
from typing import List, Optional, Set

from valkommen.core.locales import Catalogue, default_catalogue
from valkommen.core.settings import Settings, exit_on_error

DEFAULT_MAX_AGE_DAYS: int = Settings.__fields__["content_max_age_days"].default
_FORMATTER = string.Formatter()


@dataclass
class LanguageReport:
    """Findings for one language."""

    code: str
    missing_answers: List[str] = field(default_factory=list)
    unreviewed: List[str] = field(default_factory=list)
    stale: List[str] = field(default_factory=list)
    missing_strings: List[str] = field(default_factory=list)
    broken_placeholders: List[str] = field(default_factory=list)

    @property
    def failing(self) -> bool:
        """Whether this language has a problem that must fail the tests."""
        return bool(self.missing_answers or self.missing_strings or self.broken_placeholders)


def placeholders(text: str) -> Optional[Set[str]]:
    """The ``{name}`` placeholders of ``text``, or None if its braces are malformed."""
    try:
        return {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
    except ValueError:
        return None


def check(catalogue: Catalogue, today: dt.date, max_age_days: int) -> List[LanguageReport]:
    """One report per language in the catalogue, the source language first."""
    source = catalogue.locales["sv"]
    stale_topics = sorted(t for t, meta in catalogue.topics.items() if (today - meta.read).days > max_age_days)
    reports = []
    for code, locale in catalogue.locales.items():
        report = LanguageReport(code)
        report.missing_answers = sorted(
            t for t in catalogue.topics if not (locale.answers.get(t) and locale.answers[t].text.strip())
        )
        report.unreviewed = sorted(t for t, a in locale.answers.items() if t in catalogue.topics and not a.reviewed)
        report.stale = [t for t in stale_topics if t in locale.answers]
        for group, own, reference in (
            ("interface", locale.interface, source.interface),
            ("topic_titles", locale.topic_titles, source.topic_titles),
            ("privacy_notice", locale.privacy_notice, source.privacy_notice),
        ):
            report.missing_strings += sorted(f"{group}.{k}" for k in reference if k not in own)
            for key, text in own.items():
                expected = placeholders(reference.get(key, text))
                if placeholders(text) is None or placeholders(text) != expected:
                    report.broken_placeholders.append(f"{group}.{key}")
        for topic, answer in locale.answers.items():
            if placeholders(answer.text) is None or placeholders(answer.text):
                report.broken_placeholders.append(f"answers.{topic}")
        reports.append(report)
    return reports


def stale_facts(catalogue: Catalogue, today: dt.date, max_age_days: int) -> List[str]:
    """Facts whose source was read more than ``max_age_days`` ago: "name (file, read date): source"."""
    return [
        f"{fact.name} ({fact.scope}, read {fact.read.isoformat()}): {fact.source}"
        for fact in sorted(catalogue.facts.values(), key=lambda f: (f.read, f.name))
        if (today - fact.read).days > max_age_days
    ]


def render(reports: List[LanguageReport], old_facts: Optional[List[str]] = None) -> str:
    """A plain-text table and the details, for editors."""
    lines = [f"{'lang':8} {'missing':>8} {'unreviewed':>11} {'stale':>6} {'strings':>8} {'placeholders':>13}"]
    for r in reports:
        lines.append(
            f"{r.code:8} {len(r.missing_answers):>8} {len(r.unreviewed):>11} {len(r.stale):>6} "
            f"{len(r.missing_strings):>8} {len(r.broken_placeholders):>13}"
        )
    for r in reports:
        for label, items in (
            ("missing answers", r.missing_answers),
            ("topics whose source was read longer ago than the set age", r.stale),
            ("missing strings", r.missing_strings),
            ("broken placeholders", r.broken_placeholders),
        ):
            if items:
                lines.append(f"{r.code}: {label}: {', '.join(items)}")
    if old_facts:
        lines.append(
            f"facts whose source was read longer ago than the set age ({len(old_facts)}): compare with the source, then update read:"
        )
        lines += [f"  {line}" for line in old_facts]
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    """Prints the report; exit status 1 if an answer or string is missing or broken."""
    config = exit_on_error()  # a bad setting: "error: NAME: ..." and status 2
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-age-days", type=int, default=config.content_max_age_days)
    args = parser.parse_args(argv)
    catalogue = default_catalogue()
    today = dt.date.today()
    reports = check(catalogue, today, args.max_age_days)
    print(render(reports, stale_facts(catalogue, today, args.max_age_days)))
    failing = [r.code for r in reports if r.failing]
    if failing:
        print(f"FAILED: content missing or broken in {', '.join(failing)}", file=sys.stderr)
        return 1
    print("content check passed (unreviewed translations and stale facts are listed, not failed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
