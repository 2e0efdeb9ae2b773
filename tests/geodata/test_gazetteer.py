"""Home regions written in the usual ways resolve to the right regency or city."""

import sys
from collections import Counter
from datetime import timedelta

import pytest

from geodata import gazetteer
from geodata.gazetteer import Place, all_places, ambiguous, by_id, lookup, suggest
from geodata.geometry import great_circle_km, in_indonesia
from geodata.timezones import PROVINCES, utc_offset_for_province, zone_name


def test_lombok_timur_resolves_to_selong_in_ntb_at_plus_eight() -> None:
    place = lookup("Kab. Lombok Timur")
    assert place == Place(
        place_id="KAB-LOMBOK-TIMUR",
        name="Kabupaten Lombok Timur",
        kind="regency",
        province="Nusa Tenggara Barat",
        seat="Selong",
        lat=-8.6503,
        lon=116.5318,
    )
    assert utc_offset_for_province(place.province) == timedelta(hours=8)
    assert zone_name(timedelta(hours=8)) == "WITA"


@pytest.mark.parametrize(
    "written",
    ["Kab. Lombok Timur", "Kabupaten Lombok Timur", "Lombok Timur", "kab lombok timur", "KAB.LOMBOK-TIMUR"],
)
def test_prefixes_case_and_punctuation_are_ignored(written: str) -> None:
    place = lookup(written)
    assert place is not None
    assert place.place_id == "KAB-LOMBOK-TIMUR"


@pytest.mark.parametrize(
    ("written", "place_id", "seat", "province"),
    [
        ("Kota Yogyakarta", "KOTA-YOGYAKARTA", "Yogyakarta", "DI Yogyakarta"),
        ("Kota Surabaya", "KOTA-SURABAYA", "Surabaya", "Jawa Timur"),
        ("Kab. Kotawaringin Barat", "KAB-KOTAWARINGIN-BARAT", "Pangkalan Bun", "Kalimantan Tengah"),
        ("Kotawaringin Timur", "KAB-KOTAWARINGIN-TIMUR", "Sampit", "Kalimantan Tengah"),
        ("Hulu Sungai Selatan", "KAB-HULU-SUNGAI-SELATAN", "Kandangan", "Kalimantan Selatan"),
        ("Kota Mataram", "KOTA-MATARAM", "Mataram", "Nusa Tenggara Barat"),
        ("Makassar", "KOTA-MAKASSAR", "Makassar", "Sulawesi Selatan"),
        ("Nunukan", "KAB-NUNUKAN", "Nunukan", "Kalimantan Utara"),
        ("Kodya Malang", "KOTA-MALANG", "Malang", "Jawa Timur"),
        ("Kab Malang", "KAB-MALANG", "Kepanjen", "Jawa Timur"),
        ("Jakarta Barat", "KOTA-JAKARTA-BARAT", "Kembangan", "DKI Jakarta"),
        ("Kota Adm. Jakarta Timur", "KOTA-JAKARTA-TIMUR", "Cakung", "DKI Jakarta"),
        ("Kepulauan Seribu", "KAB-KEPULAUAN-SERIBU", "Pulau Pramuka", "DKI Jakarta"),
        ("Palangkaraya", "KOTA-PALANGKA-RAYA", "Palangka Raya", "Kalimantan Tengah"),
        ("Gunung Kidul", "KAB-GUNUNGKIDUL", "Wonosari", "DI Yogyakarta"),
        ("Bau-Bau", "KOTA-BAUBAU", "Baubau", "Sulawesi Tenggara"),
        ("Solo", "KOTA-SURAKARTA", "Surakarta", "Jawa Tengah"),
        ("Mamuju Utara", "KAB-PASANGKAYU", "Pasangkayu", "Sulawesi Barat"),
        ("Kota Baru", "KAB-KOTABARU", "Kotabaru", "Kalimantan Selatan"),
    ],
)
def test_lookup_finds_the_place_and_its_seat(written: str, place_id: str, seat: str, province: str) -> None:
    place = lookup(written)
    assert place is not None
    assert (place.place_id, place.seat, place.province) == (place_id, seat, province)


@pytest.mark.parametrize(
    ("place_id", "lat", "lon"),
    [
        ("KAB-LOMBOK-TIMUR", -8.65, 116.53),  # Selong
        ("KOTA-YOGYAKARTA", -7.80, 110.36),
        ("KAB-KOTAWARINGIN-BARAT", -2.68, 111.62),  # Pangkalan Bun
        ("KOTA-MATARAM", -8.58, 116.12),
        ("KOTA-MAKASSAR", -5.14, 119.42),
        ("KOTA-SURABAYA", -7.25, 112.75),
        ("KOTA-PALANGKA-RAYA", -2.21, 113.92),
        ("KAB-NUNUKAN", 4.14, 117.65),
        ("KOTA-KUPANG", -10.17, 123.61),
    ],
)
def test_seat_coordinates_match_known_positions(place_id: str, lat: float, lon: float) -> None:
    place = by_id(place_id)
    assert place is not None
    assert great_circle_km(place.lat, place.lon, lat, lon) < 3.0


@pytest.mark.parametrize(
    "bare",
    [
        "Bima",
        "Malang",
        "Kediri",
        "Blitar",
        "Madiun",
        "Mojokerto",
        "Pasuruan",
        "Probolinggo",
        "Cirebon",
        "Tegal",
        "Pekalongan",
        "Magelang",
        "Semarang",
        "Bogor",
        "Sukabumi",
        "Bandung",
        "Bekasi",
        "Tangerang",
        "Serang",
        "Kupang",
    ],
)
def test_name_of_both_a_regency_and_a_city_is_ambiguous(bare: str) -> None:
    assert lookup(bare) is None
    options = ambiguous(bare)
    assert sorted(p.kind for p in options) == ["city", "regency"]
    assert {p.name for p in options} == {f"Kabupaten {bare}", f"Kota {bare}"}
    regency = lookup(f"Kabupaten {bare}")
    city = lookup(f"Kota {bare}")
    assert regency is not None and regency.kind == "regency"
    assert city is not None and city.kind == "city"


def test_banjar_is_a_regency_in_kalimantan_and_a_city_in_java() -> None:
    assert {(p.name, p.province) for p in ambiguous("Banjar")} == {
        ("Kabupaten Banjar", "Kalimantan Selatan"),
        ("Kota Banjar", "Jawa Barat"),
    }


def test_unambiguous_or_unknown_names_have_no_ambiguity() -> None:
    assert ambiguous("Lombok Timur") == ()
    assert ambiguous("Atlantis") == ()
    assert lookup("Atlantis") is None
    assert lookup("") is None
    assert lookup("Kabupaten") is None


def test_prefix_of_the_wrong_kind_finds_nothing() -> None:
    assert lookup("Kota Lombok Timur") is None
    assert lookup("Kabupaten Surabaya") is None


def test_by_id_is_exact_and_tolerates_case() -> None:
    place = by_id("KOTA-YOGYAKARTA")
    assert place is not None and place.name == "Kota Yogyakarta"
    assert by_id("kota-yogyakarta") == place
    assert by_id("KOTA-ATLANTIS") is None


@pytest.mark.parametrize(
    ("typo", "expected_first"),
    [
        ("Lombok Timor", "Kabupaten Lombok Timur"),
        ("Kab. Lombok Tmur", "Kabupaten Lombok Timur"),
        ("Surabya", "Kota Surabaya"),
        ("Kotawaringin Barar", "Kabupaten Kotawaringin Barat"),
        ("Pangkalan Bun", "Kabupaten Kotawaringin Barat"),
    ],
)
def test_suggest_offers_the_intended_place_first(typo: str, expected_first: str) -> None:
    suggestions = suggest(typo)
    assert suggestions[0] == expected_first
    assert len(suggestions) <= 3


def test_suggest_respects_n_and_gives_nothing_for_gibberish() -> None:
    assert len(suggest("Lombok", n=2)) == 2
    assert suggest("qqqqxxxzzz") == []


def test_place_ids_are_unique_uppercase_ascii() -> None:
    ids = [p.place_id for p in all_places()]
    assert len(ids) == len(set(ids))
    for place_id in ids:
        assert place_id.isascii() and place_id == place_id.upper()
        assert place_id.startswith(("KAB-", "KOTA-"))
        assert all(ch.isalnum() or ch == "-" for ch in place_id)


def test_names_and_kinds_agree() -> None:
    for place in all_places():
        if place.kind == "regency":
            assert place.name.startswith("Kabupaten ") and place.place_id.startswith("KAB-")
        else:
            assert place.name.startswith("Kota ") and place.place_id.startswith("KOTA-")


def test_every_place_resolves_by_its_official_name_and_id() -> None:
    for place in all_places():
        assert lookup(place.name) == place
        assert by_id(place.place_id) == place


def test_every_province_is_canonical_and_has_a_zone() -> None:
    for place in all_places():
        assert place.province in PROVINCES
        offset = utc_offset_for_province(place.province)
        assert offset is not None
        assert zone_name(offset) in {"WIB", "WITA"}


def test_every_coordinate_lies_in_indonesia() -> None:
    for place in all_places():
        assert in_indonesia(place.lat, place.lon), place


# Official counts of regencies + cities (Kemendagri / BPS, 2024).
OFFICIAL_COUNTS = {
    "Banten": 8,
    "DKI Jakarta": 6,
    "Jawa Barat": 27,
    "Jawa Tengah": 35,
    "DI Yogyakarta": 5,
    "Jawa Timur": 38,
    "Bali": 9,
    "Nusa Tenggara Barat": 10,
    "Nusa Tenggara Timur": 22,
    "Kalimantan Barat": 14,
    "Kalimantan Tengah": 14,
    "Kalimantan Selatan": 13,
    "Kalimantan Timur": 10,
    "Kalimantan Utara": 5,
    "Sulawesi Utara": 15,
    "Sulawesi Tengah": 13,
    "Sulawesi Selatan": 24,
    "Sulawesi Tenggara": 17,
    "Gorontalo": 6,
    "Sulawesi Barat": 6,
}


def test_places_per_province_match_official_counts() -> None:
    counts = Counter(p.province for p in all_places())
    assert dict(counts) == OFFICIAL_COUNTS
    assert len(all_places()) == 297


def test_cities_per_province_for_java_and_ntb() -> None:
    cities = Counter(p.province for p in all_places() if p.kind == "city")
    assert cities["Jawa Timur"] == 9
    assert cities["Jawa Tengah"] == 6
    assert cities["Jawa Barat"] == 9
    assert cities["DKI Jakarta"] == 5
    assert cities["Nusa Tenggara Barat"] == 2


def test_gazetteer_import_does_not_pull_in_pandas_or_geopandas() -> None:
    assert gazetteer.__name__ == "geodata.gazetteer"
    code = (
        "import sys, geodata, geodata.gazetteer, geodata.timezones;"
        "geodata.lookup('Lombok Timur');"
        "bad = {'pandas', 'geopandas', 'shapely', 'pyproj'} & set(sys.modules);"
        "assert not bad, bad"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True)
