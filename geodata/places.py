"""GeoDataFrames of locations and gazetteer places, for maps and spatial joins.

Why a separate module: geopandas is heavy and the planner core must not import it (see
the import-linter contract), so only the map and export layers import this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final, Protocol

import geopandas
import shapely

from geodata.gazetteer import all_places

CRS: Final = "EPSG:4326"
"""WGS84 longitude/latitude, the CRS of every frame built here."""

LOCATION_COLUMNS: Final = ("location_id", "name", "kind", "province")


class HasLatLon(Protocol):
    """Anything with an id, a name, a kind, a province and WGS84 coordinates (read-only
    properties, so frozen dataclasses and pydantic models both qualify)."""

    @property
    def location_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def province(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


def _ensure_wgs84(frame: geopandas.GeoDataFrame) -> geopandas.GeoDataFrame:
    """Raise unless the frame is in EPSG:4326: a map drawn in the wrong CRS puts people in
    the sea, silently. (Not an assert, which ``python -O`` would strip.)"""
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ValueError(f"expected CRS {CRS}, got {frame.crs}")
    return frame


def _frame(columns: dict[str, list[Any]], lons: list[float], lats: list[float]) -> geopandas.GeoDataFrame:
    geometry = [shapely.Point(lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    frame = geopandas.GeoDataFrame(columns, geometry=geopandas.GeoSeries(geometry, crs=CRS), crs=CRS)
    return _ensure_wgs84(frame)


def places_frame(locations: Iterable[HasLatLon]) -> geopandas.GeoDataFrame:
    """One row per location: location_id, name, kind, province and a Point geometry."""
    items = list(locations)
    columns: dict[str, list[Any]] = {
        "location_id": [item.location_id for item in items],
        "name": [item.name for item in items],
        "kind": [item.kind for item in items],
        "province": [item.province for item in items],
    }
    return _frame(columns, [item.lon for item in items], [item.lat for item in items])


def gazetteer_frame() -> geopandas.GeoDataFrame:
    """Every gazetteer place with the same columns as :func:`places_frame` (location_id is
    the place_id, kind is 'regency' or 'city') plus ``seat``, at the seat's Point."""
    places = all_places()
    columns: dict[str, list[Any]] = {
        "location_id": [place.place_id for place in places],
        "name": [place.name for place in places],
        "kind": [place.kind for place in places],
        "province": [place.province for place in places],
        "seat": [place.seat for place in places],
    }
    return _frame(columns, [place.lon for place in places], [place.lat for place in places])
