"""The one locale loader: answers and interface strings from ``locales/``.

Used by the actions, the channels' own strings, the content check and the report.
It imports neither Rasa nor Telegram.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple
from urllib.parse import urlparse

import yaml

from valkommen.core.languages import SOURCE_LANGUAGE, Language, Registry, registry
from valkommen.core.paths import ROOT
from valkommen.core.settings import settings

DEFAULT_LOCALES_DIR = ROOT / "locales"
TOPICS_FILE = "topics.yml"
#: The named facts: one file per scope, e.g. ``facts/national.yml`` (all of Sweden) and
#: ``facts/municipality.yml`` (the municipality's own); read together into one mapping.
FACTS_DIR = "facts"
#: The older single facts file, still read when present.
FACTS_FILE = "facts.yml"
#: A reference to a named fact (or, in interface strings, a value filled in by the caller).
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
#: Unicode direction isolates: a left-to-right run (a phone number) inside right-to-left text.
LRI, PDI = "\u2066", "\u2069"
# One newline between the parts of an answer: Rasa's REST channel splits a text at blank
# lines into separate messages, and an answer must stay one forwardable message.
PART_SEPARATOR = "\n"


class LocaleError(ValueError):
    """A locale or topic file is missing or malformed."""


@dataclass(frozen=True)
class Topic:
    """One council topic: its program area, official source and the date that source was read.

    ``source`` is a URL or ``shared/reference/<file>, <section>``; a source that is not a URL
    carries ``source_title``, the words users read instead of a host name. ``read`` is the date
    the source (often a stored copy of the page) was read, not a live check of the page.
    """

    id: str
    area: str
    source: str
    read: dt.date
    source_title: Optional[str] = None

    @property
    def checked(self) -> dt.date:
        """The older name of ``read``."""
        return self.read

    @property
    def is_url(self) -> bool:
        return self.source.startswith(("https://", "http://"))

    @property
    def source_label(self) -> str:
        """What users read as the source: the title, or the URL's host without ``www.``."""
        if self.source_title:
            return self.source_title
        host = urlparse(self.source).hostname or self.source
        return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class Fact:
    """A number, phone number, e-mail address, URL, amount or office named to users, with where
    and when it was read. ``scope`` is the file it comes from (``national``, ``municipality``)."""

    name: str
    value: str
    source: str
    read: dt.date
    what: str = ""
    scope: str = ""


@dataclass(frozen=True)
class Answer:
    """An answer in one language and whether a human reviewed the translation: who and when,
    when the locale records it (``reviewed: {by: name, on: date}``)."""

    text: str
    reviewed: bool
    reviewed_by: Optional[str] = None
    reviewed_on: Optional[dt.date] = None
    #: The text as written, with ``{fact}`` placeholders (``text`` has the values filled in).
    raw: str = ""


@dataclass(frozen=True)
class Locale:
    """Everything a user reads in one language."""

    code: str
    name: str
    direction: str
    answers: Mapping[str, Answer]
    interface: Mapping[str, str]
    topic_titles: Mapping[str, str]
    #: Headings and sentences of the privacy notice (``privacy_notice:``; see core/privacy_notice.py).
    privacy_notice: Mapping[str, str] = field(default_factory=dict)
    #: Whether a person has checked this language's privacy notice (``privacy_notice.reviewed``).
    privacy_notice_reviewed: bool = False


@dataclass(frozen=True)
class RenderedAnswer:
    """A topic answer ready to send, with how it was produced."""

    topic: str
    text: str
    language: str  # the language the user gets the interface lines in
    answer_language: str  # the language the answer body is written in
    translated: bool
    reviewed: bool
    direction: str


class Catalogue:
    """All locales and the topic catalogue, with the missing-translation fallback."""

    def __init__(
        self, locales: Mapping[str, Locale], topics: Mapping[str, Topic], facts: Optional[Mapping[str, Fact]] = None
    ) -> None:
        if SOURCE_LANGUAGE not in locales:
            raise LocaleError(f"the source language locale {SOURCE_LANGUAGE}.yml is missing")
        self.locales = dict(locales)
        self.topics = dict(topics)
        self.facts = dict(facts or {})

    def locale(self, language: Optional[str]) -> Locale:
        """The locale of ``language``, or the source language's if there is none."""
        return self.locales.get(language or "", self.locales[SOURCE_LANGUAGE])

    def interface(self, key: str, language: Optional[str]) -> str:
        """An interface string in ``language``, falling back to the source language."""
        text = self.locale(language).interface.get(key)
        if text is None:
            text = self.locales[SOURCE_LANGUAGE].interface.get(key)
        if text is None:
            raise LocaleError(f"interface string {key!r} is missing in {SOURCE_LANGUAGE}.yml")
        return text

    def topic_title(self, topic: str, language: Optional[str]) -> str:
        """The short title of a topic (used on buttons) in ``language``."""
        title = self.locale(language).topic_titles.get(topic)
        if title is None:
            title = self.locales[SOURCE_LANGUAGE].topic_titles.get(topic, topic)
        return title

    def answer(self, topic: str, language: Optional[str]) -> RenderedAnswer:
        """The answer to ``topic`` in ``language``, self-contained and ending with its source.

        A missing translation gives the Swedish answer after a line, in the user's
        language, saying it is not translated yet.
        """
        if topic not in self.topics:
            raise LocaleError(f"unknown topic {topic!r}: not in {TOPICS_FILE}")
        user_locale = self.locale(language)
        answer = user_locale.answers.get(topic)
        body_locale = user_locale
        lines = []
        if answer is None:
            body_locale = self.locales[SOURCE_LANGUAGE]
            answer = body_locale.answers.get(topic)
            if answer is None:
                raise LocaleError(f"topic {topic!r} has no answer in {SOURCE_LANGUAGE}.yml")
            lines.append(self.interface("not_translated", user_locale.code))
        meta = self.topics[topic]
        lines.append(answer.text.strip())
        lines.append(self.source_line(meta, user_locale))
        return RenderedAnswer(
            topic=topic,
            text=PART_SEPARATOR.join(lines),
            language=user_locale.code,
            answer_language=body_locale.code,
            translated=body_locale.code == user_locale.code,
            reviewed=answer.reviewed,
            direction=user_locale.direction,
        )

    def source_line(self, meta: Topic, locale: Locale) -> str:
        """The footer: where the answer's information comes from and the month that source was
        read ("Uppgifter från boras.se, lästa 2026-11: <url>"), never a claim of a live check."""

        def ltr(value: str) -> str:
            return f"{LRI}{value}{PDI}" if locale.direction == "rtl" else value

        label = ltr(meta.source_label)
        line = f"{self.interface('source', locale.code)} {label}, {self.interface('checked', locale.code)} {ltr(meta.read.strftime('%Y-%m'))}"
        return f"{line}: {ltr(meta.source)}" if meta.is_url else line


def _read_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise LocaleError(f"{path.name} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise LocaleError(f"{path.name} must hold a mapping")
    return data


def load_topics(directory: Path) -> Dict[str, Topic]:
    """Read the topic catalogue ``topics.yml``."""
    data = _read_yaml(directory / TOPICS_FILE).get("topics") or {}
    topics = {}
    for topic_id, entry in data.items():
        try:
            read = entry["read"] if "read" in entry else entry["checked"]
            if not isinstance(read, dt.date):
                read = dt.date.fromisoformat(str(read))
            title = entry.get("source_title")
            topic = Topic(topic_id, entry["area"], str(entry["source"]), read, str(title) if title else None)
            if not topic.is_url and not topic.source_title:
                raise ValueError("a source that is not a URL needs a source_title")
            topics[topic_id] = topic
        except (KeyError, TypeError, ValueError) as error:
            raise LocaleError(f"topic {topic_id!r} in {TOPICS_FILE}: {error}") from error
    return topics


def fact_files(directory: Path) -> Tuple[Path, ...]:
    """The facts files of a locales directory: ``facts/*.yml`` (by name), then ``facts.yml``."""
    files = sorted((directory / FACTS_DIR).glob("*.yml")) if (directory / FACTS_DIR).is_dir() else []
    if (directory / FACTS_FILE).exists():
        files.append(directory / FACTS_FILE)
    return tuple(files)


def load_facts(directory: Path) -> Dict[str, Fact]:
    """Read the named facts of every facts file into one mapping (none if there is no file).

    Each fact needs value, source and read; a name defined in two files is an error.
    """
    facts: Dict[str, Fact] = {}
    for path in fact_files(directory):
        where = path.relative_to(directory).as_posix()
        for name, entry in (_read_yaml(path).get("facts") or {}).items():
            if name in facts:
                raise LocaleError(f"fact {name!r} is defined in both {facts[name].scope} and {where}")
            try:
                read = entry["read"]
                if not isinstance(read, dt.date):
                    read = dt.date.fromisoformat(str(read))
                facts[name] = Fact(name, str(entry["value"]), str(entry["source"]), read, str(entry.get("what") or ""), where)
            except (KeyError, TypeError, ValueError) as error:
                raise LocaleError(f"fact {name!r} in {where}: {error}") from error
    return facts


def parse_review(value: object, where: str) -> Tuple[bool, Optional[str], Optional[dt.date]]:
    """``reviewed:`` of an answer: ``false``, ``true`` or ``{by: name, on: date}``."""
    if isinstance(value, bool):
        return value, None, None
    if isinstance(value, dict) and True in value and "on" not in value:
        value = {("on" if key is True else key): item for key, item in value.items()}  # YAML 1.1 reads on: as true
    if isinstance(value, dict) and isinstance(value.get("by"), str) and value["by"].strip() and "on" in value:
        on = value["on"]
        try:
            on = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
        except ValueError as error:
            raise LocaleError(f"{where}: reviewed.on: {error}") from error
        return True, value["by"].strip(), on
    raise LocaleError(f"{where} needs reviewed: false, or reviewed: {{by: name, on: YYYY-MM-DD}}")


def fill_facts(text: str, facts: Mapping[str, Fact], direction: str, strict: bool) -> str:
    """``text`` with each ``{name}`` of a fact replaced by its value.

    In right-to-left text the value is wrapped in direction isolates. ``strict``: every
    placeholder must name a fact (answers); else unknown names are left for ``str.format``.
    """

    def value(match: "re.Match[str]") -> str:
        fact = facts.get(match.group(1))
        if fact is None:
            if strict:
                raise LocaleError(f"unknown fact {{{match.group(1)}}} (not in {FACTS_DIR}/*.yml)")
            return match.group(0)
        return f"{LRI}{fact.value}{PDI}" if direction == "rtl" else fact.value

    return PLACEHOLDER.sub(value, text)


def load_locale(path: Path, facts: Optional[Mapping[str, Fact]] = None, language: Optional[Language] = None) -> Locale:
    """Read one ``<code>.yml`` locale file, with the named ``facts`` filled in.

    The language's name and direction come from its ``languages.yml`` entry (``language``, by
    default the project registry's entry of the file's code), never from the locale file.
    """
    facts = facts or {}
    data = _read_yaml(path)
    code = data.get("code")
    if code != path.stem:
        raise LocaleError(f"{path.name} declares code {code!r}, expected {path.stem!r}")
    if "name" in data or "direction" in data:
        raise LocaleError(f"{path.name}: name and direction are set in languages.yml, not in the locale")
    language = language or registry().get(code)
    if language is None or language.code != code:
        raise LocaleError(f"{path.name}: {code!r} is not a language of languages.yml")
    direction = language.direction
    answers = {}
    for topic, entry in (data.get("answers") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise LocaleError(f"{path.name}: answer {topic!r} needs a text")
        reviewed, by, on = parse_review(entry.get("reviewed"), f"{path.name}: answer {topic!r}")
        try:
            text = fill_facts(entry["text"], facts, direction, strict=True)
        except LocaleError as error:
            raise LocaleError(f"{path.name}: answer {topic!r}: {error}") from error
        answers[topic] = Answer(text, reviewed, by, on, entry["text"])
    notice = dict(data.get("privacy_notice") or {})
    notice_reviewed = parse_review(notice.pop("reviewed", False), f"{path.name}: privacy_notice")[0]
    return Locale(
        code=code,
        name=language.name,
        direction=direction,
        answers=answers,
        interface={k: fill_facts(str(v), facts, direction, strict=False) for k, v in (data.get("interface") or {}).items()},
        topic_titles={k: str(v) for k, v in (data.get("topic_titles") or {}).items()},
        privacy_notice={k: fill_facts(str(v), facts, direction, strict=False) for k, v in notice.items()},
        privacy_notice_reviewed=notice_reviewed,
    )


def load_catalogue(directory: Optional[Path] = None, languages: Optional[Registry] = None) -> Catalogue:
    """Read every selectable language's locale and the topic catalogue from ``directory``.

    ``languages``: the registry whose languages are read (default: the project's).
    """
    directory = Path(directory or DEFAULT_LOCALES_DIR)
    languages = languages or registry()
    facts = load_facts(directory)
    locales = {}
    for code in languages.selectable:
        path = directory / f"{code}.yml"
        if path.exists():
            locales[code] = load_locale(path, facts, languages[code])
    return Catalogue(locales, load_topics(directory), facts)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The catalogue from ``$LOCALES_DIR`` (default ``locales/``), read once."""
    return load_catalogue(settings().locales_dir)
