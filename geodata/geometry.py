"""Distances and drawable lines for travel legs.

Why: the planner estimates road and sea distances from straight-line ones, and the
coordinators' map draws each leg. Sea and air legs are long (Kumai to Semarang is ~600 km),
so they are drawn along the great circle, as a ship's or plane's track roughly runs; road
and rail legs are drawn as a straight segment between their ends, since the real road is
unknown here and a curve would suggest a precision the data does not have.
"""

from __future__ import annotations

import math
from typing import Final

import shapely
from pyproj import Geod

EARTH_RADIUS_KM: Final = 6371.0088
"""Mean Earth radius (IUGG), the usual choice for haversine distances."""

ARC_MODES: Final = frozenset({"ferry", "flight"})
"""Modes drawn along the great circle."""
STRAIGHT_MODES: Final = frozenset({"car", "bus", "train"})
"""Road and rail modes, drawn as a straight two-point segment."""

#: Indonesia's bounding box (degrees), with a margin for outlying islands.
INDONESIA_LAT: Final = (-11.5, 6.5)
INDONESIA_LON: Final = (94.5, 141.5)

_GEOD: Final = Geod(ellps="WGS84")


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points (haversine on a sphere)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def leg_line(
    from_lat: float,
    from_lon: float,
    to_lat: float,
    to_lon: float,
    mode: str,
    points: int = 32,
) -> shapely.LineString:
    """The line to draw for a leg, in (lon, lat) order as GeoJSON and shapely expect.

    ``ferry`` and ``flight`` legs follow the geodesic with ``points`` vertices (ends
    included); ``car``, ``bus`` and ``train`` legs are the two end points. An unknown mode
    raises ValueError rather than drawing something misleading.
    """
    normalised = mode.strip().lower()
    start = (from_lon, from_lat)
    end = (to_lon, to_lat)
    if normalised in STRAIGHT_MODES:
        return shapely.LineString([start, end])
    if normalised not in ARC_MODES:
        known = ", ".join(sorted(ARC_MODES | STRAIGHT_MODES))
        raise ValueError(f"unknown travel mode {mode!r}; expected one of: {known}")
    if points < 2:
        raise ValueError(f"a line needs at least 2 points, got {points}")
    middle = _GEOD.npts(from_lon, from_lat, to_lon, to_lat, points - 2) if points > 2 else []
    return shapely.LineString([start, *((lon, lat) for lon, lat in middle), end])


def in_indonesia(lat: float, lon: float) -> bool:
    """Whether a point lies in Indonesia's bounding box: a cheap guard against swapped
    lat/lon or a sign error in input data, not a border test."""
    return INDONESIA_LAT[0] <= lat <= INDONESIA_LAT[1] and INDONESIA_LON[0] <= lon <= INDONESIA_LON[1]
