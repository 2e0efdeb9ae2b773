"""Locations and gazetteer places become GeoDataFrames in WGS84."""

from dataclasses import dataclass

import geopandas
import pytest

from geodata.places import _ensure_wgs84, gazetteer_frame, places_frame


@dataclass(frozen=True)
class Location:
    location_id: str
    name: str
    kind: str
    province: str
    lat: float
    lon: float


SHELTER = Location(
    "PB-SHELTER", "Rumah Singgah Pangkalan Bun", "shelter", "Kalimantan Tengah", -2.6832, 111.6259
)
PORT = Location("KUMAI", "Pelabuhan Kumai", "port", "Kalimantan Tengah", -2.7406, 111.7254)


def test_places_frame_has_columns_points_and_wgs84() -> None:
    frame = places_frame([SHELTER, PORT])
    assert isinstance(frame, geopandas.GeoDataFrame)
    assert list(frame.columns) == ["location_id", "name", "kind", "province", "geometry"]
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert list(frame["location_id"]) == ["PB-SHELTER", "KUMAI"]
    point = frame.geometry.iloc[1]
    assert (point.x, point.y) == (111.7254, -2.7406)  # lon, lat


def test_places_frame_accepts_any_iterable_and_empty_input() -> None:
    assert len(places_frame(iter([SHELTER]))) == 1
    empty = places_frame([])
    assert len(empty) == 0
    assert empty.crs is not None and empty.crs.to_epsg() == 4326
    assert list(empty.columns) == ["location_id", "name", "kind", "province", "geometry"]


def test_gazetteer_frame_holds_every_place_in_wgs84() -> None:
    frame = gazetteer_frame()
    assert len(frame) == 297
    assert frame.crs is not None and frame.crs.to_epsg() == 4326
    assert frame["location_id"].is_unique
    row = frame.set_index("location_id").loc["KAB-LOMBOK-TIMUR"]
    assert (row["name"], row["kind"], row["province"], row["seat"]) == (
        "Kabupaten Lombok Timur",
        "regency",
        "Nusa Tenggara Barat",
        "Selong",
    )
    assert (row.geometry.x, row.geometry.y) == (116.5318, -8.6503)
    minx, miny, maxx, maxy = frame.total_bounds
    assert minx >= 94.5 and maxx <= 141.5 and miny >= -11.5 and maxy <= 6.5


def test_frame_in_another_crs_is_refused() -> None:
    projected = gazetteer_frame().to_crs("EPSG:3857")
    with pytest.raises(ValueError, match="expected CRS EPSG:4326"):
        _ensure_wgs84(projected)
