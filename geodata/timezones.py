"""Indonesia's 38 provinces and the time zone each keeps.

Why: departure and arrival times in a return plan are local times, and a leg from Pangkalan
Bun (WIB, UTC+7) to Lombok (WITA, UTC+8) crosses a zone boundary. Indonesia's zones follow
province borders, so a province name is enough to fix the UTC offset. Indonesia keeps no
daylight saving time, so the offset is a constant per province and a plain table serves
without a tz database.

Pure Python on purpose: the planner core imports this module and must stay free of pandas.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from types import MappingProxyType
from typing import Final

WIB: Final = timedelta(hours=7)
"""Waktu Indonesia Barat (western): Sumatra, Java, West and Central Kalimantan."""
WITA: Final = timedelta(hours=8)
"""Waktu Indonesia Tengah (central): Bali, Nusa Tenggara, South/East/North Kalimantan, Sulawesi."""
WIT: Final = timedelta(hours=9)
"""Waktu Indonesia Timur (eastern): Maluku and Papua."""

_ZONE_NAMES: Final = MappingProxyType({WIB: "WIB", WITA: "WITA", WIT: "WIT"})

#: Every province, by its official name as BPS (Statistics Indonesia) writes it, to its offset.
PROVINCE_OFFSETS: Final = MappingProxyType(
    {
        # WIB, UTC+7
        "Aceh": WIB,
        "Sumatera Utara": WIB,
        "Sumatera Barat": WIB,
        "Riau": WIB,
        "Jambi": WIB,
        "Sumatera Selatan": WIB,
        "Bengkulu": WIB,
        "Lampung": WIB,
        "Kepulauan Bangka Belitung": WIB,
        "Kepulauan Riau": WIB,
        "DKI Jakarta": WIB,
        "Jawa Barat": WIB,
        "Jawa Tengah": WIB,
        "DI Yogyakarta": WIB,
        "Jawa Timur": WIB,
        "Banten": WIB,
        "Kalimantan Barat": WIB,
        "Kalimantan Tengah": WIB,
        # WITA, UTC+8
        "Bali": WITA,
        "Nusa Tenggara Barat": WITA,
        "Nusa Tenggara Timur": WITA,
        "Kalimantan Selatan": WITA,
        "Kalimantan Timur": WITA,
        "Kalimantan Utara": WITA,
        "Sulawesi Utara": WITA,
        "Sulawesi Tengah": WITA,
        "Sulawesi Selatan": WITA,
        "Sulawesi Tenggara": WITA,
        "Gorontalo": WITA,
        "Sulawesi Barat": WITA,
        # WIT, UTC+9
        "Maluku": WIT,
        "Maluku Utara": WIT,
        "Papua Barat": WIT,
        "Papua Barat Daya": WIT,
        "Papua": WIT,
        "Papua Selatan": WIT,
        "Papua Tengah": WIT,
        "Papua Pegunungan": WIT,
    }
)

#: The official province names, in BPS code order.
PROVINCES: Final[tuple[str, ...]] = tuple(PROVINCE_OFFSETS)

# Other spellings people write for a province. Only unambiguous ones: "Jogja" or "Solo" name
# cities, "Papua" alone is itself a province, so they are not here. Keys are free text; they
# are normalised like any input.
_ALIASES: Final[dict[str, str]] = {
    # Official long forms and older names.
    "Daerah Istimewa Yogyakarta": "DI Yogyakarta",
    "Yogyakarta": "DI Yogyakarta",
    "DIY": "DI Yogyakarta",
    "Daerah Khusus Ibukota Jakarta": "DKI Jakarta",
    "Daerah Khusus Jakarta": "DKI Jakarta",
    "DK Jakarta": "DKI Jakarta",
    "Jakarta": "DKI Jakarta",
    "Nanggroe Aceh Darussalam": "Aceh",
    "Bangka Belitung": "Kepulauan Bangka Belitung",
    "Sumatra Utara": "Sumatera Utara",
    "Sumatra Barat": "Sumatera Barat",
    "Sumatra Selatan": "Sumatera Selatan",
    # Common abbreviations.
    "Sumut": "Sumatera Utara",
    "Sumbar": "Sumatera Barat",
    "Sumsel": "Sumatera Selatan",
    "Babel": "Kepulauan Bangka Belitung",
    "Kepri": "Kepulauan Riau",
    "Jabar": "Jawa Barat",
    "Jateng": "Jawa Tengah",
    "Jatim": "Jawa Timur",
    "NTB": "Nusa Tenggara Barat",
    "NTT": "Nusa Tenggara Timur",
    "Kalbar": "Kalimantan Barat",
    "Kalteng": "Kalimantan Tengah",
    "Kalsel": "Kalimantan Selatan",
    "Kaltim": "Kalimantan Timur",
    "Kaltara": "Kalimantan Utara",
    "Sulut": "Sulawesi Utara",
    "Sulteng": "Sulawesi Tengah",
    "Sulsel": "Sulawesi Selatan",
    "Sultra": "Sulawesi Tenggara",
    "Sulbar": "Sulawesi Barat",
    "Malut": "Maluku Utara",
    # English names.
    "North Sumatra": "Sumatera Utara",
    "West Sumatra": "Sumatera Barat",
    "South Sumatra": "Sumatera Selatan",
    "Riau Islands": "Kepulauan Riau",
    "Bangka Belitung Islands": "Kepulauan Bangka Belitung",
    "West Java": "Jawa Barat",
    "Central Java": "Jawa Tengah",
    "East Java": "Jawa Timur",
    "Special Region of Yogyakarta": "DI Yogyakarta",
    "West Nusa Tenggara": "Nusa Tenggara Barat",
    "East Nusa Tenggara": "Nusa Tenggara Timur",
    "West Kalimantan": "Kalimantan Barat",
    "Central Kalimantan": "Kalimantan Tengah",
    "South Kalimantan": "Kalimantan Selatan",
    "East Kalimantan": "Kalimantan Timur",
    "North Kalimantan": "Kalimantan Utara",
    "North Sulawesi": "Sulawesi Utara",
    "Central Sulawesi": "Sulawesi Tengah",
    "South Sulawesi": "Sulawesi Selatan",
    "Southeast Sulawesi": "Sulawesi Tenggara",
    "West Sulawesi": "Sulawesi Barat",
    "North Maluku": "Maluku Utara",
    "West Papua": "Papua Barat",
    "Southwest Papua": "Papua Barat Daya",
    "South Papua": "Papua Selatan",
    "Central Papua": "Papua Tengah",
    "Highland Papua": "Papua Pegunungan",
}


def _key(text: str) -> str:
    """Fold case, accents, spaces and punctuation: 'D.I. Yogyakarta' -> 'diyogyakarta'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def _build_index() -> dict[str, str]:
    index = {_key(name): name for name in PROVINCES}
    for alias, name in _ALIASES.items():
        assert name in PROVINCE_OFFSETS, name
        index.setdefault(_key(alias), name)
    return index


_INDEX: Final = MappingProxyType(_build_index())


def canonical_province(name: str) -> str | None:
    """The official province name for ``name`` (any case, punctuation or a known alias),
    or None when it names no province, so callers can report the bad input."""
    return _INDEX.get(_key(name))


def utc_offset_for_province(province: str) -> timedelta | None:
    """UTC offset kept in ``province`` all year (Indonesia has no DST), or None if unknown."""
    canonical = canonical_province(province)
    return None if canonical is None else PROVINCE_OFFSETS[canonical]


def zone_name(offset: timedelta) -> str:
    """'WIB', 'WITA' or 'WIT' for an Indonesian offset; ValueError for any other offset,
    because printing a wrong zone name on a travel schedule is worse than failing."""
    try:
        return _ZONE_NAMES[offset]
    except KeyError:
        raise ValueError(f"{offset!r} is not an Indonesian time zone offset (+07, +08 or +09)") from None


_OFFSET_RE: Final = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{2})(?::?(\d{2}))?$", re.IGNORECASE)


def parse_utc_offset(text: str) -> timedelta | None:
    """Parse '+07:00', '+0700' or '+07' (optionally after 'UTC'/'GMT') into a timedelta.

    Returns None for anything else, including out-of-range values, so that input files can
    report the offending cell instead of crashing on it.
    """
    match = _OFFSET_RE.match(text.strip())
    if match is None:
        return None
    sign, hours_text, minutes_text = match.groups()
    hours, minutes = int(hours_text), int(minutes_text or "0")
    if minutes >= 60 or hours > 14 or (hours == 14 and minutes > 0):
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if sign == "-" else offset
