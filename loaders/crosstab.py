"""Cross-tabs: periods as columns (1月 … 12月, 一季度, 上半年; 7月 over 服务队 or 服务队 over 7月), the year
from the header, title, sheet name or caller, and the metric of unit rows from the title."""
from __future__ import annotations

import re

from catalog import Catalog, Metric, fold_width, normalize_text
from loaders.grid import Grid, Hints, cell_text, column_letter, is_total_label
from loaders.headers import HeaderBlock, HeaderMatch, split_unit
from i18n import both
from loaders.messages import ProblemLog
from loaders.numbers import UnitSpec, parse_unit
from loaders.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, column_label, label_period


def may_have_period_columns(parts: list[tuple], matches: list[HeaderMatch]) -> bool:
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


def periods_as_columns(catalog: Catalog, grid: Grid, header: HeaderBlock, matches: list[HeaderMatch], hints: Hints,
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
                and any(is_total_label(str(p)) for p in header.parts[j]):
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
                cell=f"{column_letter(grid.first_col + j)}{grid.first_row + r}",
                hint=both("loader.filing_date_hint") if filed else "")
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


def _label_cell(grid: Grid, header: HeaderBlock, j: int) -> tuple[int, str]:
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
