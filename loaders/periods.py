"""Periods as reports write them: real dates, 2020年7月, 2020-07, 2020Q3, 2020年, ranges → (start, end)."""
from __future__ import annotations

import calendar
import datetime
import math
import re
from functools import lru_cache

from catalog import fold_width

Period = tuple[datetime.date, datetime.date]

MIN_YEAR, MAX_YEAR = 1990, 2100
EARLIEST_PERIOD = datetime.date(2000, 1, 1)  # the programme's reports start in the 2010s; earlier is a typo
REPORTING_TIMEZONE = "Asia/Shanghai"  # "today", for a period that has not ended yet
# A period, ranges included (2020年1月1日至2020年12月31日), folds to under 30 characters: a longer text is no period.
# Capping keeps the range search (both halves parsed at every separator: quadratic) cheap, long texts out of the cache.
MAX_PERIOD_CHARS = 64
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_MONTHS_EN = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_RANGE_SEPARATORS = ("至", "到", "~", "～", "—", "–", "－", "-")
_FILING_DATE = re.compile(r"(填报|填表|报送|制表|打印|报出)(日期|时间)[:：]?\s*[\d年月日./\-\s]*")

_DAY = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_DAY8 = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})(?:年(\d{1,2})月份?|[-/.](\d{1,2})月?|(\d{2}))")
_QUARTER = re.compile(r"(\d{4})年?(?:第?([一二三四1-4])季度?|[-]?q([1-4]))")
_QUARTER_EN = re.compile(r"q([1-4])[-/]?(\d{4})")
_HALF = re.compile(r"(\d{4})年?(?:([上下])半年|[-]?h([12]))")
_YEAR = re.compile(r"(\d{4})(?:年度?|年全年)?")
_MONTH_EN = re.compile(r"([a-z]{3})[a-z]*\.?[-/]?(\d{4})|(\d{4})[-/]?([a-z]{3})[a-z]*\.?")
_PARTIAL_MONTH = re.compile(r"(\d{1,2})月份?")
_PARTIAL_DAY = re.compile(r"(?:(\d{1,2})月)?(\d{1,2})日")


def reporting_today() -> datetime.date:
    """Today's date where the reports are made (a period ending after it has not happened yet)."""
    from zoneinfo import ZoneInfo

    return datetime.datetime.now(ZoneInfo(REPORTING_TIMEZONE)).date()


class PeriodError(ValueError):
    """A text that looks like a period but names an impossible one (2020年13月)."""


def _month(year: int, month: int) -> Period:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"year {year}")
    if not 1 <= month <= 12:
        raise PeriodError(f"month {month}")
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, month: int, day: int) -> Period:
    start, _ = _month(year, month)
    try:
        date = datetime.date(year, month, day)
    except ValueError as exc:
        raise PeriodError(str(exc)) from exc
    return date, date


def _months(year: int, first: int, last: int) -> Period:
    return _month(year, first)[0], _month(year, last)[1]


def _single(text: str) -> Period | None:
    """One period written without a range; None when `text` is not one; PeriodError when impossible."""
    if m := _DAY.fullmatch(text):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := _DAY8.fullmatch(text):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := _MONTH.fullmatch(text):
        return _month(int(m[1]), int(m[2] or m[3] or m[4]))
    if m := _QUARTER.fullmatch(text):
        q = _CN_DIGITS[m[2] or m[3]]
        return _months(int(m[1]), 3 * q - 2, 3 * q)
    if m := _QUARTER_EN.fullmatch(text):
        q = int(m[1])
        return _months(int(m[2]), 3 * q - 2, 3 * q)
    if m := _HALF.fullmatch(text):
        first = m[2] == "上" or m[3] == "1"
        return _months(int(m[1]), 1, 6) if first else _months(int(m[1]), 7, 12)
    if m := _YEAR.fullmatch(text):
        return _months(int(m[1]), 1, 12)
    if m := _MONTH_EN.fullmatch(text):
        name, year = (m[1], m[2]) if m[1] else (m[4], m[3])
        if name in _MONTHS_EN:
            return _month(int(year), _MONTHS_EN[name])
    return None


def _second_half(text: str, first: Period) -> Period | None:
    """The end of a range, which may leave out the year (2020年2月至5月)."""
    full = _single(text)
    if full is not None:
        return full
    year = first[0].year
    if m := _PARTIAL_MONTH.fullmatch(text):
        return _month(year, int(m[1]))
    if m := _PARTIAL_DAY.fullmatch(text):
        return _day(year, int(m[1]) if m[1] else first[0].month, int(m[2]))
    return None


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", fold_width(text)).casefold()


def _parse_text(text: str) -> Period | None:
    folded = _fold(text)
    if not folded or len(folded) > MAX_PERIOD_CHARS:
        return None
    return _parse_folded(folded)


@lru_cache(maxsize=8192)
def _parse_folded(folded: str) -> Period | None:
    single = _single(folded)
    if single is not None:
        return single
    for sep in _RANGE_SEPARATORS:
        start = 0
        while (pos := folded.find(sep, start)) > 0:
            left, right = folded[:pos], folded[pos + len(sep):]
            start = pos + 1
            try:
                first = _single(left)
                if first is None:
                    continue
                second = _second_half(right, first)
            except PeriodError:
                continue
            if second is None:
                continue
            if second[1] < first[0]:
                raise PeriodError("range ends before it starts")
            return first[0], second[1]
    return None


def parse_period(cell: object) -> Period | None:
    """(start, end) for a cell: a date, a year/month number, or text; None if not a period.

    Raises PeriodError for a text that is a period in form but impossible (2020年13月, 2020-02-30).
    A real date is that day; 2020 is the year; 202007 is July 2020.
    """
    if cell is None or cell == "":
        return None
    if isinstance(cell, bool):
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date(), cell.date()
    if isinstance(cell, datetime.date):
        return cell, cell
    if isinstance(cell, float) and math.isfinite(cell) and not cell.is_integer():
        # 2020.7 typed in Excel becomes the number 2020.7: read as the text it was (2020.1 may have been 2020.10)
        return _parse_text(repr(cell)) if 1900 <= cell < 2200 and len(repr(cell)) <= 7 else None
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and not math.isfinite(cell):
            return None
        cell = str(int(cell))
    if not isinstance(cell, str):
        return None
    return _parse_text(cell)


def find_period(text: str) -> Period | None:
    """The first period named inside a longer text (a title or sheet name), ignoring 填报日期 lines."""
    folded = _FILING_DATE.sub(" ", fold_width(text))
    folded = re.sub(r"\s+", " ", folded).casefold()
    for match in re.finditer(r"(?<!\d)(19|20)\d\d(?!\d)|q[1-4]", folded):
        begin = match.start()
        for end in range(min(len(folded), begin + 26), match.end() - 1, -1):
            try:
                found = _parse_text(folded[begin:end])
            except PeriodError:
                continue
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------- periods as column headers (cross-tabs)

_CN_MONTHS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11,
              "十二": 12, "正": 1}
_YEAR_PREFIX = r"(?:(?P<year>\d{4})(?:年度?|[-/.])?)?"
_LABELS = [
    ("month", re.compile(_YEAR_PREFIX + r"(?P<n>1[0-2]|0?[1-9]|十[一二]?|[正一二三四五六七八九])月份?")),
    ("month", re.compile(r"(?P<year>\d{4})[-/.](?P<n>1[0-2]|0?[1-9])(?:[-/.]0?1)?(?:00:00:00)?")),  # 2020-01, a date
    ("quarter", re.compile(_YEAR_PREFIX + r"第?(?P<n>[一二三四1-4])季度?")),
    ("quarter", re.compile(_YEAR_PREFIX + r"q(?P<n>[1-4])")),
    ("half", re.compile(_YEAR_PREFIX + r"(?P<n>[上下])半年度?")),
    ("half", re.compile(_YEAR_PREFIX + r"h(?P<n>[12])")),
    ("year", re.compile(_YEAR_PREFIX + r"全年(?:度|合计|累计|总计)?")),
]


def column_label(text: str) -> tuple[int | None, int, int] | None:
    """A period written as a column header of a cross-tab → (year or None, first month, last month).

    1月, 01月, 一月, 2020年1月, 2020-01, 一季度, 第一季度, Q1, 上半年, H2, 全年; None for any other text.
    Raises PeriodError for an impossible year (2020年 within MIN_YEAR..MAX_YEAR only).
    """
    folded = _fold(text) if isinstance(text, str) else ""
    return _column_label(folded) if 0 < len(folded) <= 24 else None


@lru_cache(maxsize=1024)
def _column_label(folded: str) -> tuple[int | None, int, int] | None:
    for kind, pattern in _LABELS:
        m = pattern.fullmatch(folded)
        if m is None:
            continue
        year = int(m["year"]) if m["year"] else None
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"year {year}")
        n = m["n"] if kind != "year" else ""
        if kind == "month":
            month = int(n) if n.isdigit() else _CN_MONTHS[n]
            return year, month, month
        if kind == "quarter":
            q = _CN_DIGITS[n]
            return year, 3 * q - 2, 3 * q
        if kind == "half":
            first = n in ("上", "1")
            return (year, 1, 6) if first else (year, 7, 12)
        return year, 1, 12
    return None


def label_period(year: int, first: int, last: int) -> Period:
    """The period of a column label once its year is known."""
    return _months(year, first, last)
