"""Geographic data for repat: provinces and time zones, and the gazetteer of home regions.

Only the pure-Python parts are re-exported here, because the planner core imports this
package and must stay free of pandas, geopandas and shapely. Import ``geodata.geometry``
(shapely) and ``geodata.places`` (geopandas) explicitly where they are needed.
"""

from geodata.gazetteer import Place, all_places, ambiguous, by_id, lookup, suggest
from geodata.timezones import (
    PROVINCES,
    WIB,
    WIT,
    WITA,
    canonical_province,
    parse_utc_offset,
    utc_offset_for_province,
    zone_name,
)

__all__ = [
    "PROVINCES",
    "WIB",
    "WIT",
    "WITA",
    "Place",
    "all_places",
    "ambiguous",
    "by_id",
    "canonical_province",
    "lookup",
    "parse_utc_offset",
    "suggest",
    "utc_offset_for_province",
    "zone_name",
]
