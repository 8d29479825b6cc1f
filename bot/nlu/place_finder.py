"""Finding Borås place names in a message with spaCy.

``build_place_nlp`` makes a blank multilingual spaCy pipeline from the places data: a
component that gives every token a matching form (lower case, no diacritics, one spelling
for Arabic/Persian letter variants and Cyrillic і/и), then an EntityRuler with one token
pattern per name. The patterns accept common inflections and clitics by script:
"Norrbyn", "på Hässle", "u Norrbyju", "Хульті", "بنوربي", "ብሾቦ". Labels: ``district``
(value: district id) and ``place`` (value: meeting place id). Postcodes are found by a
regular expression (``find_postcodes``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, Iterable, List, Tuple

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from bot.places import PlaceDirectory

NORM_COMPONENT = "valkommen_place_norm"
RULER = "entity_ruler"
DISTRICT, PLACE, POSTCODE = "district", "place", "postcode"

#: Letter variants written interchangeably (Arabic vs Persian keyboards, Ukrainian vs Russian).
_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "آ": "ا",
    "і": "и", "ї": "и", "є": "е", "ё": "е", "ґ": "г", "ы": "и", "й": "и",
})
_DROP = {"\u200c", "\u200d", "\u0640", "\u00ad"}  # ZWNJ, ZWJ, tatweel, soft hyphen
_ETHIOPIC_PUNCT = "፡።፣፤፥፦፧፨"

#: Inflection endings per script: added to the name, or replacing a final vowel.
_SUFFIXES = {
    "latin": "n|en|s|ns|ju|ja|jem|om|u|a|i|e|ga|da|ka|ta|ha",
    "cyrillic": "а|у|и|е|ом|ою|ові|ам|і|ю",
    "arabic": "ی|ه|ها",
    "ethiopic": "ን|ውን|ዶ",
}
_PREFIXES = {
    "arabic": "(?:و|ف)?(?:ب|ل|ک|ال|بال|لل)?",
    "ethiopic": "(?:ብ|ን|ካብ|ናብ|ኣብ|ኣብቲ|ናይ|ኣብ-)?",
}
_VOWELS = "aeiouyåäöаеиоуюяэ"


def match_form(text: str) -> str:
    """The form names are matched in: lower case, no diacritics, unified letter variants."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and c not in _DROP)
    return unicodedata.normalize("NFC", kept).translate(_LETTERS).strip(_ETHIOPIC_PUNCT)


def _script(name: str) -> str:
    for char in name:
        if not char.isalpha():
            continue
        code = ord(char)
        if 0x0600 <= code <= 0x06FF or 0xFB50 <= code <= 0xFEFF:
            return "arabic"
        if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF:
            return "ethiopic"
        if 0x0400 <= code <= 0x04FF:
            return "cyrillic"
    return "latin"


def _token_regex(word: str, script: str, last: bool) -> str:
    form = re.escape(match_form(word))
    if not last:
        return f"^{form}$"
    suffixes = _SUFFIXES[script]
    stems = [form]
    if script in ("latin", "cyrillic") and len(form) > 3 and form[-1] in _VOWELS:
        stems.append(re.escape(match_form(word)[:-1]))
    return f"^{_PREFIXES.get(script, '')}(?:{'|'.join(stems)})(?:-?(?:{suffixes}))?$"


def name_pattern(name: str, label: str, value: str) -> Dict:
    """An EntityRuler token pattern for one name, accepting inflections of its last word."""
    words = name.split()
    script = _script(name)
    tokens = [{"NORM": {"REGEX": _token_regex(w, script, i == len(words) - 1)}} for i, w in enumerate(words)]
    return {"label": label, "pattern": tokens, "id": value}


def patterns(directory: PlaceDirectory) -> List[Dict]:
    """The EntityRuler patterns for every district and meeting place name."""
    found: List[Dict] = []
    for district in directory.districts:
        for name in district.all_names():
            found.append(name_pattern(name, DISTRICT, district.id))
    for place in directory.places:
        found.append(name_pattern(place.name, PLACE, place.id))
    return found


@Language.component(NORM_COMPONENT)
def set_match_forms(doc: Doc) -> Doc:
    """Gives every token its matching form as NORM."""
    for token in doc:
        token.norm_ = match_form(token.text)
    return doc


def build_place_nlp(directory: PlaceDirectory) -> Language:
    """A blank spaCy pipeline that finds the directory's districts and places."""
    nlp = spacy.blank("xx")
    nlp.add_pipe(NORM_COMPONENT)
    ruler = nlp.add_pipe("entity_ruler", name=RULER, config={"overwrite_ents": True})
    ruler.add_patterns(patterns(directory))
    return nlp


@dataclass(frozen=True)
class FoundPlace:
    """A place name (or postcode) found in a text."""

    label: str
    value: str
    start: int
    end: int
    text: str


_POSTCODE = re.compile(r"(?<!\d)([2-9]\d{2}) ?(\d{2})(?!\d)")


def find_postcodes(text: str) -> List[FoundPlace]:
    """Swedish-looking postcodes ("504 30", "50430"); 1xx xx is left out, so 114 14 is not one."""
    return [
        FoundPlace(POSTCODE, m.group(1) + m.group(2), m.start(), m.end(), m.group(0))
        for m in _POSTCODE.finditer(text)
    ]


def find_places(nlp: Language, text: str) -> List[FoundPlace]:
    """Districts and places named in ``text``, then postcodes, in text order."""
    doc = nlp(text)
    found = [FoundPlace(ent.label_, ent.ent_id_, ent.start_char, ent.end_char, ent.text) for ent in doc.ents]
    taken: Iterable[Tuple[int, int]] = [(f.start, f.end) for f in found]
    for postcode in find_postcodes(text):
        if not any(s < postcode.end and postcode.start < e for s, e in taken):
            found.append(postcode)
    return sorted(found, key=lambda f: f.start)
