"""Region names as reports write them (国网南京供电公司, 宜兴市公司, Nanjing, 鼓楼区) → city, county, sub-unit."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from catalog import Catalog, Region, fold_width, normalize_text
from model import OWN_UNIT

_WRAPPER_PREFIX = re.compile(r"^(国网江苏省电力有限公司|国网江苏省电力公司|国网江苏电力|国家电网|国网|江苏省|江苏)")
_WRAPPER_SUFFIX = re.compile(r"(供电分公司|供电公司|供电局|供电所|分公司|公司|地区|市区)$")
# A region cell longer than this (normalised) names no region: the longest company name in the gazetteer,
# 国网江苏省电力有限公司…供电分公司 with a sub-unit after it, is well under it. Capping keeps the search for the
# longest leading region name (one lookup per prefix, quadratic in the length) cheap: 16,000 characters took 5 s.
MAX_REGION_CHARS = 64


@dataclass(frozen=True)
class RegionMatch:
    """A resolved region: city and county as canonical names ('' = none); error '' when resolved."""

    city: str = ""
    county: str = ""
    unit: str = ""  # text after a region name, e.g. 开山岛服务队 in 国网连云港供电公司开山岛服务队
    level: str = ""  # province, city, county
    error: str = ""  # "", "unknown_region", "ambiguous_region"
    candidates: tuple[str, ...] = ()  # for ambiguous: 南京市鼓楼区, 徐州市鼓楼区; for unknown: suggestions


def _match_of(catalog: Catalog, region: Region, unit: str = "") -> RegionMatch:
    if region.level == "province":
        return RegionMatch(unit=unit, level="province")
    city = catalog.city_of(region)
    county = region.name if region.level == "county" else ""
    return RegionMatch(city=city.name if city else "", county=county, unit=unit, level=region.level)


def _lookup(catalog: Catalog, text: str) -> list[Region]:
    found = catalog.regions_for(text)
    if found:
        return found
    stripped = _WRAPPER_SUFFIX.sub("", _WRAPPER_PREFIX.sub("", text))
    if stripped and stripped != text:
        found = catalog.regions_for(stripped)
        if found:
            return found
    # 南京市高淳区, 南京高淳: a city name followed by one of its counties
    base = stripped or text
    for city in catalog.cities:
        for name in (city.name, city.short_name):
            if base.startswith(name) and len(base) > len(name):
                rest = base[len(name):]
                counties = [r for r in catalog.regions_for(rest) if r.parent_adcode == city.adcode]
                if counties:
                    return counties
    return []


def _pick(catalog: Catalog, found: list[Region], city_hint: str) -> list[Region]:
    if len(found) > 1 and city_hint:
        narrowed = [r for r in found if (c := catalog.city_of(r)) is not None and c.name == city_hint]
        if narrowed:
            return narrowed
    if len(found) > 1:
        # a city and its own county of the same short name (e.g. 海安): prefer the higher level
        levels = {"province": 0, "city": 1, "county": 2}
        best = min(levels[r.level] for r in found)
        top = [r for r in found if levels[r.level] == best]
        if best < 2 and len(top) == 1:
            return top
    return found


def resolve_region(catalog: Catalog, text: object, city_hint: str = "", suggest: bool = True) -> RegionMatch:
    """Resolve a region cell; `city_hint` (a canonical city name) settles names several cities share.

    With `suggest` False an unknown region gets no candidates (suggest_regions gives them when a message needs them).
    """
    raw = re.sub(r"\s+", " ", fold_width(str(text))).strip()
    key = normalize_text(raw)
    if not key:
        return RegionMatch(error="missing_region")
    if len(key) > MAX_REGION_CHARS:
        return RegionMatch(error="unknown_region")
    if key in own_part_names():  # 本级 / 市公司本部 in a county or region column: the own part of the row's city
        return RegionMatch(unit=OWN_UNIT, level="own")
    found = _lookup(catalog, key)
    unit = ""
    if not found:
        # 国网连云港供电公司开山岛服务队: the longest leading region name, the rest is the sub-unit
        compact = raw.replace(" ", "")
        for end in range(len(compact) - 1, 1, -1):
            head = _lookup(catalog, normalize_text(compact[:end]))
            rest = compact[end:].strip("（）()·-—_ ：:")
            if head and len(rest) >= 2:
                found, unit = head, canonical_unit(rest)
                break
    if not found:
        bare = _WRAPPER_PREFIX.sub("", key)
        if any(bare.startswith(name) for name in _outside_names()):
            return RegionMatch(error="outside_jiangsu")
        return RegionMatch(error="unknown_region", candidates=suggest_regions(catalog, key) if suggest else ())
    found = _pick(catalog, found, city_hint)
    if len(found) > 1:
        names = []
        for region in found:
            city = catalog.city_of(region)
            names.append(f"{city.name}{region.name}" if city and city is not region else region.name)
        return RegionMatch(error="ambiguous_region", candidates=tuple(sorted(set(names))))
    return _match_of(catalog, found[0], unit)


@lru_cache(maxsize=1)
def own_part_names() -> frozenset[str]:
    """Normalised texts meaning a company's own part (data/catalog/columns.yaml own_part)."""
    from loaders.numbers import load_columns

    return frozenset(normalize_text(n) for n in load_columns().get("own_part", []))


def canonical_unit(text: str) -> str:
    """A sub-unit text as stored: any name of the company's own part (本级, 市公司本部…) becomes OWN_UNIT."""
    return OWN_UNIT if normalize_text(text) in own_part_names() else text


@lru_cache(maxsize=1)
def _outside_names() -> tuple[str, ...]:
    from loaders.numbers import load_columns

    stripped = (_WRAPPER_PREFIX.sub("", normalize_text(n)) for n in load_columns().get("outside_jiangsu", []))
    return tuple(n for n in stripped if n)


def suggest_regions(catalog: Catalog, key: str, limit: int = 3) -> tuple[str, ...]:
    """Closest region names, for an unknown-region message (none for a text too long to be one)."""
    if len(key) > MAX_REGION_CHARS:
        return ()
    names = {r.short_name: r for r in catalog.regions.values() if r.short_name}
    names.update({r.name: r for r in catalog.regions.values()})
    names.update({r.name_en.casefold(): r for r in catalog.regions.values() if r.name_en})
    stripped = _WRAPPER_SUFFIX.sub("", _WRAPPER_PREFIX.sub("", key)) or key
    close = difflib.get_close_matches(stripped, list(names), n=limit, cutoff=0.5)
    return tuple(dict.fromkeys(names[c].name for c in close))


def find_city(catalog: Catalog, text: str) -> RegionMatch | None:
    """A city (or the province) named inside a title or sheet name (南京市2020年7月…), else None."""
    key = normalize_text(text)
    if not key:
        return None
    exact = resolve_region(catalog, key)
    if not exact.error:
        return exact
    for city in sorted(catalog.cities, key=lambda c: -len(c.name)):
        if city.name in key or (len(city.short_name) >= 2 and city.short_name in key):
            return RegionMatch(city=city.name, level="city")
    return None
