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
import weakref
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple, cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc

from valkommen.core.places import PlaceDirectory
from valkommen.nlu.spacy_tokenizer import make_doc

NORM_COMPONENT = "valkommen_place_norm"
RULER = "entity_ruler"
DISTRICT, PLACE, POSTCODE = "district", "place", "postcode"

#: Letter variants written interchangeably (Arabic vs Persian keyboards, Ukrainian vs Russian).
_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "і": "и",
        "ї": "и",
        "є": "е",
        "ё": "е",
        "ґ": "г",
        "ы": "и",
        "й": "и",
    }
)
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
    # spaCy types add_pipe/get_pipe as returning Pipe; this one is an EntityRuler.
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", name=RULER, config={"overwrite_ents": True}))
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
    return [FoundPlace(POSTCODE, m.group(1) + m.group(2), m.start(), m.end(), m.group(0)) for m in _POSTCODE.finditer(text)]


#: Stands between candidate tokens that are not neighbours in the text (matches no name).
_GAP = "|"

#: Per ruler: (its pattern count, the combined NORM regex) as _token_regexes last computed them.
_TOKEN_REGEXES: "weakref.WeakKeyDictionary[EntityRuler, Tuple[int, Optional[re.Pattern[str]]]]" = weakref.WeakKeyDictionary()


def _token_regexes(nlp: Language) -> Optional["re.Pattern[str]"]:
    """One regular expression matching every NORM some pattern token accepts; None if the ruler
    has patterns of another kind (then every token is a candidate)."""
    ruler = cast(EntityRuler, nlp.get_pipe(RULER))
    cached = _TOKEN_REGEXES.get(ruler)
    if cached is not None and cached[0] == len(ruler):
        return cached[1]
    regexes = set()
    combined: Optional["re.Pattern[str]"] = None
    for pattern in ruler.patterns:
        tokens = pattern.get("pattern")
        if not isinstance(tokens, list):
            break
        for token in tokens:
            value = token.get("NORM") if isinstance(token, dict) and len(token) == 1 else None
            if not (isinstance(value, dict) and list(value) == ["REGEX"]):
                break
            regexes.add(value["REGEX"])
        else:
            continue
        break
    else:
        combined = re.compile("|".join(f"(?:{r})" for r in sorted(regexes))) if regexes else None
    _TOKEN_REGEXES[ruler] = (len(ruler), combined)
    return combined


def _candidate_doc(nlp: Language, doc: Doc) -> Tuple[Optional[Doc], List[Optional[int]]]:
    """The tokens of ``doc`` some name pattern could match, in order, ``_GAP`` between
    non-neighbours; and for each of its tokens the index of the token in ``doc`` (None for a gap).

    (None, []) when any token could be a candidate (patterns other than NORM regexes).
    """
    regexes = _token_regexes(nlp)
    if regexes is None:
        return None, []
    verdicts: Dict[str, bool] = {}
    words: List[str] = []
    origin: List[Optional[int]] = []
    for token in doc:
        form = match_form(token.text)
        verdict = verdicts.get(form)
        if verdict is None:
            verdict = verdicts[form] = regexes.search(form) is not None
        if not verdict:
            continue
        if origin and origin[-1] != token.i - 1:
            words.append(_GAP)
            origin.append(None)
        words.append(token.text)
        origin.append(token.i)
    return Doc(nlp.vocab, words=words, spaces=[True] * len(words)), origin


def find_places(nlp: Language, text: str) -> List[FoundPlace]:
    """Districts and places named in ``text``, then postcodes, in text order.

    The work is linear in the length of the text, and small: the text is tokenised with
    ``make_doc`` (spaCy's own tokenizer is quadratic on long runs of punctuation or emoji), and
    the EntityRuler, which tries every pattern on every token it is given, is given only the
    tokens some pattern could match (neighbours stay neighbours, others are kept apart), so a
    message of 2,000 punctuation marks, emoji or repeated words costs about as much as "hej".
    The entities are the same as those of ``nlp(text)``.
    """
    doc = make_doc(nlp, text)
    candidates, origin = _candidate_doc(nlp, doc)
    if candidates is None:
        found = [FoundPlace(ent.label_, ent.ent_id_, ent.start_char, ent.end_char, ent.text) for ent in nlp(doc).ents]
    else:
        found = []
        for ent in nlp(candidates).ents if len(candidates) else ():
            first, last = doc[origin[ent.start]], doc[origin[ent.end - 1]]
            start, end = first.idx, last.idx + len(last.text)
            found.append(FoundPlace(ent.label_, ent.ent_id_, start, end, text[start:end]))
    taken: Iterable[Tuple[int, int]] = [(f.start, f.end) for f in found]
    for postcode in find_postcodes(text):
        if not any(s < postcode.end and postcode.start < e for s, e in taken):
            found.append(postcode)
    return sorted(found, key=lambda f: f.start)
