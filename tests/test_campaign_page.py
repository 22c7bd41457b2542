"""The campaign page (专项活动, issue 11 item 3) in AppTest on the demo data: a link's campaign, the numbers shown,
and a campaign drawn in the same colour on the Overview and here."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from catalog import load_catalog
from charts import campaign_color
from tests.accounts import demo_app

PAGE = "pages/campaigns.py"


@pytest.fixture
def app(tmp_path, monkeypatch):
    return demo_app(tmp_path, monkeypatch)


def decode(array) -> list:
    """A plotly array from a chart spec: plain list, or plotly 7's base64 {dtype, bdata}."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def charts(at: AppTest) -> dict[str, dict]:
    """The page's charts by widget key (their element ids end with the key)."""
    found = {}
    for element in at.get("plotly_chart"):
        key = next(k for k in ("campaign_months", "campaign_cities", "campaign_units", "campaign_share",
                               "trend_chart", "ranking_chart") if element.proto.id.endswith(k))
        found[key] = json.loads(element.proto.spec)
    return found


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.main.caption]


def open_link(at: AppTest, **params) -> AppTest:
    """The dashboard opened with a link's query string, then the campaign page."""
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    return at


def test_a_link_to_flood_july_shows_its_figures(app):
    open_link(app, **{"from": "2020-07", "to": "2020-07", "campaign": "flood_power"})
    assert app.title[0].value == "专项活动"
    assert app.selectbox(key="campaign_pick").value == "flood_power"
    assert app.selectbox(key="campaign_pick").options == ["防汛保电"]  # the link's campaign is the sidebar's filter
    shown = cards(app)
    assert shown["服务队（支）"] == "184" and shown["投入人次（人次）"] == "3,684"
    assert shown["排查重要客户（户）"] == "5,922" and shown["架设照明线路（处）"] == "120+"
    assert app.selectbox(key="campaign_metric").value == "teams"
    drawn = charts(app)
    assert decode(drawn["campaign_months"]["data"][0]["y"]) == [184]
    cities = drawn["campaign_cities"]["data"][0]
    assert sum(decode(cities["x"])) == 184 and len(decode(cities["x"])) == 13
    assert dict(zip(cities["y"], decode(cities["x"])))["南京市"] == 25  # the city figure, its counties within it
    units = drawn["campaign_units"]["data"][0]
    assert dict(zip(units["y"], decode(units["x"]))) == {"淮安市 · 金湖县": 4, "南京市 · 高淳区": 3, "南京市 · 溧水区": 2}
    assert "所选 13 个城市均有数据。" in captions(app)
    share = drawn["campaign_share"]["data"]
    assert [trace["name"] for trace in share] == ["防汛保电"] and decode(share[0]["x"]) == [1.0] * 13
    assert any(c.startswith("比重 = 该活动在该市的服务队") for c in captions(app))


def test_staff_deployed_and_the_cities_without_a_figure(app):
    open_link(app, **{"from": "2020-07", "to": "2020-07", "campaign": "flood_power"})
    app.selectbox(key="campaign_metric").set_value("staff_deployed").run()
    cities = charts(app)["campaign_cities"]["data"][0]
    assert sum(decode(cities["x"])) == 3684
    app.selectbox(key="campaign_metric").set_value("drainage_installs").run()
    assert not app.exception
    [missing] = [c for c in captions(app) if c.startswith("无此指标数据的城市")]
    assert missing.startswith("无此指标数据的城市（12/13）：南京市、无锡市、徐州市") and "淮安市" not in missing


def test_shares_of_each_citys_work_over_a_year(app):
    open_link(app, period="2020")
    app.selectbox(key="campaign_pick").set_value("flood_power").run()
    app.selectbox(key="campaign_metric").set_value("teams").run()
    share = {trace["name"]: dict(zip(trace["y"], decode(trace["x"]))) for trace in charts(app)["campaign_share"]["data"]}
    assert share["防汛保电"]["南通市"] == pytest.approx(12 / 13)  # 12 flood teams, Rugao's covid team
    assert share["抗疫复工"]["南通市"] == pytest.approx(1 / 13)
    assert share["防汛保电"]["南京市"] == 1


def test_a_campaign_without_figures_in_the_window_says_so(app):
    open_link(app, **{"from": "2020-07", "to": "2020-07"})
    app.selectbox(key="campaign_pick").set_value("practice_network").run()
    assert not app.exception
    assert app.info and "没有数据" in app.info[-1].value
    assert not app.metric


def test_english_labels(app):
    open_link(app, **{"from": "2020-07", "to": "2020-07", "campaign": "flood", "lang": "en"})
    assert app.title[0].value == "Campaigns"
    assert cards(app)["service teams (teams)"] == "184"
    assert charts(app)["campaign_units"]["data"][0]["y"][-1] == "Huai'an · Jinhu"


def test_a_campaign_has_the_same_colour_on_the_overview_and_the_campaign_page(app):
    catalog = load_catalog()
    app.query_params["period"] = "2020"
    app.run()
    app.selectbox(key="trend_metric").set_value("teams").run()
    overview = {trace["name"]: trace["marker"]["color"] for trace in charts(app)["trend_chart"]["data"]}
    assert set(overview) == {"抗疫复工", "防汛保电"}  # Rugao's covid team (May), the flood teams (July)
    app.switch_page(PAGE).run()
    for code in ("flood_power", "covid_resumption"):
        app.selectbox(key="campaign_pick").set_value(code).run()
        app.selectbox(key="campaign_metric").set_value("teams").run()
        drawn = charts(app)
        label = catalog.campaigns[code].zh
        colour = campaign_color(catalog, code)
        assert overview[label] == colour
        assert drawn["campaign_months"]["data"][0]["marker"]["color"] == colour
        assert drawn["campaign_cities"]["data"][0]["marker"]["color"] == colour
        share = {trace["name"]: trace["marker"]["color"] for trace in drawn["campaign_share"]["data"]}
        assert share == {"抗疫复工": campaign_color(catalog, "covid_resumption"),
                         "防汛保电": campaign_color(catalog, "flood_power")}


def test_the_page_is_for_those_who_may_view(app, monkeypatch):
    from accounts import send_cookie

    monkeypatch.setenv("KPI_PUBLIC_VIEW", "0")
    send_cookie(monkeypatch, None)
    app.run()
    with pytest.raises(ValueError):  # dashboard.py offers an anonymous visitor the log-in page only
        app.switch_page(PAGE).run()
    assert not app.metric and not app.get("plotly_chart")


def test_choosing_another_campaign_never_keeps_a_metric_it_does_not_have(app):
    open_link(app, period="2020", campaign=["flood_power", "covid_resumption"])
    assert app.selectbox(key="campaign_pick").options == ["抗疫复工", "防汛保电"]  # the sidebar's campaigns, catalog order
    app.selectbox(key="campaign_pick").set_value("flood_power").run()
    app.selectbox(key="campaign_metric").set_value("drainage_installs").run()
    app.selectbox(key="campaign_pick").set_value("covid_resumption").run()
    assert not app.exception
    picker = app.selectbox(key="campaign_metric")
    assert picker.value == "teams" and "临时排涝用电装置" not in picker.options
    assert cards(app)["服务队（支）"] == "1" and cards(app)["捐款/募款（元）"] == "36,000+"


def test_a_county_filter_narrows_the_campaign_to_that_county(app):
    """?county= reaches the campaign page: 高淳 alone has 3 of Nanjing's 25 flood teams."""
    open_link(app, **{"from": "2020-07", "to": "2020-07", "campaign": "flood_power", "city": "南京市",
                      "county": "南京市/高淳区"})
    assert cards(app)["服务队（支）"] == "3"
