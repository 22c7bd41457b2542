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
