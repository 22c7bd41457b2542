"""Figures: the values under each metric (or period) column in the metric's base unit, with qualifiers (余, 约)
and a problem on every cell that is no usable figure."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from catalog import Catalog, Metric
from loaders.grid import distinct, object_array
from loaders.headers import HeaderMatch, match_header, suggest_metrics
from loaders.messages import ProblemLog, closest_metrics
from loaders.numbers import NOT_A_NUMBER, UnitSpec, cell_factor, parse_number, parse_unit, unit_factor
from loaders.periods import EARLIEST_PERIOD, Period, reporting_today
from loaders.problems import TARGETS
from model import QUALIFIERS

QUALIFIER_NAMES = np.array(QUALIFIERS, dtype=object)
QUALIFIER_CODES = {q: k for k, q in enumerate(QUALIFIERS)}


class FigureSteps:
    """SheetParser's figure steps (a mixin: they work on the parser's cells, rows and log)."""

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
            measure_codes, umeasures = np.zeros(self.n, dtype=np.int64), object_array([""])
        pos_all = np.flatnonzero(self.data)
        codes, upairs = pd.factorize(metric_codes[pos_all].astype(np.int64) * len(umeasures) + measure_codes[pos_all])
        for u, pair in enumerate(upairs):
            match = _long_metric(self.catalog, umetrics[pair // len(umeasures)], umeasures[pair % len(umeasures)])
            pos = pos_all[codes == u]
            if match.metric is None:
                suggestions = match.suggestions
                if not suggestions and self.log.listed("unknown_metric", self.sheet):  # difflib is slow: listed only
                    suggestions = suggest_metrics(self.catalog, match.lowest)
                hint = closest_metrics(suggestions)
                for p in pos:
                    code = "unknown_metric" if metric_text[p] else "missing_metric"
                    self.log.add(code, self.sheet, self.at(p), self.column_name[jm], metric_text[p], hint=hint)
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
        today = reporting_today()
        for k, j in enumerate(columns):
            period = self.figure_period[k]
            if period is None or ((period[1] <= today or self.kind == TARGETS) and period[0] >= EARLIEST_PERIOD):
                continue
            for i in np.flatnonzero(self.keep[:, k] & self.rows_ok):
                if period[1] > today:
                    self.log.add("future_period", self.sheet, self.at(i), self.column_name[j], self.column(j)[i],
                                 today=today.isoformat())
                else:
                    self.log.add("period_too_early", self.sheet, self.at(i), self.column_name[j], self.column(j)[i],
                                 earliest=EARLIEST_PERIOD.year)
                self.keep[i, k] = False


def _long_metric(catalog: Catalog, metric_text: str, measure: str) -> HeaderMatch:
    """The metric a long table's metric cell names; a 计量单位 cell, when given, is its unit."""
    match = match_header(catalog, (metric_text,), suggest=False)
    if match.role != "metric_column":
        return HeaderMatch(text=metric_text, lowest=match.lowest)
    if measure:
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
        error_u = object_array([e for _, _, e, _ in scaled])[codes]
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


def _scaled(cell: object, header_unit: UnitSpec, metric: Metric) -> tuple[float, str, str, bool]:
    """(value in the base unit, qualifier, error code, whether the cell wrote its own unit)."""
    parsed = parse_number(cell)
    if parsed.error or math.isnan(parsed.value):
        return math.nan, "", parsed.error or NOT_A_NUMBER.error, False
    factor = cell_factor(parsed.unit, header_unit, metric)
    if factor is None:
        return math.nan, "", "unit_mismatch", True
    return parsed.value * factor, parsed.qualifier, "", bool(parsed.unit.unit)
