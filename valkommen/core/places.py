"""Meeting places and districts: one loader for the project's YAML and the city's GeoJSON.

``load_directory()`` reads ``PLACES_FILE`` (default ``data/meeting_places.yml``), which may be
the project's YAML (places and districts) or a GeoJSON FeatureCollection of points exported
by the city (places only; the districts then come from ``DISTRICTS_FILE``, default the
project's YAML). Both are validated: a missing name, coordinates outside Borås or a
duplicate id stop the loader with a PlacesDataError naming the file and the entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from valkommen.core.geo import Bounds, LocationError, Point, distance_km, parse_point
from valkommen.core.languages import SCRIPTS
from valkommen.core.paths import ROOT
from valkommen.core.settings import settings

DEFAULT_FILE = ROOT / "data" / "meeting_places.yml"
PRECISIONS = ("exact", "approximate")


class PlacesDataError(ValueError):
    """The places data cannot be used; the message says which file and entry."""


@dataclass(frozen=True)
class Place:
    """A meeting place."""

    id: str
    name: str
    district: Optional[str]
    serves: Tuple[str, ...]
    offers: Tuple[str, ...]
    url: Optional[str]
    address: Optional[str]
    point: Point
    precision: str

    @property
    def lat(self) -> float:
        return self.point.lat

    @property
    def lon(self) -> float:
        return self.point.lon


@dataclass(frozen=True)
class District:
    """A district or neighbourhood, with its names per script."""

    id: str
    names: Mapping[str, Tuple[str, ...]]
    point: Optional[Point]
    postcodes: Tuple[str, ...] = ()

    def all_names(self) -> List[str]:
        """Every name of the district, in every script."""
        return [name for script in self.names.values() for name in script]


@dataclass(frozen=True)
class Municipality:
    """The municipality's bounds, centre and postcode range."""

    bounds: Bounds
    centre: Point
    postcode_range: Tuple[int, int]

    def has_postcode(self, postcode: str) -> bool:
        digits = "".join(ch for ch in postcode if ch.isdigit())
        return len(digits) == 5 and self.postcode_range[0] <= int(digits) <= self.postcode_range[1]


@dataclass
class PlaceDirectory:
    """Every place and district, with the look-ups the actions need."""

    places: List[Place]
    districts: List[District]
    municipality: Municipality
    _by_id: Dict[str, Place] = field(init=False, repr=False)
    _districts: Dict[str, District] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {place.id: place for place in self.places}
        self._districts = {district.id: district for district in self.districts}

    def place(self, place_id: Any) -> Optional[Place]:
        """The place with this id, or None."""
        return self._by_id.get(place_id) if isinstance(place_id, str) else None

    def district(self, district_id: Any) -> Optional[District]:
        """The district with this id, or None."""
        return self._districts.get(district_id) if isinstance(district_id, str) else None

    def nearest(self, point: Point) -> Tuple[Place, float]:
        """The place nearest to ``point`` and its distance in km."""
        return min(((p, distance_km(point, p.point)) for p in self.places), key=lambda pair: pair[1])

    def in_municipality(self, point: Point) -> bool:
        """Whether ``point`` lies within the municipality's bounds."""
        return self.municipality.bounds.contains(point)

    def for_district(self, district_id: str) -> Optional[Place]:
        """The place serving a district; else the one nearest to the district's centre."""
        serving = [p for p in self.places if district_id in p.serves or p.district == district_id]
        if serving:
            return serving[0]
        district = self.district(district_id)
        if district is None or district.point is None:
            return None
        return self.nearest(district.point)[0]

    def for_postcode(self, postcode: str) -> Optional[Place]:
        """The place for a postcode, when the data maps the postcode to a district."""
        digits = "".join(ch for ch in postcode if ch.isdigit())
        for district in self.districts:
            if digits in district.postcodes:
                return self.for_district(district.id)
        return None


def _fail(source: Path, where: str, problem: str) -> PlacesDataError:
    return PlacesDataError(f"{source}: {where}: {problem}")


def _point(value: Any, source: Path, where: str) -> Point:
    try:
        return parse_point(value)
    except LocationError as error:
        raise _fail(source, where, f"bad coordinates ({error})") from None


def _strings(value: Any, source: Path, where: str, key: str) -> Tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(source, where, f"{key} must be a list of texts")
    return tuple(v.strip() for v in value)


def _place(raw: Any, point: Point, source: Path, where: str, precision: Any) -> Place:
    if not isinstance(raw, dict):
        raise _fail(source, where, "not a mapping")
    place_id = raw.get("id")
    if not isinstance(place_id, str) or not place_id.strip():
        raise _fail(source, where, "missing id")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, f"{where} ({place_id})", "missing name")
    precision = precision or "approximate"
    if precision not in PRECISIONS:
        raise _fail(source, f"{where} ({place_id})", f"precision must be one of {PRECISIONS}")
    address = raw.get("address")
    return Place(
        id=place_id.strip(),
        name=name.strip(),
        district=raw.get("district") if isinstance(raw.get("district"), str) else None,
        serves=_strings(raw.get("serves"), source, where, "serves"),
        offers=_strings(raw.get("offers"), source, where, "offers"),
        url=raw.get("url") if isinstance(raw.get("url"), str) else None,
        address=address.strip() if isinstance(address, str) and address.strip() else None,
        point=point,
        precision=precision,
    )


def _yaml_places(data: dict, source: Path) -> List[Place]:
    places = []
    for index, raw in enumerate(data.get("meeting_places") or []):
        where = f"meeting_places[{index}]"
        location = raw.get("location") if isinstance(raw, dict) else None
        point = _point(location, source, where)
        places.append(_place(raw, point, source, where, (location or {}).get("precision")))
    return places


def _geojson_places(data: dict, source: Path) -> List[Place]:
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise _fail(source, "top level", "a GeoJSON FeatureCollection is expected")
    places = []
    for index, feature in enumerate(data["features"]):
        where = f"features[{index}]"
        geometry = (feature or {}).get("geometry") or {}
        coords = geometry.get("coordinates")
        if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            raise _fail(source, where, "geometry must be a Point with [lon, lat]")
        point = _point({"lat": coords[1], "lon": coords[0]}, source, where)
        properties = dict(feature.get("properties") or {})
        properties.setdefault("id", feature.get("id"))
        places.append(_place(properties, point, source, where, properties.get("precision")))
    return places


def _districts(data: dict, source: Path) -> List[District]:
    districts = []
    for index, raw in enumerate(data.get("districts") or []):
        where = f"districts[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise _fail(source, where, "missing id")
        names = raw.get("names") or {}
        unknown = set(names) - set(SCRIPTS)
        if unknown:
            raise _fail(source, where, f"unknown scripts {sorted(unknown)}; use {SCRIPTS}")
        location = raw.get("location")
        districts.append(
            District(
                id=raw["id"],
                names={script: _strings(names[script], source, where, f"names.{script}") for script in names},
                point=_point(location, source, where) if location else None,
                postcodes=tuple("".join(ch for ch in str(p) if ch.isdigit()) for p in raw.get("postcodes") or []),
            )
        )
    return districts


def _municipality(data: dict, source: Path) -> Municipality:
    raw = data.get("municipality")
    if not isinstance(raw, dict):
        raise _fail(source, "municipality", "missing (bounds, centre, postcode_range)")
    bounds = raw.get("bounds") or {}
    low, high = (raw.get("postcode_range") or ["0", "0"])[:2]
    try:
        box = Bounds(float(bounds["south"]), float(bounds["north"]), float(bounds["west"]), float(bounds["east"]))
    except (KeyError, TypeError, ValueError):
        raise _fail(source, "municipality.bounds", "needs numeric south, north, west, east") from None
    return Municipality(box, _point(raw.get("centre"), source, "municipality.centre"), (int(low), int(high)))


def _read(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlacesDataError(f"{path}: cannot read ({error.strerror})") from None
    try:
        data = json.loads(text) if path.suffix.lower() in (".geojson", ".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise PlacesDataError(
            f"{path}: not valid {'JSON' if path.suffix.lower() in ('.geojson', '.json') else 'YAML'} ({error})"
        ) from None
    if not isinstance(data, dict):
        raise PlacesDataError(f"{path}: the file must hold a mapping")
    return data


def _check(directory: PlaceDirectory, source: Path) -> None:
    seen: Dict[str, int] = {}
    for place in directory.places:
        seen[place.id] = seen.get(place.id, 0) + 1
        if not directory.in_municipality(place.point):
            raise _fail(source, place.id, f"coordinates {place.lat}, {place.lon} are outside Borås")
    duplicates = sorted(pid for pid, count in seen.items() if count > 1)
    if duplicates:
        raise _fail(source, "places", f"duplicate ids {duplicates}")
    district_ids = [d.id for d in directory.districts]
    if len(set(district_ids)) != len(district_ids):
        raise _fail(source, "districts", "duplicate district ids")
    if not directory.places:
        raise _fail(source, "places", "no meeting places")


def load_directory(path: Optional[Path] = None, districts_path: Optional[Path] = None) -> PlaceDirectory:
    """Reads and validates the places (YAML or GeoJSON) and the districts."""
    config = settings()
    path = Path(path or config.places_file)
    districts_path = Path(districts_path or config.districts_file)
    data = _read(path)
    places = _geojson_places(data, path) if "features" in data or data.get("type") else _yaml_places(data, path)
    district_data = data if "districts" in data else _read(districts_path)
    directory = PlaceDirectory(
        places=places,
        districts=_districts(district_data, districts_path if district_data is not data else path),
        municipality=_municipality(district_data if "municipality" in district_data else data, path),
    )
    _check(directory, path)
    return directory


def load_places(path: Optional[Path] = None) -> List[Place]:
    """The meeting places only (see load_directory)."""
    return load_directory(path).places


def place_names(places: Sequence[Place]) -> Dict[str, str]:
    """Place id → name."""
    return {place.id: place.name for place in places}


__all__ = [
    "Place",
    "District",
    "PlaceDirectory",
    "PlacesDataError",
    "load_directory",
    "load_places",
    "place_names",
]
