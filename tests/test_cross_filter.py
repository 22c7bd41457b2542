"""Cross-filtering and drill-through (issue 11, item 4): a click on a city's bar or map area narrows the page
(and back), 查看明细 shows the figures behind a bar or a point with their provenance; the map labelled, outlined,
one colour for one value. Selections are simulated the way the browser sends them (session state of the chart)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui
from analytics import Filters, city_ranking, county_key, filter_facts, metric_totals, with_levels
from charts import MAP_GREY, MAP_ONE_COLOR, city_map
from geo import centroids
from tests.conftest import facts_frame
from tests.test_pages import chart, choose_month, decode, keyed_chart
from tests.accounts import demo_app



@pytest.fixture
def app(tmp_path, monkeypatch):
    return demo_app(tmp_path, monkeypatch)


def selection(*points: dict) -> dict:
    """A chart's selection as Streamlit keeps it in session state."""
    return {"selection": {"points": list(points), "point_indices": list(range(len(points))), "box": [], "lasso": []}}


def card(at: AppTest, prefix: str) -> str:
    [value] = [m.value for m in at.metric if m.label.startswith(prefix)]
    return value


def flood_july(at: AppTest) -> None:
    at.run()
    choose_month(at, "2020-07", "2020-07")
    at.multiselect(key="campaigns").set_value(["flood_power"]).run()


def notes(at: AppTest) -> list[str]:
    return [info.value for info in at.info]


# ---- the Overview ----------------------------------------------------------------------------------------------
def test_clicking_a_city_bar_filters_the_cards_and_the_trend_and_clicking_again_goes_back(app):
    flood_july(app)
    assert card(app, "服务队") == "184"
    app.session_state["ranking_chart"] = selection({"customdata": ["南京市"], "y": "南京市", "x": 25})
    app.run()
    assert not app.exception and not app.error
    assert card(app, "服务队") == "25" and card(app, "投入人次") == "558"
    assert any("已按 南京市 筛选" in note for note in notes(app))
    trend = keyed_chart(app, "trend_chart")  # staff deployed by month and campaign, Nanjing only now
    assert sum(sum(decode(trace["y"])) for trace in trend["data"]) == 558
    assert sum(decode(keyed_chart(app, "ranking_chart")["data"][0]["x"])) == 184  # every city stays, to click on
    assert app.multiselect(key="cities").value == []  # page-local: the sidebar's filter is untouched
    app.session_state["ranking_chart"] = selection()  # the same bar clicked again: the selection emptied
    app.run()
    assert card(app, "服务队") == "184"
    assert not any("筛选" in note for note in notes(app))


def test_the_clear_button_goes_back_and_clears_the_charts_selection(app):
    flood_july(app)
    app.session_state["ranking_chart"] = selection({"customdata": ["苏州市"]})
    app.run()
    assert card(app, "服务队") != "184"
    app.button(key="overview_focus_clear").click().run()
    assert card(app, "服务队") == "184"
    app.run()  # the old selection is not read again
    assert card(app, "服务队") == "184"
    assert not any("筛选" in note for note in notes(app))
    app.session_state["ranking_chart_1"] = selection({"customdata": ["南京市"]})  # the chart's new key is read
    app.run()
    assert card(app, "服务队") == "25"


def test_a_city_outside_the_catalog_in_a_selection_is_ignored(app):
    flood_july(app)
    app.session_state["ranking_chart"] = selection({"customdata": ["<b>上海市</b>"]})
    app.run()
    assert not app.exception and not app.error
    assert card(app, "服务队") == "184"


def test_the_figures_behind_a_trend_point_open_on_the_data_page(app):
    """A clicked trend point (防汛保电, 2020-07) opens the data page on that month, campaign and metric: 184 teams."""
    flood_july(app)
    app.selectbox(key="trend_metric").set_value("teams").run()
    app.multiselect(key="campaigns").set_value([]).run()  # every campaign: the point names its own
    app.selectbox(key="period_from").set_value("2020-02").run()
    trend = keyed_chart(app, "trend_chart")
    [curve] = [i for i, trace in enumerate(trend["data"]) if trace["name"] == "防汛保电"]
    app.session_state["trend_chart"] = selection({"x": "2020-07-01", "y": 184, "curve_number": curve, "point_index": 0})
    app.run()
    app.button(key="trend_drill").click().run()
    assert not app.exception and not app.error
    assert {name: app.query_params.get(name) for name in ("from", "to", "campaign", "metric")} == {
        "from": "2020-07", "to": "2020-07", "campaign": "flood_power", "metric": "teams"}
    assert app.title[0].value == "数据明细"
    assert app.multiselect(key="campaigns").value == ["flood_power"]


# ---- By region ---------------------------------------------------------------------------------------------------
def test_clicking_a_map_area_filters_the_county_breakdown_and_the_city_table(app):
    app.run()
    app.switch_page("pages/regions.py").run()
    choose_month(app, "2020-07", "2020-07")
    app.selectbox(key="region_metric").set_value("teams").run()
    assert len(app.dataframe[0].value) == 13
    app.session_state["city_map"] = selection({"location": "320800", "z": 15})  # 淮安市's area
    app.run()
    assert not app.exception and not app.error
    assert app.selectbox(key="region_city").value == "淮安市"
    assert any("已按 淮安市 筛选" in note for note in notes(app))
    table = app.dataframe[0].value
    assert list(table["城市"]) == ["淮安市"] and table.iloc[0]["服务队 (支)"] == "15"
    counties = chart(app, 2)
    assert dict(zip(counties["data"][0]["x"], decode(counties["data"][0]["y"]))) == {"未分配到县（区）": 11, "金湖县": 4}
    app.button(key="regions_focus_clear").click().run()
    assert len(app.dataframe[0].value) == 13


def test_a_bar_click_on_the_regions_page_narrows_it_too(app):
    app.run()
    app.switch_page("pages/regions.py").run()
    choose_month(app, "2020-07", "2020-07")
    app.session_state["city_chart"] = selection({"customdata": ["南京市"]})
    app.run()
    assert app.selectbox(key="region_city").value == "南京市"
    assert list(app.dataframe[0].value["城市"]) == ["南京市"]
    assert app.button(key="regions_drill").label == "查看明细"


# ---- pieces ------------------------------------------------------------------------------------------------------
def test_selected_city_reads_a_bar_or_a_map_area(catalog):
    assert ui.selected_city(selection({"customdata": ["南京市"]}), catalog) == "南京市"
    assert ui.selected_city(selection({"location": "320500"}), catalog) == "苏州市"
    assert ui.selected_city(selection({"location": "320115"}), catalog) is None  # a county is no city
    assert ui.selected_city(selection(), catalog) is None
    assert ui.selected_city(None, catalog) is None


def test_the_drill_view_as_query_parameters():
    view = ui.DrillView(date(2020, 7, 1), date(2020, 7, 1), "teams", ("南京市",), ("flood_power",))
    assert view.query_params() == {"from": "2020-07", "to": "2020-07", "city": ["南京市"],
                                   "campaign": ["flood_power"], "metric": "teams"}
    assert view.filters.end == date(2020, 7, 31)


def test_focused_filters_keep_the_clicked_citys_counties():
    filters = Filters(date(2020, 7, 1), date(2020, 7, 31), cities=("南京市", "苏州市"),
                      counties=(county_key("南京市", "高淳区"), county_key("苏州市", "昆山市")))
    narrowed = ui.focused_filters(filters, "南京市")
    assert narrowed.cities == ("南京市",) and narrowed.counties == ("南京市/高淳区",)
    assert ui.focused_filters(filters, None) is filters


# ---- the map -----------------------------------------------------------------------------------------------------
def ranking_of(rows: list[tuple[str, float]], catalog) -> pd.DataFrame:
    facts = facts_frame([{"period_start": "2020-07-01", "period_end": "2020-07-31", "city": city, "campaign": "flood_power",
                          "metric": "teams", "value": value} for city, value in rows])
    return city_ranking(facts, "teams", catalog)


def test_the_map_labels_every_shown_city_with_its_value(catalog):
    figure = city_map(ranking_of([("南京市", 25), ("苏州市", 8100)], catalog), "teams", catalog, "zh")
    labels = figure.data[0]
    assert labels.type == "scattergeo" and labels.mode == "text"
    assert list(labels.text) == ["苏州市<br>8,100", "南京市<br>25"]
    lon, lat = labels.lon[1], labels.lat[1]
    assert 118.3 < lon < 119.3 and 31.2 < lat < 32.7  # inside Nanjing
    english = city_map(ranking_of([("南京市", 25)], catalog), "teams", catalog, "en")
    assert list(english.data[0].text) == ["Nanjing<br>25"]


def test_one_city_keeps_the_province_outline_in_grey_and_has_one_colour(catalog):
    figure = city_map(ranking_of([("南京市", 25)], catalog), "teams", catalog, "zh")
    shown, grey = figure.data[1], figure.data[2]
    assert list(shown.locations) == ["320100"] and shown.showscale is False
    assert {color for _, color in shown.colorscale} == {MAP_ONE_COLOR}
    assert len(grey.locations) == 12 and "320100" not in grey.locations
    assert {color for _, color in grey.colorscale} == {MAP_GREY} and grey.hoverinfo == "skip"


def test_equal_values_get_one_colour_and_different_ones_a_scale(catalog):
    equal = city_map(ranking_of([("南京市", 5), ("苏州市", 5)], catalog), "teams", catalog, "zh").data[1]
    assert equal.showscale is False and {color for _, color in equal.colorscale} == {MAP_ONE_COLOR}
    spread = city_map(ranking_of([("南京市", 5), ("苏州市", 9)], catalog), "teams", catalog, "zh").data[1]
    assert spread.showscale is True and len({color for _, color in spread.colorscale}) > 1


def test_the_map_fetches_nothing(catalog):
    figure = city_map(ranking_of([("南京市", 25)], catalog), "teams", catalog, "zh")
    assert figure.layout.geo.visible is False  # no base map (its topojson would come from a CDN)
    assert all(trace.type in ("choropleth", "scattergeo") for trace in figure.data)  # no tile or glyph server
    assert figure.data[0].type == "scattergeo" and figure.data[0].locationmode is None  # plotly.js would fetch a
    # world topojson from its CDN were the first trace one with a locationmode (a choropleth)


def test_every_city_has_a_centroid_inside_jiangsu():
    places = centroids("city")
    assert len(places) == 13
    assert all(116.3 < lon < 121.9 and 30.7 < lat < 35.2 for lon, lat in places.values())


# ---- counties in the filters -------------------------------------------------------------------------------------
def test_counties_narrow_their_city_and_a_city_figure_drops_out(catalog):
    facts = facts_frame([
        {"period_start": "2020-07-01", "period_end": "2020-07-31", "city": city, "county": county, "unit": unit,
         "campaign": "flood_power", "metric": "teams", "value": value}
        for city, county, unit, value in [("南京市", "", "", 25), ("南京市", "高淳区", "", 3), ("南京市", "高淳区", "某供电所", 1),
                                          ("南京市", "溧水区", "", 2), ("苏州市", "", "", 10), ("", "", "", 7)]])
    window = dict(start=date(2020, 7, 1), end=date(2020, 7, 31))
    only = filter_facts(facts, Filters(**window, counties=("南京市/高淳区",)))
    assert sorted(zip(only["county"], only["unit"])) == [("高淳区", ""), ("高淳区", "某供电所")]
    both = filter_facts(facts, Filters(**window, cities=("南京市", "苏州市"), counties=("南京市/高淳区",)))
    assert sorted(both["city"] + both["county"]) == ["南京市高淳区", "南京市高淳区", "苏州市"]  # 苏州 stays whole
    assert len(filter_facts(facts, Filters(**window))) == 6
    levelled = with_levels(facts)  # levels worked out with the city figure present (as the app's cache does)
    total = metric_totals(filter_facts(levelled, Filters(**window, counties=("南京市/高淳区",))), catalog)
    assert total.at[0, "value"] == 3  # the county's figure counts now; its sub-unit's stays within it


def test_show_the_figures_behind_opens_the_data_page_with_the_view_in_its_link(app):
    flood_july(app)
    app.session_state["ranking_chart"] = selection({"customdata": ["淮安市"]})
    app.run()
    app.selectbox(key="ranking_metric").set_value("teams").run()
    app.button(key="ranking_drill").click().run()
    assert not app.exception and not app.error
    assert {name: app.query_params.get(name) for name in ("from", "to", "city", "campaign", "metric")} == {
        "from": "2020-07", "to": "2020-07", "city": "淮安市", "campaign": "flood_power", "metric": "teams"}
    assert app.multiselect(key="cities").value == ["淮安市"]  # the data page's filters are the clicked bar's
