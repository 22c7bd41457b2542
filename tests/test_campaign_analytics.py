"""One campaign's figures (analytics.campaign_*, top_units, cities_without) and campaign colours (charts)."""
from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from analytics import (
    campaign_city_share, campaign_facts, campaign_months, campaign_summary, cities_without, city_ranking, top_units,
)
from catalog import Campaign
from charts import (
    CAMPAIGN_COLORS, UNKNOWN_CAMPAIGN_COLOR, campaign_color, campaign_colors, campaign_month_chart,
    campaign_share_chart, top_units_chart, trend_chart,
)
from conftest import facts_frame

JULY = {"period_start": "2020-07-01", "period_end": "2020-07-31"}
MAY = {"period_start": "2020-05-01", "period_end": "2020-05-31"}


def fact(city, value, campaign="flood_power", metric="teams", county="", unit="", qualifier="", period=JULY):
    return {**period, "city": city, "county": county, "unit": unit, "campaign": campaign, "metric": metric,
            "value": value, "qualifier": qualifier}


@pytest.fixture
def facts():
    return facts_frame([
        fact("南京市", 25), fact("南京市", 3, county="高淳区"), fact("南京市", 2, county="溧水区"),  # 25 is the whole city
        fact("南京市", 5, campaign="covid_resumption", qualifier="over"),
        fact("淮安市", 4, county="金湖县"), fact("淮安市", 6, county="金湖县", unit="金湖防汛突击队"),  # the county's 4 wins
        fact("淮安市", 2, county="盱眙县", unit="甲队"), fact("淮安市", 1, county="盱眙县", unit="乙队"),  # no county figure: 3
        fact("淮安市", 7, unit="本级"),
        fact("苏州市", 300, metric="staff_deployed", qualifier="about"),
        fact("苏州市", 100, metric="staff_deployed", campaign="covid_resumption"),
        fact("", 9),  # province level: no city's
        fact("无锡市", 100, campaign="light_up", metric="lighting_rate"), fact("无锡市", 80, metric="lighting_rate"),
        fact("南京市", 10, period=MAY),
    ])


def row(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    [index] = frame.index[mask]
    return frame.loc[index]


def test_a_city_figure_is_the_whole_city_in_the_summary(facts, catalog):
    july = facts[facts["period_end"] == pd.Timestamp("2020-07-31")]
    summary = campaign_summary(july, "flood_power", catalog).set_index("metric")
    # 南京 25 (not 30) + 淮安 (金湖 4 + 盱眙 3 + 本级 7) + province 9
    assert summary.at["teams", "value"] == 25 + 14 + 9
    assert summary.at["teams", "cities"] == 2
    assert (summary.at["staff_deployed", "value"], summary.at["staff_deployed", "qualifier"]) == (300, "about")
    assert summary.at["lighting_rate", "value"] == 80  # a rate is averaged, and light_up's is another campaign's
    assert list(summary.index) == ["teams", "staff_deployed", "lighting_rate"]  # catalog order


def test_a_campaign_without_figures_has_an_empty_summary(facts, catalog):
    assert campaign_summary(facts, "aid_fund", catalog).empty


def test_months_are_those_with_data(facts, catalog):
    months = campaign_months(facts, "flood_power", "teams", catalog)
    assert list(months["month"]) == [pd.Timestamp("2020-05-01"), pd.Timestamp("2020-07-01")]
    assert list(months["value"]) == [10, 48]


def test_shares_follow_the_levels(facts, catalog):
    shares = campaign_city_share(facts[facts["period_end"] == pd.Timestamp("2020-07-31")], catalog, "teams")
    flood = row(shares, city="南京市", campaign="flood_power")
    assert flood["value"] == 25 and flood["city_value"] == 30  # 25 + covid's 5; the counties' 3 and 2 are within 25
    assert flood["share"] == pytest.approx(25 / 30)
    assert row(shares, city="南京市", campaign="covid_resumption")["share"] == pytest.approx(5 / 30)
    assert row(shares, city="淮安市", campaign="flood_power")["share"] == 1
    assert "" not in set(shares["city"])  # province-level figures belong to no city


def test_shares_add_up_to_one_per_city_and_metric(facts, catalog):
    shares = campaign_city_share(facts, catalog)
    sums = shares.groupby(["city", "metric"])["share"].sum()
    assert set(sums.index) == {("南京市", "teams"), ("淮安市", "teams"), ("苏州市", "staff_deployed")}
    assert sums.to_numpy() == pytest.approx(1.0)
    assert "lighting_rate" not in set(shares["metric"])  # a rate has no share


def test_shares_carry_qualifiers(facts, catalog):
    shares = campaign_city_share(facts, catalog)
    covid = row(shares, city="南京市", metric="teams", campaign="covid_resumption")
    flood = row(shares, city="南京市", metric="teams", campaign="flood_power")
    assert covid["qualifier"] == "over" and flood["qualifier"] == "" and flood["city_qualifier"] == "over"
    suzhou = row(shares, city="苏州市", metric="staff_deployed", campaign="flood_power")
    assert (suzhou["qualifier"], suzhou["city_qualifier"], suzhou["share"]) == ("about", "about", 0.75)


def test_top_units_are_counties_and_units_labelled_with_their_city(facts, catalog):
    units = top_units(campaign_facts(facts, "flood_power"), "teams", catalog)
    listed = {(r.city, r.county, r.unit): r.value for r in units.itertuples()}
    assert listed[("淮安市", "金湖县", "")] == 4  # the county's own figure, not 4 + 6
    assert listed[("淮安市", "盱眙县", "")] == 3  # no county figure: the sum of its units
    assert listed[("淮安市", "", "本级")] == 7 and listed[("淮安市", "金湖县", "金湖防汛突击队")] == 6
    assert listed[("南京市", "高淳区", "")] == 3
    assert ("南京市", "", "") not in listed  # a city is not a unit
    assert list(units["value"]) == sorted(units["value"], reverse=True)
    assert len(top_units(campaign_facts(facts, "flood_power"), "teams", catalog, limit=2)) == 2


def test_top_units_chart_labels_each_unit_with_its_city(facts, catalog):
    units = top_units(campaign_facts(facts, "flood_power"), "teams", catalog)
    figure = top_units_chart(units, "teams", "flood_power", catalog, "zh")
    assert "淮安市 · 金湖县 · 金湖防汛突击队" in list(figure.data[0].y)
    assert "淮安市 · 市公司本级" in list(figure.data[0].y)
    assert figure.data[0].marker.color == campaign_color(catalog, "flood_power")


def test_cities_without_a_figure(facts, catalog):
    ranking = city_ranking(campaign_facts(facts, "flood_power"), "teams", catalog)
    missing = cities_without(ranking, catalog)
    assert len(missing) == 11 and "南京市" not in missing and "淮安市" not in missing
    assert missing[0] == "无锡市"  # catalog order
    assert cities_without(ranking, catalog, ("南京市", "苏州市")) == ["苏州市"]


def test_each_campaign_has_its_own_colour_from_the_catalog(catalog):
    colors = campaign_colors(catalog)
    assert set(colors) == set(catalog.campaigns)
    assert len(set(colors.values())) == len(colors)
    assert colors["flood_power"] == catalog.campaigns["flood_power"].color
    assert campaign_color(catalog, "no_such_campaign") == UNKNOWN_CAMPAIGN_COLOR


def test_a_campaign_added_without_a_colour_gets_one_by_catalog_order(catalog):
    added = {**catalog.campaigns,
             "new_one": Campaign("new_one", "新活动", "new one", ()), "new_two": Campaign("new_two", "新活动二", "new two", ())}
    extended = dataclasses.replace(catalog, campaigns=added)
    assert campaign_color(extended, "new_one") == CAMPAIGN_COLORS[0]
    assert campaign_color(extended, "new_two") == CAMPAIGN_COLORS[1]
    assert campaign_color(extended, "flood_power") == campaign_color(catalog, "flood_power")


@pytest.mark.parametrize("campaigns", [["light_up"], ["flood_power", "light_up"], ["aid_fund", "light_up", "covid_resumption"]])
def test_the_trend_colours_a_campaign_the_same_whatever_else_has_data(catalog, campaigns):
    trend = pd.DataFrame({"month": pd.to_datetime(["2020-07-01"] * len(campaigns)), "campaign": campaigns,
                          "value": [1.0] * len(campaigns), "qualifier": [""] * len(campaigns)})
    figure = trend_chart(trend, "teams", catalog, "zh")
    drawn = {trace.name: trace.marker.color for trace in figure.data}
    assert drawn == {catalog.campaigns[c].zh: campaign_color(catalog, c) for c in campaigns}


def test_the_month_chart_is_on_a_time_axis_with_gaps(facts, catalog):
    months = campaign_months(facts, "flood_power", "teams", catalog)
    figure = campaign_month_chart(months, "teams", "flood_power", date(2020, 1, 1), date(2020, 12, 31), catalog, "en")
    [bars] = figure.data
    assert len(bars.x) == 2  # May and July; June is a gap, not a zero bar
    assert figure.layout.xaxis.type == "date"
    low, high = (pd.Timestamp(v) for v in figure.layout.xaxis.range)
    assert low < pd.Timestamp("2020-01-01") < pd.Timestamp("2020-12-01") < high
    assert all(width < 31 * 24 * 3600 * 1000 for width in bars.width)  # one month wide at most, never the whole axis
    assert bars.marker.color == campaign_color(catalog, "flood_power")


def test_the_share_chart_stacks_campaigns_to_one_in_their_colours(facts, catalog):
    shares = campaign_city_share(facts, catalog, "teams")
    figure = campaign_share_chart(shares, "teams", "flood_power", catalog, "zh")
    per_city: dict[str, float] = {}
    for trace in figure.data:
        code = next(c for c in catalog.campaigns if catalog.campaigns[c].zh == trace.name)
        assert trace.marker.color == campaign_color(catalog, code)
        for city, share in zip(trace.y, trace.x):
            per_city[city] = per_city.get(city, 0.0) + share
    assert per_city == pytest.approx({"南京市": 1.0, "淮安市": 1.0})
    assert figure.layout.barmode == "stack"


def test_a_unit_name_is_shown_as_text_in_the_top_units(catalog):
    tag = "<img src=http://127.0.0.1:9/x.png>"
    units = top_units(facts_frame([fact("南京市", 3, county="高淳区", unit=f"{tag}队")]), "teams", catalog)
    figure = top_units_chart(units, "teams", "flood_power", catalog, "zh")
    assert "南京市 · 高淳区 · &lt;img src=http://127.0.0.1:9/x.png&gt;队" in list(figure.data[0].y)
    assert "<img" not in figure.to_json()
