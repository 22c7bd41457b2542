"""loaders/periods.py: periods as reports write them → (first day, last day)."""
from __future__ import annotations

import datetime as dt

import pytest

from loaders.periods import MAX_PERIOD_CHARS, PeriodError, find_period, parse_period

D = dt.date


@pytest.mark.parametrize(
    "cell, start, end",
    [
        ("2020年7月", D(2020, 7, 1), D(2020, 7, 31)),
        ("2020年07月份", D(2020, 7, 1), D(2020, 7, 31)),
        ("2020-07", D(2020, 7, 1), D(2020, 7, 31)),
        ("2020/7", D(2020, 7, 1), D(2020, 7, 31)),
        ("2020.07", D(2020, 7, 1), D(2020, 7, 31)),
        ("202007", D(2020, 7, 1), D(2020, 7, 31)),
        (202007.0, D(2020, 7, 1), D(2020, 7, 31)),
        ("Jul 2020", D(2020, 7, 1), D(2020, 7, 31)),
        ("2020/7/31", D(2020, 7, 31), D(2020, 7, 31)),
        ("2020-07-31", D(2020, 7, 31), D(2020, 7, 31)),
        ("2020年7月31日", D(2020, 7, 31), D(2020, 7, 31)),
        (dt.datetime(2020, 7, 31, 0, 0), D(2020, 7, 31), D(2020, 7, 31)),
        (D(2020, 7, 31), D(2020, 7, 31), D(2020, 7, 31)),
        ("2020年第三季度", D(2020, 7, 1), D(2020, 9, 30)),
        ("2020年三季度", D(2020, 7, 1), D(2020, 9, 30)),
        ("2020Q3", D(2020, 7, 1), D(2020, 9, 30)),
        ("2020 Q3", D(2020, 7, 1), D(2020, 9, 30)),
        ("Q3 2020", D(2020, 7, 1), D(2020, 9, 30)),
        ("2020年上半年", D(2020, 1, 1), D(2020, 6, 30)),
        ("2020年", D(2020, 1, 1), D(2020, 12, 31)),
        ("2020", D(2020, 1, 1), D(2020, 12, 31)),
        (2020.0, D(2020, 1, 1), D(2020, 12, 31)),
        (2020.7, D(2020, 7, 1), D(2020, 7, 31)),  # typed 2020.7, stored by Excel as a number
        (2020.12, D(2020, 12, 1), D(2020, 12, 31)),
        (2020.1, D(2020, 1, 1), D(2020, 1, 31)),  # the sheet parser warns: may have been 2020.10
        ("２０２０年７月", D(2020, 7, 1), D(2020, 7, 31)),
        # ranges, as the demo data uses them
        ("2020年2月-2020年5月", D(2020, 2, 1), D(2020, 5, 31)),
        ("2019年3月-2020年8月", D(2019, 3, 1), D(2020, 8, 31)),
        ("2020-02~2020-05", D(2020, 2, 1), D(2020, 5, 31)),
        ("2020年2月至5月", D(2020, 2, 1), D(2020, 5, 31)),
        ("2020年2月—5月", D(2020, 2, 1), D(2020, 5, 31)),
        ("2020/7/20-2020/7/25", D(2020, 7, 20), D(2020, 7, 25)),
        ("2019-2020", D(2019, 1, 1), D(2020, 12, 31)),
        ("2019—2020年", D(2019, 1, 1), D(2020, 12, 31)),
    ],
)
def test_parse_period(cell, start, end):
    assert parse_period(cell) == (start, end)


@pytest.mark.parametrize("cell", ["2020年13月", "2020-02-30", "2020年0月", "2020年5月-2020年2月", "1800年"])
def test_impossible_period_raises(cell):
    with pytest.raises(PeriodError):
        parse_period(cell)


@pytest.mark.parametrize("cell", ["", None, "南京", "上个月", "abc", 3.5, True, 2020.123, 12345.6])
def test_not_a_period(cell):
    assert parse_period(cell) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020年7月防汛保电统计表", (D(2020, 7, 1), D(2020, 7, 31))),
        ("南京市2020年第三季度文明实践统计", (D(2020, 7, 1), D(2020, 9, 30))),
        ("统计期间：2020年2月至5月", (D(2020, 2, 1), D(2020, 5, 31))),
        ("填报日期：2020年7月31日", None),  # the filing date is not the period
        ("防汛保电统计表", None),
    ],
)
def test_find_period_in_titles(text, expected):
    assert find_period(text) == expected


LONG = 16_000


@pytest.mark.parametrize(
    "cell",
    ["1" * LONG, "年" * LONG, "月" * LONG, "2020年" * 3000, "2020-" * 3000, "2020年7月至" * 2000, "1至" * 8000,
     "-" * LONG, "（" * LONG, "q3" * 8000, "2020年7月" + "x" * MAX_PERIOD_CHARS, "20200701" * 2000],
)
def test_long_text_is_no_period(cell):
    assert parse_period(cell) is None


def test_white_space_does_not_count_towards_the_cap():
    assert parse_period("2020年7月" + " " * LONG) == (D(2020, 7, 1), D(2020, 7, 31))


@pytest.mark.parametrize("unit", ["1至", "2020-", "2020年7月至", "2020年-", "年", "1", "q3-", "\u0301\u0316"])
def test_parse_period_is_linear(assert_linear, unit):
    # a range was looked for at every separator, both halves copied and parsed: quadratic
    def parse(text):
        try:
            parse_period(text)
        except PeriodError:
            pass

    assert_linear(parse, lambda size, k: " " * k + unit * (size // len(unit)), 20_000)


@pytest.mark.parametrize("unit", ["2020年", "2020年7月至", "q3 2020-", "填报日期：2020年7月31日"])
def test_find_period_is_linear(assert_linear, unit):
    assert_linear(find_period, lambda size, k: " " * k + unit * (size // len(unit)), 2000)


def test_period_parsing_sees_at_most_the_cap(monkeypatch):
    import loaders.periods as periods

    seen = []
    single = periods._single
    monkeypatch.setattr(periods, "_single", lambda text: seen.append(len(text)) or single(text))
    for cell in ("2020年7月至" * 2001, "1至" * 8001, "2020年-" * 3001):  # not parsed (cached) by another test
        parse_period(cell)
    find_period("统计期间：" + "2020年2月至5月" * 1000)
    assert max(seen, default=0) <= MAX_PERIOD_CHARS


# ---- periods as column headers of a cross-tab (issue #9, item 4) ------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("1月", (None, 1, 1)), ("01月", (None, 1, 1)), ("12月份", (None, 12, 12)), ("一月", (None, 1, 1)),
        ("十月", (None, 10, 10)), ("十二月", (None, 12, 12)), ("2020年1月", (2020, 1, 1)), ("2020-01", (2020, 1, 1)),
        ("2020/7", (2020, 7, 7)), ("2020-07-01 00:00:00", (2020, 7, 7)),  # 2020-07 typed in a header: a date
        ("一季度", (None, 1, 3)), ("第一季度", (None, 1, 3)), ("3季度", (None, 7, 9)), ("Q4", (None, 10, 12)),
        ("2020年第三季度", (2020, 7, 9)), ("2020Q3", (2020, 7, 9)),
        ("上半年", (None, 1, 6)), ("下半年", (None, 7, 12)), ("H2", (None, 7, 12)), ("2020年上半年", (2020, 1, 6)),
        ("全年", (None, 1, 12)), ("全年合计", (None, 1, 12)), ("2020年全年", (2020, 1, 12)),
        ("合计", None), ("13月", None), ("服务队", None), ("2020年", None), ("7", None), ("2020-07-31", None),
        ("1-6月", None), ("", None),
    ],
)
def test_column_label(text, expected):
    from loaders.periods import column_label

    assert column_label(text) == expected
