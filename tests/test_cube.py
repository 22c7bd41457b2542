"""The monthly cube (analytics.monthly_cube): every total the pages take from it is the total the facts give.

Random facts at every level (province, city, its own part, sub-units, counties and their sub-units), of months
and of a quarter, summed and averaged metrics, qualifiers; random whole-month windows, cities and campaigns.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import (
    CUBE_DIMENSIONS, Filters, city_metric_qualifiers, city_metric_table, city_ranking, coarser_cube, cube_dimensions,
    cube_serves, filter_facts, kpi_table,
    level_inconsistencies, metric_totals, metrics_with_data, month_end, monthly_cube, monthly_trend,
    province_only_total, with_levels,
)
from catalog import load_catalog
from tests.conftest import facts_frame
from tests.test_levels import PLACES

CATALOG = load_catalog()
PERIODS = [(f"2020-{m:02d}-01", str(month_end(date(2020, m, 1)))) for m in range(1, 7)] + [
    ("2020-01-01", "2020-03-31"), ("2019-12-01", "2019-12-31")]
METRICS = ["teams", "lighting_rate", "donations"]
CAMPAIGNS = ["flood_power", "light_up"]
FACT = st.tuples(st.sampled_from(PERIODS), st.sampled_from(PLACES), st.sampled_from(CAMPAIGNS),
                 st.sampled_from(METRICS))
FACTS = st.dictionaries(FACT, st.tuples(st.integers(0, 60) | st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 1)),
                                        st.sampled_from(["", "", "over", "about"])), max_size=60)
WINDOW = st.tuples(st.integers(0, 7), st.integers(0, 7)).map(sorted)
MONTHS = [date(2019, 12, 1)] + [date(2020, m, 1) for m in range(1, 8)]


def as_facts(figures: dict) -> pd.DataFrame:
    rows = [{"period_start": start, "period_end": end, "city": city, "county": county, "unit": unit,
             "campaign": campaign, "metric": metric, "value": value, "qualifier": qualifier}
            for ((start, end), (city, county, unit), campaign, metric), (value, qualifier) in figures.items()]
    frame = facts_frame(rows)
    for column in ("city", "county", "unit", "campaign", "metric", "qualifier"):  # as the store gives them
        frame[column] = frame[column].astype("category")
    return with_levels(frame)


def same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Equal frames, values to 1e-9 (a cube adds its parts in another order), text compared as text."""
    assert list(left.columns) == list(right.columns)
    assert len(left) == len(right)
    for column in left.columns:
        a, b = left[column].reset_index(drop=True), right[column].reset_index(drop=True)
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            assert a.astype(float).to_numpy() == pytest.approx(b.astype(float).to_numpy(), rel=1e-9, abs=1e-9, nan_ok=True)
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), column


@settings(max_examples=30, deadline=None)
@given(FACTS, WINDOW, st.sets(st.sampled_from(["南京市", "无锡市", "苏州市"])), st.sets(st.sampled_from(CAMPAIGNS)))
def test_the_cube_gives_the_totals_the_facts_give(figures, window, cities, campaigns):
    facts = as_facts(figures)
    cube = monthly_cube(facts)
    filters = Filters(MONTHS[window[0]], month_end(MONTHS[window[1]]), tuple(sorted(cities)), tuple(sorted(campaigns)))
    assert cube_serves(filters)
    assert len(cube) <= len(facts)
    visible = filter_facts(facts, filters)
    for keep in ((), ("city",), ("campaign",), CUBE_DIMENSIONS):  # the cube summed over what a total needs not
        dimensions = cube_dimensions(filters, keep)
        coarse = coarser_cube(cube, dimensions)
        assert [c for c in CUBE_DIMENSIONS if c in coarse.columns] == list(dimensions)
        cubed = filter_facts(coarse, filters)
        same(metric_totals(visible, CATALOG), metric_totals(cubed, CATALOG))
        assert metrics_with_data(visible, CATALOG) == metrics_with_data(cubed, CATALOG)
        assert visible.empty == cubed.empty
        for a, b in zip(kpi_table(facts, filters, CATALOG, METRICS), kpi_table(coarse, filters, CATALOG, METRICS)):
            assert (a.metric, a.qualifier, a.previous_qualifier, a.like_for_like) == (
                b.metric, b.qualifier, b.previous_qualifier, b.like_for_like)
            for x, y in ((a.value, b.value), (a.previous, b.previous), (a.year_on_year.value, b.year_on_year.value)):
                assert (x is None) == (y is None) and (x is None or x == pytest.approx(y, rel=1e-9, abs=1e-9))
            assert a.year_on_year.end == b.year_on_year.end
            assert a.sparkline == pytest.approx(b.sparkline, rel=1e-9, abs=1e-9)
        for metric in METRICS:
            if "campaign" in dimensions:
                same(monthly_trend(visible, metric, CATALOG), monthly_trend(cubed, metric, CATALOG))
            if "city" in dimensions:
                same(city_ranking(visible, metric, CATALOG), city_ranking(cubed, metric, CATALOG))
                same(province_only_total(visible, metric, CATALOG), province_only_total(cubed, metric, CATALOG))
        if "city" in dimensions:
            same(city_metric_table(visible, CATALOG).reset_index(), city_metric_table(cubed, CATALOG).reset_index())
            same(city_metric_qualifiers(visible, CATALOG).reset_index(),
                 city_metric_qualifiers(cubed, CATALOG).reset_index())
    # the inconsistencies of every figure, narrowed by the filters, are those of the figures in view
    all_found = filter_facts(level_inconsistencies(facts, CATALOG), filters)
    found = level_inconsistencies(visible, CATALOG)
    key = ["period_start", "period_end", "city", "county", "campaign", "metric"]
    same(all_found.sort_values(key).reset_index(drop=True), found.sort_values(key).reset_index(drop=True))


def test_the_cube_is_smaller_than_the_facts_and_serves_whole_months_without_counties():
    figures = {(PERIODS[0], ("南京市", county, ""), "flood_power", "teams"): (1, "") for county in ("高淳区", "溧水区")}
    cube = monthly_cube(as_facts(figures))
    assert len(cube) == 1 and cube["value"].iloc[0] == 2 and cube["cube_facts"].iloc[0] == 2
    assert cube_serves(Filters(date(2020, 1, 1), date(2020, 1, 31)))
    assert not cube_serves(Filters(date(2020, 1, 1), date(2020, 1, 31), counties=("南京市/高淳区",)))
    assert not cube_serves(Filters(date(2020, 1, 5), date(2020, 1, 31)))
    assert monthly_cube(as_facts({})).empty and list(coarser_cube(monthly_cube(as_facts({})), ())) == [
        "period_end", "metric", "counted", "value", "qualifier", "cube_facts"]
    province = coarser_cube(cube, ())
    assert "city" not in province and "campaign" not in province and province["value"].tolist() == [2]
