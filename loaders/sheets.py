"""One sheet (or CSV) as a grid of cells → canonical facts: header, layout, rows, values."""
from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from catalog import Catalog, Metric, fold_width, normalize_text
from keys import combine_codes
from loaders.headers import HeaderMatch, find_header, match_header, split_unit, suggest_metrics
from loaders.messages import ProblemLog
from loaders.numbers import (
    NOT_A_NUMBER, UnitSpec, cell_factor, is_blank, load_columns, numeric_values, parse_number, parse_unit, unit_factor,
)
from loaders.periods import (
    MAX_YEAR, MIN_YEAR, Period, PeriodError, column_label, find_period, label_period, parse_period,
)
from loaders.problems import DroppedRow, SheetReport
from loaders.regions import RegionMatch, find_city, resolve_region, suggest_regions
from model import FACT_COLUMNS, QUALIFIERS

QUALIFIER_NAMES = np.array(QUALIFIERS, dtype=object)
QUALIFIER_CODES = {q: k for k, q in enumerate(QUALIFIERS)}
_FILER = re.compile(r"(?:填报|报送|填表)单位[:：]\s*(\S+)")
# A report is a few dozen columns wide. A sheet wider than this (after dropping blank columns at its right) is
# refused: every step below passes over each column, so a CSV of one 5 MB line of a,a,a,… would take minutes.
EARLIEST_PERIOD = datetime.date(2000, 1, 1)  # the programme's reports start in the 2010s; earlier is a typo
REPORTING_TIMEZONE = "Asia/Shanghai"  # "today", for a period that has not ended yet
MAX_COLUMNS = 1000


@dataclass
class Grid:
    """A sheet's cells as read: rows padded to one width; merges as (r0, c0, r1, c1) 0-based inclusive."""

    name: str
    rows: list[list[object]]
    first_row: int = 1  # the Excel row number of rows[0]
    first_col: int = 0  # the 0-based column index of rows[i][0]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False  # a hidden sheet (dropdown lists, lookups): skipped without a warning when it has no table


@dataclass(frozen=True)
class Hints:
    """Dimensions that hold for a whole sheet, where the rows do not say: from sheet name, title or caller."""

    period: Period | None = None
    region: RegionMatch | None = None
    campaign: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # normalised header → metric code or "ignore"


@dataclass
class SheetOutcome:
    facts: pd.DataFrame
    report: SheetReport
    dropped: list[DroppedRow]
    columns: list[str] = field(default_factory=list)  # header of each `_piece` code in facts


def empty_facts() -> pd.DataFrame:
    """A fact frame with no rows and the fact dtypes."""
    dtypes = {"period_start": "datetime64[ns]", "period_end": "datetime64[ns]", "value": "float64", "row": "int64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in FACT_COLUMNS})


def cell_text(value: object) -> str:
    """A label cell as text: numbers without a trailing .0, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def distinct(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct values) of a column, so work is done once per distinct value."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object, copy=False))
    uniques = np.asarray(uniques, dtype=object)
    if len(codes) and codes.min() < 0:  # None/NaN cells: give them a code of their own
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(uniques, None).astype(object)
    return codes, uniques


def _is_blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_hints(catalog: Catalog, name: str, title_lines: list[str], fallback: Hints) -> tuple[Hints, dict[str, str]]:
    """Period, region and campaign named by the sheet name or title rows, else by `fallback` (the caller's)."""
    period = region = None
    campaign = ""
    sources: dict[str, str] = {}
    texts = [("sheet", name)] + [("title", t) for t in title_lines]
    for source, text in texts:
        if not text:
            continue
        if period is None:
            try:
                found = find_period(text)
            except PeriodError:
                found = None
            if found is not None:
                period, sources["period"] = found, source
        if not campaign:
            found_c = _find_campaign(catalog, text)
            if found_c:
                campaign, sources["campaign"] = found_c, source
        if region is None and source == "sheet":
            found_r = find_city(catalog, text)
            if found_r is not None:
                region, sources["region"] = found_r, source
    if region is None:
        for text in title_lines:
            filer = _FILER.search(text)
            head = _FILER.sub("", text)
            candidate = find_city(catalog, re.sub(r"\d{4}年.*", "", head)) if head.strip() else None
            if candidate is not None:
                region, sources["region"] = candidate, "title"
                break
            if filer:
                match = resolve_region(catalog, filer.group(1))
                if not match.error:
                    region, sources["region"] = match, "filer"
                    break
    if region is not None and region.unit:  # 南京公司上报 names the city; 上报 is no sub-unit
        region = RegionMatch(city=region.city, county=region.county, level=region.level)
    return Hints(
        period=period or fallback.period,
        region=region or fallback.region,
        campaign=campaign or fallback.campaign,
    ), sources


def _find_campaign(catalog: Catalog, text: str) -> str:
    exact = catalog.campaign_for(text)
    if exact is not None:
        return exact.code
    key = normalize_text(text)
    best, best_len = "", 0
    for campaign in catalog.campaigns.values():
        for alias in (campaign.zh, *campaign.aliases):
            folded = normalize_text(alias)
            if len(folded) >= 2 and folded in key and len(folded) > best_len and not folded.isascii():
                best, best_len = campaign.code, len(folded)
    return best


@lru_cache(maxsize=1)
def _total_labels() -> frozenset[str]:
    return frozenset(normalize_text(t) for t in load_columns()["total_labels"])


@lru_cache(maxsize=1)
def _note_prefixes() -> tuple[str, ...]:
    return tuple(normalize_text(p) for p in load_columns()["note_prefixes"])


def _is_total(text: str) -> bool:
    """合计, 小计, 南京小计, Total: a row label of a total row."""
    key = normalize_text(text)
    if not key or len(key) > 12:
        return False
    if key in _total_labels() or key.rstrip(":：") in _total_labels():
        return True
    return any(t in key for t in ("合计", "小计", "总计", "共计"))


def _is_note(text: str) -> bool:
    """注：…, 填表人：…: a note or signature line under the table."""
    key = normalize_text(text)
    return bool(key) and key.startswith(_note_prefixes()) and key not in {"注册", "注销"}


def parse_grid(catalog: Catalog, grid: Grid, fallback: Hints, log: ProblemLog) -> SheetOutcome:
    """Facts of one grid; problems go to `log`. Skipped sheets give an empty frame and status 'skipped'."""
    sheet = grid.name
    rows = grid.rows
    if not rows or all(_is_blank_cell(v) for row in rows for v in row):
        if not grid.hidden:
            log.add("empty_sheet", sheet)
        return _skipped(sheet, 0)
    if max(map(len, rows)) > MAX_COLUMNS:
        width = _used_width(rows)
        if width > MAX_COLUMNS:
            log.add("too_many_columns", sheet, width=width, limit=MAX_COLUMNS)
            return _skipped(sheet, 0)
        grid = _narrowed(grid, width)
        rows = grid.rows
    header = find_header(catalog, rows, grid.merges)
    if header is None:
        if not grid.hidden:
            _log_headerless(log, sheet, rows)
        return _skipped(sheet, 0)
    matches = [match_header(catalog, parts, suggest=False) for parts in header.parts]
    if fallback.columns:
        matches = [_mapped(catalog, parts, match, fallback.columns) for parts, match in zip(header.parts, matches)]
    matches = _without_total_columns(header.parts, matches, sheet, log)
    title_lines = [" ".join(cell_text(v) for v in row if cell_text(v)) for row in rows[:header.first]]
    hints, _ = sheet_hints(catalog, sheet, [t for t in title_lines if t], fallback)
    column_periods: dict[int, Period] = {}
    if _may_have_period_columns(header.parts, matches):
        arranged = _periods_as_columns(catalog, grid, header, matches, hints, [t for t in title_lines if t], log)
        if arranged is None:
            return _skipped(sheet, 0)
        matches, column_periods = arranged
    parser = SheetParser(catalog, grid, header.last, matches, hints, log, column_periods)
    return parser.parse()


def _may_have_period_columns(parts: list[tuple], matches: list[HeaderMatch]) -> bool:
    """Whether any header could be a period (an unknown one, or a metric under or over another part): cheap."""
    return any((not m.role and m.text) or (m.role == "metric_column" and len(p) > 1) for p, m in zip(parts, matches))


_BARE_YEAR = re.compile(r"(\d{4})年?度?")


def _column_label_of(parts: tuple) -> tuple[int | None, int, int] | None:
    """The period label among a column's header parts (7月 over 服务队, 服务队 over 7月), its year from any part."""
    texts = [str(p).strip() for p in parts if str(p).strip()]
    found = None
    for text in reversed(texts):
        try:
            found = column_label(text)
        except PeriodError:
            found = None
        if found is not None:
            break
    if found is None or found[0] is not None:
        return found
    for text in texts:
        year = _BARE_YEAR.fullmatch(normalize_text(text))
        if year and MIN_YEAR <= int(year[1]) <= MAX_YEAR:
            return int(year[1]), found[1], found[2]
    return found


def _periods_as_columns(catalog: Catalog, grid: Grid, header, matches: list[HeaderMatch], hints: Hints,
                        title_lines: list[str], log: ProblemLog) -> tuple[list[HeaderMatch], dict[int, Period]] | None:
    """A cross-tab's period columns (1月 … 12月, 一季度, 上半年, 7月 over 服务队) → (matches, period of each column).

    Unknown headers that are periods become value columns: of the 指标 column's metric in each row, or of the metric
    the title names when rows are units. A 全年 column beside shorter periods is left out and listed (a total).
    None (after logging why) when the year or the metric cannot be known: nothing is guessed.
    """
    labels: dict[int, tuple[int | None, int, int]] = {}
    for j, (parts, match) in enumerate(zip(header.parts, matches)):
        if (not match.role and match.text) or (match.role == "metric_column" and len(parts) > 1):
            found = _column_label_of(parts)
            if found is not None:
                labels[j] = found
    if not labels:
        return matches, {}
    matches = list(matches)
    if any(last - first < 11 for _, first, last in labels.values()):
        for j, (_, first, last) in list(labels.items()):
            if last - first == 11:  # 全年 beside months or quarters: their sum
                log.add("total_column", grid.name, None, matches[j].text, "")
                matches[j] = HeaderMatch(text=matches[j].text, role="ignore")
                del labels[j]
    by_period = {matches[j].metric.code for j in labels if matches[j].role == "metric_column"}
    for j, match in enumerate(matches):  # 合计 under 服务队 beside 7月, 8月 under it: the total of those
        if match.role == "metric_column" and j not in labels and match.metric.code in by_period \
                and any(_is_total(str(p)) for p in header.parts[j]):
            log.add("total_column", grid.name, None, match.text, "")
            matches[j] = HeaderMatch(text=match.text, role="ignore")
    year = None
    if hints.period is not None and hints.period[0].year == hints.period[1].year:
        year = hints.period[0].year
    yearless = [j for j, (y, _, _) in sorted(labels.items()) if y is None]
    if yearless and year is None:
        j = yearless[0]
        filed = any(_FILING_DATE_LINE.search(t) for t in title_lines)
        r, label = _label_cell(grid, header, j)
        log.add("crosstab_no_year", grid.name, grid.first_row + r, matches[j].text, label,
                cell=f"{_col_letter(grid.first_col + j)}{grid.first_row + r}",
                hint="（填报日期不是数据所属的年份）" if filed else "",
                hint_en=" (the filing date is not the year of the figures)" if filed else "")
        return None
    periods = {j: label_period(y or year, first, last) for j, (y, first, last) in labels.items()}
    unknown = [j for j in labels if matches[j].role != "metric_column"]
    if unknown:
        if any(m.role == "metric" for m in matches):
            for j in unknown:
                matches[j] = HeaderMatch(text=matches[j].text, role="period_value")
        else:
            metric, unit = _title_metric(catalog, [grid.name, *title_lines])
            if metric is None:
                r, label = _label_cell(grid, header, unknown[0])
                log.add("crosstab_no_metric", grid.name, grid.first_row + r, matches[unknown[0]].text, label)
                return None
            for j in unknown:
                matches[j] = HeaderMatch(text=matches[j].text, role="metric_column", metric=metric, unit=unit)
    return matches, periods


def _label_cell(grid: Grid, header, j: int) -> tuple[int, str]:
    """(0-based grid row, text) of the header cell holding column j's period label (a merged cell: its top left)."""
    for r in range(header.first, header.last + 1):
        cells = [(r, j)] + [(r0, c0) for r0, c0, r1, c1 in grid.merges if r0 <= r <= r1 and c0 <= j <= c1]
        for r0, c0 in cells:
            text = cell_text(grid.rows[r0][c0])
            try:
                if text and column_label(text) is not None:
                    return r0, text
            except PeriodError:
                pass
    return header.last, header.parts[j][-1] if header.parts[j] else ""


_FILING_DATE_LINE = re.compile(r"(填报|填表|报送|制表|报出)(日期|时间)")
_TITLE_UNIT = re.compile(r"(?<![填报送表])单位[:：]\s*([^\s,，;；)）\]】]+)")


def _title_metric(catalog: Catalog, texts: list[str]) -> tuple[Metric | None, UnitSpec]:
    """The metric a title or sheet name names (2020年服务队数量统计表 → teams), longest name first, and its unit
    when a line gives one (单位：万元, 服务队（支）)."""
    best, best_len, unit = None, 0, UnitSpec()
    names = [(normalize_text(a), m) for m in catalog.metrics.values() for a in (m.zh, *m.aliases)]
    for text in texts:
        key = normalize_text(text)
        for name, metric in names:
            if len(name) >= 2 and not name.isascii() and name in key and len(name) > best_len:
                best, best_len = metric, len(name)
        found = _TITLE_UNIT.search(fold_width(text))
        if found and unit.empty:
            spec = parse_unit(found[1])
            if spec is not None:
                unit = spec
    if best is not None and unit.empty:
        for text in texts:
            name, spec = split_unit(text)
            if spec is not None and not spec.empty and normalize_text(best.zh) in normalize_text(name):
                unit = spec
                break
    return best, unit


def _without_total_columns(parts: list[tuple], matches: list[HeaderMatch], sheet: str,
                           log: ProblemLog) -> list[HeaderMatch]:
    """A 合计 column, or a 合计 group over metrics that other groups report too, is left out and listed (never added)."""
    texts = [[str(p).strip() for p in column if str(p).strip()] for column in parts]
    in_groups = {m.metric.code for t, m in zip(texts, matches)
                 if m.metric is not None and not any(_is_total(p) for p in t[:-1])}
    out = []
    for t, match in zip(texts, matches):
        total_column = not match.role and bool(t) and _is_total(t[-1])
        total_group = match.metric is not None and match.metric.code in in_groups and any(_is_total(p) for p in t[:-1])
        if total_column or total_group:
            log.add("total_column", sheet, None, match.text or " / ".join(t), "")
            match = HeaderMatch(text=match.text or " / ".join(t), role="ignore")
        out.append(match)
    return out


def _mapped(catalog: Catalog, parts: tuple, match: HeaderMatch, columns: dict[str, str]) -> HeaderMatch:
    """The match the uploader chose for a header (a metric, or ignore), else the catalog's own match."""
    from loaders.headers import split_unit

    texts = [str(p).strip() for p in parts if str(p).strip()]
    if not texts:
        return match
    shown, lowest = " / ".join(texts), texts[-1]
    name, unit = split_unit(lowest)
    code = next((columns[key] for key in map(normalize_text, (shown, lowest, name)) if key in columns), None)
    if code is None:
        return match
    if code == "ignore":
        return HeaderMatch(text=match.text or shown, role="ignore")
    return HeaderMatch(text=match.text or shown, role="metric_column", metric=catalog.metrics[code],
                       unit=unit or UnitSpec(), campaign=match.campaign)


def _used_width(rows: list[list[object]]) -> int:
    """The number of columns up to the last one with a non-blank cell."""
    used = 0
    for row in rows:
        for k in range(len(row) - 1, used - 1, -1):
            if not _is_blank_cell(row[k]):
                used = k + 1
                break
    return used


def _narrowed(grid: Grid, width: int) -> Grid:
    """The grid cut to its first `width` columns (the rest are blank), merges clipped to them."""
    merges = [(r0, c0, r1, min(c1, width - 1)) for r0, c0, r1, c1 in grid.merges if c0 < width]
    rows = [row[:width] + [""] * (width - len(row)) for row in grid.rows]
    return Grid(grid.name, rows, grid.first_row, grid.first_col, merges, grid.hidden)


def _skipped(sheet: str, rows: int, dropped: list[DroppedRow] | None = None, layout: str = "",
             status: str = "skipped") -> SheetOutcome:
    return SheetOutcome(empty_facts(), SheetReport(sheet, status, layout, rows, 0), dropped or [])


def _log_headerless(log: ProblemLog, sheet: str, rows: list[list[object]]) -> None:
    """Why a sheet without a header row is skipped: instructions, figures without a header, or nothing."""
    instruction_names = {normalize_text(n) for n in load_columns()["instruction_sheets"]}
    texts = [cell_text(v) for row in rows[:3] for v in row if cell_text(v)]
    has_numbers = any(isinstance(v, (int, float)) and not isinstance(v, bool) for row in rows for v in row)
    template_titles = {normalize_text(n) for n in load_columns().get("template_instructions", [])}
    if texts and normalize_text(texts[0]) in template_titles:
        return  # the instructions sheet of our own template: expected, nothing to warn about
    if normalize_text(sheet) in instruction_names or (texts and normalize_text(texts[0]) in instruction_names):
        log.add("instruction_sheet", sheet)
    elif has_numbers:
        log.add("no_header_with_numbers", sheet)
    else:
        log.add("no_header", sheet)


class SheetParser:
    """The rows under one sheet's header → facts; each step works once per distinct cell text, not per cell."""

    def __init__(self, catalog: Catalog, grid: Grid, header_last: int, matches: list[HeaderMatch], hints: Hints,
                 log: ProblemLog, column_periods: dict[int, Period] | None = None):
        self.catalog, self.hints, self.log, self.matches = catalog, hints, log, matches
        self.column_periods = column_periods or {}  # a cross-tab's period of each value column (7月, 一季度 …)
        self.sheet = grid.name
        body = grid.rows[header_last + 1:]
        width = len(matches)
        # the body as a 2-D object array; columns are taken out one at a time
        self.cells = np.array(body, dtype=object) if body else np.empty((0, width), dtype=object)
        if self.cells.ndim != 2 or self.cells.shape[1] != width:  # numpy nested something odd: build it cell by cell
            self.cells = np.empty((len(body), width), dtype=object)
            for i, row in enumerate(body):
                self.cells[i, :] = row
        self.n = n = len(self.cells)
        first = grid.first_row + header_last + 1
        self.excel_rows = np.arange(first, first + n, dtype=np.int64)
        self.column_name = [m.text or _col_letter(grid.first_col + j) for j, m in enumerate(matches)]
        self.roles: dict[str, int] = {}
        self.metric_cols: list[int] = []
        period_value_cols: list[int] = []
        for j, match in enumerate(matches):
            if match.role == "metric_column":
                self.metric_cols.append(j)
            elif match.role == "period_value":
                period_value_cols.append(j)
            elif match.role in self.roles and match.role != "ignore":
                log.add("duplicate_role_column", self.sheet, None, self.column_name[j], role=match.role)
            elif match.role:
                self.roles[match.role] = j
        self.layout = "long" if "metric" in self.roles else "wide"
        if self.layout == "long":  # a 指标 column: its value column, or a cross-tab's period columns
            self.value_cols = period_value_cols or ([self.roles["value"]] if "value" in self.roles else [])
        else:
            self.value_cols = self.metric_cols
        # a row needs a period of its own unless each of its figures sits under a period column
        self.needs_row_period = any(j not in self.column_periods for j in self.value_cols)
        self._fill_merges(grid, header_last)
        self._coded: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._raw_uniques: dict[int, np.ndarray] = {}
        self._texts: dict[int, np.ndarray] = {}
        self.rows_ok = np.ones(n, dtype=bool)

    def _fill_merges(self, grid: Grid, header_last: int) -> None:
        """Merged label cells (a city over its teams, 合计 over A:B) show their text in every row they cover."""
        skip = set(self.value_cols)
        for r0, c0, r1, c1 in grid.merges:
            if r1 <= header_last or (r0 == r1 and c0 == c1):
                continue
            top = grid.rows[r0][c0]
            for r in range(max(r0, header_last + 1), r1 + 1):
                for c in range(c0, c1 + 1):
                    if c not in skip and r < len(grid.rows) and c < len(grid.rows[r]):
                        self.cells[r - header_last - 1, c] = top

    def column(self, j: int) -> np.ndarray:
        """Column j of the body (a view of the cell array)."""
        return self.cells[:, j]

    def coded(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """(codes, text of each distinct cell) of column j."""
        if j not in self._coded:
            codes, uniques = distinct(self.column(j))
            self._raw_uniques[j] = uniques
            self._coded[j] = codes, _object_array([cell_text(u) for u in uniques])
        return self._coded[j]

    def texts(self, j: int) -> np.ndarray:
        """Column j as text, one entry per row."""
        if j not in self._texts:
            codes, utexts = self.coded(j)
            self._texts[j] = utexts[codes] if self.n else np.empty(0, dtype=object)
        return self._texts[j]

    def at(self, i: int) -> int:
        """The Excel row number of body row i."""
        return int(self.excel_rows[i])

    def role_column(self, role: str) -> str:
        return self.column_name[self.roles[role]] if role in self.roles else ""

    # ------------------------------------------------------------------ the steps

    def parse(self) -> SheetOutcome:
        if self.layout == "long" and not self.value_cols:
            self.log.add("missing_value_column", self.sheet)
            return _skipped(self.sheet, self.n)
        if self.layout == "wide" and not self.metric_cols:
            self._log_unknown_figures_only()
            return _skipped(self.sheet, self.n)
        dropped = self.classify_rows()
        self.check_unknown_columns()
        self.resolve_periods()
        self.resolve_regions()
        self.resolve_campaigns()
        if self.layout == "wide":
            self.wide_figures()
        else:
            self.long_figures()
        layout = "crosstab" if self.column_periods else self.layout
        if not self.piece_names:
            return _skipped(self.sheet, int(self.data.sum()), dropped, layout, "loaded")
        facts = self.assemble()
        report = SheetReport(self.sheet, "loaded", layout, int(self.data.sum()), len(facts))
        return SheetOutcome(facts, report, dropped, [c for _, c in self.piece_names])

    def _log_unknown_figures_only(self) -> None:
        reported = False
        for j, match in enumerate(self.matches):  # a table whose only figures sit under unknown headers
            if match.role or match.text == "":
                continue
            cells = [v for v in self.column(j)[:200] if not _is_blank_cell(v)]
            if any(parse_number(v).error == "" for v in cells):
                _log_unknown_column(self.log, self.catalog, self.sheet, self.column_name[j], cells[0], match,
                                    error=True)
                reported = True
        if not reported:
            self.log.add("no_header", self.sheet)

    def classify_rows(self) -> list[DroppedRow]:
        """Which rows carry figures (self.data); 合计 and note rows are dropped and reported."""
        n = self.n
        self.numbers: dict[int, np.ndarray] = {}
        self.blank: dict[int, np.ndarray] = {}
        for j in self.value_cols:  # plain numbers first (vectorised); only the rest can be blank or text
            self.numbers[j] = numeric_values(self.column(j))
            self.blank[j] = np.zeros(n, dtype=bool)
            rest = np.flatnonzero(np.isnan(self.numbers[j]))
            if len(rest):
                self.blank[j][rest] = is_blank(self.column(j)[rest])
        has_value = np.zeros(n, dtype=bool)
        for j in self.value_cols:
            has_value |= ~self.blank[j]
        label_roles = ("region", "city", "county", "subunit", "period", "campaign", "metric")
        label_cols = sorted({0, *(self.roles[r] for r in label_roles if r in self.roles)} - set(self.value_cols))
        is_total = np.zeros(n, dtype=bool)
        is_note = np.zeros(n, dtype=bool)
        for j in label_cols:
            codes, utexts = self.coded(j)
            if len(codes):
                is_total |= np.array([_is_total(t) for t in utexts], dtype=bool)[codes]
                is_note |= np.array([_is_note(t) for t in utexts], dtype=bool)[codes]
        is_note &= ~is_total
        if is_note.any():  # lines under a note (2. …) are notes too, unless they carry figures
            is_note |= (np.arange(n) > int(np.argmax(is_note))) & ~has_value
        row_blank = np.zeros(n, dtype=bool)
        candidates = np.flatnonzero(~has_value)
        if len(candidates):
            candidate_blank = np.ones(len(candidates), dtype=bool)
            for j in range(self.cells.shape[1]):
                if j not in self.blank:
                    codes, utexts = self.coded(j)
                    candidate_blank &= (utexts == "")[codes[candidates]]
            row_blank[candidates] = candidate_blank
        dropped = []
        for i in np.flatnonzero((is_total | is_note | ~has_value) & ~row_blank):
            if is_total[i]:
                zh, en = "合计/小计行，不作为数据导入", "total row, not loaded as data"
            elif is_note[i]:
                zh, en = "注释行，已忽略", "note line, ignored"
            else:
                zh, en = "此行没有填报数值", "row has no figures"
            dropped.append(DroppedRow(self.sheet, self.at(i), _row_text(self.cells[i]), zh, en))
        self.data = has_value & ~is_total & ~is_note
        return dropped

    def check_unknown_columns(self) -> None:
        """Unknown headers over data: an error when the column holds figures, else a warning."""
        for j, match in enumerate(self.matches):
            if match.role:
                continue
            filled = ~is_blank(self.column(j)) & self.data
            if not filled.any():
                continue
            sample = self.column(j)[filled]
            numeric = any(parse_number(v).error == "" for v in sample[:50])
            _log_unknown_column(self.log, self.catalog, self.sheet, self.column_name[j], sample[0], match,
                                error=self.layout == "wide" and numeric)

    def resolve_periods(self) -> None:
        """period_start/period_end per row, and period_id (a sheet-local integer per distinct period)."""
        n = self.n
        self.period_id = np.zeros(n, dtype=np.int64)
        self.period_start = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        self.period_end = self.period_start.copy()
        if not self.needs_row_period:  # every figure takes its column's period (checked in _refuse_column_periods)
            return
        if "period" in self.roles:
            j = self.roles["period"]
            codes, _ = self.coded(j)
            uniques = self._raw_uniques[j]
            starts = np.full(len(uniques), np.datetime64("NaT"), dtype="datetime64[ns]")
            ends = starts.copy()
            problem_of: dict[int, tuple[str, str]] = {}
            ambiguous: list[int] = []
            for u, cell in enumerate(uniques):
                if _is_blank_cell(cell):
                    continue
                try:
                    found = parse_period(cell)
                except PeriodError as exc:
                    problem_of[u] = ("impossible_date", str(exc))
                    continue
                if found is None:
                    problem_of[u] = ("bad_period", "")
                else:
                    starts[u], ends[u] = np.datetime64(found[0], "ns"), np.datetime64(found[1], "ns")
                    if isinstance(cell, float) and repr(cell).endswith(".1"):  # 2020.10 loses its 0 as a number
                        ambiguous.append(u)
            self.period_start, self.period_end = starts[codes], ends[codes]
            span_id: dict[tuple, int] = {}
            id_u = np.array([span_id.setdefault(span, len(span_id)) for span in zip(starts.tolist(), ends.tolist())],
                            dtype=np.int64)
            if len(codes):
                self.period_id = id_u[codes] + 1
            if ambiguous:
                warn = np.zeros(len(uniques), dtype=bool)
                warn[ambiguous] = True
                for i in np.flatnonzero(warn[codes] & self.data):
                    cell = uniques[codes[i]]
                    self.log.add("period_number_ambiguous", self.sheet, self.at(i), self.column_name[j], cell,
                                 year=int(cell), month=1)
            if problem_of:
                bad = np.zeros(len(uniques), dtype=bool)
                bad[list(problem_of)] = True
                for i in np.flatnonzero(bad[codes] & self.data):
                    code, detail = problem_of[int(codes[i])]
                    self.log.add(code, self.sheet, self.at(i), self.column_name[j], uniques[codes[i]], detail=detail)
                    self.rows_ok[i] = False
        missing = np.isnat(self.period_start) & self.rows_ok
        if self.hints.period is not None:
            self.period_start[missing] = np.datetime64(self.hints.period[0], "ns")
            self.period_end[missing] = np.datetime64(self.hints.period[1], "ns")
        else:
            code = "empty_period" if "period" in self.roles else "missing_period"  # a column with a blank cell
            for i in np.flatnonzero(missing & self.data):
                self.log.add(code, self.sheet, self.at(i), self.role_column("period"))
                self.rows_ok[i] = False
        self._refuse_impossible_periods()

    def _refuse_impossible_periods(self) -> None:
        """A period that ends after today, or starts before EARLIEST_PERIOD, is an error on its row (never stored)."""
        from zoneinfo import ZoneInfo

        today = datetime.datetime.now(ZoneInfo(REPORTING_TIMEZONE)).date()
        checked = self.data & self.rows_ok & ~np.isnat(self.period_end)
        future = checked & (self.period_end > np.datetime64(today, "ns"))
        early = checked & (self.period_start < np.datetime64(EARLIEST_PERIOD, "ns"))
        for i in np.flatnonzero(future | early):
            value = self.texts(self.roles["period"])[i] if "period" in self.roles else self._period_text(i)
            if future[i]:
                self.log.add("future_period", self.sheet, self.at(i), self.role_column("period"), value,
                             today=today.isoformat())
            else:
                self.log.add("period_too_early", self.sheet, self.at(i), self.role_column("period"), value,
                             earliest=EARLIEST_PERIOD.year)
            self.rows_ok[i] = False

    def _period_text(self, i: int) -> str:
        start, end = (str(d)[:10] for d in (self.period_start[i], self.period_end[i]))
        return start if start == end else f"{start}..{end}"

    def resolve_regions(self) -> None:
        """city, county and unit per row from the city, county and region columns (or the sheet's hint)."""
        n, data, hints = self.n, self.data, self.hints
        city, county, unit = _filled(n, ""), _filled(n, ""), _filled(n, "")
        hint_city = hints.region.city if hints.region else ""
        city_hint = None  # per row, once a city column has been read
        given = np.zeros(n, dtype=bool)
        region_ids: dict[tuple[str, str], int] = {("", ""): 0}
        region_id = np.zeros(n, dtype=np.int64)
        stated_city = None  # per row, the city a city column names (a county must belong to it)
        for role in ("city", "county", "region"):
            if role not in self.roles:
                continue
            j = self.roles[role]
            text_codes, utexts = self.coded(j)
            if city_hint is None:
                codes = text_codes
                found = [resolve_region(self.catalog, t, hint_city, suggest=False) if t else None for t in utexts]
            else:  # resolve each distinct (text, city hint) pair
                hint_codes, uhints = distinct(city_hint)
                codes, upairs = pd.factorize(text_codes.astype(np.int64) * len(uhints) + hint_codes)
                found = [resolve_region(self.catalog, utexts[p // len(uhints)], uhints[p % len(uhints)], suggest=False)
                         if utexts[p // len(uhints)] else None for p in upairs]
            if not found:
                continue
            present = np.array([m is not None for m in found], dtype=bool)[codes] & data
            errors = np.array([m is not None and bool(m.error) for m in found], dtype=bool)[codes] & present
            for i in np.flatnonzero(errors):
                _log_region(self.log, self.catalog, self.sheet, self.at(i), self.column_name[j], self.texts(j)[i],
                            found[codes[i]])
            self.rows_ok &= ~errors
            good = present & ~errors
            county_level = np.array([m is not None and m.level == "county" for m in found], dtype=bool)[codes]
            city_u = _object_array([m.city if m is not None else "" for m in found])
            if stated_city is not None and role != "city":
                elsewhere = good & county_level & (stated_city != "") & (city_u[codes] != stated_city)
                for i in np.flatnonzero(elsewhere):
                    self._log_county_elsewhere(i, j, found[codes[i]], stated_city[i])
                self.rows_ok &= ~elsewhere
                good &= ~elsewhere
            overwrite = good if role == "city" else good & (county_level | ~given)
            county_u = _object_array([m.county if m is not None and role != "city" else "" for m in found])
            unit_u = _object_array([m.unit if m is not None else "" for m in found])
            rid_u = np.array([region_ids.setdefault(key, len(region_ids)) for key in zip(city_u, county_u)],
                             dtype=np.int64)
            city[overwrite] = city_u[codes][overwrite]
            county[overwrite] = county_u[codes][overwrite]
            region_id[overwrite] = rid_u[codes][overwrite]
            row_unit = unit_u[codes]
            set_unit = good & (row_unit != "") & (unit == "")
            unit[set_unit] = row_unit[set_unit]
            given |= good
            if role == "city":
                stated_city = city.copy()
            if city_hint is None:
                city_hint = _filled(n, hint_city)
            city_hint[good] = city[good]
        missing = data & ~given & self.rows_ok
        if missing.any():
            if hints.region is not None:
                city[missing] = hints.region.city
                county[missing] = hints.region.county
                region_id[missing] = region_ids.setdefault((hints.region.city, hints.region.county), len(region_ids))
                if hints.region.unit:
                    unit[missing & (unit == "")] = hints.region.unit
            else:
                for i in np.flatnonzero(missing):
                    self.log.add("missing_region", self.sheet, self.at(i), self.role_column("region"))
                    self.rows_ok[i] = False
        if "subunit" in self.roles:
            sub = self.texts(self.roles["subunit"])
            has_sub = sub != ""
            unit[has_sub] = sub[has_sub]
        self.city, self.county, self.unit = city, county, unit
        unit_id = pd.factorize(unit)[0].astype(np.int64) if (unit != "").any() else np.zeros(n, dtype=np.int64)
        self.row_key = combine_codes([self.period_id, region_id, unit_id])  # stands for ROW_KEY_COLUMNS

    def _log_county_elsewhere(self, i: int, j: int, match: RegionMatch, stated: str) -> None:
        """A county named under a city it does not belong to: an error naming both cities (never moved silently)."""
        actual, named = self.catalog.city_by_name(match.city), self.catalog.city_by_name(stated)
        self.log.add("county_in_other_city", self.sheet, self.at(i), self.column_name[j], self.texts(j)[i],
                     county=match.county, actual=match.city, stated=stated,
                     actual_en=actual.label("en") if actual else match.city, stated_en=named.label("en") if named else stated)

    def resolve_campaigns(self) -> None:
        """campaign per row, as an index into self.campaign_codes (0 = none yet)."""
        self.campaign_codes = ["", *self.catalog.campaigns]
        self.campaign_index = {code: k for k, code in enumerate(self.campaign_codes)}
        self.campaign = np.full(self.n, self.campaign_index.get(self.hints.campaign, 0), dtype=np.int16)
        self.row_named_campaign = np.zeros(self.n, dtype=bool)
        if "campaign" not in self.roles:
            return
        j = self.roles["campaign"]
        codes, utexts = self.coded(j)
        found = [(c.code if (c := self.catalog.campaign_for(t)) else None) if t else "" for t in utexts]
        if not found:
            return
        unknown = np.array([f is None for f in found], dtype=bool)[codes] & self.data
        choices = "、".join(c.zh for c in self.catalog.campaigns.values())
        choices_en = ", ".join(c.en for c in self.catalog.campaigns.values())
        for i in np.flatnonzero(unknown):
            self.log.add("unknown_campaign", self.sheet, self.at(i), self.column_name[j], self.texts(j)[i],
                         choices=choices, choices_en=choices_en)
        self.rows_ok &= ~unknown
        row_code = np.array([self.campaign_index[f] if f else 0 for f in found], dtype=np.int16)[codes]
        self.row_named_campaign = row_code != 0
        self.campaign[self.row_named_campaign] = row_code[self.row_named_campaign]

    def _start_figures(self, width: int) -> None:
        # figures as an n × width matrix, so that np.nonzero gives the facts in row order
        self.values = np.full((self.n, width), np.nan)
        self.quals = np.zeros((self.n, width), dtype=np.int8)
        self.keep = np.zeros((self.n, width), dtype=bool)
        self.piece_names: list[tuple[str, str]] = []  # (metric code, column name) of each piece
        self.piece_campaign: list[int] = []  # a campaign index named by a parent header, else 0
        self.piece_of_cell: np.ndarray | None = None  # the piece of each figure, where not its matrix column
        self.figure_period: list[Period | None] = [None] * width  # a cross-tab column's period, else the row's

    def _header_unit_fits(self, j: int, match: HeaderMatch, row: int | None = None, value: str = "") -> bool:
        if unit_factor(match.unit, match.metric) is not None:
            return True
        self.log.add("header_unit_mismatch", self.sheet, row, self.column_name[j], value, unit=match.unit.unit,
                     metric=match.metric.zh, metric_en=match.metric.en, base=match.metric.unit_zh,
                     base_en=match.metric.unit_en)
        return False

    def wide_figures(self) -> None:
        """One piece per metric column."""
        seen: set[tuple] = set()
        usable = []
        for j in self.metric_cols:
            match = self.matches[j]
            key = (match.metric.code, match.campaign, self.column_periods.get(j))
            if key in seen:
                self.log.add("duplicate_column", self.sheet, None, self.column_name[j], metric=match.metric.zh,
                             metric_en=match.metric.en)
                continue
            seen.add(key)
            if self._header_unit_fits(j, match):
                usable.append(j)
        self._start_figures(len(usable))
        for k, j in enumerate(usable):
            match = self.matches[j]
            pos = np.flatnonzero(self.data & ~self.blank[j])
            figures = _figures(self.column(j), self.numbers[j][pos], pos, match, self.column_name[j],
                               self.excel_rows, self.sheet, self.log)
            self.values[pos, k], self.quals[pos, k], self.keep[pos, k] = figures
            self.piece_names.append((match.metric.code, self.column_name[j]))
            self.piece_campaign.append(self.campaign_index[match.campaign] if match.campaign else 0)
            self.figure_period[k] = self.column_periods.get(j)
        self._refuse_column_periods(usable)

    def long_figures(self) -> None:
        """One piece per distinct (metric text, 计量单位) pair of a long table, and per period column of a cross-tab."""
        jm, value_cols = self.roles["metric"], self.value_cols
        self._start_figures(len(value_cols))
        self.piece_of_cell = np.zeros((self.n, len(value_cols)), dtype=np.int64)
        metric_text = self.texts(jm)
        metric_codes, umetrics = self.coded(jm)
        if "measure" in self.roles:
            measure_codes, umeasures = self.coded(self.roles["measure"])
        else:
            measure_codes, umeasures = np.zeros(self.n, dtype=np.int64), _object_array([""])
        pos_all = np.flatnonzero(self.data)
        codes, upairs = pd.factorize(metric_codes[pos_all].astype(np.int64) * len(umeasures) + measure_codes[pos_all])
        for u, pair in enumerate(upairs):
            match = _long_metric(self.catalog, umetrics[pair // len(umeasures)], umeasures[pair % len(umeasures)])
            pos = pos_all[codes == u]
            if match.metric is None:
                suggestions = match.suggestions
                if not suggestions and self.log.listed("unknown_metric", self.sheet):  # difflib is slow: listed only
                    suggestions = suggest_metrics(self.catalog, match.lowest)
                hint = f" 相近的指标：{'；'.join(suggestions)}" if suggestions else ""
                hint_en = f" Closest metrics: {'; '.join(suggestions)}" if suggestions else ""
                for p in pos:
                    code = "unknown_metric" if metric_text[p] else "missing_metric"
                    self.log.add(code, self.sheet, self.at(p), self.column_name[jm], metric_text[p], hint=hint,
                                 hint_en=hint_en)
                self.rows_ok[pos] = False
                continue
            if not all([self._header_unit_fits(jm, match, self.at(p), metric_text[p]) for p in pos]):
                self.rows_ok[pos] = False
                continue
            for k, jv in enumerate(value_cols):
                filled = pos if len(value_cols) == 1 else pos[~self.blank[jv][pos]]
                figures = _figures(self.column(jv), self.numbers[jv][filled], filled, match, self.column_name[jv],
                                   self.excel_rows, self.sheet, self.log)
                self.values[filled, k], self.quals[filled, k], self.keep[filled, k] = figures
                self.piece_of_cell[filled, k] = len(self.piece_names)
                self.piece_names.append((match.metric.code, self.column_name[jv]))
                self.piece_campaign.append(0)
        for k, jv in enumerate(value_cols):
            self.figure_period[k] = self.column_periods.get(jv)
        self._refuse_column_periods(value_cols)

    def _refuse_column_periods(self, columns: list[int]) -> None:
        """A figure under a period column that ends after today or starts before EARLIEST_PERIOD: an error on its cell.

        A column of a month still to come is expected in a yearly template; only a figure filled into it is refused.
        """
        if not self.column_periods:
            return
        from zoneinfo import ZoneInfo

        today = datetime.datetime.now(ZoneInfo(REPORTING_TIMEZONE)).date()
        for k, j in enumerate(columns):
            period = self.figure_period[k]
            if period is None or (period[1] <= today and period[0] >= EARLIEST_PERIOD):
                continue
            for i in np.flatnonzero(self.keep[:, k] & self.rows_ok):
                if period[1] > today:
                    self.log.add("future_period", self.sheet, self.at(i), self.column_name[j], self.column(j)[i],
                                 today=today.isoformat())
                else:
                    self.log.add("period_too_early", self.sheet, self.at(i), self.column_name[j], self.column(j)[i],
                                 earliest=EARLIEST_PERIOD.year)
                self.keep[i, k] = False

    def assemble(self) -> pd.DataFrame:
        """The fact frame: FACT_COLUMNS plus _campaign_code, _metric_code, _piece, _row_key for the checks."""
        fact_rows, fact_cols = np.nonzero(self.keep)
        pieces = fact_cols if self.piece_of_cell is None else self.piece_of_cell[fact_rows, fact_cols]
        override = np.asarray(self.piece_campaign, dtype=np.int16)[pieces]
        use_override = (override > 0) & ~self.row_named_campaign[fact_rows]
        fact_campaign = np.where(use_override, override, self.campaign[fact_rows])
        if (fact_campaign == 0).any():
            for p in np.unique(fact_rows[fact_campaign == 0]):
                self.log.add("missing_campaign", self.sheet, self.at(p), self.role_column("campaign"))
        ok = (fact_campaign != 0) & self.rows_ok[fact_rows]
        if not ok.all():
            fact_rows, fact_cols, pieces, fact_campaign = (a[ok] for a in (fact_rows, fact_cols, pieces, fact_campaign))
        metric_index = {code: k for k, code in enumerate(self.catalog.metrics)}
        remarks = self.texts(self.roles["remarks"]) if "remarks" in self.roles else _filled(self.n, "")
        period_start, period_end = self.period_start[fact_rows], self.period_end[fact_rows]
        if any(p is not None for p in self.figure_period):  # a cross-tab: the period of each figure's column
            nat = np.datetime64("NaT", "ns")
            starts = np.array([np.datetime64(p[0], "ns") if p else nat for p in self.figure_period])[fact_cols]
            ends = np.array([np.datetime64(p[1], "ns") if p else nat for p in self.figure_period])[fact_cols]
            by_column = ~np.isnat(starts)
            period_start = np.where(by_column, starts, period_start)
            period_end = np.where(by_column, ends, period_end)
            row_key = None  # one source row holds several periods: the row key does not tell facts apart
        else:
            row_key = self.row_key
        row_key = row_key[fact_rows] if row_key is not None else np.full(len(fact_rows), -1, dtype=np.int64)
        return pd.DataFrame({
            "period_start": period_start,
            "period_end": period_end,
            "city": _objects(self.city[fact_rows]),
            "county": _objects(self.county[fact_rows]),
            "unit": _objects(self.unit[fact_rows]),
            "campaign": _objects(_object_array(self.campaign_codes)[fact_campaign]),
            "metric": _objects(_object_array([m for m, _ in self.piece_names])[pieces]),
            "value": self.values[fact_rows, fact_cols],
            "qualifier": _objects(QUALIFIER_NAMES[self.quals[fact_rows, fact_cols]]),
            "remarks": _objects(remarks[fact_rows]),
            "sheet": _objects(_filled(len(fact_rows), self.sheet)),
            "row": self.excel_rows[fact_rows],
            # catalog-wide integer codes of campaign and metric, the source column, and the row key (duplicate check)
            "_campaign_code": fact_campaign.astype(np.int64),
            "_metric_code": np.array([metric_index[m] for m, _ in self.piece_names], dtype=np.int64)[pieces],
            "_piece": pieces.astype(np.int64),
            "_row_key": row_key,
        }, copy=False)


def _objects(values: np.ndarray) -> pd.Series:
    """Text as an object column: pandas 3 would otherwise convert it to Arrow strings, slowly."""
    return pd.Series(values, dtype=object, copy=False)


def _row_text(cells: np.ndarray) -> str:
    """A dropped row's cells as one short line (merged repeats shown once)."""
    parts = list(dict.fromkeys(t for t in (cell_text(v) for v in cells) if t))
    return " ".join(parts)[:80]


def _filled(length: int, value: object) -> np.ndarray:
    """An object array of one value (np.full is slow for objects)."""
    return _object_array([value])[np.zeros(length, dtype=np.intp)]


def _object_array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _log_unknown_column(log: ProblemLog, catalog: Catalog, sheet: str, column: str, sample: object,
                        match: HeaderMatch, error: bool) -> None:
    """An unknown header: an error when its column holds figures (they would be lost), else a warning."""
    suggestions = match.suggestions
    if not suggestions and log.listed("unknown_column" if error else "ignored_column", sheet):  # listed ones only
        suggestions = suggest_metrics(catalog, match.lowest)
    hint = f" 相近的指标：{'；'.join(suggestions)}" if suggestions else ""
    hint_en = f" Closest metrics: {'; '.join(suggestions)}" if suggestions else ""
    if error:
        log.add("unknown_column", sheet, None, column, sample, hint=hint, hint_en=hint_en)
    else:
        log.add("ignored_column", sheet, None, column, hint=hint, hint_en=hint_en)


def _log_region(log: ProblemLog, catalog: Catalog, sheet: str, row: int, column: str, value: str,
                match: RegionMatch) -> None:
    if match.error == "ambiguous_region":
        log.add("ambiguous_region", sheet, row, column, value, choices="、".join(match.candidates),
                choices_en=", ".join(match.candidates))
    else:
        candidates = match.candidates
        if match.error == "unknown_region" and not candidates and log.listed("unknown_region", sheet):
            candidates = suggest_regions(catalog, normalize_text(value))  # difflib is slow: for listed problems only
        hint = f" 是否为：{'、'.join(candidates)}？" if candidates else ""
        hint_en = f" Did you mean: {', '.join(candidates)}?" if candidates else ""
        log.add(match.error or "unknown_region", sheet, row, column, value, hint=hint, hint_en=hint_en)


def _long_metric(catalog: Catalog, metric_text: str, measure: str) -> HeaderMatch:
    """The metric a long table's metric cell names; a 计量单位 cell, when given, is its unit."""
    match = match_header(catalog, (metric_text,), suggest=False)
    if match.role != "metric_column":
        return HeaderMatch(text=metric_text, lowest=match.lowest)
    if measure:
        from loaders.numbers import parse_unit

        spec = parse_unit(measure)
        if spec is not None and not spec.empty:
            return HeaderMatch(text=match.text, role=match.role, metric=match.metric, unit=spec)
    return match


def _figures(column_cells: np.ndarray, values: np.ndarray, pos: np.ndarray, match: HeaderMatch, column: str,
             excel_rows: np.ndarray, sheet: str, log: ProblemLog) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values at rows `pos` of one metric column (or of one metric's rows in a long table), in the base unit.

    `values` holds the fast-path floats (NaN where the cell is text); text cells are parsed once per distinct text.
    Returns (values, qualifier codes, ok); problems go to `log`.
    """
    metric = match.metric
    header_unit = match.unit
    plain_factor = unit_factor(header_unit, metric)
    values = values * plain_factor if plain_factor != 1.0 else values.copy()
    qualifier = np.zeros(len(pos), dtype=np.int8)
    ok = np.ones(len(pos), dtype=bool)
    explicit_unit = np.zeros(len(pos), dtype=bool)
    slow_idx = np.flatnonzero(np.isnan(values))
    if len(slow_idx):
        cells = column_cells[pos[slow_idx]]
        codes, uniques = distinct(cells)
        scaled = [_scaled(cell, header_unit, metric) for cell in uniques]
        values[slow_idx] = np.array([v for v, _, _, _ in scaled], dtype="float64")[codes]
        qualifier[slow_idx] = np.array([QUALIFIER_CODES[q] for _, q, _, _ in scaled], dtype=np.int8)[codes]
        explicit_unit[slow_idx] = np.array([u for _, _, _, u in scaled], dtype=bool)[codes]
        error_u = _object_array([e for _, _, e, _ in scaled])[codes]
        for k in np.flatnonzero(error_u != ""):
            i, error = slow_idx[k], error_u[k]
            ok[i] = False
            if error == "unit_mismatch":
                log.add(error, sheet, int(excel_rows[pos[i]]), column, cells[k], metric=metric.zh, metric_en=metric.en,
                        base=metric.unit_zh, base_en=metric.unit_en)
            else:
                log.add(error, sheet, int(excel_rows[pos[i]]), column, cells[k])
    negative = ok & (values < 0)
    for i in np.flatnonzero(negative):
        log.add("negative_value", sheet, int(excel_rows[pos[i]]), column, column_cells[pos[i]])
    ok &= ~negative
    if metric.unit_zh == "%":
        # Excel stores a cell shown as 95% as 0.95: a column of bare numbers all within 0..1 is fractions
        bare = ok & ~explicit_unit
        if header_unit.unit != "%" and bare.any() and values[bare].max() <= 1.0 and values[bare].max() > 0:
            values[bare] *= 100
            log.add("rate_as_fraction", sheet, None, column, "")
        for i in np.flatnonzero(ok & (values > 100)):
            log.add("rate_over_100", sheet, int(excel_rows[pos[i]]), column, column_cells[pos[i]])
    return values, qualifier, ok


def _scaled(cell: object, header_unit: UnitSpec, metric) -> tuple[float, str, str, bool]:
    """(value in the base unit, qualifier, error code, whether the cell wrote its own unit)."""
    parsed = parse_number(cell)
    if parsed.error or math.isnan(parsed.value):
        return math.nan, "", parsed.error or NOT_A_NUMBER.error, False
    factor = cell_factor(parsed.unit, header_unit, metric)
    if factor is None:
        return math.nan, "", "unit_mismatch", True
    return parsed.value * factor, parsed.qualifier, "", bool(parsed.unit.unit)
