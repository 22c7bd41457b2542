"""analytics.pivot: cities with their counties (or months) by metrics (or campaigns), with totals that follow the
roll-up rule (a city figure is the whole city; its counties shown under it are parts, never added again) and the
qualifier rule (约 parts make 约, 余 floors make 余); the total row equals metric_totals of the same facts."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import (PIVOT_CAMPAIGN, PIVOT_METRIC, PIVOT_MONTH, PIVOT_REGION, PIVOT_TOTAL, ROW_CITY, ROW_COUNTY,
                       ROW_OWN, ROW_PROVINCE, facts_with_provenance, metric_totals, pivot)
from catalog import load_catalog
from tests.conftest import facts_frame

JULY = {"period_start": "2020-07-01", "period_end": "2020-07-31"}
AUGUST = {"period_start": "2020-08-01", "period_end": "2020-08-31"}


def fact(city: str = "", county: str = "", unit: str = "", value: float = 1, metric: str = "teams",
         qualifier: str = "", period: dict = JULY, campaign: str = "flood_power") -> dict:
    return {**period, "city": city, "county": county, "unit": unit, "metric": metric, "value": value,
            "qualifier": qualifier, "campaign": campaign}


def cell(table, column: str, level: str, city: str = "", county: str = "", month: str | None = None):
    """(value, qualifier) of one pivot cell; value None where the cell is blank."""
    keys = table.keys
    mask = (keys["level"] == level) & (keys["city"] == city) & (keys["county"] == county)
    if month is not None:
        mask &= keys["month"] == pd.Timestamp(month)
    [index] = keys.index[mask]
    value = table.values.at[index, column]
    return (None if math.isnan(value) else value), table.qualifiers.at[index, column]


def total(table, column: str):
    return cell(table, column, PIVOT_TOTAL)


def test_a_city_figure_is_the_whole_city_and_its_counties_are_parts(catalog):
    facts = facts_frame([fact("南京市", value=25), fact("南京市", "高淳区", value=3), fact("南京市", "溧水区", value=2),
                         fact("无锡市", value=17), fact(value=4)])  # 4: province level, no city
    table = pivot(facts, PIVOT_REGION, PIVOT_METRIC, catalog)
    assert cell(table, "teams", ROW_CITY, "南京市") == (25, "")
    assert cell(table, "teams", ROW_COUNTY, "南京市", "高淳区") == (3, "")
    assert cell(table, "teams", ROW_COUNTY, "南京市", "溧水区") == (2, "")
    assert cell(table, "teams", ROW_PROVINCE) == (4, "")
    assert total(table, "teams") == (25 + 17 + 4, "")  # the counties are not added again
    assert list(table.keys["level"]) == [ROW_PROVINCE, ROW_CITY, ROW_COUNTY, ROW_COUNTY, ROW_CITY, PIVOT_TOTAL]
    assert list(table.keys["county"][2:4]) == ["溧水区", "高淳区"]  # the catalog's order (320117, 320118)
    assert list(table.keys["counted"]) == [True, True, False, False, True, False]


def test_without_a_city_figure_the_city_is_the_sum_of_its_parts(catalog):
    facts = facts_frame([fact("南京市", "高淳区", value=3), fact("南京市", "溧水区", value=2),
                         fact("南京市", unit="本级", value=1)])
    table = pivot(facts, PIVOT_REGION, PIVOT_METRIC, catalog)
    assert cell(table, "teams", ROW_CITY, "南京市") == (6, "")
    assert cell(table, "teams", ROW_OWN, "南京市") == (1, "")
    assert total(table, "teams") == (6, "")


def test_a_city_figure_in_one_month_and_counties_in_another(catalog):
    facts = facts_frame([fact("南京市", value=25), fact("南京市", "高淳区", value=3),
                         fact("南京市", "高淳区", value=4, period=AUGUST), fact("南京市", "溧水区", value=5, period=AUGUST)])
    by_region = pivot(facts, PIVOT_REGION, PIVOT_METRIC, catalog)
    assert cell(by_region, "teams", ROW_CITY, "南京市") == (25 + 4 + 5, "")  # July: the city; August: its counties
    assert cell(by_region, "teams", ROW_COUNTY, "南京市", "高淳区") == (3 + 4, "")
    by_month = pivot(facts, PIVOT_MONTH, PIVOT_METRIC, catalog)
    assert cell(by_month, "teams", "month", month="2020-07-01") == (25, "")
    assert cell(by_month, "teams", "month", month="2020-08-01") == (9, "")
    assert total(by_month, "teams") == total(by_region, "teams") == (34, "")


@pytest.mark.parametrize("qualifiers, expected", [
    (["", ""], ""), (["over", ""], "over"), (["about", ""], "about"), (["over", "about"], "about"),
])
def test_a_cell_qualifier_follows_its_parts(catalog, qualifiers, expected):
    facts = facts_frame([fact("南京市", "高淳区", value=3, qualifier=qualifiers[0]),
                         fact("南京市", "溧水区", value=2, qualifier=qualifiers[1])])
    table = pivot(facts, PIVOT_REGION, PIVOT_METRIC, catalog)
    assert cell(table, "teams", ROW_CITY, "南京市") == (5, expected)
    assert cell(table, "teams", ROW_COUNTY, "南京市", "溧水区") == (2, qualifiers[1])
    assert total(table, "teams") == (5, expected)


def test_a_qualified_county_does_not_qualify_a_city_figure_that_hides_it(catalog):
    facts = facts_frame([fact("南京市", value=25), fact("南京市", "高淳区", value=3, qualifier="about")])
    table = pivot(facts, PIVOT_REGION, PIVOT_METRIC, catalog)
    assert cell(table, "teams", ROW_CITY, "南京市") == (25, "")
    assert cell(table, "teams", ROW_COUNTY, "南京市", "高淳区") == (3, "about")
    assert total(table, "teams") == (25, "")


def test_campaign_columns_of_one_metric_with_a_total_column(catalog):
    facts = facts_frame([
        fact("南京市", value=25), fact("南京市", "高淳区", value=3),
        fact("南京市", value=7, campaign="covid_resumption", qualifier="over"),
        fact("无锡市", value=10, campaign="light_up"), fact("无锡市", value=99, metric="volunteers"),
    ])
    table = pivot(facts, PIVOT_REGION, PIVOT_CAMPAIGN, catalog, metric="teams")
    assert list(table.values.columns) == ["covid_resumption", "flood_power", "light_up", PIVOT_TOTAL]  # catalog order
    assert cell(table, PIVOT_TOTAL, ROW_CITY, "南京市") == (32, "over")
    assert cell(table, "flood_power", ROW_COUNTY, "南京市", "高淳区") == (3, "")
    assert cell(table, "light_up", ROW_CITY, "南京市") == (None, "")
    assert total(table, "flood_power") == (25, "")
    assert total(table, PIVOT_TOTAL) == (42, "over")  # volunteers are another metric: not in it


def test_a_rate_is_averaged_at_every_level(catalog):
    facts = facts_frame([fact("无锡市", "宜兴市", value=100, metric="lighting_rate", campaign="light_up"),
                         fact("南京市", value=80, metric="lighting_rate", campaign="light_up"),
                         fact("南京市", value=90, metric="lighting_rate", campaign="aid_fund")])
    table = pivot(facts, PIVOT_REGION, PIVOT_CAMPAIGN, catalog, metric="lighting_rate")
    assert cell(table, PIVOT_TOTAL, ROW_CITY, "南京市") == (85, "")
    assert total(table, "light_up") == (90, "")
    assert total(table, PIVOT_TOTAL) == (90, "")


def test_campaign_columns_need_a_metric_and_unknown_axes_are_refused(catalog):
    facts = facts_frame([fact("南京市", value=25)])
    for rows, columns, metric in ((PIVOT_REGION, PIVOT_CAMPAIGN, None), ("unit", PIVOT_METRIC, None),
                                  (PIVOT_MONTH, "city", None)):
        with pytest.raises(ValueError):
            pivot(facts, rows, columns, catalog, metric)


def test_no_facts_leave_only_an_empty_total_row(catalog):
    table = pivot(facts_frame([]), PIVOT_REGION, PIVOT_METRIC, catalog)
    assert list(table.keys["level"]) == [PIVOT_TOTAL] and table.values.shape == (1, 0)


def demo_totals(store, catalog, rows, columns, metric=None):
    from datetime import date

    from analytics import Filters, filter_facts
    from store.demo import ensure_demo

    ensure_demo(store)
    july = filter_facts(store.active_facts(), Filters(date(2020, 7, 1), date(2020, 7, 31), campaigns=("flood_power",)))
    return july, pivot(july, rows, columns, catalog, metric)


@pytest.mark.parametrize("rows", [PIVOT_REGION, PIVOT_MONTH])
def test_the_demo_flood_july_totals(store, catalog, rows):
    july, table = demo_totals(store, catalog, rows, PIVOT_METRIC)
    assert total(table, "teams") == (184, "") and total(table, "staff_deployed") == (3684, "")
    assert total(table, "lighting_lines") == (120, "over")  # 120+ lines on the dikes
    if rows == PIVOT_REGION:
        assert cell(table, "teams", ROW_CITY, "南京市") == (25, "")  # 高淳 3 and 溧水 2 inside it
        assert cell(table, "teams", ROW_COUNTY, "南京市", "高淳区") == (3, "")
        assert cell(table, "teams", ROW_COUNTY, "南京市", "溧水区") == (2, "")
    _, by_campaign = demo_totals(store, catalog, rows, PIVOT_CAMPAIGN, "staff_deployed")
    assert total(by_campaign, PIVOT_TOTAL) == total(by_campaign, "flood_power") == (3684, "")


def test_provenance_names_each_facts_upload(store, catalog):
    from store.demo import ensure_demo

    ensure_demo(store)
    out = facts_with_provenance(store.active_facts(), store.uploads())
    assert set(out["file_name"]) == {"2020年7月防汛保电统计表.xlsx", "文明实践台账_2019-2020.csv"}
    nanjing = out[(out["city"] == "南京市") & (out["county"] == "高淳区") & (out["metric"] == "teams")].iloc[0]
    assert (nanjing["file_name"], nanjing["sheet"], nanjing["row"]) == ("2020年7月防汛保电统计表.xlsx", "防汛保电", 6)
    assert not nanjing["counted"] and nanjing["part"]
    assert out["uploaded_at"].notna().all() and set(out["uploader"]) == {"demo"}


QUALIFIER = st.sampled_from(["", "over", "about"])
PLACE = st.sampled_from([("", ""), ("南京市", ""), ("南京市", "高淳区"), ("南京市", "溧水区"), ("无锡市", ""),
                         ("无锡市", "宜兴市"), ("淮安市", "金湖县")])
FACT = st.tuples(PLACE, st.sampled_from([JULY, AUGUST]), st.sampled_from(["teams", "lighting_rate", "donations"]),
                 st.sampled_from(["flood_power", "light_up"]), st.integers(0, 500), QUALIFIER)


@settings(max_examples=25, deadline=None)
@given(st.lists(FACT, max_size=12, unique_by=lambda f: (f[0], f[1]["period_end"], f[2], f[3])))
def test_totals_equal_metric_totals(drawn):
    catalog = load_catalog()
    facts = facts_frame([fact(city, county, value=value, metric=metric, qualifier=qualifier, period=period,
                              campaign=campaign)
                         for (city, county), period, metric, campaign, value, qualifier in drawn])
    expected = metric_totals(facts, catalog).set_index("metric")
    for rows in (PIVOT_REGION, PIVOT_MONTH):
        table = pivot(facts, rows, PIVOT_METRIC, catalog)
        for metric in expected.index:
            value, qualifier = total(table, metric)
            assert value == pytest.approx(expected.at[metric, "value"])
            assert qualifier == expected.at[metric, "qualifier"]
            if metric != "lighting_rate":  # a sum: the counted rows add up to it, the part rows are not added
                counted = table.values.loc[table.keys["counted"].to_numpy(dtype=bool), metric]
                assert counted.sum() == pytest.approx(expected.at[metric, "value"])
        for metric in expected.index:
            by_campaign = pivot(facts, rows, PIVOT_CAMPAIGN, catalog, metric)
            value, qualifier = total(by_campaign, PIVOT_TOTAL)
            assert value == pytest.approx(expected.at[metric, "value"]) and qualifier == expected.at[metric, "qualifier"]
