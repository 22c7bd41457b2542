"""Pages rendered with AppTest on the demo data: the numbers shown are the report's."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from settings import ROOT
from store.demo import DEMO_FILES
from tests.accounts import demo_app

APP = str(ROOT / "dashboard.py")

TIMEOUT = 120


@pytest.fixture
def app(tmp_path, monkeypatch):
    return demo_app(tmp_path, monkeypatch)


def cards(at: AppTest) -> dict[str, str]:
    """KPI cards as {label: value text}."""
    return {m.label: m.value for m in at.metric}


def card(at: AppTest, prefix: str) -> str:
    [value] = [v for label, v in cards(at).items() if label.startswith(prefix)]
    return value


def choose_month(at: AppTest, first: str, last: str) -> None:
    at.selectbox(key="period_preset").set_value("custom").run()
    at.selectbox(key="period_from").set_value(first).run()
    at.selectbox(key="period_to").set_value(last).run()


def decode(array):
    """A plotly array from a chart spec: plain list, or plotly 7's base64 {dtype, bdata}."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def chart(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def keyed_chart(at: AppTest, key: str) -> dict:
    """The chart drawn with st.plotly_chart(key=key) (KPI cards with a target draw bullet bars before the others)."""
    [found] = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(found.proto.spec)


def test_overview_renders_without_errors_and_shows_demo_note(app):
    app.run()
    assert not app.exception and not app.error
    assert "演示数据" in app.info[0].value
    assert any(c.value.startswith("数据更新于") for c in app.caption)


def test_default_window_shows_2020_with_qualifiers(app):
    app.run()
    assert card(app, "服务队") == "185"  # 184 flood teams + Rugao's covid team
    assert card(app, "投入人次") == "3,684"
    assert card(app, "黑楼道改造") == "8,100+"
    assert card(app, "捐款/募款") == "约386,000"  # 36,000+ (Lianyungang) + about 350,000 (Yixing)
    assert card(app, "架设照明线路") == "120+"


def test_flood_july_shows_184_teams_and_3684_staff(app):
    app.run()
    choose_month(app, "2020-07", "2020-07")
    app.multiselect(key="campaigns").set_value(["flood_power"]).run()
    assert not app.exception
    assert card(app, "服务队") == "184"
    assert card(app, "投入人次") == "3,684"
    assert card(app, "排查重要客户") == "5,922"
    assert card(app, "临时配变") == "47"


def test_changing_a_filter_changes_the_cards(app):
    app.run()
    choose_month(app, "2020-07", "2020-07")
    app.multiselect(key="campaigns").set_value(["flood_power"]).run()
    app.multiselect(key="cities").set_value(["南京市"]).run()
    assert card(app, "服务队") == "25"  # 南京 20 + 高淳 3 + 溧水 2
    assert card(app, "投入人次") == "558"
    app.multiselect(key="cities").set_value(["苏州市", "无锡市"]).run()
    assert card(app, "服务队") == "41"


def test_trend_and_ranking_charts_carry_the_numbers(app):
    app.run()
    choose_month(app, "2020-07", "2020-07")
    app.selectbox(key="ranking_metric").set_value("teams").run()
    trend, ranking = keyed_chart(app, "trend_chart"), keyed_chart(app, "ranking_chart")
    assert sum(sum(decode(trace["y"])) for trace in trend["data"]) == 3684  # staff deployed by default
    values = decode(ranking["data"][0]["x"])
    assert sum(values) == 184 and len(values) == 13


def test_english_locale_gives_english_labels(app):
    app.context["locale"] = "en-US"
    app.run()
    assert app.title[0].value == "Civic-practice KPI dashboard"
    assert card(app, "staff deployed") == "3,684"
    app.radio(key="lang").set_value("zh").run()
    assert app.title[0].value == "新时代文明实践 KPI 看板"


def test_regions_page_compares_cities_and_drills_into_counties(app):
    app.run()
    app.switch_page("pages/regions.py").run()
    choose_month(app, "2020-07", "2020-07")
    assert not app.exception
    app.selectbox(key="region_metric").set_value("teams").run()
    by_city = chart(app, 0)
    assert sum(decode(by_city["data"][0]["x"])) == 184
    [shading] = [trace for trace in chart(app, 1)["data"] if trace["type"] == "choropleth"]
    assert dict(zip(shading["locations"], decode(shading["z"])))["320800"] == 15  # 淮安市 figure, 金湖县 4 within it
    assert len(shading["locations"]) == 13
    app.selectbox(key="region_city").set_value("南京市").run()
    counties = chart(app, 2)  # after the bars and the map
    assert sorted(decode(counties["data"][0]["y"])) == [2, 3, 20]
    assert set(counties["data"][0]["x"]) == {"未分配到县（区）", "高淳区", "溧水区"}


def test_clicking_a_city_bar_selects_it(app):
    app.run()
    app.switch_page("pages/regions.py").run()
    choose_month(app, "2020-07", "2020-07")
    app.session_state["city_chart"] = {"selection": {"points": [{"customdata": ["淮安市"]}], "point_indices": [0], "box": [], "lasso": []}}
    app.run()
    assert app.selectbox(key="region_city").value == "淮安市"
    counties = chart(app, 2)
    assert dict(zip(counties["data"][0]["x"], decode(counties["data"][0]["y"]))) == {"未分配到县（区）": 11, "金湖县": 4}


def test_data_survives_a_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    first = AppTest.from_file(APP, default_timeout=TIMEOUT)
    first.run()
    from store import Store

    store = Store(f"sqlite:///{tmp_path / 'app.db'}")
    assert len(store.uploads()) == len(DEMO_FILES)
    store.engine.dispose()
    import streamlit as st

    st.cache_resource.clear()  # what a new process starts with
    st.cache_data.clear()
    second = AppTest.from_file(APP, default_timeout=TIMEOUT)
    second.run()
    assert card(second, "投入人次") == "3,684"
    assert len(Store(f"sqlite:///{tmp_path / 'app.db'}").uploads()) == len(DEMO_FILES)  # demo not loaded twice
