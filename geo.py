"""Jiangsu's city and county boundaries (simplified WGS84 GeoJSON in data/geo/, joined on adcode)."""
from __future__ import annotations

import json
from functools import lru_cache

from settings import DATA_DIR

GEO_DIR = DATA_DIR / "geo"
FILES = {"city": "jiangsu_cities.geojson", "county": "jiangsu_counties.geojson"}
CENTER = {"lat": 32.95, "lon": 119.6}


@lru_cache(maxsize=2)
def load_boundaries(level: str) -> dict:
    """The FeatureCollection for 'city' or 'county'; each feature's id is its adcode."""
    return json.loads((GEO_DIR / FILES[level]).read_text(encoding="utf-8"))


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lon, lat) of a closed ring by the shoelace formula (planar in degrees: enough to place a label)."""
    area = lon = lat = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        lon += (x0 + x1) * cross
        lat += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(area) / 2, lon / (3 * area), lat / (3 * area)


@lru_cache(maxsize=2)
def centroids(level: str) -> dict[str, tuple[float, float]]:
    """Per adcode, (lon, lat) of the centroid of the region's largest polygon: where its label goes on a map."""
    found = {}
    for feature in load_boundaries(level)["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        area, lon, lat = max((_ring_centroid(polygon[0]) for polygon in polygons), key=lambda found: found[0])
        found[str(feature["id"])] = (lon, lat)
    return found
