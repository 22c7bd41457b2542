"""Property: random bytes and random cell contents give a result or a LoaderError naming what is wrong with the
file, never an internal error (parse_bytes turns any unexpected exception into one: it must never happen)."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import Defaults, LoaderError, ParseResult, parse_bytes
from model import FACT_COLUMNS

NAMES = st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.ods", "x.txt", "x"])
HEADERS = ["统计期间", "地区", "专项活动", "服务队", "捐款（万元）", "指标", "数值", "备注", "服务队/单位", "县区", ""]
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["15余", "超1000", "约35万元", "３２５", "1,020", "100%", "7300毫升", "待统计", "合计", "注：说明",
                     "2020年7月", "2020年13月", "南京", "鼓楼区", "上海市", "国网宜兴市供电公司", "防汛", "-5", ""]),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


def _check(result: ParseResult) -> None:
    assert list(result.facts.columns) == FACT_COLUMNS
    assert not result.facts["value"].isna().any()
    assert all(p.code != "internal_error" for p in result.problems)


def _refused(error: LoaderError) -> None:
    assert error.problem.code != "internal_error", error.problem.en


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), name=NAMES)
def test_random_bytes_raise_only_loader_error(data, name):
    try:
        _check(parse_bytes(data, name))
    except LoaderError as error:
        _refused(error)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=6)), min_size=1, max_size=6),
    rows=st.lists(st.lists(CELL, max_size=7), max_size=8),
    defaults=st.builds(Defaults, st.sampled_from([None, "防汛", "x"]), st.sampled_from([None, "2020年7月", "?"]),
                       st.sampled_from([None, "南京", "y"])),
)
def test_random_cells_raise_only_loader_error(header, rows, defaults):
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    for encoding in ("utf-8", "gb18030"):
        try:
            data = out.getvalue().encode(encoding)
        except UnicodeEncodeError:
            continue
        try:
            _check(parse_bytes(data, "cells.csv", defaults))
        except LoaderError as error:
            _refused(error)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(st.one_of(CELL, st.integers(-1000, 10**6), st.floats(-1e6, 1e9)), max_size=6),
                     min_size=1, max_size=6))
def test_random_workbook_cells_raise_only_loader_error(rows):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["统计期间", "地区", "专项活动", "服务队", "投入人次", "备注"])
    for row in rows:
        book.active.append([_clean_for_xlsx(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    try:
        _check(parse_bytes(out.getvalue(), "cells.xlsx"))
    except LoaderError as error:
        _refused(error)


def _clean_for_xlsx(value):
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n")[:50]
    return value
