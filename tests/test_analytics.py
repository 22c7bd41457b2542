"""Analytics: window filtering, sums with qualifiers, previous-period deltas, rates never summed."""
from __future__ import annotations

from datetime import date

import pytest

from analytics import (
    Filters, city_ranking, county_breakdown, default_window, filter_facts, kpi_table, metric_totals,
    monthly_trend, previous_window,
)
from tests.conftest import demo_expected, facts_frame

JULY = Filters(date(2020, 7, 1), date(2020, 7, 31))


@pytest.fixture(params=["text", "category"])
def demo(request):
    """The demo facts with text columns as the store returns them, and as categories as the app caches them."""
    frame = demo_expected()
    if request.param == "category":
        frame = frame.astype({c: "category" for c in ("city", "county", "unit", "campaign", "metric", "qualifier")})
    return frame


def value_of(table, metric):
    row = table[table["metric"] == metric].iloc[0]
    return row["value"], row["qualifier"]


def test_flood_july_totals_are_the_reports(demo, catalog):
    july_flood = filter_facts(demo, Filters(JULY.start, JULY.end, campaigns=("flood_power",)))
    totals = metric_totals(july_flood, catalog)
    assert value_of(totals, "teams") == (184, "")
    assert value_of(totals, "staff_deployed") == (3684, "")
    assert value_of(totals, "key_customers_checked") == (5922, "")
    assert value_of(totals, "lighting_lines") == (120, "over")
    assert value_of(totals, "temp_transformers") == (47, "")
    assert value_of(totals, "lighting_km") == (44.6, "")


def test_light_up_and_aid_fund_keep_their_qualifiers(demo, catalog):
    totals = metric_totals(filter_facts(demo, Filters(date(2020, 8, 1), date(2020, 8, 31))), catalog)
    assert value_of(totals, "corridors_lit") == (8100, "over")
    assert value_of(totals, "donations") == (350000, "about")
    assert value_of(totals, "lighting_rate") == (100, "")
    assert value_of(totals, "love_embassies") == (26, "")


def test_rates_are_averaged_never_summed(catalog):
    rows = [
        {"period_start": "2020-01-01", "period_end": "2020-01-31", "city": c, "campaign": "light_up",
         "metric": "lighting_rate", "value": v} for c, v in (("无锡市", 100), ("南京市", 80))
    ]
    assert value_of(metric_totals(facts_frame(rows), catalog), "lighting_rate") == (90, "")


def test_a_figure_counts_in_the_window_holding_its_period_end(demo):
    june = filter_facts(demo, Filters(date(2020, 6, 1), date(2020, 6, 30)))
    may = filter_facts(demo, Filters(date(2020, 5, 1), date(2020, 5, 31)))
    assert june.empty
    assert set(may["campaign"]) == {"covid_resumption"}


def test_city_filter_drops_province_level_figures(demo, catalog):
    covid = Filters(date(2020, 1, 1), date(2020, 12, 31), campaigns=("covid_resumption",))
    everything = metric_totals(filter_facts(demo, covid), catalog)
    assert value_of(everything, "face_shields") == (20000, "over")
    nanjing = filter_facts(demo, Filters(covid.start, covid.end, ("南京市",), covid.campaigns))
    assert set(nanjing["metric"]) == {"volunteers", "blood_donated"}


def test_previous_window_has_equal_length():
    assert previous_window(date(2020, 7, 1), date(2020, 7, 31)) == (date(2020, 6, 1), date(2020, 6, 30))
    assert previous_window(date(2019, 9, 1), date(2020, 8, 31)) == (date(2018, 9, 1), date(2019, 8, 31))
    assert previous_window(date(2020, 1, 1), date(2020, 3, 31)) == (date(2019, 10, 1), date(2019, 12, 31))


def test_kpi_delta_against_previous_period(catalog):
    rows = [
        {"period_start": "2020-06-01", "period_end": "2020-06-30", "city": "南京市", "campaign": "flood_power",
         "metric": "teams", "value": 10},
        {"period_start": "2020-07-01", "period_end": "2020-07-31", "city": "南京市", "campaign": "flood_power",
         "metric": "teams", "value": 25},
        {"period_start": "2020-07-01", "period_end": "2020-07-31", "city": "南京市", "campaign": "flood_power",
         "metric": "staff_deployed", "value": 300},
    ]
    teams, staff, donations = kpi_table(facts_frame(rows), JULY, catalog, ["teams", "staff_deployed", "donations"])
    assert (teams.value, teams.previous, teams.delta) == (25, 10, 15)
    assert (staff.value, staff.previous, staff.delta) == (300, None, None)
    assert donations.value is None


def test_default_window_is_twelve_months_ending_with_latest_data(demo):
    assert default_window(demo) == (date(2019, 9, 1), date(2020, 8, 31))


def test_ranking_leaves_province_out_and_sorts(demo, catalog):
    july = filter_facts(demo, JULY)
    ranking = city_ranking(july, "teams", catalog)
    assert len(ranking) == 13 and ranking["value"].sum() == 184
    assert list(ranking["value"]) == sorted(ranking["value"], reverse=True)
    assert ranking.iloc[0]["city"] == "南京市"  # 20 + 3 + 2 counties = 25, the most


def test_county_breakdown_sums_to_the_city(demo, catalog):
    july = filter_facts(demo, JULY)
    counties = county_breakdown(july, "南京市", "teams", catalog)
    # the city's figure (25) is whole: its counties, and the rest of the figure not allocated to one
    assert dict(zip(zip(counties["kind"], counties["county"]), counties["value"])) == {
        ("unallocated", ""): 20, ("county", "高淳区"): 3, ("county", "溧水区"): 2}
    assert counties["value"].sum() == city_ranking(july, "teams", catalog).set_index("city").at["南京市", "value"]


def test_monthly_trend_groups_by_month_and_campaign(demo, catalog):
    trend = monthly_trend(demo, "volunteers", catalog)
    by_key = {(m.strftime("%Y-%m"), c): v for m, c, v in zip(trend["month"], trend["campaign"], trend["value"])}
    assert by_key == {("2020-05", "covid_resumption"): 63, ("2020-07", "flood_power"): 30}


def test_metric_totals_come_in_catalog_order(demo, catalog):
    """Whatever order a category column lists its metrics in (the store's: first seen), totals follow the catalog."""
    shuffled = demo.iloc[::-1].reset_index(drop=True)
    metrics = list(metric_totals(shuffled, catalog)["metric"].astype(str))
    assert metrics == [code for code in catalog.metrics if code in set(demo["metric"].astype(str))]
