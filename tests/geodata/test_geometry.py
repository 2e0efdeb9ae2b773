"""Distances and leg lines are right in size and shape."""

import itertools

import pytest
import shapely

from geodata.geometry import great_circle_km, in_indonesia, leg_line

JAKARTA = (-6.2146, 106.8451)
SURABAYA = (-7.2492, 112.7508)
PANGKALAN_BUN = (-2.6832, 111.6259)
SEMARANG = (-6.9931, 110.4208)


def test_jakarta_to_surabaya_is_about_660_to_680_km() -> None:
    assert 660.0 <= great_circle_km(*JAKARTA, *SURABAYA) <= 680.0


def test_distance_is_symmetric_and_zero_to_itself() -> None:
    assert great_circle_km(*JAKARTA, *SURABAYA) == pytest.approx(great_circle_km(*SURABAYA, *JAKARTA))
    assert great_circle_km(*JAKARTA, *JAKARTA) == 0.0


def test_one_degree_of_longitude_at_the_equator_is_111_km() -> None:
    assert great_circle_km(0.0, 110.0, 0.0, 111.0) == pytest.approx(111.195, abs=0.01)


def test_antipodes_are_half_the_circumference_apart() -> None:
    assert great_circle_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(20015.1, abs=0.1)


@pytest.mark.parametrize("mode", ["ferry", "flight", "Ferry"])
def test_sea_and_air_legs_are_great_circle_arcs(mode: str) -> None:
    line = leg_line(*PANGKALAN_BUN, *SEMARANG, mode=mode)
    assert isinstance(line, shapely.LineString)
    coords = list(line.coords)
    assert len(coords) == 32
    # (lon, lat) order, exact end points.
    assert coords[0] == (PANGKALAN_BUN[1], PANGKALAN_BUN[0])
    assert coords[-1] == (SEMARANG[1], SEMARANG[0])
    # Interior points lie between the ends and are evenly spaced along the arc.
    steps = [great_circle_km(a[1], a[0], b[1], b[0]) for a, b in itertools.pairwise(coords)]
    assert max(steps) - min(steps) < 0.5
    assert sum(steps) == pytest.approx(great_circle_km(*PANGKALAN_BUN, *SEMARANG), rel=0.01)


def test_arc_point_count_is_configurable() -> None:
    assert len(leg_line(*JAKARTA, *SURABAYA, mode="flight", points=5).coords) == 5
    assert len(leg_line(*JAKARTA, *SURABAYA, mode="flight", points=2).coords) == 2
    with pytest.raises(ValueError, match="at least 2"):
        leg_line(*JAKARTA, *SURABAYA, mode="flight", points=1)


@pytest.mark.parametrize("mode", ["car", "bus", "train"])
def test_road_and_rail_legs_are_two_point_lines(mode: str) -> None:
    line = leg_line(*JAKARTA, *SURABAYA, mode=mode)
    assert list(line.coords) == [(106.8451, -6.2146), (112.7508, -7.2492)]


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown travel mode 'rocket'"):
        leg_line(*JAKARTA, *SURABAYA, mode="rocket")


@pytest.mark.parametrize(
    ("lat", "lon", "inside"),
    [
        (-8.65, 116.53, True),  # Selong
        (4.14, 117.65, True),  # Nunukan
        (-2.53, 140.72, True),  # Jayapura
        (5.55, 95.32, True),  # Banda Aceh
        (116.53, -8.65, False),  # lat/lon swapped
        (8.65, -116.53, False),
        (1.29, 93.0, False),  # west of Sumatra
        (-12.0, 120.0, False),  # south of Timor
    ],
)
def test_in_indonesia_bounding_box(lat: float, lon: float, inside: bool) -> None:
    assert in_indonesia(lat, lon) is inside
