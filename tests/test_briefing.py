"""The one-click briefing (exports/briefing.py): the deck's native charts hold the view's figures, the .xlsx reads back,
the command line (`python -m exports briefing`) refuses bad arguments plainly, and the app offers both downloads."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import date

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from analytics import (Filters, briefing_figures, city_ranking, city_rankings, default_window, filter_facts,
                       monthly_trend, monthly_trends, with_levels)
from catalog import load_catalog
from exports import briefing_map
from exports.__main__ import main
from exports.briefing import (PPTX_MIME, briefing_pptx, briefing_xlsx, header_row, make_briefing, view_lines)
from i18n import format_window, t
from settings import ROOT
from tests.conftest import facts_frame

CJK = re.compile(r"[\u4e00-\u9fff]")
FLOOD_JULY = ["--from", "2020-07", "--to", "2020-07", "--campaign", "flood_power"]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """One SQLite store with the demo loaded, shared by the module's tests (they only read it)."""
    from store import Store
    from store.demo import ensure_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('briefing') / 'demo.db'}"
    store = Store(url)
    ensure_demo(store)
    store.engine.dispose()
    return url


@pytest.fixture
def demo_env(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("KPI_DEMO", "1")
    return demo_url


@pytest.fixture(scope="module")
def demo_facts(demo_url):
    from store import Store

    store = Store(demo_url)
    try:
        return with_levels(store.active_facts()), store.latest_upload_time()
    finally:
        store.engine.dispose()


def brief(facts: pd.DataFrame, filters: Filters, lang: str, as_of=None):
    """The briefing of a view as the app and the command line make it."""
    catalog = load_catalog()
    return make_briefing(briefing_figures(facts, filters, catalog), catalog, lang, as_of)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["briefing", *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def deck_file(tmp_path, *argv: str, name: str = "deck.pptx"):
    path = tmp_path / name
    code, out, err = run(*argv, "--out", str(path))
    assert code == 0, err
    return Presentation(str(path))


def charts(deck) -> list:
    return [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]


def slide_titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides if slide.shapes.title is not None]


def chart_on(deck, title: str):
    """The chart of the slide titled `title`."""
    for slide in deck.slides:
        if slide.shapes.title is not None and slide.shapes.title.text == title:
            [chart] = [shape.chart for shape in slide.shapes if shape.has_chart]
            return chart
    raise AssertionError(f"no slide {title!r} in {slide_titles(deck)}")


def series(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


def kpi_rows(deck) -> list[list[str]]:
    [table] = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    return [[cell.text for cell in row.cells] for row in table.rows]


def texts(deck) -> list[str]:
    found = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found.append(shape.text_frame.text)
    return found


# ---- the deck -----------------------------------------------------------------------------------------------
def test_flood_july_deck_charts_hold_184_teams_and_3684_person_times(demo_env, tmp_path):
    deck = deck_file(tmp_path, *FLOOD_JULY)
    teams = chart_on(deck, t("brief_trend_title", "zh", metric="服务队（支）"))
    assert list(teams.plots[0].categories) == ["2020年7月"]
    assert series(teams) == {"防汛保电": [184.0]}
    staff = chart_on(deck, t("brief_trend_title", "zh", metric="投入人次（人次）"))
    assert series(staff) == {"防汛保电": [3684.0]}
    ranking = chart_on(deck, t("brief_ranking_title", "zh", metric="服务队（支）"))
    by_city = dict(zip(ranking.plots[0].categories, series(ranking)["服务队"]))
    assert len(by_city) == 13 and sum(by_city.values()) == 184
    assert by_city["南京市"] == 25  # 南京 20 is the whole city; 高淳 3 and 溧水 2 are within it, not added again
    staff_ranking = chart_on(deck, t("brief_ranking_title", "zh", metric="投入人次（人次）"))
    assert sum(series(staff_ranking)["投入人次"]) == 3684


def test_charts_are_native_chart_shapes_and_only_the_map_is_a_picture(demo_env, tmp_path):
    deck = deck_file(tmp_path, *FLOOD_JULY)
    shapes = [shape for slide in deck.slides for shape in slide.shapes]
    pictures = [shape for shape in shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1  # the map
    assert pictures[0].image.content_type == "image/png" and len(pictures[0].image.blob) > 10_000
    in_charts = charts(deck)
    assert len(in_charts) == 12  # 6 headline metrics with data: a trend and a ranking each
    assert all(shape.has_chart for shape in shapes if shape.shape_type == MSO_SHAPE_TYPE.CHART)
    # the chart's data travels with it: an embedded workbook PowerPoint edits
    assert all(chart.part.chart_workbook.xlsx_part is not None for chart in in_charts)
    # each campaign in its colour, the same as on every page
    from charts import campaign_color

    teams = chart_on(deck, t("brief_trend_title", "zh", metric="服务队（支）")).plots[0].series[0]
    assert f"#{teams.format.fill.fore_color.rgb}".lower() == campaign_color(load_catalog(), "flood_power").lower()


def test_title_kpi_table_completeness_and_notes(demo_env, demo_facts, tmp_path):
    deck = deck_file(tmp_path, *FLOOD_JULY)
    title = deck.slides[0]
    body = "\n".join(texts(deck)[:2])
    assert title.shapes.title.text == "新时代文明实践工作简报"
    assert "统计期间：2020年7月" in body and "专项活动：防汛保电" in body and "城市：全部城市（含省公司）" in body
    as_of = pd.Timestamp(demo_facts[1]).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    assert f"数据更新于：{as_of} (UTC+8)" in body
    rows = kpi_rows(deck)
    assert rows[0] == ["指标", "数值", "环比", "同比", "完成率"]
    table = {row[0]: row[1:] for row in rows[1:]}
    assert table["服务队（支）"] == ["184", "", "", ""]  # no flood figures in 2020-06 nor 2019-07: blank, never 0%
    assert table["投入人次（人次）"][0] == "3,684"
    assert table["架设照明线路（处）"][0] == "120+"
    all_text = "\n".join(texts(deck))
    assert "13 / 13 个城市在所选期间报送了数据。" in all_text
    visible = filter_facts(demo_facts[0], Filters(date(2020, 7, 1), date(2020, 7, 31), campaigns=("flood_power",)))
    counties = len(visible.loc[visible["county"] != "", ["city", "county"]].drop_duplicates())
    assert 0 < counties < 95
    assert f"{counties} / 95 个县（区）在所选期间报送了数据" in all_text
    assert "架设照明线路（处）：120+（至少为该数）" in all_text  # the notes of qualifiers


def test_window_with_months_before_compares_and_lists_qualified_figures(demo_facts):
    catalog = load_catalog()
    facts, as_of = demo_facts
    start, end = default_window(facts)
    briefing = brief(facts, Filters(start, end), "zh", as_of)
    deck = Presentation(io.BytesIO(briefing_pptx(briefing, catalog)))
    teams = chart_on(deck, t("brief_trend_title", "zh", metric="服务队（支）"))
    months = list(teams.plots[0].categories)
    assert len(months) == 12 and months[0] == "2019年9月" and months[-1] == "2020年8月"
    expected = monthly_trend(filter_facts(facts, Filters(start, end)), "teams", catalog)
    for campaign, values in series(teams).items():
        code = catalog.campaign_for(campaign).code
        rows = expected[expected["campaign"] == code]
        assert {m: v for m, v in zip(months, values) if v is not None} == {
            f"{m.year}年{m.month}月": v for m, v in zip(rows["month"], rows["value"])}
    assert sum(v or 0 for values in series(teams).values() for v in values) == 185  # 184 flood + Rugao's covid team
    notes = "\n".join(texts(deck))
    assert "8,100+（至少为该数）" in notes
    assert "约386,000" in notes and "约数" in notes


def test_english_deck_has_english_texts(demo_env, tmp_path):
    deck = deck_file(tmp_path, *FLOOD_JULY, "--lang", "en")
    assert deck.slides[0].shapes.title.text == "Civic-practice briefing"
    assert not [title for title in slide_titles(deck) if CJK.search(title)]
    for chart in charts(deck):
        assert not [c for c in chart.plots[0].categories if CJK.search(str(c))]
        assert not [s.name for s in chart.plots[0].series if CJK.search(s.name)]
    rows = kpi_rows(deck)
    assert rows[0] == ["Metric", "Value", "vs previous period", "vs last year", "Attainment"]
    assert not [cell for row in rows for cell in row if CJK.search(cell)]
    teams = charts(deck)[0]  # the first trend: teams, the first headline metric
    assert list(teams.plots[0].categories) == ["2020-07"]
    assert series(teams) == {"flood prevention and power supply": [184.0]}
    ranking = [c for c in charts(deck) if "Nanjing" in list(c.plots[0].categories)][0]
    assert dict(zip(ranking.plots[0].categories, list(ranking.plots[0].series[0].values)))["Nanjing"] == 25
    body = "\n".join(texts(deck))
    assert "Period: 2020-07" in body and "13 of 13 cities reported" in body


def test_city_filter_counts_its_counties_and_keeps_the_others_out(demo_env, tmp_path):
    deck = deck_file(tmp_path, *FLOOD_JULY, "--city", "Nanjing")
    body = "\n".join(texts(deck))
    assert "城市：南京市" in body
    nanjing_counties = len(load_catalog().counties_of("南京市"))
    assert f"2 / {nanjing_counties} 个县（区）" in body and "1 / 1 个城市" in body  # 高淳区 and 溧水区
    teams = chart_on(deck, t("brief_trend_title", "zh", metric="服务队（支）"))
    assert series(teams) == {"防汛保电": [25.0]}


def test_map_that_cannot_be_drawn_is_said_on_its_slide(demo_facts, monkeypatch):
    def broken(level):
        raise OSError("no boundaries here")

    monkeypatch.setattr(briefing_map, "load_boundaries", broken)
    catalog = load_catalog()
    briefing = brief(demo_facts[0], Filters(date(2020, 7, 1), date(2020, 7, 31)), "en")
    deck = Presentation(io.BytesIO(briefing_pptx(briefing, catalog)))
    shapes = [shape for slide in deck.slides for shape in slide.shapes]
    assert not [s for s in shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert any("could not be made on this machine (OSError: no boundaries here)" in text for text in texts(deck))
    assert len(charts(deck)) > 0


def test_map_shades_more_darker_and_pale_outside_the_filters():
    low, high = briefing_map.shade(1, 1, 9), briefing_map.shade(9, 1, 9)
    assert sum(high) < sum(low)  # darker is more
    assert briefing_map.shade(None, 1, 9) == briefing_map.NO_DATA
    assert briefing_map.shade(5, 5, 5) == briefing_map.shade(0.5, 0, 1)  # one value alone: the middle of the scale
    catalog = load_catalog()
    nanjing = catalog.city_by_name("南京市").adcode
    png = briefing_map.city_map_png({nanjing: 5.0}, {nanjing: "南京市"}, {nanjing: "5"}, shown={nanjing})
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.size == (briefing_map.WIDTH, briefing_map.HEIGHT)
    colours = {colour for _, colour in image.getcolors(maxcolors=1_000_000)}
    assert briefing_map.OUTSIDE in colours and briefing_map.shade(5, 5, 5) in colours


def test_empty_store_makes_a_deck_that_says_so():
    catalog = load_catalog()
    empty = facts_frame([]).assign(upload_id=pd.Series(dtype=int))
    briefing = brief(empty, Filters(date(2020, 1, 1), date(2020, 12, 31)), "zh")
    deck = Presentation(io.BytesIO(briefing_pptx(briefing, catalog)))
    assert charts(deck) == []
    body = "\n".join(texts(deck))
    assert "所选期间没有数据。" in body and "数据更新于：暂无数据" in body and "0 / 13 个城市" in body


# ---- the workbook ----------------------------------------------------------------------------------------------
def test_xlsx_has_one_sheet_per_table_with_the_view_written_in(demo_env, demo_facts, tmp_path):
    path = tmp_path / "brief.xlsx"
    code, _, err = run(*FLOOD_JULY, "--out", str(path))
    assert code == 0, err
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [t(k, "zh") for k in ("brief_sheet_about", "brief_sheet_kpi", "brief_sheet_trend",
                                                    "brief_sheet_ranking", "brief_sheet_complete", "brief_sheet_notes")]
    header = header_row(4)
    kpi = book["核心指标"]
    assert kpi["A1"].value == "统计期间：2020年7月" and kpi["A3"].value == "专项活动：防汛保电"
    assert str(kpi["A4"].value).startswith("数据更新于：")
    names = [cell.value for cell in kpi[header]]
    assert names[:4] == ["指标", "单位", "数值", t("qualifier_of", "zh", column="数值")]
    rows = {row[0]: row for row in kpi.iter_rows(min_row=header + 1, values_only=True)}
    assert rows["服务队"][2] == 184 and rows["投入人次"][2] == 3684
    assert rows["架设照明线路"][3] == "余"
    assert rows["服务队"][names.index("完成率")] is None  # no target yet: blank, the column kept
    trend = [row for row in book["月度趋势"].iter_rows(min_row=header + 1, values_only=True)]
    assert ("服务队", "支", "2020年7月", "防汛保电", 184, "") in [tuple("" if v is None else v for v in r) for r in trend]
    ranking = {(row[0], row[3]): row[4] for row in book["城市排名"].iter_rows(min_row=header + 1, values_only=True)}
    assert ranking[("服务队", "南京市")] == 25 and sum(v for (m, _), v in ranking.items() if m == "服务队") == 184
    complete = list(book["报送完整性"].iter_rows(min_row=header + 1, values_only=True))
    assert len(complete) == 13 and all(row[1] == "是" for row in complete)


def test_xlsx_texts_are_formula_safe():
    catalog = load_catalog()
    hostile = "=HYPERLINK(\"http://x\",\"y\")"
    facts = with_levels(facts_frame([
        {"period_start": "2020-07-01", "period_end": "2020-07-31", "city": hostile, "campaign": "flood_power",
         "metric": "teams", "value": 3},
        {"period_start": "2020-07-01", "period_end": "2020-07-31", "city": "南京市", "campaign": "flood_power",
         "metric": "teams", "value": 5, "qualifier": "about"},
    ]))
    briefing = brief(facts, Filters(date(2020, 7, 1), date(2020, 7, 31)), "en")
    book = openpyxl.load_workbook(io.BytesIO(briefing_xlsx(briefing, catalog)))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert not [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert f"'{hostile}" in [c.value for c in cells]
    notes = [row for row in book["Notes"].iter_rows(values_only=True)]
    assert ("Nanjing · service teams", "≈5", "approximate") in notes


# ---- analytics in one pass ------------------------------------------------------------------------------------------
def test_trends_and_rankings_of_several_metrics_match_one_metric_at_a_time(demo_facts):
    catalog = load_catalog()
    facts = demo_facts[0]
    metrics = ["teams", "staff_deployed", "donations", "corridors_lit"]
    trends, rankings = monthly_trends(facts, metrics, catalog), city_rankings(facts, metrics, catalog)
    for code in metrics:
        one = monthly_trend(facts, code, catalog)
        many = trends[trends["metric"] == code].reset_index(drop=True)
        assert one[["month", "campaign", "value", "qualifier"]].astype(str).values.tolist() == \
            many[["month", "campaign", "value", "qualifier"]].astype(str).values.tolist()
        one = city_ranking(facts, code, catalog)
        many = rankings[rankings["metric"] == code].reset_index(drop=True)
        assert one[["city", "value", "qualifier"]].astype(str).values.tolist() == \
            many[["city", "value", "qualifier"]].astype(str).values.tolist()


# ---- the command line ----------------------------------------------------------------------------------------------
def test_command_line_as_a_process_writes_the_deck(demo_url, tmp_path):
    out = tmp_path / "flood.pptx"
    env = {**os.environ, "DATABASE_URL": demo_url, "KPI_DEMO": "1", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "exports", "briefing", *FLOOD_JULY, "--city", "南京市",
                           "--city", "Suzhou", "--lang", "en", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and f"Briefing written: {out}" in done.stdout
    deck = Presentation(str(out))
    assert "Cities: Nanjing, Suzhou" in "\n".join(texts(deck))
    assert sum(sum(s) for s in series(charts(deck)[0]).values()) == 25 + 24


def test_default_window_without_from_and_to(demo_env, demo_facts, tmp_path):
    deck = deck_file(tmp_path)
    start, end = default_window(demo_facts[0])
    assert f"统计期间：{format_window(start, end, 'zh')}" in "\n".join(texts(deck))
    deck = deck_file(tmp_path, "--from", "2020-03")  # to the latest month with data
    assert "统计期间：2020年3月–2020年8月" in "\n".join(texts(deck))
    deck = deck_file(tmp_path, "--to", "2020-07", "--campaign", "防汛")  # the 12 months to --to; a campaign by name
    body = "\n".join(texts(deck))
    assert "统计期间：2019年8月–2020年7月" in body and "专项活动：防汛保电" in body


@pytest.mark.parametrize("argv, zh, en", [
    (["--from", "2020-13", "--out", "x.pptx"], "“2020-13”不是 YYYY-MM 格式的月份", "'2020-13' is not a month"),
    (["--from", "July", "--out", "x.pptx"], "“July”不是 YYYY-MM", "'July' is not a month"),
    (["--from", "2020-08", "--to", "2020-07", "--out", "x.pptx"], "晚于截止月份", "is after the last month"),
    (["--city", "Paris", "--out", "x.pptx"], "“Paris”不是江苏的城市", "'Paris' is not a city of Jiangsu"),
    (["--city", "鼓楼区", "--out", "x.pptx"], "“鼓楼区”不是江苏的城市", "is not a city of Jiangsu"),
    (["--campaign", "nope", "--out", "x.pptx"], "“nope”不是已知的专项活动", "'nope' is not a known campaign"),
    (["--out", "x.pdf"], "输出文件须以 .pptx 或 .xlsx 结尾", "must end in .pptx or .xlsx"),
    (["--lang", "fr", "--out", "x.pptx"], "命令行参数有误", "Wrong command line"),
    ([], "命令行参数有误", "Wrong command line"),  # --out is required
    (["--bogus", "--out", "x.pptx"], "命令行参数有误", "Wrong command line"),
])
def test_bad_arguments_say_so_in_both_languages_and_exit_2(demo_env, tmp_path, monkeypatch, argv, zh, en):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert zh in err and en in err and "Traceback" not in err
    assert "python -m exports briefing" in err  # the usage, in both languages
    assert not list(tmp_path.iterdir())  # nothing written


def test_bad_command_and_unreadable_store_and_unwritable_file(demo_env, tmp_path, monkeypatch):
    stream = io.StringIO()
    assert main(["brief"], out=io.StringIO(), err=stream) == 2
    assert "命令行参数有误" in stream.getvalue() and "Wrong command line" in stream.getvalue()
    code, _, err = run("--out", str(tmp_path / "missing" / "deck.pptx"))
    assert code == 2 and "无法写入" in err and "Cannot write" in err
    monkeypatch.setenv("DATABASE_URL", "nosuchdriver://nowhere/db")
    code, _, err = run("--out", str(tmp_path / "deck.pptx"))
    assert code == 2 and "无法读取数据库" in err and "Cannot read the store" in err
    assert not (tmp_path / "deck.pptx").exists()


# ---- in the app ------------------------------------------------------------------------------------------------------
@pytest.fixture
def downloads(monkeypatch) -> dict:
    """Every download button drawn: key → (file name, data or the function making it, mime)."""
    from streamlit.delta_generator import DeltaGenerator

    seen = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, mime=None, key=None, *args, **kwargs):
        seen[key] = (file_name, data, mime, label)
        return original(self, label, data, file_name, mime, key, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    return seen


def test_app_offers_the_briefing_of_the_current_view(demo_env, downloads, monkeypatch):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    app.context["locale"] = "zh-CN"
    app.run()
    app.selectbox(key="period_preset").set_value("custom").run()
    app.selectbox(key="period_from").set_value("2020-07").run()
    app.selectbox(key="period_to").set_value("2020-07").run()
    app.multiselect(key="campaigns").set_value(["flood_power"]).run()
    assert not app.exception
    name, data, mime, label = downloads["briefing_pptx"]
    assert mime == PPTX_MIME and name.endswith(".pptx") and label == "简报 .pptx"
    assert "下载简报" in [caption.value for caption in app.sidebar.caption]
    deck = Presentation(io.BytesIO(data() if callable(data) else data))
    assert series(chart_on(deck, t("brief_trend_title", "zh", metric="服务队（支）"))) == {"防汛保电": [184.0]}
    name, data, mime, _ = downloads["briefing_xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(data() if callable(data) else data))
    assert book.sheetnames[1] == "核心指标"
    # the By region page and English: the same pair, for that page's filters and language
    downloads.clear()
    app.switch_page("pages/regions.py").run()
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    _, data, _, label = downloads["briefing_pptx"]
    assert label == "Briefing .pptx"
    deck = Presentation(io.BytesIO(data() if callable(data) else data))
    assert deck.slides[0].shapes.title.text == "Civic-practice briefing"
    assert "Period: 2020-07" in "\n".join(texts(deck))
    # a briefing that fails says our plain message (Streamlit shows the exception's text), never its internals
    import ui

    def broken(*args, **kwargs):
        raise ValueError("internal detail /srv/secret")

    monkeypatch.setattr(ui, "briefing_file", broken)
    with pytest.raises(RuntimeError) as failed:
        data()
    assert str(failed.value) == t("error_unexpected", "en") and "secret" not in str(failed.value)


def test_view_lines_name_the_filters(demo_facts):
    catalog = load_catalog()
    view = Filters(date(2020, 1, 1), date(2020, 12, 31), ("南京市", "无锡市"), ("flood_power", "light_up"))
    assert view_lines(brief(demo_facts[0], view, "en"), catalog)[:3] == [
        "Period: 2020-01–2020-12", "Cities: Nanjing, Wuxi",
        "Campaigns: flood prevention and power supply, light-up action"]


def test_province_level_figures_are_named_not_ranked():
    facts = with_levels(facts_frame([
        {"period_start": "2020-07-01", "period_end": "2020-07-31", "campaign": "flood_power", "metric": "teams",
         "value": 40, "qualifier": "over"},  # province level: no city
        {"period_start": "2020-07-01", "period_end": "2020-07-31", "city": "淮安市", "campaign": "flood_power",
         "metric": "staff_deployed", "value": 12},
    ]))
    catalog = load_catalog()
    briefing = brief(facts, Filters(date(2020, 7, 1), date(2020, 7, 31)), "zh")
    deck = Presentation(io.BytesIO(briefing_pptx(briefing, catalog)))
    teams = [s for s in deck.slides if s.shapes.title.text == t("brief_ranking_title", "zh", metric="服务队（支）")][0]
    assert not [shape for shape in teams.shapes if shape.has_chart]
    body = "\n".join(shape.text_frame.text for shape in teams.shapes if shape.has_text_frame)
    assert "所选期间没有城市报送此指标。" in body and "另有省公司层面数据 40+" in body
    assert series(chart_on(deck, t("brief_ranking_title", "zh", metric="投入人次（人次）"))) == {"投入人次": [12.0]}
    assert "1 / 13 个城市" in "\n".join(texts(deck)) and "省公司层面数据：是。" in "\n".join(texts(deck))
    assert "省公司层面 · 服务队：40+（至少为该数）" in "\n".join(texts(deck))


def test_kpi_table_says_like_for_like_year_to_date_and_attainment_once_a_target_is_set():
    import dataclasses

    rows = [{"period_start": f"{month}-01", "period_end": end, "city": "南京市", "campaign": "flood_power",
             "metric": "teams", "value": value}
            for month, end, value in (("2019-03", "2019-03-31", 10), ("2019-10", "2019-10-31", 50),
                                      ("2020-03", "2020-03-31", 12))]
    catalog = load_catalog()
    briefing = brief(with_levels(facts_frame(rows)), Filters(date(2020, 1, 1), date(2020, 12, 31)), "zh")
    [teams] = [k for k in briefing.kpis if k.metric == "teams"]
    assert teams.like_for_like
    # the year to date ends with March, the latest month reported: 2019's October is not compared
    briefing.kpis[briefing.kpis.index(teams)] = dataclasses.replace(teams, target=16.0)
    deck = Presentation(io.BytesIO(briefing_pptx(briefing, catalog)))
    table = {row[0]: row[1:] for row in kpi_rows(deck)[1:]}
    assert table["服务队（支）"] == ["12", "-48 (-80.0%) · 较2019年1月–2019年12月",  # 环比: the 12 months before
                                     "+2 (+20.0%) · 同期累计，较2019年1月–2019年3月", "75.0%"]
    book = openpyxl.load_workbook(io.BytesIO(briefing_xlsx(briefing, catalog)))
    sheet = book["核心指标"]
    names = [cell.value for cell in sheet[header_row(4)]]
    [row] = [r for r in sheet.iter_rows(min_row=header_row(4) + 1, values_only=True) if r[0] == "服务队"]
    assert row[names.index("完成率")] == 0.75 and row[names.index("目标")] == 16
    assert row[names.index("同比为同期累计")] == "是" and row[names.index("同比 比较值")] == 10
