"""Nothing changed or lost silently (issue #9, part 2): a county under the wrong city, a period in the future or
before 2000, a fractional count: each is an error naming sheet, row, column and value, in Chinese and English."""
from __future__ import annotations

import datetime

import pytest

from loaders import Defaults, parse_bytes

HEADER = "统计期间,地市,县区,专项活动,服务队,照明架设长度（公里）"


def parse_rows(*rows: str, defaults: Defaults = Defaults()):
    text = "\n".join([HEADER, *rows]) + "\n"
    return parse_bytes(text.encode("utf-8"), "report.csv", defaults)


@pytest.mark.parametrize("row, code, column, value, zh, en", [
    ("2020年7月,无锡市,高淳区,防汛保电,3,", "county_in_other_city", "县区", "高淳区",
     "县区“高淳区”属于南京市，但本行的城市为无锡市", "belongs to Nanjing, but this row's city is Wuxi"),
    ("2020年7月,苏州市,江阴市,防汛保电,3,", "county_in_other_city", "县区", "江阴市",
     "县区“江阴市”属于无锡市，但本行的城市为苏州市", "belongs to Wuxi, but this row's city is Suzhou"),
    ("2031年5月,南京市,,防汛保电,3,", "future_period", "统计期间", "2031年5月", "尚未到来", "has not happened yet"),
    ("1999年12月,南京市,,防汛保电,3,", "period_too_early", "统计期间", "1999年12月", "早于 2000 年", "before 2000"),
    ("2020年7月,南京市,,防汛保电,4.5,", "fractional_count", "服务队", "4.5", "不能有小数", "cannot be fractional"),
])
def test_each_silent_change_is_an_error_on_its_cell(row, code, column, value, zh, en):
    result = parse_rows("2020年7月,南京市,溧水区,防汛保电,2,1.5", row)
    [problem] = [p for p in result.problems if p.code == code]
    assert (problem.severity, problem.sheet, problem.row, problem.column, problem.value) == \
        ("error", "report", 3, column, value)
    assert zh in problem.zh and en in problem.en
    assert not result.ok  # the file cannot be saved until it is put right
    assert not ((result.facts["row"] == 3) & (result.facts["metric"] == "teams") & (result.facts["value"] != 4.5)).any()


@pytest.mark.parametrize("row", [
    "2020年7月,南京市,高淳区,防汛保电,3,44.6",  # the county under its own city
    "2020年7月,南京市,鼓楼区,防汛保电,3,",  # 鼓楼区 exists in 南京市 and 徐州市: the city column decides
    "2020年7月,徐州市,鼓楼区,防汛保电,3,",
    "2000年1月,南京市,,防汛保电,3,",  # the first month counted
    "2020年7月,南京市,,防汛保电,3.0,0.5",  # a whole number written with a decimal point; km may be fractional
])
def test_what_is_right_loads_clean(row):
    result = parse_rows(row)
    assert result.ok, [p.en for p in result.errors]


def test_a_future_period_given_for_the_whole_file_is_refused_too():
    text = "地市,服务队\n南京市,3\n"
    result = parse_bytes(text.encode("utf-8"), "report.csv", Defaults(period="2031年5月", campaign="防汛"))
    [problem] = result.errors
    assert problem.code == "future_period" and problem.value == "2031-05-01..2031-05-31"


def test_today_is_shanghai_today(monkeypatch):
    this_month = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    ended = this_month.replace(day=1) - datetime.timedelta(days=1)
    result = parse_rows(f"{ended.year}年{ended.month}月,南京市,,防汛保电,3,")
    assert result.ok  # last month has ended
    nxt = (this_month.replace(day=28) + datetime.timedelta(days=4))
    result = parse_rows(f"{nxt.year}年{nxt.month}月,南京市,,防汛保电,3,")
    assert [p.code for p in result.errors] == ["future_period"]


def error_workbook() -> bytes:
    """A workbook whose figure cells hold Excel errors (openpyxl writes '#REF!' as an error cell, t="e")."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "七月"
    sheet.append(["统计期间", "地市", "专项活动", "服务队", "投入人次"])
    sheet.append(["2020年7月", "南京市", "防汛保电", "#REF!", 5])
    sheet.append(["2020年7月", "苏州市", "防汛保电", "#DIV/0!", "#N/A"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name, data", [
    ("errors.xlsx", error_workbook()),
    ("errors.csv", "统计期间,地市,专项活动,服务队,投入人次\n2020年7月,南京市,防汛保电,#REF!,5\n"
                   "2020年7月,苏州市,防汛保电,#DIV/0!,#N/A\n".encode("utf-8")),
])
def test_an_excel_error_in_a_figure_cell_is_an_error_naming_it(name, data):
    result = parse_bytes(data, name)
    found = [(p.code, p.row, p.column, p.value) for p in result.errors]
    assert found == [("excel_error", 2, "服务队", "#REF!"), ("excel_error", 3, "服务队", "#DIV/0!"),
                     ("excel_error", 3, "投入人次", "#N/A")]
    assert "Excel 错误值“#REF!”" in result.errors[0].zh and "the Excel error '#REF!'" in result.errors[0].en
    assert result.facts[["metric", "value"]].values.tolist() == [["staff_deployed", 5.0]]


def test_error_cells_are_found_across_chunk_boundaries(monkeypatch):
    import io
    import zipfile

    from loaders import containers

    cells = "".join(f'<c r="D{k}" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E{k}"><v>{k}</v></c>' for k in range(1, 400))
    xml = f'<worksheet><sheetData><row r="1">{cells}</row></sheetData></worksheet>'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    monkeypatch.setattr(containers, "_CHUNK", 97)  # every cell straddles a chunk boundary somewhere
    found = containers.error_cells(out.getvalue())
    assert found == {"xl/worksheets/sheet1.xml": [(k - 1, 3, "#DIV/0!") for k in range(1, 400)]}


# ---- periods as clerks type them (issue #9, part of item 4) ------------------------------------------------
def period_workbook(*cells) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["统计期间", "地市", "专项活动", "服务队"])
    for k, cell in enumerate(cells):
        book.active.append([cell, ["南京市", "无锡市", "苏州市"][k], "防汛保电", k + 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_periods_typed_as_numbers_are_read_and_2020_1_is_questioned():
    result = parse_bytes(period_workbook(2020.7, 2020.12, 2020.1), "numbers.xlsx")
    assert result.ok
    months = sorted(zip(result.facts["city"], result.facts["period_start"].dt.strftime("%Y-%m")))
    assert months == [("南京市", "2020-07"), ("无锡市", "2020-12"), ("苏州市", "2020-01")]
    [warning] = result.warnings
    assert (warning.code, warning.row, warning.value) == ("period_number_ambiguous", 4, "2020.1")
    assert "2020 年 10 月" in warning.zh and "2020-10 was meant" in warning.en


@pytest.mark.parametrize("header", ["统计日期", "报送期间", "所属月份", "填报月份", "统计年月"])
def test_period_headers_clerks_use(header):
    text = f"{header},地市,专项活动,服务队\n2020年7月,南京市,防汛保电,3\n"
    result = parse_bytes(text.encode("utf-8"), "report.csv")
    assert result.ok, [p.en for p in result.problems]
    assert result.facts["period_start"].dt.strftime("%Y-%m").tolist() == ["2020-07"]


def test_an_empty_period_cell_is_named_as_such():
    text = "统计期间,地市,专项活动,服务队\n2020年7月,南京市,防汛保电,3\n,无锡市,防汛保电,4\n"
    result = parse_bytes(text.encode("utf-8"), "report.csv")
    [problem] = result.errors
    assert (problem.code, problem.row, problem.column) == ("empty_period", 3, "统计期间")
    assert "单元格为空" in problem.zh and "The period cell is empty" in problem.en


def test_a_total_column_is_left_out_and_listed():
    text = "统计期间,地市,专项活动,服务队,投入人次,合计\n2020年7月,南京市,防汛保电,3,40,43\n"
    result = parse_bytes(text.encode("utf-8"), "report.csv")
    assert result.ok
    assert sorted(result.facts["metric"]) == ["staff_deployed", "teams"]
    [warning] = result.warnings
    assert (warning.code, warning.column) == ("total_column", "合计") and "已略去" in warning.zh


def test_a_total_group_over_metrics_is_left_out_when_other_groups_report_them():
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["统计期间", "地市", "专项活动", "队伍情况", "", "合计", ""])
    sheet.append(["", "", "", "服务队", "投入人次", "服务队", "投入人次"])
    sheet.merge_cells("D1:E1")
    sheet.merge_cells("F1:G1")
    sheet.append(["2020年7月", "南京市", "防汛保电", 3, 40, 3, 40])
    out = io.BytesIO()
    book.save(out)
    result = parse_bytes(out.getvalue(), "groups.xlsx")
    assert result.ok, [p.en for p in result.errors]
    assert result.facts[["metric", "value"]].values.tolist() == [["teams", 3.0], ["staff_deployed", 40.0]]
    assert [w.column for w in result.warnings if w.code == "total_column"] == ["合计 / 服务队", "合计 / 投入人次"]
