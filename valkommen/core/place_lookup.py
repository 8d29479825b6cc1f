"""Which meeting place a message is about, and the reply that names it.

Plain helpers (no Rasa, no Telegram): ``resolve`` picks the place from what the user sent
(a shared location, a district, a meeting place or a postcode named in the message, the page
the widget sits on); ``render`` turns the result into text and a venue payload in the user's
language, with every word from ``locales/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional

from valkommen.core.geo import LocationError, map_url, parse_point
from valkommen.core.languages import Registry, registry
from valkommen.core.locales import Catalogue, LocaleError
from valkommen.core.places import District, Place, PlaceDirectory


def language_script(language: Optional[str], languages: Optional[Registry] = None) -> str:
    """The script ``language`` writes place names in (its main script in ``languages.yml``;
    Latin for a code not in the registry)."""
    entry = (languages or registry()).get(language)
    return entry.script if entry else "latin"


# Outcomes of resolve().
NEAREST, DISTRICT, NEARBY, NAMED, PAGE = "nearest", "district", "nearby", "named", "page"
ASK, OUTSIDE, BAD_LOCATION, POSTCODE_UNKNOWN, POSTCODE_OUTSIDE = (
    "ask",
    "outside",
    "bad_location",
    "postcode_unknown",
    "postcode_outside",
)
FOUND = (NEAREST, DISTRICT, NEARBY, NAMED, PAGE)


@dataclass(frozen=True)
class Lookup:
    """The outcome of looking a place up."""

    outcome: str
    place: Optional[Place] = None
    district: Optional[District] = None
    postcode: Optional[str] = None


def _entity(entities: Iterable[Mapping[str, Any]], name: str) -> Optional[str]:
    for entity in entities:
        if entity.get("entity") == name and isinstance(entity.get("value"), str):
            return entity["value"]
    return None


def resolve(directory: PlaceDirectory, metadata: Mapping[str, Any], entities: List[Mapping[str, Any]]) -> Lookup:
    """The place the user means: shared location, then names in the message, then the page."""
    if "location" in metadata:
        try:
            point = parse_point(metadata["location"])
        except LocationError:
            return Lookup(BAD_LOCATION)
        if not directory.in_municipality(point):
            return Lookup(OUTSIDE)
        return Lookup(NEAREST, place=directory.nearest(point)[0])
    place = directory.place(_entity(entities, "place"))
    if place is not None:
        return Lookup(NAMED, place=place, district=directory.district(place.district))
    district = directory.district(_entity(entities, "district"))
    if district is not None:
        place = directory.for_district(district.id)
        if place is not None:
            serves = district.id in place.serves or place.district == district.id
            return Lookup(DISTRICT if serves else NEARBY, place=place, district=district)
    postcode = _entity(entities, "postcode")
    if postcode is not None:
        if not directory.municipality.has_postcode(postcode):
            return Lookup(POSTCODE_OUTSIDE, postcode=postcode)
        place = directory.for_postcode(postcode)
        if place is None:
            return Lookup(POSTCODE_UNKNOWN, postcode=postcode)
        return Lookup(DISTRICT, place=place, district=directory.district(place.district), postcode=postcode)
    page = directory.place(metadata.get("meeting_place"))
    if page is not None:
        return Lookup(PAGE, place=page, district=directory.district(page.district))
    return Lookup(ASK)


def district_name(district: Optional[District], language: str, fallback: str = "") -> str:
    """A district's name as written in the language's script (Latin when there is none)."""
    if district is None:
        return fallback
    names = district.names.get(language_script(language)) or district.names.get("latin") or ()
    return names[0] if names else district.id


def format_postcode(postcode: str) -> str:
    """ "50430" → "504 30"."""
    return f"{postcode[:3]} {postcode[3:]}" if len(postcode) == 5 else postcode


def venue(place: Place, district_label: str) -> Dict[str, Any]:
    """The structured venue payload channels render natively (no unverified address)."""
    return {
        "id": place.id,
        "name": place.name,
        "district": district_label,
        "address": place.address,
        "lat": place.lat,
        "lon": place.lon,
        "precision": place.precision,
        "url": place.url,
        "map_url": map_url(place.point),
    }


@dataclass(frozen=True)
class PlaceReply:
    """What the assistant says: text, and a venue payload when a place was found."""

    text: str
    venue: Optional[Dict[str, Any]] = None
    ask_location: bool = False


def render(catalogue: Catalogue, directory: PlaceDirectory, language: str, lookup: Lookup) -> PlaceReply:
    """The reply for ``lookup`` in ``language``."""
    say = lambda key, **values: catalogue.interface(key, language).format(**values)  # noqa: E731
    if lookup.outcome not in FOUND or lookup.place is None:
        postcode = format_postcode(lookup.postcode or "")
        key = {
            OUTSIDE: "place_outside",
            BAD_LOCATION: "place_bad_location",
            POSTCODE_UNKNOWN: "place_postcode_unknown",
            POSTCODE_OUTSIDE: "place_postcode_outside",
        }
        text = say(key.get(lookup.outcome, "place_ask_location"), postcode=postcode)
        # An unrecognised postcode may still be in the municipality (its postcodes are not all
        # known): ask for the location or the area, as for a postcode without a district.
        return PlaceReply(text, ask_location=lookup.outcome != OUTSIDE)
    place = lookup.place
    place_district = district_name(directory.district(place.district), language, place.name)
    heading_key = {
        NEAREST: "place_heading_nearest",
        DISTRICT: "place_heading_district",
        NEARBY: "place_heading_nearby",
        NAMED: "place_heading_district",
        PAGE: "place_heading_page",
    }
    district = place_district if lookup.outcome in (NEAREST, NAMED, PAGE) else district_name(lookup.district, language)
    lines = [say(heading_key[lookup.outcome], name=place.name, district=district, place_district=place_district)]
    if place.offers:
        offers = ", ".join(offer_label(catalogue, offer, language) for offer in place.offers)
        lines.append(say("place_offers", offers=offers))
    url = place.url or catalogue.topics["meeting_place"].source
    lines.append(say("place_links", url=url, map_url=map_url(place.point)))
    return PlaceReply("\n".join(lines), venue=venue(place, place_district))


def offer_label(catalogue: Catalogue, offer: str, language: str) -> str:
    """What a place offers, from ``offer_<id>`` in locales; a data file's own wording otherwise."""
    try:
        return catalogue.interface(f"offer_{offer}", language)
    except LocaleError:
        return offer


def district_buttons(directory: PlaceDirectory, language: str) -> List[Dict[str, str]]:
    """One button per district; pressing it looks up that district's meeting place."""
    return [
        {"title": district_name(d, language), "payload": f'/meeting_place{{"district":"{d.id}"}}'} for d in directory.districts
    ]
