"""One sheet (or CSV) as a grid of cells → canonical facts: header, layout, rows, periods, campaigns, assembly.

The steps live by job: loaders.grid (the grid and its hints), loaders.crosstab (periods as columns),
loaders.units (the region of each row), loaders.figures (values and units); keys.combine_codes gives the row key.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from catalog import Catalog, normalize_text
from loaders.crosstab import may_have_period_columns, periods_as_columns
from loaders.figures import QUALIFIER_NAMES, FigureSteps
from loaders.grid import (
    Grid, Hints, cell_text, column_letter, distinct, filled_objects, is_blank_cell, is_note_label, is_total_label,
    log_headerless, narrowed, object_array, object_column, row_text, sheet_hints, used_width,
)
from loaders.headers import HeaderMatch, find_header, match_header, split_unit, suggest_metrics
from i18n import both
from loaders.messages import ProblemLog, closest_metrics
from loaders.numbers import UnitSpec, is_blank, numeric_values, parse_number
from loaders.periods import EARLIEST_PERIOD, Period, PeriodError, parse_period, reporting_today
from loaders.problems import FIGURES, TARGETS, DroppedRow, SheetReport
from loaders.units import RegionSteps
from model import FACT_COLUMNS

__all__ = ["Grid", "Hints", "SheetOutcome", "empty_facts", "parse_grid", "MAX_COLUMNS"]

# A report is a few dozen columns wide. A sheet wider than this (after dropping blank columns at its right) is
# refused: every step below passes over each column, so a CSV of one 5 MB line of a,a,a,… would take minutes.
MAX_COLUMNS = 1000


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


def parse_grid(catalog: Catalog, grid: Grid, fallback: Hints, log: ProblemLog) -> SheetOutcome:
    """Facts of one grid; problems go to `log`. Skipped sheets give an empty frame and status 'skipped'."""
    sheet = grid.name
    rows = grid.rows
    if not rows or all(is_blank_cell(v) for row in rows for v in row):
        if not grid.hidden:
            log.add("empty_sheet", sheet)
        return _skipped(sheet, 0)
    if max(map(len, rows)) > MAX_COLUMNS:
        width = used_width(rows)
        if width > MAX_COLUMNS:
            log.add("too_many_columns", sheet, width=width, limit=MAX_COLUMNS)
            return _skipped(sheet, 0)
        grid = narrowed(grid, width)
        rows = grid.rows
    header = find_header(catalog, rows, grid.merges)
    if header is None:
        if not grid.hidden:
            log_headerless(log, sheet, rows)
        return _skipped(sheet, 0)
    matches = [match_header(catalog, parts, suggest=False) for parts in header.parts]
    if fallback.columns:
        matches = [_mapped(catalog, parts, match, fallback.columns) for parts, match in zip(header.parts, matches)]
    matches = _without_total_columns(header.parts, matches, sheet, log)
    title_lines = [" ".join(cell_text(v) for v in row if cell_text(v)) for row in rows[:header.first]]
    hints, _ = sheet_hints(catalog, sheet, [t for t in title_lines if t], fallback)
    column_periods: dict[int, Period] = {}
    if may_have_period_columns(header.parts, matches):
        arranged = periods_as_columns(catalog, grid, header, matches, hints, [t for t in title_lines if t], log)
        if arranged is None:
            return _skipped(sheet, 0)
        matches, column_periods = arranged
    parser = SheetParser(catalog, grid, header.last, matches, hints, log, column_periods)
    return parser.parse()


def _without_total_columns(parts: list[tuple], matches: list[HeaderMatch], sheet: str,
                           log: ProblemLog) -> list[HeaderMatch]:
    """A 合计 column, or a 合计 group over metrics that other groups report too, is left out and listed (never added)."""
    texts = [[str(p).strip() for p in column if str(p).strip()] for column in parts]
    in_groups = {m.metric.code for t, m in zip(texts, matches)
                 if m.metric is not None and not any(is_total_label(p) for p in t[:-1])}
    out = []
    for t, match in zip(texts, matches):
        total_column = not match.role and bool(t) and is_total_label(t[-1])
        total_group = match.metric is not None and match.metric.code in in_groups and any(is_total_label(p) for p in t[:-1])
        if total_column or total_group:
            log.add("total_column", sheet, None, match.text or " / ".join(t), "")
            match = HeaderMatch(text=match.text or " / ".join(t), role="ignore")
        out.append(match)
    return out


def _mapped(catalog: Catalog, parts: tuple, match: HeaderMatch, columns: dict[str, str]) -> HeaderMatch:
    """The match the uploader chose for a header (a metric, or ignore), else the catalog's own match."""
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


def _skipped(sheet: str, rows: int, dropped: list[DroppedRow] | None = None, layout: str = "",
             status: str = "skipped") -> SheetOutcome:
    return SheetOutcome(empty_facts(), SheetReport(sheet, status, layout, rows, 0), dropped or [])


class SheetParser(RegionSteps, FigureSteps):
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
        self.column_name = [m.text or column_letter(grid.first_col + j) for j, m in enumerate(matches)]
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
        # a 目标/目标值 column makes the sheet a targets sheet (kind 'targets'): its targets take the value column's place
        self.kind = TARGETS if "target" in self.roles else FIGURES
        value_role = "target" if self.kind == TARGETS else "value"
        if self.layout == "long":  # a 指标 column: its value column, or a cross-tab's period columns
            self.value_cols = period_value_cols or ([self.roles[value_role]] if value_role in self.roles else [])
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
            self._coded[j] = codes, object_array([cell_text(u) for u in uniques])
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
        if self.kind == TARGETS and ("value" in self.roles or self.layout != "long"):
            # targets and figures are stored apart: one sheet holds one or the other; a target needs its metric named
            code = "target_with_values" if "value" in self.roles else "target_without_metric"
            self.log.add(code, self.sheet, None, self.role_column("target"))
            return _skipped(self.sheet, self.n)
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
        report = SheetReport(self.sheet, "loaded", layout, int(self.data.sum()), len(facts), self.kind)
        return SheetOutcome(facts, report, dropped, [c for _, c in self.piece_names])

    def _log_unknown_figures_only(self) -> None:
        reported = False
        for j, match in enumerate(self.matches):  # a table whose only figures sit under unknown headers
            if match.role or match.text == "":
                continue
            cells = [v for v in self.column(j)[:200] if not is_blank_cell(v)]
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
                is_total |= np.array([is_total_label(t) for t in utexts], dtype=bool)[codes]
                is_note |= np.array([is_note_label(t) for t in utexts], dtype=bool)[codes]
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
            why = "loader.dropped_total" if is_total[i] else "loader.dropped_note" if is_note[i] else "loader.dropped_empty"
            dropped.append(DroppedRow(self.sheet, self.at(i), row_text(self.cells[i]), *both(why)))
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
                if is_blank_cell(cell):
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
        today = reporting_today()
        checked = self.data & self.rows_ok & ~np.isnat(self.period_end)
        future = checked & (self.period_end > np.datetime64(today, "ns")) & (self.kind != TARGETS)  # targets look ahead
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
        remarks = self.texts(self.roles["remarks"]) if "remarks" in self.roles else filled_objects(self.n, "")
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
            "city": object_column(self.city[fact_rows]),
            "county": object_column(self.county[fact_rows]),
            "unit": object_column(self.unit[fact_rows]),
            "campaign": object_column(object_array(self.campaign_codes)[fact_campaign]),
            "metric": object_column(object_array([m for m, _ in self.piece_names])[pieces]),
            "value": self.values[fact_rows, fact_cols],
            "qualifier": object_column(QUALIFIER_NAMES[self.quals[fact_rows, fact_cols]]),
            "remarks": object_column(remarks[fact_rows]),
            "sheet": object_column(filled_objects(len(fact_rows), self.sheet)),
            "row": self.excel_rows[fact_rows],
            # catalog-wide integer codes of campaign and metric, the source column, and the row key (duplicate check)
            "_campaign_code": fact_campaign.astype(np.int64),
            "_metric_code": np.array([metric_index[m] for m, _ in self.piece_names], dtype=np.int64)[pieces],
            "_piece": pieces.astype(np.int64),
            "_row_key": row_key,
        }, copy=False)


def _log_unknown_column(log: ProblemLog, catalog: Catalog, sheet: str, column: str, sample: object,
                        match: HeaderMatch, error: bool) -> None:
    """An unknown header: an error when its column holds figures (they would be lost), else a warning."""
    suggestions = match.suggestions
    if not suggestions and log.listed("unknown_column" if error else "ignored_column", sheet):  # listed ones only
        suggestions = suggest_metrics(catalog, match.lowest)
    hint = closest_metrics(suggestions)
    if error:
        log.add("unknown_column", sheet, None, column, sample, hint=hint)
    else:
        log.add("ignored_column", sheet, None, column, hint=hint)
