"""Coordinates: reading them safely and measuring great-circle distances."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

EARTH_RADIUS_KM = 6371.0088


class LocationError(ValueError):
    """A location that cannot be read as a latitude/longitude pair."""


@dataclass(frozen=True)
class Point:
    """A WGS84 position in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class Bounds:
    """A latitude/longitude box."""

    south: float
    north: float
    west: float
    east: float

    def contains(self, point: Point) -> bool:
        """Whether ``point`` lies inside the box."""
        return self.south <= point.lat <= self.north and self.west <= point.lon <= self.east


def _coordinate(value: Any, name: str, limit: float) -> float:
    if isinstance(value, bool) or value is None:
        raise LocationError(f"{name} is missing")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LocationError(f"{name} is not a number") from None
    if not math.isfinite(number):
        raise LocationError(f"{name} is not a finite number")
    if abs(number) > limit:
        raise LocationError(f"{name} is out of range")
    return number


def parse_point(value: Any) -> Point:
    """A Point from ``{"lat": .., "lon": ..}`` (also ``latitude``/``longitude``); LocationError otherwise."""
    if not isinstance(value, dict):
        raise LocationError("the location is not an object with lat and lon")
    lat = value.get("lat", value.get("latitude"))
    lon = value.get("lon", value.get("lng", value.get("longitude")))
    return Point(_coordinate(lat, "latitude", 90.0), _coordinate(lon, "longitude", 180.0))


def distance_km(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance between two points, in kilometres."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlambda = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def map_url(point: Point, zoom: int = 15) -> str:
    """An OpenStreetMap link centred on ``point`` (no marker claims an exact address)."""
    return f"https://www.openstreetmap.org/?mlat={point.lat:.5f}&mlon={point.lon:.5f}#map={zoom}/{point.lat:.5f}/{point.lon:.5f}"


def try_parse_point(value: Any) -> Optional[Point]:
    """Like parse_point, but None for anything unreadable."""
    try:
        return parse_point(value)
    except LocationError:
        return None
