"""Provinces map to the right Indonesian time zone, whatever way they are written."""

from datetime import timedelta

import pytest

from geodata import timezones
from geodata.timezones import (
    PROVINCES,
    canonical_province,
    parse_utc_offset,
    utc_offset_for_province,
    zone_name,
)


def test_there_are_38_distinct_provinces() -> None:
    assert len(PROVINCES) == 38
    assert len(set(PROVINCES)) == 38


@pytest.mark.parametrize(
    ("zone", "count"),
    [(timedelta(hours=7), 18), (timedelta(hours=8), 12), (timedelta(hours=9), 8)],
)
def test_provinces_per_zone(zone: timedelta, count: int) -> None:
    assert sum(1 for p in PROVINCES if utc_offset_for_province(p) == zone) == count


@pytest.mark.parametrize(
    ("province", "offset", "zone"),
    [
        ("Kalimantan Tengah", 7, "WIB"),
        ("Kalimantan Barat", 7, "WIB"),
        ("Kalimantan Selatan", 8, "WITA"),
        ("Kalimantan Timur", 8, "WITA"),
        ("Kalimantan Utara", 8, "WITA"),
        ("DKI Jakarta", 7, "WIB"),
        ("DI Yogyakarta", 7, "WIB"),
        ("Jawa Timur", 7, "WIB"),
        ("Banten", 7, "WIB"),
        ("Bali", 8, "WITA"),
        ("Nusa Tenggara Barat", 8, "WITA"),
        ("Nusa Tenggara Timur", 8, "WITA"),
        ("Sulawesi Selatan", 8, "WITA"),
        ("Gorontalo", 8, "WITA"),
        ("Maluku", 9, "WIT"),
        ("Papua Barat Daya", 9, "WIT"),
        ("Papua Pegunungan", 9, "WIT"),
    ],
)
def test_province_offset_and_zone(province: str, offset: int, zone: str) -> None:
    found = utc_offset_for_province(province)
    assert found == timedelta(hours=offset)
    assert zone_name(found) == zone


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("kalimantan tengah", "Kalimantan Tengah"),
        ("KALIMANTAN  TENGAH", "Kalimantan Tengah"),
        ("Kalteng", "Kalimantan Tengah"),
        ("Central Kalimantan", "Kalimantan Tengah"),
        ("Yogyakarta", "DI Yogyakarta"),
        ("D.I. Yogyakarta", "DI Yogyakarta"),
        ("Daerah Istimewa Yogyakarta", "DI Yogyakarta"),
        ("DIY", "DI Yogyakarta"),
        ("Jakarta", "DKI Jakarta"),
        ("D.K.I. Jakarta", "DKI Jakarta"),
        ("NTB", "Nusa Tenggara Barat"),
        ("Sumatra Utara", "Sumatera Utara"),
    ],
)
def test_aliases_resolve_to_the_official_name(written: str, canonical: str) -> None:
    assert canonical_province(written) == canonical


@pytest.mark.parametrize("unknown", ["", "Kalimantan", "Sulawesi", "Java", "Atlantis", "Jawa"])
def test_ambiguous_or_unknown_province_gives_none(unknown: str) -> None:
    assert canonical_province(unknown) is None
    assert utc_offset_for_province(unknown) is None


def test_every_alias_points_at_a_real_province() -> None:
    assert set(timezones._ALIASES.values()) <= set(PROVINCES)


@pytest.mark.parametrize("offset", [timedelta(hours=6), timedelta(hours=7, minutes=30), timedelta(0)])
def test_zone_name_rejects_non_indonesian_offsets(offset: timedelta) -> None:
    with pytest.raises(ValueError, match="not an Indonesian time zone"):
        zone_name(offset)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+07:00", timedelta(hours=7)),
        ("+0700", timedelta(hours=7)),
        ("+07", timedelta(hours=7)),
        ("+08:00", timedelta(hours=8)),
        (" +09:00 ", timedelta(hours=9)),
        ("UTC+08:00", timedelta(hours=8)),
        ("+05:30", timedelta(hours=5, minutes=30)),
        ("-03:00", timedelta(hours=-3)),
    ],
)
def test_parse_utc_offset_accepts_common_forms(text: str, expected: timedelta) -> None:
    assert parse_utc_offset(text) == expected


@pytest.mark.parametrize("text", ["", "7", "07:00", "+7", "+07:60", "+15:00", "WIB", "+07:00:00", "+0"])
def test_parse_utc_offset_rejects_malformed_text(text: str) -> None:
    assert parse_utc_offset(text) is None
