"""The languages Välkommen speaks, read from the registry ``languages.yml`` at the repository root.

Every per-language fact (names, script, direction, spaCy and lingua names, detection hints,
aliases, reading variants) lives there; this module reads it and keeps the names the rest of the
code uses (``SUPPORTED_LANGUAGES``, ``normalise_language`` ...). ``load_registry(path)`` reads
another registry (a copy of the project in a test); the functions that use one take it as a
``languages`` parameter, the project's registry when it is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Dict, Mapping, Optional, Tuple

import yaml

from valkommen.core.paths import ROOT

DEFAULT_LANGUAGES_FILE = ROOT / "languages.yml"
#: The scripts the detector recognises (valkommen/nlu/detection.py) and place names are written in.
SCRIPTS: Tuple[str, ...] = ("latin", "arabic", "ethiopic", "cyrillic")
DIRECTIONS = ("ltr", "rtl")
#: spaCy's multilingual rules, for a language spaCy has none for.
MULTILINGUAL = "xx"


class RegistryError(ValueError):
    """``languages.yml`` is not a valid language registry."""


@dataclass(frozen=True)
class Hints:
    """What tells a language from its same-script neighbours: distinctive letters, common words."""

    letters: str = ""
    words: Tuple[str, ...] = ()


@dataclass(frozen=True)
class LatinWriting:
    """How the users of a language with a script of its own write it in Latin letters on a phone
    (Arabizi, Persian "Finglish", Latin-letter Tigrinya or Ukrainian): very common words in that
    spelling that the Latin-script languages do not use, and the digits written for letters inside
    words (Arabizi: 3 for ع, 7 for ح, 2 for ء)."""

    words: Tuple[str, ...] = ()
    digits: str = ""


@dataclass(frozen=True)
class Language:
    """One entry of the registry."""

    code: str
    english_name: str
    name: str
    script: str
    direction: str
    spacy: str = MULTILINGUAL
    lingua: Tuple[str, ...] = ()
    hints: Hints = Hints()
    aliases: Tuple[str, ...] = ()
    variant_of: Optional[str] = None
    other_scripts: Tuple[str, ...] = ()
    latin_writing: Optional[LatinWriting] = None

    @property
    def scripts(self) -> Tuple[str, ...]:
        """Every script the language is written in, its main one first."""
        return (self.script, *self.other_scripts)

    @property
    def is_variant(self) -> bool:
        """A reading variant (easy Swedish) of another language."""
        return self.variant_of is not None


@dataclass(frozen=True)
class Registry:
    """The languages of one ``languages.yml``, in the order users are offered them."""

    languages: Tuple[Language, ...]
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {entry.code: entry for entry in self.languages})
        aliases = {alias: entry.code for entry in self.languages for alias in entry.aliases}
        object.__setattr__(self, "_aliases", aliases)

    @property
    def supported(self) -> Tuple[str, ...]:
        """The languages (with NLU examples of their own), without reading variants."""
        return tuple(entry.code for entry in self.languages if not entry.is_variant)

    @property
    def variants(self) -> Dict[str, str]:
        """Reading variant → the language it is written in."""
        return {entry.code: entry.variant_of for entry in self.languages if entry.variant_of}

    @property
    def selectable(self) -> Tuple[str, ...]:
        """Every code a user can choose: the languages, then the reading variants."""
        return self.supported + tuple(self.variants)

    @property
    def aliases(self) -> Mapping[str, str]:
        """Other tags for our languages (``hr`` → ``bs``)."""
        return dict(self._aliases)  # type: ignore[attr-defined]

    def get(self, code: Optional[str]) -> Optional[Language]:
        """The entry of ``code`` (exactly as registered), or None."""
        return self._by_code.get(code or "")  # type: ignore[attr-defined]

    def __getitem__(self, code: str) -> Language:
        entry = self.get(code)
        if entry is None:
            raise KeyError(code)
        return entry

    def written_in(self, script: str) -> Tuple[str, ...]:
        """The languages (not variants) whose main script is ``script``, in registry order."""
        return tuple(e.code for e in self.languages if not e.is_variant and e.script == script)

    def also_written_in(self, script: str) -> Tuple[str, ...]:
        """The languages (not variants) that write ``script`` as one of their other scripts."""
        return tuple(e.code for e in self.languages if not e.is_variant and script in e.other_scripts)

    def latin_writers(self) -> Tuple[str, ...]:
        """The languages (not variants) with another script whose users also write them in Latin
        letters (an entry with ``latin_writing``), in registry order."""
        return tuple(e.code for e in self.languages if not e.is_variant and e.latin_writing is not None)

    def normalise(self, code: Optional[str]) -> Optional[str]:
        """See ``normalise_language``."""
        if not code or not isinstance(code, str):
            return None
        tag = code.strip().lower().replace("_", "-")
        variants = self.variants
        if tag in variants:
            return tag
        base = tag.split("-")[0]
        base = self._aliases.get(base, base)  # type: ignore[attr-defined]
        return base if base in self.supported else None

    def base(self, code: str) -> str:
        """See ``base_language``."""
        return self.variants.get(code, code)


def _strings(value: object, where: str) -> Tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise RegistryError(f"{where} must be a list of strings")
    return tuple(value)


def _language(raw: object, index: int, bases: Mapping[str, Mapping[str, object]]) -> Language:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str):
        raise RegistryError(f"languages[{index}] needs a code")
    code = raw["code"]
    known = {
        "code",
        "english_name",
        "name",
        "script",
        "other_scripts",
        "direction",
        "spacy",
        "lingua",
        "hints",
        "aliases",
        "variant_of",
        "latin_writing",
    }
    unknown = set(raw) - known
    if unknown:
        raise RegistryError(f"{code}: unknown fields {sorted(unknown)}")
    variant_of = raw.get("variant_of")
    inherited = dict(bases.get(str(variant_of), {})) if variant_of else {}
    if variant_of and not inherited:
        raise RegistryError(f"{code}: variant_of {variant_of!r} is not a language listed before it")
    field = lambda key, default=None: raw.get(key, inherited.get(key, default))  # noqa: E731
    for key in ("english_name", "name"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RegistryError(f"{code}: {key} must be a non-empty text")
    script, direction = field("script"), field("direction")
    if script not in SCRIPTS:
        raise RegistryError(f"{code}: script must be one of {SCRIPTS}")
    other_scripts = _strings(field("other_scripts"), f"{code}: other_scripts")
    if not set(other_scripts) <= set(SCRIPTS) - {script}:
        raise RegistryError(f"{code}: other_scripts must be scripts of {SCRIPTS} other than {script}")
    if direction not in DIRECTIONS:
        raise RegistryError(f"{code}: direction must be ltr or rtl")
    hints = raw.get("hints") or {}
    if not isinstance(hints, dict) or set(hints) - {"letters", "words"} or not isinstance(hints.get("letters", ""), str):
        raise RegistryError(f"{code}: hints has letters (a text) and words (a list)")
    latin_writing = _latin_writing(raw.get("latin_writing"), code, script)
    spacy = field("spacy", MULTILINGUAL)
    if not isinstance(spacy, str) or not spacy:
        raise RegistryError(f"{code}: spacy must be a spaCy language code or {MULTILINGUAL}")
    return Language(
        code=code,
        english_name=raw["english_name"].strip(),
        name=raw["name"].strip(),
        script=script,
        direction=direction,
        spacy=spacy,
        lingua=_strings(raw.get("lingua"), f"{code}: lingua"),
        hints=Hints(
            letters="".join(dict.fromkeys(hints.get("letters", "").replace(" ", "").lower())),
            words=tuple(word.lower() for word in _strings(hints.get("words"), f"{code}: hints.words")),
        ),
        aliases=tuple(alias.lower() for alias in _strings(raw.get("aliases"), f"{code}: aliases")),
        variant_of=str(variant_of) if variant_of else None,
        other_scripts=other_scripts,
        latin_writing=latin_writing,
    )


def _latin_writing(raw: object, code: str, script: object) -> Optional[LatinWriting]:
    """The ``latin_writing`` of an entry: ``{words: [...], digits: "2357"}``; None if it has none."""
    if raw is None:
        return None
    if script == "latin":
        raise RegistryError(f"{code}: latin_writing is for a language with a script of its own")
    if not isinstance(raw, dict) or set(raw) - {"words", "digits"}:
        raise RegistryError(f"{code}: latin_writing has words (a list) and digits (a text)")
    digits = raw.get("digits", "")
    if not isinstance(digits, (str, int)) or not str(digits).isdigit() and digits != "":
        raise RegistryError(f"{code}: latin_writing.digits must be digits")
    words = tuple(word.lower() for word in _strings(raw.get("words"), f"{code}: latin_writing.words"))
    if not words or not all(word.isascii() for word in words):
        raise RegistryError(f"{code}: latin_writing.words must be words in Latin letters")
    return LatinWriting(words=words, digits="".join(dict.fromkeys(str(digits))))


def parse_registry(data: object, where: str = "languages.yml") -> Registry:
    """A ``Registry`` from the parsed YAML of a registry file; ``RegistryError`` if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("languages"), list):
        raise RegistryError(f"{where} needs a list 'languages'")
    entries = []
    bases: Dict[str, Mapping[str, object]] = {}
    try:
        for index, raw in enumerate(data["languages"]):
            entry = _language(raw, index, bases)
            if not entry.is_variant:
                bases[entry.code] = raw
            entries.append(entry)
    except RegistryError as error:
        raise RegistryError(f"{where}: {error}") from None
    codes = [entry.code for entry in entries]
    if len(set(codes)) != len(codes):
        raise RegistryError(f"{where}: a code is listed twice")
    aliases = [alias for entry in entries for alias in entry.aliases]
    if len(set(aliases)) != len(aliases) or set(aliases) & set(codes):
        raise RegistryError(f"{where}: an alias is listed twice or is a language code")
    source = data.get("source_language")
    if source not in bases:
        raise RegistryError(f"{where}: source_language must be one of the languages")
    return Registry(tuple(entries), source)


@cache
def load_registry(path: Optional[Path] = None) -> Registry:
    """The registry in ``path`` (default: ``languages.yml`` at the repository root), read once."""
    path = Path(path or DEFAULT_LANGUAGES_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RegistryError(f"{path.name} is not valid YAML: {error}") from error
    return parse_registry(data, path.name)


def registry() -> Registry:
    """The project's registry, ``languages.yml`` at the repository root, read once."""
    return load_registry(None)


def language(code: str) -> Language:
    """The registry entry of ``code``; ``KeyError`` if there is none."""
    return registry()[code]


_DEFAULT = registry()

#: Language codes in the order they are offered to users. Swedish is the source language.
SUPPORTED_LANGUAGES: Tuple[str, ...] = _DEFAULT.supported

#: Answers are written in this language first; it is the fallback for missing translations.
SOURCE_LANGUAGE = _DEFAULT.source

#: Reading variants a user can choose like a language; each maps to the language it is
#: written in. They have their own locale file but no NLU examples of their own.
READING_VARIANTS: Dict[str, str] = _DEFAULT.variants

#: Every code a user can choose: the languages, then the reading variants.
SELECTABLE_LANGUAGES: Tuple[str, ...] = _DEFAULT.selectable


def normalise_language(code: Optional[str], languages: Optional[Registry] = None) -> Optional[str]:
    """Map a language tag from a channel (``ar-SY``, ``HR``, ``prs``) to a selectable code.

    Reading variants (``sv-easy``) are kept as they are. Returns None when the tag names
    no supported language. ``languages``: another registry than the project's.
    """
    return (languages or _DEFAULT).normalise(code)


def base_language(code: str, languages: Optional[Registry] = None) -> str:
    """The language a code is written in: ``sv`` for ``sv-easy``, the code itself otherwise."""
    return (languages or _DEFAULT).base(code)
