"""The numpy aggregation (analytics._aggregate) and the one-pass kpi_table give what pandas' groupby and a window
at a time gave before them (the reference implementations below, kept as they were written).

Random facts at every level, months and a quarter, summed and averaged metrics, blank values, qualifiers; the keys as
categories and as text; windows of whole months with cities, campaigns and counties chosen.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analytics
from analytics import (
    MONTH, QUALIFIER_RANK, RANKED_QUALIFIERS, Filters, add_months, counted_facts, filter_facts, kpi_table,
    latest_month, month_end, monthly_cube, previous_window,
)
from tests.test_cube import CAMPAIGNS, CATALOG, MONTHS, PERIODS, as_facts, same
from tests.test_levels import PLACES

METRICS = ["teams", "lighting_rate", "donations", "staff_deployed"]
VALUE = st.integers(0, 60) | st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 1)) | st.just(float("nan"))
FACTS = st.dictionaries(
    st.tuples(st.sampled_from(PERIODS), st.sampled_from(PLACES), st.sampled_from(CAMPAIGNS), st.sampled_from(METRICS)),
    st.tuples(VALUE, st.sampled_from(["", "", "over", "about"])), max_size=60)
COUNTIES = ["南京市/高淳区", "南京市/溧水区", "无锡市/宜兴市"]


# ---- the reference: as the code was before (pandas groupby, one filter and one aggregation per window) ------------
def reference_aggregate(frame: pd.DataFrame, by: list[str], catalog) -> pd.DataFrame:
    columns = [*by, "metric", "value", "qualifier", "facts"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    how = frame["metric"].map({code: m.aggregation for code, m in catalog.metrics.items()}).fillna("sum")
    weighted = analytics.CUBE_FACTS in frame.columns
    work = frame[[*by, "metric", "value", *([analytics.CUBE_FACTS] if weighted else [])]].assign(
        rank=frame["qualifier"].map(QUALIFIER_RANK).fillna(0).astype(int), how=how.to_numpy())
    keys = [*by, "metric"]
    parts = []
    for method in ("sum", "mean"):
        chosen = work[work["how"] == method]
        if chosen.empty:
            continue
        if weighted:
            part = chosen.groupby(keys, dropna=False, observed=True).agg(
                value=("value", "sum"), rank=("rank", "max"), facts=(analytics.CUBE_FACTS, "sum"))
            if method == "mean":
                part["value"] = part["value"] / part["facts"]
            parts.append(part)
        else:
            parts.append(chosen.groupby(keys, dropna=False, observed=True).agg(
                value=("value", method), rank=("rank", "max"), facts=("value", "size")))
    out = pd.concat(parts).reset_index()
    out["qualifier"] = [RANKED_QUALIFIERS[r] for r in out["rank"]]
    return out[columns]


def reference_totals(facts: pd.DataFrame, catalog) -> pd.DataFrame:
    out = reference_aggregate(counted_facts(facts), [], catalog)
    order = {code: position for position, code in enumerate(catalog.metrics)}
    return out.sort_values("metric", key=lambda codes: codes.astype(str).map(order)).reset_index(drop=True)


def reference_kpis(facts: pd.DataFrame, filters: Filters, catalog, metrics: list[str]) -> list[tuple]:
    """(metric, value, qualifier, previous, previous qualifier, year-ago value and qualifier, window, sparkline)."""
    def totals(start, end):
        return reference_totals(filter_facts(facts, replace(filters, start=start, end=end)), catalog).set_index("metric")

    def pick(table, code):
        if code not in table.index:
            return None, ""
        return float(table.at[code, "value"]), str(table.at[code, "qualifier"])

    current = totals(filters.start, filters.end)
    prev_start, prev_end = previous_window(filters.start, filters.end)
    previous = totals(prev_start, prev_end)
    start, end = filters.start, filters.end
    ytd = start.month == 1 and start.year == end.year
    visible = filter_facts(facts, filters)
    last = latest_month(visible) if ytd and not visible.empty else None
    upto = month_end(last) if last is not None and month_end(last) < end else end
    year_start, year_end = add_months(start, -12), month_end(add_months(upto, -12))
    year_ago = totals(year_start, year_end)
    first = add_months(filters.end, -11)
    frame = counted_facts(filter_facts(facts, replace(filters, start=first)))
    frame = frame[frame["metric"].isin(metrics)].copy()
    months = [pd.Timestamp(add_months(first, k)) for k in range(12)]
    if frame.empty:
        spark = {code: (0.0,) * 12 for code in metrics}
    else:
        frame[MONTH] = frame["period_end"].dt.to_period("M").dt.to_timestamp()
        table = reference_aggregate(frame, [MONTH], catalog).pivot_table(
            index="metric", columns=MONTH, values="value", aggfunc="sum", observed=True)
        table = table.reindex(index=metrics, columns=months).fillna(0.0)
        spark = {code: tuple(float(v) for v in table.loc[code]) for code in metrics}
    return [(code, *pick(current, code), *pick(previous, code), *pick(year_ago, code), (year_start, year_end),
             spark[code]) for code in metrics]


def as_tuples(kpis) -> list[tuple]:
    return [(k.metric, k.value, k.qualifier, k.previous, k.previous_qualifier, k.year_on_year.value,
             k.year_on_year.qualifier, (k.year_on_year.start, k.year_on_year.end), k.sparkline) for k in kpis]


def equal_kpis(found: list[tuple], expected: list[tuple]) -> None:
    assert len(found) == len(expected)
    for a, b in zip(found, expected):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            if isinstance(x, float) or isinstance(y, float):
                assert (x is None) == (y is None), (a, b)
                assert x is None or x == pytest.approx(y, rel=1e-9, abs=1e-9, nan_ok=True), (a, b)
            elif isinstance(x, tuple) and x and isinstance(x[0], float):
                assert x == pytest.approx(y, rel=1e-9, abs=1e-9), (a, b)
            else:
                assert x == y, (a, b)


# ---- the properties --------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(FACTS, st.sampled_from([[], ["city"], ["campaign"], ["city", "county"], ["period_end", "campaign"]]),
       st.booleans())
def test_the_numpy_aggregation_gives_what_groupby_gave(figures, by, as_text):
    facts = as_facts(figures)
    if as_text:  # the keys as plain text, as a frame made in memory has them
        for column in ("city", "county", "campaign", "metric", "qualifier"):
            facts[column] = facts[column].astype(str)
    for frame in (facts, counted_facts(facts)):
        same(analytics._aggregate(frame, by, CATALOG), reference_aggregate(frame, by, CATALOG))
    cube = monthly_cube(facts)  # weighted rows: a rate's mean over the facts each row stands for
    cube_by = [column for column in by if column in cube.columns]
    same(analytics._aggregate(cube, cube_by, CATALOG), reference_aggregate(cube, cube_by, CATALOG))


@settings(max_examples=60, deadline=None)
@given(FACTS, st.tuples(st.integers(0, 7), st.integers(0, 7)).map(sorted),
       st.sets(st.sampled_from(["南京市", "无锡市"])), st.sets(st.sampled_from(CAMPAIGNS)),
       st.sets(st.sampled_from(COUNTIES), max_size=2))
def test_the_one_pass_kpis_are_the_window_at_a_time_kpis(figures, window, cities, campaigns, counties):
    facts = as_facts(figures)
    filters = Filters(MONTHS[window[0]], month_end(MONTHS[window[1]]), tuple(sorted(cities)),
                      tuple(sorted(campaigns)), tuple(sorted(counties)))
    equal_kpis(as_tuples(kpi_table(facts, filters, CATALOG, METRICS)), reference_kpis(facts, filters, CATALOG, METRICS))


def test_a_year_to_date_compares_like_for_like_and_a_blank_rate_is_no_value():
    """Spelled out: Jan–Mar 2020 reported up to February compares with Jan–Feb 2019; a rate reported blank counts
    as reported (its value unknown), and the sparkline shows it as 0."""
    rows = {(("2019-01-01", "2019-01-31"), ("南京市", "", ""), "flood_power", "teams"): (5, ""),
            (("2019-03-01", "2019-03-31"), ("南京市", "", ""), "flood_power", "teams"): (100, ""),
            (("2020-02-01", "2020-02-29"), ("南京市", "", ""), "flood_power", "teams"): (7, "about"),
            (("2020-02-01", "2020-02-29"), ("南京市", "", ""), "flood_power", "lighting_rate"): (float("nan"), "")}
    facts = as_facts(rows)
    teams, rate = kpi_table(facts, Filters(date(2020, 1, 1), date(2020, 3, 31)), CATALOG, ["teams", "lighting_rate"])
    assert (teams.value, teams.qualifier, teams.like_for_like) == (7, "about", True)
    assert (teams.year_on_year.start, teams.year_on_year.end, teams.year_on_year.value) == (
        date(2019, 1, 1), date(2019, 2, 28), 5)
    assert teams.sparkline[-2:] == (7.0, 0.0) and len(teams.sparkline) == 12
    assert rate.value is not None and np.isnan(rate.value) and rate.sparkline[-2] == 0.0


# ---- filters and per-metric views: numpy masks on category codes (analytics._member, _lookup) against pandas -------
def reference_filter(facts: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    ends = facts["period_end"]
    mask = (ends >= pd.Timestamp(filters.start)) & (ends <= pd.Timestamp(filters.end))
    pairs = [analytics.split_county_key(key) for key in filters.counties]
    narrowed = {city for city, _ in pairs}
    cities = filters.cities or tuple(sorted(narrowed))
    if cities:
        mask &= facts["city"].isin(cities)
    if pairs:
        chosen = pd.MultiIndex.from_arrays([facts["city"].astype(str), facts["county"].astype(str)]).isin(pairs)
        mask &= ~facts["city"].isin(narrowed) | chosen
    if filters.campaigns:
        mask &= facts["campaign"].isin(filters.campaigns)
    if pairs:
        return facts[mask].drop(columns=[analytics.COUNTED, analytics.PART], errors="ignore")
    return facts[mask]


def reference_ranking(facts: pd.DataFrame, metric: str) -> pd.DataFrame:
    frame = counted_facts(facts[(facts["metric"] == metric) & (facts["city"] != "")])
    out = reference_aggregate(frame, ["city"], CATALOG)
    return out.sort_values(["value", "city"], ascending=[False, True]).reset_index(drop=True)


def reference_trend(facts: pd.DataFrame, metric: str) -> pd.DataFrame:
    frame = counted_facts(facts[facts["metric"] == metric]).copy()
    frame[MONTH] = frame["period_end"].dt.to_period("M").dt.to_timestamp()
    out = reference_aggregate(frame, [MONTH, "campaign"], CATALOG)
    return out.sort_values([MONTH, "campaign"]).reset_index(drop=True)


@settings(max_examples=60, deadline=None)
@given(FACTS, st.tuples(st.integers(0, 7), st.integers(0, 7)).map(sorted),
       st.sets(st.sampled_from(["南京市", "无锡市", "徐州市", "没有这个市"])), st.sets(st.sampled_from([*CAMPAIGNS, "none"])),
       st.sets(st.sampled_from(COUNTIES), max_size=2), st.sampled_from(METRICS), st.booleans())
def test_filters_rankings_and_trends_give_what_pandas_gave(figures, window, cities, campaigns, counties, metric,
                                                            as_text):
    facts = as_facts(figures)
    if as_text:
        for column in ("city", "county", "campaign", "metric", "qualifier"):
            facts[column] = facts[column].astype(str)
    filters = Filters(MONTHS[window[0]], month_end(MONTHS[window[1]]), tuple(sorted(cities)),
                      tuple(sorted(campaigns)), tuple(sorted(counties)))
    found, expected = filter_facts(facts, filters), reference_filter(facts, filters)
    pd.testing.assert_frame_equal(found, expected)
    views = [(found, expected)]
    if not counties:  # the cube serves windows without counties
        cube = monthly_cube(facts)
        views.append((filter_facts(cube, filters), reference_filter(cube, filters)))
    for found, expected in views:
        same(analytics.city_ranking(found, metric, CATALOG), reference_ranking(expected, metric))
        same(analytics.monthly_trend(found, metric, CATALOG), reference_trend(expected, metric))
        province = expected[(expected["metric"] == metric) & (expected["city"] == "")]
        same(analytics.province_only_total(found, metric, CATALOG), reference_aggregate(province, [], CATALOG))


def test_member_and_lookup_on_categories_and_text():
    """A value outside the categories matches nothing; a missing value matches nothing and maps to the default."""
    for column in (pd.Series(["a", "b", None, "c", "a"], dtype="category"), pd.Series(["a", "b", None, "c", "a"])):
        assert analytics._member(column, ["a", "z"]).tolist() == [True, False, False, False, True]
        assert analytics._member(column, []).tolist() == [False] * 5
        assert analytics._lookup(column, {"a": 1, "c": 3}, 0).tolist() == [1, 0, 0, 3, 1]
