"""Views in the URL (issue 11, item 5): the filters live in the query string, so a copied link (or a reload)
opens the same view; values that name nothing are left out, never an error."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_pages import chart, choose_month, decode, keyed_chart
from tests.accounts import demo_app



@pytest.fixture
def app(tmp_path, monkeypatch):
    return demo_app(tmp_path, monkeypatch)


def param(at: AppTest, name: str) -> list[str] | None:
    """A query parameter as a list of its values (AppTest gives one value as a plain string)."""
    value = at.query_params.get(name)
    return None if value is None else (value if isinstance(value, list) else [value])


def card(at: AppTest, prefix: str) -> str:
    [value] = [m.value for m in at.metric if m.label.startswith(prefix)]
    return value


def test_a_link_opens_its_view(app):
    app.query_params["from"] = "2020-07"
    app.query_params["to"] = "2020-07"
    app.query_params["city"] = ["南京市", "淮安"]
    app.query_params["campaign"] = "flood_power"
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.selectbox(key="period_preset").value == "custom"
    assert (app.selectbox(key="period_from").value, app.selectbox(key="period_to").value) == ("2020-07", "2020-07")
    assert app.multiselect(key="cities").value == ["南京市", "淮安市"]
    assert app.multiselect(key="campaigns").value == ["flood_power"]
    assert card(app, "service teams") == "40"  # 南京 25 + 淮安 15, July, flood
    assert param(app, "city") == ["南京市", "淮安市"] and param(app, "lang") == ["en"]


def test_the_address_follows_the_filters(app):
    app.run()
    assert param(app, "from") is None and param(app, "lang") == ["zh"]  # the default view: the last 12 months
    app.selectbox(key="period_preset").set_value("custom").run()
    app.selectbox(key="period_from").set_value("2020-07").run()
    app.selectbox(key="period_to").set_value("2020-07").run()
    app.multiselect(key="campaigns").set_value(["flood_power"]).run()
    assert (param(app, "from"), param(app, "to"), param(app, "campaign")) == (["2020-07"], ["2020-07"], ["flood_power"])
    app.selectbox(key="period_preset").set_value("year:2020").run()
    assert param(app, "period") == ["2020"] and param(app, "from") is None


@pytest.mark.parametrize("name, value", [("from", "July"), ("city", "上海市"), ("campaign", "no such"),
                                         ("lang", "fr"), ("period", "=cmd|' /C calc'!A0")])
def test_values_that_name_nothing_are_left_out(app, name, value):
    app.query_params[name] = value
    app.run()
    assert not app.exception and not app.error
    assert card(app, "服务队") == "185"  # the default view


def test_the_metric_in_a_link_sets_the_pickers_and_is_written_back(app):
    app.query_params["from"] = "2020-07"
    app.query_params["to"] = "2020-07"
    app.query_params["metric"] = "排查重要客户"  # a label names the metric too
    app.run()
    assert not app.exception
    assert app.selectbox(key="ranking_metric").value == app.selectbox(key="trend_metric").value
    code = app.selectbox(key="ranking_metric").value
    assert param(app, "metric") == [code]
    assert sum(decode(keyed_chart(app, "ranking_chart")["data"][0]["x"])) == 5922  # the ranking shows the link's metric
    app.selectbox(key="ranking_metric").set_value("teams").run()
    assert param(app, "metric") == ["teams"]
    app.switch_page("pages/regions.py").run()
    assert param(app, "metric") == ["teams"]


def test_the_metric_in_a_link_opens_the_regions_page_on_it(app):
    app.query_params["from"] = "2020-07"
    app.query_params["to"] = "2020-07"
    app.query_params["metric"] = "teams"
    app.run()
    app.switch_page("pages/regions.py").run()
    assert app.selectbox(key="region_metric").value == "teams"
    assert sum(decode(chart(app, 0)["data"][0]["x"])) == 184


@pytest.mark.parametrize("county", ["南京市/高淳区", "高淳区"])
def test_a_county_in_a_link_narrows_to_its_figures(app, county):
    app.query_params["from"] = "2020-07"
    app.query_params["to"] = "2020-07"
    app.query_params["campaign"] = "flood_power"
    app.query_params["county"] = county
    app.run()
    assert not app.exception
    assert app.multiselect(key="cities").value == ["南京市"]  # a county's city comes with it
    assert app.multiselect(key="counties").value == ["南京市/高淳区"]
    assert card(app, "服务队") == "3"  # 高淳区's figure; Nanjing's own figure (25, the whole city) drops out
    assert param(app, "county") == ["南京市/高淳区"]


def test_the_county_select_offers_only_the_chosen_cities_counties(app):
    app.run()
    assert not [m for m in app.multiselect if m.key == "counties"]  # no city chosen: no county select
    choose_month(app, "2020-07", "2020-07")
    app.multiselect(key="campaigns").set_value(["flood_power"]).run()
    app.multiselect(key="cities").set_value(["南京市"]).run()
    options = app.multiselect(key="counties").options
    assert "高淳区" in options and "鼓楼区" in options and "昆山市" not in options and len(options) == 11
    app.multiselect(key="counties").set_value(["南京市/高淳区", "南京市/溧水区"]).run()
    assert card(app, "服务队") == "5"  # 高淳 3 + 溧水 2
    assert param(app, "county") == ["南京市/高淳区", "南京市/溧水区"]
    app.multiselect(key="cities").set_value(["苏州市"]).run()
    assert app.multiselect(key="counties").value == []  # 南京's counties leave with it
    assert param(app, "county") is None


def test_a_new_link_in_the_same_session_is_read_and_the_apps_own_writes_are_not(app):
    app.run()
    assert card(app, "服务队") == "185"
    app.multiselect(key="cities").set_value(["苏州市"]).run()  # the app writes city=苏州市 itself
    assert param(app, "city") == ["苏州市"] and app.multiselect(key="cities").value == ["苏州市"]
    for name in list(app.query_params):
        del app.query_params[name]
    app.query_params.update({"from": "2020-07", "to": "2020-07", "city": "南京市", "campaign": "flood_power",
                             "lang": "en"})  # a link pasted (or st.switch_page with query_params)
    app.run()
    assert not app.exception
    assert app.multiselect(key="cities").value == ["南京市"]
    assert card(app, "service teams") == "25"
    for name in list(app.query_params):
        del app.query_params[name]
    app.query_params.update({"period": "2020"})  # what the link leaves out goes back to the default
    app.run()
    assert app.multiselect(key="cities").value == [] and app.multiselect(key="campaigns").value == []
    assert app.selectbox(key="period_preset").value == "year:2020" and param(app, "lang") == ["en"]
