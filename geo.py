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
