"""exports.tables: a shown table as .xlsx and .csv; hostile text comes out as text with a leading ', numbers unchanged."""
from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pandas as pd
import pytest

import exports.tables
from exports.tables import table_csv, table_xlsx

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1:9/x","点我")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\tx", "\rx",
]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "城市": ["南京市", "无锡市", "苏州市", "南通市", "徐州市", "常州市", "扬州市"],
        "备注": HOSTILE,
        "数值": [185, 3684, -5, 0, 12, 7, 1],
        "金额（元）": [350000.5, 36000.0, 0.25, float("nan"), 1e9, -3.5, 2.0],
        "=公式列": ["a", "b", "c", "d", "e", "f", ""],
    })


def xlsx_rows(data: bytes) -> tuple[str, list[list]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return sheet.title, [[cell for cell in row] for row in sheet.iter_rows()]


def test_xlsx_header_row_numbers_and_chinese_and_hostile_text_as_text():
    title, rows = xlsx_rows(table_xlsx(frame(), "各市全部指标"))
    assert title == "各市全部指标"
    assert [c.value for c in rows[0]] == ["城市", "备注", "数值", "金额（元）", "'=公式列"]
    body = rows[1:]
    assert [r[0].value for r in body] == ["南京市", "无锡市", "苏州市", "南通市", "徐州市", "常州市", "扬州市"]
    # a CR survives as CR where openpyxl writes it escaped (with lxml installed) and reads back as LF otherwise
    assert [r[1].value.replace("\r", "\n") for r in body] == ["'" + text.replace("\r", "\n") for text in HOSTILE]
    assert all(r[1].data_type == "s" for r in body)  # text cells, never formulas
    assert [r[2].value for r in body] == [185, 3684, -5, 0, 12, 7, 1]
    assert all(r[2].data_type == "n" for r in body)
    assert [r[3].value for r in body] == [350000.5, 36000, 0.25, None, 1e9, -3.5, 2]
    assert not any(cell.data_type == "f" for row in rows for cell in row)


def test_xlsx_writes_text_as_text_even_without_neutralising(monkeypatch):
    """Both defences hold on their own: a text cell starting with = is stored as a string, not a formula."""
    monkeypatch.setattr(exports.tables, "neutralise_frame", lambda f: f)
    _, rows = xlsx_rows(table_xlsx(pd.DataFrame({"a": ["=1+1", "=cmd|' /C calc'!A0"]}), "S"))
    assert [(r[0].value, r[0].data_type) for r in rows[1:]] == [("=1+1", "s"), ("=cmd|' /C calc'!A0", "s")]


def test_xlsx_keeps_dates_and_drops_control_characters():
    data = table_xlsx(pd.DataFrame({"日期": pd.to_datetime(["2020-07-31"]), "说明": ["a\x01b\x0bc"],
                                    "标记": [True]}), "S")
    _, rows = xlsx_rows(data)
    assert rows[1][0].value == datetime.datetime(2020, 7, 31) and rows[1][1].value == "abc" and rows[1][2].value is True


@pytest.mark.parametrize("name, expected", [
    ("上传 #3 的数据", "上传 #3 的数据"), ("a[b]:c*d?e/f\\g", "a b  c d e f g"), ("'引号'", "引号"),
    ("很长" * 20, "很长" * 15 + "很"), ("", "Sheet1"), ("///", "Sheet1"),
])
def test_xlsx_sheet_names_excel_accepts(name, expected):
    title, _ = xlsx_rows(table_xlsx(pd.DataFrame({"a": [1]}), name))
    assert title == expected


def test_csv_is_utf8_with_bom_neutralised_and_numbers_unchanged():
    data = table_csv(frame())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["城市", "备注", "数值", "金额（元）", "'=公式列"]
    assert [r[0] for r in rows[1:]] == ["南京市", "无锡市", "苏州市", "南通市", "徐州市", "常州市", "扬州市"]
    assert [r[1] for r in rows[1:]] == ["'" + text for text in HOSTILE]
    assert [r[2] for r in rows[1:]] == ["185", "3684", "-5", "0", "12", "7", "1"]
    assert [r[3] for r in rows[1:]] == ["350000.5", "36000.0", "0.25", "", "1000000000.0", "-3.5", "2.0"]
    assert data.count(b"\r\n") == len(rows)


def test_an_empty_table_is_a_header_row():
    empty = pd.DataFrame({"城市": pd.Series([], dtype=object), "数值": pd.Series([], dtype=float)})
    _, rows = xlsx_rows(table_xlsx(empty, "S"))
    assert [[c.value for c in r] for r in rows] == [["城市", "数值"]]
    assert table_csv(empty).decode("utf-8-sig") == "城市,数值\r\n"
