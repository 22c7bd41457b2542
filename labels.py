"""How a region is named wherever it is shown: tables, charts, selects, exports and messages (#11 item 9).

Plain text in the user's language; a caller escapes at its own boundary (safetext.escape_label for a chart,
escape_markdown for Markdown). A name the catalog does not know is kept as given.
"""
from __future__ import annotations

from catalog import Catalog
from i18n import t
from model import OWN_UNIT

SEPARATOR = " · "


def city_label(catalog: Catalog, city: str, lang: str) -> str:
    """南京市 / Nanjing; '' (a figure of the province as a whole) as 省公司层面 / Province level."""
    if city == "":
        return t("province_level", lang)
    region = catalog.city_by_name(city)
    return region.label(lang) if region else city


def county_label(catalog: Catalog, county: str, lang: str, city: str | None = None) -> str:
    """高淳区 / Gaochun District: the county of that name in `city`, or without a city the one county of that name
    in the province (a name two cities share, 鼓楼区, is kept as given)."""
    if city:
        region = catalog.county_by_name(city, county)
    else:
        found = [r for r in catalog.regions.values() if r.level == "county" and r.name == county]
        region = found[0] if len(found) == 1 else None
    return region.label(lang) if region else county


def region_label(catalog: Catalog, city: str, county: str, unit: str, lang: str) -> str:
    """Where a figure comes from: 南京市, 南京市 · 高淳区, 南京市 · 高淳区 · 国际慢城共产党员服务队, a city company's own
    part 南京市 · 市公司本级, and 省公司层面 for the province ('' city)."""
    parts = [city_label(catalog, city, lang)]
    if county:
        parts.append(county_label(catalog, county, lang, city=city or None))
    if unit == OWN_UNIT:
        parts.append(t("city_own", lang))
    elif unit:
        parts.append(unit)
    return SEPARATOR.join(parts)


def adcode_label(catalog: Catalog, adcode: str, lang: str) -> str:
    """A unit an account is bound to, by its adcode: 江苏省 ('' or unknown: the province), 南京市, 南京市 · 高淳区."""
    region = catalog.regions.get(adcode) if adcode else None
    if region is None:
        province = next((r for r in catalog.regions.values() if r.level == "province"), None)
        return province.label(lang) if province else ""
    parent = catalog.city_of(region) if region.level == "county" else None
    return f"{parent.label(lang)}{SEPARATOR}{region.label(lang)}" if parent else region.label(lang)
