"""The downloadable error report: problems listed errors first, and each affected row beside its problems."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from exports.error_report import ERROR_FILL, MAX_COPIED_ROWS, PROBLEMS_HEADER, WARNING_FILL, error_report
from loaders.problems import ERROR, WARNING, Problem

FILE = "2020年7月防汛保电统计表.xlsx"


def problem(severity: str, sheet: str, row: int | None, column: str, value: str, zh: str, en: str,
            code: str = "test") -> Problem:
    return Problem(severity, code, FILE, sheet, row, column, value, zh, en)


PROBLEMS = [
    problem(WARNING, "填报表", 5, "亮化率（%）", "120", "比率超过 100%。", "The rate is over 100%."),
    problem(ERROR, "填报表", 4, "服务队（支）", "三支", "此处应为数字。", "A number is expected here."),
    problem(WARNING, "填表说明", None, "", "", "工作表只有填表说明，已跳过。", "The sheet holds instructions only and was skipped."),
    problem(ERROR, "填报表", 4, "城市", "南凉市", "不是江苏省内已知的地区或供电公司。", "Not a known region or power company in Jiangsu."),
    problem(ERROR, "", None, "", "", "文件中没有找到任何数据表。", "No data table was found in the file."),
    problem(ERROR, "填报表", 3, "备注", "=SUM(A1:A9)", "公式不能导入。", "A formula cannot be loaded."),
]


def source_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "填报表"
    sheet.append(["新时代文明实践工作统计表"])
    sheet.append(["城市", "服务队（支）", "亮化率（%）", "备注"])
    sheet.append(["南京市", 3, None, "=SUM(A1:A9)"])  # a formula: data_only reads no value
    sheet.append(["南凉市", "三支", None, None])
    sheet.append(["无锡市", None, 120, "宜兴"])
    book.create_sheet("填表说明").append(["每行填写一个单位一个月的数据。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def fill_of(cell) -> str:
    return cell.fill.fgColor.rgb[-6:]


def test_chinese_report_lists_errors_first_with_the_explanations():
    book = load_workbook(io.BytesIO(error_report(FILE, PROBLEMS, "zh")))
    assert book.sheetnames == ["问题清单"]
    sheet = book["问题清单"]
    rows = rows_of(sheet)
    assert FILE in rows[0][0] and "4 个错误" in rows[0][0] and "2 个警告" in rows[0][0]
    assert rows[1] == ["严重程度", "工作表", "行", "列", "值", "说明"]
    body = rows[2:]
    assert [r[0] for r in body] == ["错误"] * 4 + ["警告"] * 2
    # within a severity: the whole file first, then by sheet as first mentioned and by row
    assert [(r[1], r[2], r[3]) for r in body] == [
        (None, None, None), ("填报表", 3, "备注"), ("填报表", 4, "服务队（支）"), ("填报表", 4, "城市"),
        ("填报表", 5, "亮化率（%）"), ("填表说明", None, None),
    ]
    assert body[2][4:] == ["三支", "此处应为数字。"]
    assert body[1][4] == "'=SUM(A1:A9)" and sheet["E4"].data_type == "s"  # shown as text, never a formula
    assert fill_of(sheet["A3"]) == ERROR_FILL.fgColor.rgb[-6:] and fill_of(sheet["F6"]) == ERROR_FILL.fgColor.rgb[-6:]
    assert fill_of(sheet["A7"]) == WARNING_FILL.fgColor.rgb[-6:]
    assert sheet.auto_filter.ref == "A2:F8"
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["F"].width > 40


def test_english_report_uses_english_texts():
    book = load_workbook(io.BytesIO(error_report(FILE, PROBLEMS, "en")))
    assert book.sheetnames == ["Problems"]
    rows = rows_of(book["Problems"])
    assert rows[0][0] == f"{FILE}: 4 errors, 2 warnings"
    assert rows[1] == ["Severity", "Sheet", "Row", "Column", "Value", "Explanation"]
    assert [r[0] for r in rows[2:]] == ["Error"] * 4 + ["Warning"] * 2
    assert rows[2][5] == "No data table was found in the file."
    assert rows[4][5] == "A number is expected here."


def test_no_problems_gives_an_empty_list():
    rows = rows_of(load_workbook(io.BytesIO(error_report(FILE, [], "zh")))["问题清单"])
    assert "0 个错误" in rows[0][0] and len(rows) == 2


@pytest.mark.parametrize("lang, name, note_start", [("zh", "标注-填报表", "【错误】"), ("en", "Rows-填报表", "[Error] ")])
def test_source_rows_carry_their_problems_beside_them(lang, name, note_start):
    book = load_workbook(io.BytesIO(error_report(FILE, PROBLEMS, lang, source_workbook())))
    # only the sheet with located problems is copied (填表说明's problem has no row)
    assert book.sheetnames[1:] == [name]
    sheet = book[name]
    rows = rows_of(sheet)
    assert rows[0][:2] == [PROBLEMS_HEADER, "行 / Row"]
    by_source_row = {r[1]: r for r in rows[1:]}
    assert by_source_row[2][2:6] == ["城市", "服务队（支）", "亮化率（%）", "备注"]
    assert by_source_row[2][0] is None and by_source_row[1][0] is None
    row4 = by_source_row[4]
    assert row4[2:4] == ["南凉市", "三支"]
    note = row4[0]
    assert note.startswith(note_start)
    if lang == "zh":
        assert note.splitlines() == ["【错误】服务队（支）：此处应为数字。", "【错误】城市：不是江苏省内已知的地区或供电公司。"]
    else:
        assert note.splitlines() == ["[Error] 服务队（支）: A number is expected here.",
                                     "[Error] 城市: Not a known region or power company in Jiangsu."]
    assert "The rate is over 100%." in by_source_row[5][0] or "比率超过 100%。" in by_source_row[5][0]
    assert by_source_row[5][2:5] == ["无锡市", None, 120]
    # the problem rows are highlighted, red for an error and amber for a warning only
    excel_row = {r[1]: i + 1 for i, r in enumerate(rows)}
    assert fill_of(sheet.cell(excel_row[4], 3)) == ERROR_FILL.fgColor.rgb[-6:]
    assert fill_of(sheet.cell(excel_row[5], 3)) == WARNING_FILL.fgColor.rgb[-6:]
    assert sheet.cell(excel_row[2], 3).fill.fill_type is None


def test_rows_past_the_copy_limit_are_still_listed():
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    for index in range(MAX_COPIED_ROWS + 100):
        sheet.append([index + 1, "x"])
    out = io.BytesIO()
    book.save(out)
    problems = [problem(ERROR, "data", MAX_COPIED_ROWS + 50, "B", "x", "坏值。", "Bad value.")]
    report = load_workbook(io.BytesIO(error_report("big.xlsx", problems, "en", out.getvalue())), read_only=True)
    rows = list(report["Rows-data"].iter_rows(values_only=True))
    copied = [r for r in rows[1:] if len(r) > 2 and r[2] is not None]
    assert len(copied) == MAX_COPIED_ROWS
    assert any(r[1] == MAX_COPIED_ROWS + 50 and "Bad value." in (r[0] or "") for r in rows)


@pytest.mark.parametrize("file_name, source", [
    ("broken.xlsx", b"PK\x03\x04 not really a zip"),
    ("garbage.xlsx", b"\x00\x01\x02"),
    ("ledger.csv", "城市,服务队\n南凉市,三支\n".encode("gbk")),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
])
def test_odd_sources_give_the_problems_sheet_only(file_name, source):
    problems = [Problem(ERROR, "x", file_name, "填报表", 2, "城市", "南凉市", "未知地区。", "Unknown region.")]
    book = load_workbook(io.BytesIO(error_report(file_name, problems, "zh", source)))
    assert book.sheetnames == ["问题清单"]
    assert rows_of(book["问题清单"])[2][5] == "未知地区。"


def test_a_problem_on_a_sheet_the_source_lacks_is_listed_only():
    problems = [problem(ERROR, "不存在", 3, "A", "1", "坏值。", "Bad value.")]
    book = load_workbook(io.BytesIO(error_report(FILE, problems, "zh", source_workbook())))
    assert book.sheetnames == ["问题清单"]


def test_control_characters_in_texts_do_not_break_the_report():
    problems = [problem(ERROR, "S", 2, "A", "bad\x07value", "坏\x0b值。", "Bad\x00 value.")]
    rows = rows_of(load_workbook(io.BytesIO(error_report(FILE, problems, "en")))["Problems"])
    assert rows[2][4] == "badvalue" and rows[2][5] == "Bad value."


# (a leading CR is left out: XML reads every CR back as a line feed, so it cannot survive an .xlsx round trip)
HOSTILE = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "-5", "@SUM(A1)", "\t=1+1"]


def hostile_source() -> bytes:
    """A sheet named like a formula whose row 2 holds formula-like texts (stored as text) and numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "=cmd"
    sheet.append(["城市", *["备注"] * len(HOSTILE), "服务队", "亏损"])
    for col, text in enumerate(["南京市", *HOSTILE], start=1):
        cell = sheet.cell(2, col, text)
        cell.data_type = "s"  # a text cell, as a clerk's workbook holds it, not a formula
    sheet.cell(2, len(HOSTILE) + 2, 3)
    sheet.cell(2, len(HOSTILE) + 3, -5.5)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_formula_like_texts_are_written_as_prefixed_text_and_numbers_as_numbers(lang):
    name = "=HYPERLINK(\"http://x\").xlsx"
    problems = [Problem(ERROR, "x", name, "=cmd", 2, "@col", text, "坏值。", "Bad value.") for text in HOSTILE]
    book = load_workbook(io.BytesIO(error_report(name, problems, lang, hostile_source())))
    listed = book[book.sheetnames[0]]
    assert listed["A1"].value.startswith("'=HYPERLINK") and listed["A1"].data_type == "s"
    for row in range(3, 3 + len(HOSTILE)):
        for col, expected in ((2, "'=cmd"), (4, "'@col")):
            assert (listed.cell(row, col).value, listed.cell(row, col).data_type) == (expected, "s")
    assert sorted(listed.cell(row, 5).value for row in range(3, 3 + len(HOSTILE))) == sorted("'" + t for t in HOSTILE)
    assert {listed.cell(row, 5).data_type for row in range(3, 3 + len(HOSTILE))} == {"s"}
    copied = book[book.sheetnames[1]]
    cells = [copied.cell(3, col) for col in range(3, 3 + len(HOSTILE) + 3)]  # source row 2 is report row 3
    assert [c.value for c in cells] == ["南京市", *("'" + t for t in HOSTILE), 3, -5.5]
    assert [c.data_type for c in cells] == ["s"] * (len(HOSTILE) + 1) + ["n", "n"]
    assert not any(c.data_type == "f" for sheet in book for row in sheet.iter_rows() for c in row)
