"""Cross-tabs (issue #9, item 4): periods as columns, rows of metrics or units, two-level headers of periods and
metrics; each loads into the same facts as its long twin, its 合计/全年 columns listed, an unknown year refused."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from loaders import Defaults, parse_bytes, parse_path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
from make_crosstabs import CROSSTAB_TWINS  # noqa: E402

from tests.test_loader_shapes import canonical  # noqa: E402 - one way to compare two loads


def workbook(rows: list[list[object]], merges: tuple[str, ...] = (), title: str = "Sheet") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def months(facts: pd.DataFrame) -> list[tuple[str, str, float]]:
    return sorted(zip(facts["period_start"].dt.strftime("%Y-%m"), facts["metric"], facts["value"]))


@pytest.mark.parametrize("crosstab, twin", sorted(CROSSTAB_TWINS.items()))
def test_crosstab_loads_into_the_facts_of_its_long_twin(crosstab, twin):
    got, want = parse_path(FIXTURES / crosstab), parse_path(FIXTURES / twin)
    assert got.ok and want.ok, [p.bilingual() for p in got.errors + want.errors]
    assert len(got.facts) > 0 and {s.layout for s in got.sheets} == {"crosstab"}
    pd.testing.assert_frame_equal(canonical(got.facts), canonical(want.facts))


@pytest.mark.parametrize("crosstab, listed", [
    ("crosstab_metric_rows.xlsx", ["合计"] * 3),  # one sheet per unit
    ("crosstab_unit_rows.xlsx", ["全年"] * 3),  # one sheet per metric
    ("crosstab_unit_metric_rows.xlsx", ["合计"]),
    ("two_level_months_over_metrics.xlsx", ["合计 / 服务队", "合计 / 投入人次", "合计 / 捐款（万元）"]),
    ("two_level_metrics_over_months.xlsx", ["服务队（支） / 合计", "投入人次（人次） / 合计", "捐款（万元） / 合计"]),
    ("crosstab_quarters.xlsx", ["全年"]),
])
def test_total_columns_are_left_out_and_listed(crosstab, listed):
    result = parse_path(FIXTURES / crosstab)
    assert [w.column for w in result.warnings if w.code == "total_column"] == listed
    assert all("已略去" in w.zh and "left out" in w.en for w in result.warnings)
    assert not [w for w in result.warnings if w.code != "total_column"]


def test_a_total_row_under_unit_rows_is_dropped_and_reported():
    result = parse_path(FIXTURES / "crosstab_unit_rows.xlsx")
    assert [(d.sheet, d.row) for d in result.dropped] == [("服务队", 6), ("投入人次", 6), ("捐款", 6)]


UNIT_ROWS = [["单位", "6月", "7月", "8月"], ["南京市", 18, 20, None]]


@pytest.mark.parametrize("above, title, defaults, year", [
    ([["2020年防汛保电服务队统计表"]], "Sheet", Defaults(), 2020),
    ([["防汛保电服务队统计表"], ["统计年度：2019"]], "Sheet", Defaults(), 2019),
    ([["防汛保电服务队统计表"]], "2020年", Defaults(), 2020),
    ([["防汛保电服务队统计表"]], "Sheet", Defaults(period="2020"), 2020),
    ([["2020年防汛保电服务队统计表"], ["填报日期：2021年1月5日"]], "Sheet", Defaults(), 2020),  # the title's year
])
def test_the_year_of_month_columns_comes_from_the_title_sheet_name_or_caller(above, title, defaults, year):
    result = parse_bytes(workbook([*above, *UNIT_ROWS], title=title), "teams.xlsx", defaults)
    assert result.ok, [p.bilingual() for p in result.problems]
    assert months(result.facts) == [(f"{year}-06", "teams", 18.0), (f"{year}-07", "teams", 20.0)]
    assert result.facts["row"].tolist() == [len(above) + 2] * 2


@pytest.mark.parametrize("above, hint", [
    ([["防汛保电服务队统计表"]], False),
    ([["防汛保电服务队统计表"], ["填报单位：南京", None, "填报日期：2021年1月5日"]], True),
])
def test_month_columns_without_a_year_are_refused_naming_the_cell(above, hint):
    result = parse_bytes(workbook([*above, *UNIT_ROWS], title="服务队"), "teams.xlsx")
    [error] = result.errors
    assert (error.code, error.sheet, error.row, error.column, error.value) == (
        "crosstab_no_year", "服务队", len(above) + 1, "6月", "6月")
    assert f"单元格 B{len(above) + 1}" in error.zh and f"cell B{len(above) + 1}" in error.en
    assert "--period 2020" in error.zh and "--period 2020" in error.en
    assert ("填报日期不是数据所属的年份" in error.zh) == hint and ("filing date" in error.en) == hint
    assert result.facts.empty and result.sheets[0].status == "skipped"


def test_the_year_over_two_level_months_names_the_merged_label_cell():
    rows = [["防汛保电"], ["单位", "7月", None, "8月", None], [None, "服务队", "投入人次", "服务队", "投入人次"],
            ["南京市", 20, 400, 22, 300]]
    result = parse_bytes(workbook(rows, ("B2:C2", "D2:E2", "A2:A3")), "groups.xlsx")
    [error] = result.errors
    assert (error.code, error.row, error.column, error.value) == ("crosstab_no_year", 2, "7月 / 服务队", "7月")
    fixed = parse_bytes(workbook(rows, ("B2:C2", "D2:E2", "A2:A3")), "groups.xlsx", Defaults(period="2020"))
    assert fixed.ok and months(fixed.facts) == [("2020-07", "staff_deployed", 400.0), ("2020-07", "teams", 20.0),
                                                ("2020-08", "staff_deployed", 300.0), ("2020-08", "teams", 22.0)]


def test_a_year_in_the_header_cells_needs_no_title():
    rows = [["单位", "2020年7月", "2020-08", "2021年1月"], ["南京市", 20, 22, 3]]
    result = parse_bytes(workbook(rows, title="服务队"), "teams.xlsx", Defaults(campaign="防汛保电"))
    assert result.ok and months(result.facts) == [("2020-07", "teams", 20.0), ("2020-08", "teams", 22.0),
                                                  ("2021-01", "teams", 3.0)]


def test_a_figure_in_a_month_still_to_come_is_refused_on_its_cell_and_blank_ones_are_fine():
    rows = [["2031年防汛保电服务队统计表"], ["单位", "上半年", "下半年"], ["南京市", 20, None]]
    result = parse_bytes(workbook(rows), "teams.xlsx")
    [error] = result.errors
    assert (error.code, error.row, error.column, error.value) == ("future_period", 3, "上半年", "20")
    assert result.facts.empty


def test_unit_rows_whose_metric_is_named_nowhere_are_refused():
    rows = [["2020年防汛保电统计表"], *UNIT_ROWS]
    result = parse_bytes(workbook(rows), "report.xlsx")
    [error] = result.errors
    assert (error.code, error.row, error.column) == ("crosstab_no_metric", 2, "6月")
    assert "指标" in error.zh and "metric" in error.en


def test_a_bad_figure_names_its_row_and_period_column():
    rows = [["2020年防汛保电月报"], ["地市", "指标", "7月", "8月"], ["南京市", "服务队", 20, "二十"]]
    result = parse_bytes(workbook(rows), "report.xlsx")
    [error] = result.errors
    assert (error.code, error.row, error.column, error.value) == ("not_a_number", 3, "8月", "二十")
    assert months(result.facts) == [("2020-07", "teams", 20.0)]


def test_the_same_unit_twice_in_a_crosstab_is_a_duplicate_naming_the_month_column():
    rows = [["2020年防汛保电服务队"], ["单位", "7月", "8月"], ["南京市", 20, None], ["南京市", None, 22],
            ["南京", 21, None]]
    result = parse_bytes(workbook(rows), "report.xlsx")
    [error] = result.errors
    assert (error.code, error.row, error.column, error.value) == ("duplicate_key", 5, "7月", "21")


def test_a_metric_named_in_the_title_takes_the_unit_given_there():
    rows = [["2020年防汛保电捐款统计表（单位：万元）"], ["单位", "一季度", "二季度"], ["苏州市", 1.2, 0.5]]
    result = parse_bytes(workbook(rows), "report.xlsx")
    assert result.ok
    assert sorted(zip(result.facts["period_end"].dt.strftime("%Y-%m-%d"), result.facts["value"])) == [
        ("2020-03-31", 12000.0), ("2020-06-30", 5000.0)]


def test_a_lone_whole_year_column_is_the_year_not_a_total():
    rows = [["防汛保电服务队"], ["单位", "2020年全年"], ["南京市", 184]]
    result = parse_bytes(workbook(rows), "report.xlsx")
    assert result.ok and not result.warnings
    assert result.facts[["period_start", "period_end"]].astype(str).values.tolist() == [["2020-01-01", "2020-12-31"]]


def test_a_row_of_months_is_the_header_rather_than_a_filer_line_above_it():
    rows = [["2020年防汛保电服务队统计表"], ["填报单位", "国网南京供电公司"], ["单位", "7月", "8月"], ["南京市", 20, 22]]
    result = parse_bytes(workbook(rows), "teams.xlsx")
    assert result.ok, [p.bilingual() for p in result.problems]
    assert months(result.facts) == [("2020-07", "teams", 20.0), ("2020-08", "teams", 22.0)]
