"""Targets (目标) and 完成率: the loader reads a targets sheet, the store keeps it apart from the figures (undo, redo,
history), analytics finds the target of a window, the targets template opens with its dropdowns."""
from __future__ import annotations

import io
import json
import sqlite3
from datetime import date

import openpyxl
import pandas as pd
import pytest

from analytics import Filters, kpi_table, ranking_targets, window_targets, city_ranking, filter_facts, with_levels
from exports.targets_template import LISTS_SHEET, targets_template
from loaders import parse_bytes
from loaders.cli import main as loaders_main
from loaders.problems import FIGURES, TARGETS
from settings import DEMO_DIR
from store import Store
from store.cli import main as store_main
from store.demo import load_demo, remove_demo, restore_demo
from tests.commands import run_main
from tests.conftest import facts_frame
from tests.test_store import LEGACY_SQL

TARGETS_ZH = ("指标,专项活动,市,县（区）,期间,目标值\n"
              "服务队,防汛保电,,,2020年7月,200\n"
              "服务队,防汛保电,南京市,,2020年7月,28\n"
              "投入人次,防汛保电,全省,,2020年第三季度,9000\n").encode("utf-8")
TARGETS_EN = ("Metric,Campaign,City,County,Period,Target\n"
              "service teams,flood prevention and power supply,Nanjing,Gaochun,2020-07,5\n"
              "teams,flood_power,Jiangsu,,2021,400\n").encode("utf-8")
JULY = Filters(date(2020, 7, 1), date(2020, 7, 31), campaigns=("flood_power",))


def keyed(facts: pd.DataFrame) -> list[tuple]:
    return [(str(r.period_start.date()), str(r.period_end.date()), r.city, r.county, r.campaign, r.metric, r.value)
            for r in facts.itertuples()]


# ---- loader ----------------------------------------------------------------------------------------------------
def test_a_targets_sheet_with_chinese_headers_loads_as_targets():
    result = parse_bytes(TARGETS_ZH, "目标.csv")
    assert result.ok and result.kind == TARGETS and result.sheets[0].kind == TARGETS
    assert keyed(result.facts) == [
        ("2020-07-01", "2020-07-31", "", "", "flood_power", "teams", 200.0),  # a blank city: the province
        ("2020-07-01", "2020-07-31", "南京市", "", "flood_power", "teams", 28.0),
        ("2020-07-01", "2020-09-30", "", "", "flood_power", "staff_deployed", 9000.0),
    ]


def test_a_targets_sheet_with_english_headers_loads_and_may_look_ahead():
    result = parse_bytes(TARGETS_EN, "targets.csv")
    assert result.ok and result.kind == TARGETS
    assert keyed(result.facts) == [
        ("2020-07-01", "2020-07-31", "南京市", "高淳区", "flood_power", "teams", 5.0),
        ("2021-01-01", "2021-12-31", "", "", "flood_power", "teams", 400.0),
    ]
    future = parse_bytes(b"metric,campaign,period,target\nteams,flood_power,2099,10\n", "ahead.csv")
    assert future.ok and keyed(future.facts)[0][:2] == ("2099-01-01", "2099-12-31")  # a target may be ahead


def test_figures_are_still_figures():
    result = parse_bytes("统计期间,地区,专项活动,指标,数值\n2020年7月,南京,防汛,服务队,20\n".encode(), "f.csv")
    assert result.ok and result.kind == FIGURES
    refused = parse_bytes("统计期间,地区,专项活动,指标,数值\n2099年7月,南京,防汛,服务队,20\n".encode(), "f.csv")
    assert [p.code for p in refused.errors] == ["future_period"]  # figures may not be ahead


@pytest.mark.parametrize("text, code, row, column, value, zh, en", [
    ("指标,专项活动,市,期间,目标值\n服务队,防汛,南京,2020年7月,很多\n", "not_a_number", 2, "目标值", "很多", "", ""),
    ("指标,专项活动,市,期间,目标值\n服务队,防汛,上海,2020年7月,5\n", "outside_jiangsu", 2, "市", "上海", "", ""),
    ("指标,专项活动,市,期间,目标值\n志愿服务时长,防汛,南京,2020年7月,5\n", "unknown_metric", 2, "指标", "志愿服务时长", "", ""),
    ("指标,专项活动,市,期间,目标值,数值\n服务队,防汛,南京,2020年7月,5,4\n", "target_with_values", None, "目标值", "",
     "目标与完成数请分开上传", "upload targets and figures separately"),
    ("专项活动,市,期间,目标值\n防汛,南京,2020年7月,5\n", "target_without_metric", None, "目标值", "",
     "缺少“指标”列", "no metric column"),
])
def test_bad_targets_are_located_to_the_cell_in_both_languages(text, code, row, column, value, zh, en):
    result = parse_bytes(text.encode("utf-8"), "目标.csv")
    found = [p for p in result.errors if p.code == code]
    assert found, [p.code for p in result.problems]
    problem = found[0]
    assert (problem.file, problem.sheet, problem.row, problem.column, problem.value) == ("目标.csv", "目标", row, column,
                                                                                         value)
    assert zh in problem.message("zh") and en in problem.message("en")
    assert "目标.csv" in problem.message("zh") and "目标.csv" in problem.message("en")


def test_a_workbook_mixing_targets_and_figures_is_refused_naming_the_sheets():
    book = openpyxl.Workbook()
    book.active.title = "目标"
    for row in (["指标", "专项活动", "市", "期间", "目标值"], ["服务队", "防汛", "南京", "2020年7月", 20]):
        book.active.append(row)
    figures = book.create_sheet("完成")
    for row in (["统计期间", "地区", "专项活动", "指标", "数值"], ["2020年7月", "南京", "防汛", "服务队", 18]):
        figures.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_bytes(buffer.getvalue(), "mixed.xlsx")
    [problem] = [p for p in result.errors if p.code == "mixed_kinds"]
    assert "目标" in problem.message("zh") and "完成" in problem.message("en")
    assert "two files" in problem.message("en")


# ---- store -----------------------------------------------------------------------------------------------------
def teams_total(store: Store) -> float:
    facts = store.active_facts()
    return float(facts.loc[facts["metric"] == "teams", "value"].sum())


def test_a_targets_upload_is_kept_apart_undone_and_redone(store):
    figures = parse_bytes("统计期间,地区,专项活动,指标,数值\n2020年7月,南京,防汛,服务队,25\n".encode(), "f.csv")
    store.import_result(figures, b"figures")
    result = parse_bytes(TARGETS_ZH, "目标.csv")
    outcome = store.import_result(result, TARGETS_ZH)
    assert (outcome.new, outcome.changed) == (3, 0)  # compared with the targets in effect: none yet
    assert teams_total(store) == 25  # targets never add to the figures
    assert len(store.active_facts()) == 1 and len(store.active_targets()) == 3
    history = store.uploads()
    assert history.set_index("id")["kind"].to_dict() == {1: "figures", 2: "targets"}
    store.undo(outcome.upload_id)
    assert store.active_targets().empty and teams_total(store) == 25
    store.redo(outcome.upload_id)
    assert len(store.active_targets()) == 3
    # a corrected target supersedes the old one, and counts as changed against the targets, not the figures
    again = parse_bytes("指标,专项活动,市,期间,目标值\n服务队,防汛保电,南京市,2020年7月,30\n".encode(), "目标2.csv")
    corrected = store.import_result(again, b"targets 2")
    assert (corrected.new, corrected.changed) == (0, 1)
    targets = store.active_targets()
    assert targets.loc[targets["city"] == "南京市", "value"].tolist() == [30.0]
    marks = store.upload_facts(outcome.upload_id)
    assert marks.loc[marks["city"] == "南京市", "superseded_by"].tolist() == [corrected.upload_id]
    assert store.upload_facts(1)["active"].tolist() == [True]  # the figure is not superseded by a target
    store.undo(corrected.upload_id)
    assert sorted(store.active_targets()["value"]) == [28.0, 200.0, 9000.0]


def test_an_older_store_gets_the_kind_column_with_every_upload_figures(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_SQL)
    store = Store(f"sqlite:///{path}")
    assert store.uploads()["kind"].tolist() == ["figures", "figures"]
    assert teams_total(store) == 25 + 17 and store.active_targets().empty
    Store(f"sqlite:///{path}")  # opening again changes nothing


def test_the_demo_targets_come_and_go_with_the_demo(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'demo.db'}")
    load_demo(store)
    history = store.uploads()
    targets_upload = history[history["kind"] == "targets"]
    assert targets_upload["file_name"].tolist() == ["演示目标_2020年7月防汛保电.csv"]
    assert (targets_upload["source"] == "demo").all()
    targets = store.active_targets()
    assert len(targets) == 16 and set(targets["city"]) - {""} == {c.name for c in load_catalog_cities()}
    remove_demo(store)
    assert store.active_targets().empty and store.active_facts().empty
    restore_demo(store)
    assert len(store.active_targets()) == 16


def load_catalog_cities():
    from catalog import load_catalog

    return load_catalog().cities


def test_store_import_says_a_targets_file_and_uploads_lists_the_kind(tmp_path, monkeypatch):
    path = tmp_path / "目标.csv"
    path.write_bytes(TARGETS_ZH)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    done = run_main(store_main, "--lang", "en", "import", path)
    assert done.returncode == 0, done.stderr
    assert "(a targets file): upload #1, 3 new" in done.stdout
    listed = run_main(store_main, "uploads", "--format", "json")
    assert [row["kind"] for row in json.loads(listed.stdout)] == ["targets"]


# ---- analytics -------------------------------------------------------------------------------------------------
def targets_frame(rows: list[dict]) -> pd.DataFrame:
    return facts_frame([{"campaign": "flood_power", "metric": "teams", **row} for row in rows])


def month(m: int, year: int = 2020) -> dict:
    start = pd.Timestamp(year, m, 1)
    return {"period_start": start, "period_end": start + pd.offsets.MonthEnd(0)}


def window(first: str, last: str, **more) -> Filters:
    start = pd.Timestamp(first)
    return Filters(start.date(), (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date(), **more)


def test_a_target_whose_period_is_the_window(catalog):
    targets = targets_frame([{**month(7), "value": 200}, {**month(8), "value": 150}])
    assert window_targets(targets, window("2020-07", "2020-07"), catalog, ["teams"]) == {"teams": (200.0, "")}
    assert window_targets(targets, window("2020-08", "2020-08"), catalog, ["teams"]) == {"teams": (150.0, "")}


def test_months_add_up_to_a_quarter_and_a_partial_window_has_no_target(catalog):
    three = targets_frame([{**month(7), "value": 60}, {**month(8), "value": 70}, {**month(9), "value": 80, "qualifier": "over"}])
    assert window_targets(three, window("2020-07", "2020-09"), catalog, ["teams"]) == {"teams": (210.0, "over")}
    two = three.iloc[:2]
    assert window_targets(two, window("2020-07", "2020-09"), catalog, ["teams"]) == {}  # September has none
    assert window_targets(three, window("2020-06", "2020-09"), catalog, ["teams"]) == {}  # June has none


def test_a_year_from_its_quarters_or_its_own_target(catalog):
    quarters = targets_frame([{"period_start": pd.Timestamp(2020, m, 1),
                               "period_end": pd.Timestamp(2020, m + 2, 1) + pd.offsets.MonthEnd(0), "value": 100 * k}
                              for k, m in enumerate((1, 4, 7, 10), start=1)])
    assert window_targets(quarters, window("2020-01", "2020-12"), catalog, ["teams"]) == {"teams": (1000.0, "")}
    assert window_targets(quarters, window("2020-07", "2020-09"), catalog, ["teams"]) == {"teams": (300.0, "")}
    assert window_targets(quarters, window("2020-07", "2020-07"), catalog, ["teams"]) == {}  # a quarter is not a month
    annual = targets_frame([{"period_start": pd.Timestamp(2020, 1, 1), "period_end": pd.Timestamp(2020, 12, 31),
                             "value": 1200}, {**month(7), "value": 90}])
    assert window_targets(annual, window("2020-01", "2020-12"), catalog, ["teams"]) == {"teams": (1200.0, "")}
    assert window_targets(annual, window("2020-01", "2020-06"), catalog, ["teams"]) == {}  # half a year target: none


def test_regions_follow_the_roll_up_rule(catalog):
    targets = targets_frame([
        {**month(7), "value": 200},  # the province
        {**month(7), "city": "南京市", "value": 28},
        {**month(7), "city": "南京市", "county": "高淳区", "value": 5},  # part of Nanjing's 28, never added to it
        {**month(7), "city": "苏州市", "value": 25},
    ])
    assert window_targets(targets, window("2020-07", "2020-07"), catalog, ["teams"]) == {"teams": (200.0, "")}
    nanjing = window("2020-07", "2020-07", cities=("南京市",))
    assert window_targets(targets, nanjing, catalog, ["teams"]) == {"teams": (28.0, "")}
    both = window("2020-07", "2020-07", cities=("南京市", "苏州市"))
    assert window_targets(targets, both, catalog, ["teams"]) == {"teams": (53.0, "")}
    with_wuxi = window("2020-07", "2020-07", cities=("南京市", "无锡市"))
    assert window_targets(targets, with_wuxi, catalog, ["teams"]) == {}  # Wuxi has none: no target for the two


def test_campaigns_filter_and_add_their_targets(catalog):
    targets = targets_frame([{**month(7), "value": 200}, {**month(7), "campaign": "covid_resumption", "value": 10}])
    july = window("2020-07", "2020-07")
    assert window_targets(targets, july, catalog, ["teams"]) == {"teams": (210.0, "")}
    flood = window("2020-07", "2020-07", campaigns=("flood_power",))
    assert window_targets(targets, flood, catalog, ["teams"]) == {"teams": (200.0, "")}


def test_a_rate_target_is_averaged_never_summed(catalog):
    targets = facts_frame([{**month(m), "campaign": "light_up", "metric": "lighting_rate", "value": v}
                           for m, v in ((7, 90), (8, 100))])
    assert window_targets(targets, window("2020-07", "2020-08"), catalog, ["lighting_rate"]) == {
        "lighting_rate": (95.0, "")}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    load_demo(store)
    return store


def test_kpi_table_gives_attainment_of_the_demo_flood_july(demo_store, catalog):
    facts, targets = with_levels(demo_store.active_facts()), demo_store.active_targets()
    teams, staff = kpi_table(facts, JULY, catalog, ["teams", "staff_deployed"], targets)
    assert (teams.value, teams.target, teams.attainment) == (184.0, 200.0, 0.92)
    assert staff.value == 3684.0 and staff.target == 3500.0 and staff.attainment == pytest.approx(3684 / 3500)
    [quarter] = kpi_table(facts, Filters(date(2020, 7, 1), date(2020, 9, 30), campaigns=("flood_power",)), catalog,
                          ["teams"], targets)
    assert quarter.value == 184.0 and quarter.target is None and quarter.attainment is None  # July's only: partial
    [no_targets] = kpi_table(facts, JULY, catalog, ["teams"])
    assert no_targets.target is None  # the API without targets is unchanged


def test_ranking_targets_give_each_city_its_attainment(demo_store, catalog):
    facts, targets = with_levels(demo_store.active_facts()), demo_store.active_targets()
    ranking = ranking_targets(city_ranking(filter_facts(facts, JULY), "teams", catalog), targets, JULY, "teams",
                              catalog)
    rows = ranking.set_index("city")
    assert rows.at["南京市", "value"] == 25 and rows.at["南京市", "target"] == 28
    assert rows.at["淮安市", "attainment"] == pytest.approx(15 / 14)
    assert ranking["target"].notna().all() and len(ranking) == 13
    other = ranking_targets(city_ranking(filter_facts(facts, JULY), "staff_deployed", catalog), targets, JULY,
                            "staff_deployed", catalog)
    assert other["target"].isna().all() and other["attainment"].isna().all()  # no city targets for it


def test_figures_totals_are_not_touched_by_targets(demo_store, catalog):
    from analytics import metric_totals

    totals = metric_totals(filter_facts(with_levels(demo_store.active_facts()), JULY), catalog).set_index("metric")
    assert totals.at["teams", "value"] == 184 and totals.at["staff_deployed", "value"] == 3684


# ---- template ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_targets_template_opens_with_dropdowns_and_loads_when_filled(catalog, lang):
    data = targets_template(catalog, lang, today=date(2026, 11, 30))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert book[LISTS_SHEET].sheet_state == "hidden"
    headers = [c.value for c in sheet[3]]
    assert headers == (["指标", "专项活动", "市", "县（区）", "期间", "目标值", "备注"] if lang == "zh"
                       else ["Metric", "Campaign", "City", "County", "Period", "Target", "Remarks"])
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert {"A4", "B4", "C4", "D4", "E4", "F4"} <= set(validations)
    assert all(validations[c].type == "list" for c in ("A4", "B4", "C4", "D4", "E4"))
    assert validations["F4"].type == "decimal"
    lists = book[LISTS_SHEET]
    metric_range = validations["A4"].formula1.split("!")[1].replace("$", "")
    offered = [c.value for row in lists[metric_range] for c in row]
    assert len(offered) == len(catalog.metrics)
    periods = [c.value for row in lists[validations["E4"].formula1.split("!")[1].replace("$", "")] for c in row]
    assert "2020年第三季度" in periods and "2027年12月" in periods
    cities = [c.value for row in lists[validations["C4"].formula1.split("!")[1].replace("$", "")] for c in row]
    assert len(cities) == 14  # the province, then 13 cities
    sheet.append([offered[0], [c.label(lang) for c in catalog.campaigns.values()][1], cities[0], None, "2020年7月", 200])
    sheet.append([offered[0], [c.label(lang) for c in catalog.campaigns.values()][1], cities[1], None, periods[0], 20])
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_bytes(buffer.getvalue(), "filled.xlsx")
    assert result.problems == [] and result.kind == TARGETS
    assert keyed(result.facts) == [("2020-07-01", "2020-07-31", "", "", "flood_power", "teams", 200.0),
                                   ("2019-01-01", "2019-12-31", "南京市", "", "flood_power", "teams", 20.0)]


def test_the_template_command_writes_the_targets_template(tmp_path):
    out = tmp_path / "targets.xlsx"
    done = run_main(loaders_main, "template", "--targets", "--lang", "en", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "targets template" in done.stdout
    assert openpyxl.load_workbook(out).sheetnames[0] == "Targets"
    plain = tmp_path / "report.xlsx"
    assert run_main(loaders_main, "template", "--out", plain).returncode == 0
    assert openpyxl.load_workbook(plain).sheetnames[0] == "填报表"


def test_the_demo_targets_file_says_it_is_made_up():
    text = (DEMO_DIR / "演示目标_2020年7月防汛保电.csv").read_text(encoding="utf-8-sig")
    assert text.count("演示目标") == 16


def test_the_bullet_bar_has_last_year_as_a_band_the_actual_as_a_bar_and_the_target_as_a_tick(catalog):
    from charts import bullet_chart

    fig = bullet_chart(184.0, "", 200.0, "", 150.0, "over", "teams", catalog, "en")
    band, actual, target = fig.data
    assert (band.name, actual.name, target.name) == ("Last year", "Actual", "Target")
    assert (list(band.x), list(actual.x), list(target.x)) == ([150.0], [184.0], [200.0])
    assert band.width > actual.width and target.marker.symbol == "line-ns"
    assert list(band.customdata) == ["150+"]  # the qualifier kept in the hover
    assert fig.layout.barmode == "overlay" and fig.layout.xaxis.range[1] >= 200
    without = bullet_chart(184.0, "", 200.0, "", None, "", "teams", catalog, "zh")
    assert [trace.name for trace in without.data] == ["完成值", "目标"]  # no 同比 base: no band


def test_chosen_counties_use_their_own_targets(catalog):
    from analytics import county_key

    targets = targets_frame([{**month(7), "city": "南京市", "value": 28},
                             {**month(7), "city": "南京市", "county": "高淳区", "value": 5},
                             {**month(7), "city": "南京市", "county": "溧水区", "value": 3}])
    gaochun = window("2020-07", "2020-07", cities=("南京市",), counties=(county_key("南京市", "高淳区"),))
    assert window_targets(targets, gaochun, catalog, ["teams"]) == {"teams": (5.0, "")}
    both = window("2020-07", "2020-07", counties=(county_key("南京市", "高淳区"), county_key("南京市", "溧水区")))
    assert window_targets(targets, both, catalog, ["teams"]) == {"teams": (8.0, "")}
    ranking = pd.DataFrame({"city": ["南京市"], "metric": ["teams"], "value": [4.0], "qualifier": [""], "facts": [1]})
    assert ranking_targets(ranking, targets, gaochun, "teams", catalog)["attainment"].tolist() == [0.8]
