"""The data page (#11, item 6): the figures of the selection with their provenance, a pivot whose totals follow
the roll-up rule, and .xlsx / .csv exports with the view's filters and data-as-of written in, formula-safe."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import display
import ui
from analytics import PIVOT_CAMPAIGN, PIVOT_METRIC, PIVOT_REGION, Filters, facts_with_provenance, filter_facts, pivot
from catalog import load_catalog
from exports.tables import table_csv, table_xlsx
from settings import ROOT
from store import Store
from store.demo import ensure_demo
from tests.accounts import admin_app, log_in
from tests.conftest import make_result

APP = str(ROOT / "dashboard.py")
FLOOD_FILE, LEDGER_FILE = "2020年7月防汛保电统计表.xlsx", "文明实践台账_2019-2020.csv"
FLOOD_JULY = {"from": "2020-07", "to": "2020-07", "campaign": "flood_power"}


def open_data_page(at: AppTest, **params: object) -> AppTest:
    """Run the app once, then go to the data page with `params` in the address (as a drill-through link does)."""
    at.run()
    at.switch_page("pages/data.py")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception and not at.error
    return at


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The dashboard on a fresh store with the demo, for an anonymous visitor (public view), opened on 2020-07 flood."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    for name, value in FLOOD_JULY.items():  # the link the session opens with sets the shared filters
        at.query_params[name] = value
    return at


def facts_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value  # the page shows the figures first, then the pivot


def pivot_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[1].value


def total_row(table: pd.DataFrame) -> pd.Series:
    [index] = table.index[table.iloc[:, 0].isin(["总计", "Total"])]
    return table.loc[index]


def test_flood_july_pivot_totals_and_provenance(app):
    at = open_data_page(app)
    assert at.multiselect(key="campaigns").value == ["flood_power"]
    table = pivot_table(at)
    assert total_row(table)["服务队（支）"] == "184" and total_row(table)["投入人次（人次）"] == "3,684"
    assert total_row(table)["架设照明线路（处）"] == "120+"  # the qualifier of its parts
    nanjing = table[table["城市"] == "南京市"]
    assert list(nanjing["层级"]) == ["全市", "其中：县（区）", "其中：县（区）"]
    assert list(nanjing["服务队（支）"]) == ["25", "2", "3"]  # 溧水 2 and 高淳 3 are parts of the city's 25

    facts = facts_table(at)
    assert set(facts["文件"]) == {FLOOD_FILE, LEDGER_FILE}
    assert "上传人" not in facts.columns  # a visitor never sees uploaders' names
    gaochun = facts[(facts["县（区）"] == "高淳区") & (facts["指标"] == "服务队")].iloc[0]
    assert (gaochun["文件"], gaochun["工作表"], gaochun["行"], gaochun["上传编号"]) == (FLOOD_FILE, "防汛保电", 6, 1)
    assert gaochun["计入合计"] == "否，已含在南京市数中" and gaochun["数值"] == "3"
    city = facts[(facts["城市"] == "南京市") & (facts["县（区）"] == "") & (facts["指标"] == "服务队")].iloc[0]
    assert (city["计入合计"], city["行"], city["数值"]) == ("是", 5, "25")
    assert gaochun["上传时间（北京时间）"] != ""
    assert set(facts["专项活动"]) == {"防汛保电"} and set(facts["统计期间"]) == {"2020年7月"}


def test_the_metric_in_the_link_chooses_the_figures_and_the_campaign_pivot(app):
    at = open_data_page(app, metric="staff_deployed")
    assert at.selectbox(key="data_metric").value == "staff_deployed"
    assert at.query_params.get("metric") in ("staff_deployed", ["staff_deployed"])  # a reload keeps it
    assert set(facts_table(at)["指标"]) == {"投入人次"}
    assert list(pivot_table(at).columns[3:]) == ["投入人次（人次）"]
    at.selectbox(key="pivot_columns").set_value(PIVOT_CAMPAIGN).run()
    table = pivot_table(at)
    assert (total_row(table)["防汛保电"], total_row(table)["总计"]) == ("3,684", "3,684")
    at.selectbox(key="pivot_rows").set_value("month").run()
    table = pivot_table(at)
    assert list(table["月份"]) == ["2020年7月", "总计"] and list(table["总计"]) == ["3,684", "3,684"]
    at.selectbox(key="data_metric").set_value("").run()  # all metrics: the link drops its metric
    assert not at.exception and at.query_params.get("metric") is None
    assert {"服务队", "投入人次"} <= set(facts_table(at)["指标"])
    at.query_params["metric"] = "服务队"  # another link in the same session (a metric may be named by its label)
    at.run()
    assert at.selectbox(key="data_metric").value == "teams" and set(facts_table(at)["指标"]) == {"服务队"}
    assert total_row(pivot_table(at))["总计"] == "184"


def test_a_city_in_the_link(app):
    app.query_params["city"] = "淮安"
    at = open_data_page(app, metric="teams")
    table = pivot_table(at)
    assert list(table["城市"]) == ["淮安市", "淮安市", "总计"] and list(table["服务队（支）"]) == ["15", "4", "15"]
    assert set(facts_table(at)["城市"]) == {"淮安市"}


@pytest.mark.skipif("counties" not in Filters.__dataclass_fields__, reason="counties are not a filter yet")
def test_a_county_in_the_link(app):
    app.query_params["city"] = "南京市"
    app.query_params["county"] = "高淳区"
    at = open_data_page(app, metric="teams")
    table = pivot_table(at)
    assert list(table["县（区）"]) == ["", "高淳区", ""] and list(table["服务队（支）"]) == ["3", "3", "3"]
    assert set(facts_table(at)["县（区）"]) == {"高淳区"}
    filters = Filters(date(2020, 7, 1), date(2020, 7, 31), cities=("南京市",), counties=("南京市/高淳区",))
    head = dict(display.view_about(filters, "teams", load_catalog(), "en", "Figures"))
    assert (head["Counties"], head["Cities"], head["Metric"]) == ("Nanjing · Gaochun", "Nanjing", "service teams (teams)")


def test_in_english(app):
    app.query_params["lang"] = "en"
    at = open_data_page(app, metric="teams")
    table = pivot_table(at)
    assert total_row(table)["service teams (teams)"] == "184"
    facts = facts_table(at)
    assert "File" in facts.columns and "Uploaded by" not in facts.columns
    assert list(facts.columns[6:8]) == ["Value", "In totals"] and {"Gaochun", "Lishui", "Jinhu"} <= set(facts["County"])
    assert set(facts["In totals"]) == {"yes", "no: within the Nanjing figure", "no: within the Huai'an figure"}


def test_uploader_names_for_roles_that_may_see_them(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    for name, value in FLOOD_JULY.items():
        at.query_params[name] = value
    at.switch_page("pages/data.py").run()
    at.multiselect(key="campaigns").set_value(["flood_power"]).run()
    at.selectbox(key="period_preset").set_value("year:2020").run()
    facts = facts_table(at)
    assert set(facts["上传人"]) == {"demo"}


@pytest.mark.parametrize("role, text, links", [
    (None, "暂无数据。有填报权限的用户登录后可上传数据。", 0), ("reporter", "暂无数据，请先上传数据。", 1)])
def test_an_empty_store_says_upload_data_with_a_link(tmp_path, monkeypatch, role, text, links):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "0")
    if role:
        log_in(monkeypatch, url, "clerk", role, "320100")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception and [i.value for i in at.info] == [text]
    assert not at.dataframe
    found = at.get("page_link")
    assert len(found) == links and all("upload" in link.proto.page for link in found), [f.proto for f in found]


# ---- exports: the same functions the page's download buttons call ------------------------------------------
HOSTILE_UNIT, HOSTILE_FILE = '=HYPERLINK("http://127.0.0.1:9/x","点我")', "=cmd|' C calc'!A0.csv"


@pytest.fixture
def view(tmp_path, catalog):
    """The demo and a file with a formula-like name and unit, in a store; the July flood figures in effect."""
    store = Store(f"sqlite:///{tmp_path / 'exports.db'}")
    ensure_demo(store)
    store.import_result(make_result([{"period_start": "2020-07-01", "period_end": "2020-07-31", "city": "南京市",
                                      "county": "高淳区", "unit": HOSTILE_UNIT, "campaign": "flood_power",
                                      "metric": "lighting_lines", "value": 7, "qualifier": "over"}],
                                    file_name=HOSTILE_FILE), b"x", uploader="@clerk")
    filters = Filters(date(2020, 7, 1), date(2020, 7, 31), cities=("南京市",), campaigns=("flood_power",))
    facts = facts_with_provenance(filter_facts(store.active_facts(), filters), store.uploads())
    return store, filters, facts


def about(store, filters, metric, catalog, what="数据及来源"):
    return display.view_about(filters, metric, catalog, "zh", what, store.latest_upload_time())


def xlsx_rows(data: bytes) -> list[list]:
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


def test_facts_export_has_the_view_numbers_and_neutralised_text(view, catalog):
    store, filters, facts = view
    frame = display.data_facts_frame(facts, catalog, "zh", names=True, numbers=True)
    block = about(store, filters, None, catalog)
    rows = xlsx_rows(table_xlsx(frame, "数据明细", block))
    head = {row[0].value: row[1].value for row in rows[:len(block)]}
    assert head["统计期间"] == "2020年7月 至 2020年7月" and head["城市"] == "南京市" and head["专项活动"] == "防汛保电"
    assert head["指标"] == "全部指标" and head["导出内容"] == "数据及来源"
    assert head["数据更新于（北京时间）"] == display.local_time(store.latest_upload_time())
    assert all(cell.value is None for cell in rows[len(block)])  # an empty row, then the table
    header = [cell.value for cell in rows[len(block) + 1]]
    body = pd.DataFrame([["" if cell.value is None else cell.value for cell in row] for row in rows[len(block) + 2:]],
                        columns=header)
    assert header.index("数值（余/约）") == header.index("数值") + 1  # the qualifier beside the number
    assert header.index("计入合计") == header.index("数值") + 2
    hostile = body[body["服务队/单位"] != ""].iloc[-1]
    assert hostile["文件"] == "'" + HOSTILE_FILE and hostile["服务队/单位"] == "'" + HOSTILE_UNIT
    assert hostile["计入合计"] == "否，已含在高淳区数中"
    assert hostile["上传人"] == "'@clerk" and (hostile["数值"], hostile["数值（余/约）"]) == (7, "余")
    teams = body[(body["指标"] == "服务队") & (body["县（区）"] == "")].iloc[0]
    assert teams["数值"] == 25 and isinstance(teams["数值"], int | float) and teams["行"] == 5
    cells = [cell for row in rows for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)

    csv = table_csv(frame, block)
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the Chinese right
    read = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", skiprows=len(block) + 1, keep_default_na=False)
    assert list(read.columns) == header
    hostile = read[read["服务队/单位"] != ""].iloc[-1]
    assert hostile["文件"] == "'" + HOSTILE_FILE and hostile["服务队/单位"] == "'" + HOSTILE_UNIT
    assert read.loc[(read["指标"] == "服务队") & (read["县（区）"] == ""), "数值"].tolist() == [25.0]
    block_read = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", nrows=len(block) - 1, header=None)
    assert list(block_read.iloc[:2, 0]) == ["导出内容", "统计期间"]


def test_pivot_export_numbers_qualifiers_and_totals(view, catalog):
    store, filters, facts = view
    table = pivot(facts, PIVOT_REGION, PIVOT_METRIC, catalog)
    frame = display.pivot_frame(table, catalog, "zh", numbers=True)
    block = about(store, filters, None, catalog, "透视表")
    rows = xlsx_rows(table_xlsx(frame, "透视表", block))
    header = [cell.value for cell in rows[len(block) + 1]]
    body = pd.DataFrame([["" if cell.value is None else cell.value for cell in row] for row in rows[len(block) + 2:]],
                        columns=header)
    lines = "架设照明线路（处）"
    assert header.index(f"{lines}（余/约）") == header.index(lines) + 1
    nanjing = body.set_index(["城市", "县（区）"])
    assert nanjing.loc[("南京市", ""), "服务队（支）"] == 25
    # the 7+ lines of a team in 高淳区 are inside 高淳区's own figure of 12: not added to it
    assert (nanjing.loc[("南京市", "高淳区"), lines], nanjing.loc[("南京市", "高淳区"), f"{lines}（余/约）"]) == (12, "")
    total = body[body["城市"] == "总计"].iloc[0]
    assert total["服务队（支）"] == 25  # Nanjing only: its counties are not added again
    assert (total[lines], total[f"{lines}（余/约）"]) == (33, "余")
    read = pd.read_csv(io.BytesIO(table_csv(frame, block)), encoding="utf-8-sig", skiprows=len(block) + 1,
                       keep_default_na=False)
    assert read.loc[read["城市"] == "总计", "服务队（支）"].tolist() == [25]


def test_a_formula_like_header_block_is_text_in_both():
    about = [("=1+1", "@SUM(A1:A2)"), ("城市", "南京市\r\n=cmd")]
    frame = pd.DataFrame({"数值": [1.5]})
    rows = xlsx_rows(table_xlsx(frame, "S", about))
    assert [[c.value for c in row[:2]] for row in rows[:2]] == [["'=1+1", "'@SUM(A1:A2)"], ["城市", "南京市 =cmd"]]
    assert all(c.data_type == "s" for row in rows[:2] for c in row[:2]) and rows[4][0].value == 1.5
    lines = table_csv(frame, about).decode("utf-8-sig").split("\r\n")
    assert lines[:5] == ["'=1+1,'@SUM(A1:A2)", "城市,南京市 =cmd", "", "数值", "1.5"]


# ---- drill-through: 查看明细 under a clicked bar opens this page with the view in its link ------------------------
def test_the_figures_behind_a_clicked_bar_open_on_the_data_page(app):
    from tests.test_cross_filter import selection

    app.query_params.clear()
    at = open_data_page(app)  # any page, then the overview with a bar clicked
    at.switch_page("pages/overview.py").run()
    at.selectbox(key="period_preset").set_value("year:2020").run()
    at.session_state["ranking_chart"] = selection({"customdata": ["淮安市"]})
    at.run()
    at.selectbox(key="ranking_metric").set_value("teams").run()
    at.button(key="ranking_drill").click().run()
    assert not at.exception and not at.error
    assert at.title[0].value == "数据明细" and at.selectbox(key="data_metric").value == "teams"
    assert at.multiselect(key="cities").value == ["淮安市"]
    facts = facts_table(at)
    assert dict(zip(facts["县（区）"], facts["数值"])) == {"": "15", "金湖县": "4"}
    assert list(facts["计入合计"]) == ["是", "否，已含在淮安市数中"] and set(facts["行"]) == {14, 15}
    assert list(pivot_table(at)["服务队（支）"]) == ["15", "4", "15"]  # the county is inside the city's 15
