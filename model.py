"""The canonical fact: one reported figure, the unit of everything downstream."""
from __future__ import annotations

from collections.abc import Iterable

# One fact per key; city and county are canonical Chinese names ('' = none:
# a province-level fact has city ''), unit is the reporting sub-unit ('' = the region's company).
KEY_COLUMNS = ["period_start", "period_end", "city", "county", "unit", "campaign", "metric"]
FACT_COLUMNS = [*KEY_COLUMNS, "value", "qualifier", "remarks", "sheet", "row"]

QUALIFIER_NONE = ""
QUALIFIER_OVER = "over"  # 余/多/超/逾: "more than"
QUALIFIER_ABOUT = "about"  # 约/近: "about"
QUALIFIERS = (QUALIFIER_NONE, QUALIFIER_OVER, QUALIFIER_ABOUT)


def combine_qualifiers(qualifiers: Iterable[str]) -> str:
    """The qualifier of a sum: 'about' if any part is approximate, else 'over' if any part is a floor."""
    seen = set(qualifiers)
    if QUALIFIER_ABOUT in seen:
        return QUALIFIER_ABOUT
    if QUALIFIER_OVER in seen:
        return QUALIFIER_OVER
    return QUALIFIER_NONE

# The scope of a figure follows from its level. A figure for a city (county '', unit '') is the whole city,
# its counties included; for a county (unit ''), the whole county. A figure with a unit is a part of its
# region: a sub-unit such as 开山岛服务队, or the company's own part (本级 / 市本级 / 市公司本部), which the
# loader writes as the unit OWN_UNIT. Province-level figures (city '') belong to no city.
OWN_UNIT = "本级"
SCOPE_PROVINCE, SCOPE_CITY, SCOPE_COUNTY, SCOPE_OWN, SCOPE_PART = "province", "city", "county", "own", "part"


def fact_scope(city: str, county: str, unit: str) -> str:
    """What a figure covers: province, city (whole), county (whole), own (本级) or part (a sub-unit)."""
    if not city:
        return SCOPE_PROVINCE
    if unit == OWN_UNIT:
        return SCOPE_OWN
    if unit:
        return SCOPE_PART
    return SCOPE_COUNTY if county else SCOPE_CITY
