"""In-place edits of one locale file's text: one answer or one interface line at a time.

The locale files are edited by people (comments, order, line breaks matter) and by several
tools; these helpers change exactly the lines of one entry and leave the rest of the file as it
is, never re-dumping the whole YAML. Used by ``tools/translations.py`` (import).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Optional, Union

ANSWER_INDENT = " " * 6


class LocaleTextError(ValueError):
    """The entry to edit is not where the locale layout puts it."""


def _section(text: str, name: str) -> tuple:
    """(start, end) character offsets of a top-level section's body (``answers:``)."""
    match = re.search(rf"^{re.escape(name)}:[ \t]*\n", text, re.M)
    if not match:
        raise LocaleTextError(f"no top-level {name}: section")
    following = re.compile(r"^[A-Za-z_][\w-]*:", re.M).search(text, match.end())
    return match.end(), following.start() if following else len(text)


def _answer_span(text: str, topic: str) -> tuple:
    start, end = _section(text, "answers")
    match = re.compile(rf"^  {re.escape(topic)}:[ \t]*\n", re.M).search(text, start, end)
    if not match:
        raise LocaleTextError(f"no answer {topic!r}")
    following = re.compile(r"^  [^ \n#]", re.M).search(text, match.end(), end)
    return match.end(), following.start() if following else end


def review_value(reviewed: Union[bool, tuple]) -> str:
    """The YAML of ``reviewed:``: ``false``/``true`` or ``{by: "name", on: YYYY-MM-DD}``."""
    if isinstance(reviewed, bool):
        return "true" if reviewed else "false"
    by, on = reviewed
    if not isinstance(on, dt.date):
        on = dt.date.fromisoformat(str(on))
    return f"{{by: {json.dumps(by, ensure_ascii=False)}, on: {on.isoformat()}}}"


def set_answer(text: str, topic: str, body: Optional[str] = None, reviewed: Union[None, bool, tuple] = None) -> str:
    """``text`` (a locale file) with answer ``topic``'s text and/or review status replaced."""
    start, end = _answer_span(text, topic)
    block = text[start:end]
    if reviewed is not None:
        block, count = re.subn(r"^    reviewed:.*\n", f"    reviewed: {review_value(reviewed)}\n", block, count=1, flags=re.M)
        if count != 1:
            raise LocaleTextError(f"answer {topic!r} has no reviewed: line")
    if body is not None:
        if "\n\n" in body.strip() or not body.strip():
            raise LocaleTextError(f"answer {topic!r}: a text must be one message without blank lines")
        match = re.search(r"^    text: \|-\n((?:      .*\n|[ \t]*\n)*)", block, re.M)
        if not match:
            raise LocaleTextError(f"answer {topic!r} has no 'text: |-' block")
        lines = "".join(f"{ANSWER_INDENT}{line}\n" for line in body.strip().split("\n"))
        block = block[: match.start(1)] + lines + block[match.end(1) :]
    return text[:start] + block + text[end:]


def set_interface(text: str, key: str, value: str) -> str:
    """``text`` with the one-line interface string ``key`` replaced by ``value``."""
    start, end = _section(text, "interface")
    pattern = re.compile(rf"^  {re.escape(key)}:.*\n", re.M)
    match = pattern.search(text, start, end)
    if not match:
        raise LocaleTextError(f"no interface string {key!r}")
    return text[: match.start()] + f"  {key}: {json.dumps(value, ensure_ascii=False)}\n" + text[match.end() :]
