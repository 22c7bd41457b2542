"""Targets (目标) on the pages: 完成率 on the KPI cards with a bullet bar, target ticks on the rankings, the upload
page saying a targets file, the history showing the kind."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_pages import card, chart, choose_month, decode
from tests.accounts import demo_app

TARGETS_CSV = "指标,专项活动,市,期间,目标值\n服务队,防汛保电,南京市,2020年7月,50\n"


@pytest.fixture
def app(tmp_path, monkeypatch):
    return demo_app(tmp_path, monkeypatch)


def flood_july(at: AppTest) -> None:
    at.run()
    choose_month(at, "2020-07", "2020-07")
    at.multiselect(key="campaigns").set_value(["flood_power"]).run()
    assert not at.exception


def spec_of(at: AppTest, key: str) -> dict:
    import json

    [found] = [c for c in at.get("plotly_chart") if c.proto.id and key in c.proto.id]
    return json.loads(found.proto.spec)


def test_overview_shows_attainment_of_184_teams_against_the_demo_target(app):
    flood_july(app)
    assert card(app, "服务队") == "184"
    captions = [c.value for c in app.caption]
    assert "完成率 92.0% · 目标 200" in captions  # 184 / 200
    assert "完成率 105.3% · 目标 3,500" in captions  # 3,684 / 3,500
    bullet = spec_of(app, "bullet_teams")
    names = [trace["name"] for trace in bullet["data"]]
    assert names == ["完成值", "目标"]  # no 2019-07 flood teams: no last-year band
    actual, target = bullet["data"]
    assert decode(actual["x"]) == [184] and decode(target["x"]) == [200]


def test_window_without_a_full_target_shows_no_attainment(app):
    app.run()  # the default 12-month window: the July target covers one month of it
    assert not app.exception
    assert not any(c.value.startswith("完成率") for c in app.caption)
    assert not [c for c in app.get("plotly_chart") if "bullet_" in (c.proto.id or "")]


def test_ranking_shows_each_city_target_and_attainment(app):
    flood_july(app)
    spec = spec_of(app, "ranking_chart")
    bars, ticks = spec["data"][0], spec["data"][1]
    assert ticks["name"] == "目标"
    targets = dict(zip(ticks["y"], decode(ticks["x"])))
    assert targets["南京市"] == 28 and targets["苏州市"] == 25 and len(targets) == 13
    labels = dict(zip(bars["y"], bars["text"]))
    assert labels["南京市"] == "25 · 89.3%"  # 25 teams against 28


def test_city_filter_uses_city_targets(app):
    flood_july(app)
    app.multiselect(key="cities").set_value(["南京市", "苏州市"]).run()
    assert not app.exception
    assert card(app, "服务队") == "49"
    assert "完成率 92.5% · 目标 53" in [c.value for c in app.caption]  # 49 / (28 + 25)


def test_upload_page_says_a_targets_file_and_history_shows_the_kind(tmp_path, monkeypatch):
    from tests.accounts import admin_app, commit_button, upload_text

    at = admin_app(tmp_path, monkeypatch)
    upload_text(at, "南京目标.csv", TARGETS_CSV)
    assert any("目标文件" in info.value for info in at.info)
    counts = {m.label: m.value for m in at.metric}
    assert (counts["新增"], counts["修改"]) == ("0", "1")  # against the demo's target for Nanjing (28), not a figure
    assert [b.key for b in at.get("download_button") if b.key and "targets_template" in b.key] == [
        "targets_template_zh", "targets_template_en"]
    commit_button(at).click().run()
    assert not at.exception
    at.switch_page("pages/history.py").run()
    [history] = [f.value for f in at.dataframe if "类型" in f.value.columns]
    kinds = dict(zip(history["文件"], history["类型"]))
    assert kinds["南京目标.csv"] == "目标" and kinds["2020年7月防汛保电统计表.xlsx"] == "数据"
    at.switch_page("pages/overview.py").run()
    choose_month(at, "2020-07", "2020-07")
    at.multiselect(key="campaigns").set_value(["flood_power"]).run()
    at.multiselect(key="cities").set_value(["南京市"]).run()
    assert "完成率 50.0% · 目标 50" in [c.value for c in at.caption]  # 25 against the new target of 50


def test_regions_ranking_ticks_each_city_target(app):
    app.run()
    choose_month(app, "2020-07", "2020-07")
    app.multiselect(key="campaigns").set_value(["flood_power"]).run()
    app.switch_page("pages/regions.py").run()
    assert not app.exception
    spec = spec_of(app, "city_chart")
    ticks = spec["data"][1]
    assert dict(zip(ticks["y"], decode(ticks["x"])))["苏州市"] == 25
    assert "竖线为各市目标；悬停可见完成率。" in [c.value for c in app.caption]


def test_clicking_nanjing_compares_with_nanjing_target(app):
    from tests.test_cross_filter import selection

    flood_july(app)
    app.session_state["ranking_chart"] = selection({"customdata": ["南京市"], "y": "南京市", "x": 25})
    app.run()
    assert not app.exception
    assert card(app, "服务队") == "25"
    assert "完成率 89.3% · 目标 28" in [c.value for c in app.caption]  # Nanjing's own target, not the province's
