"""A sheet as read (Grid) and what holds for the whole sheet (Hints: period, region, campaign from its name or
title rows); labels of total and note rows; helpers for cells and object arrays."""
from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from catalog import Catalog, normalize_text
from loaders.messages import ProblemLog
from loaders.numbers import load_columns
from loaders.periods import Period, PeriodError, find_period
from loaders.regions import RegionMatch, find_city, resolve_region

_FILER = re.compile(r"(?:填报|报送|填表)单位[:：]\s*(\S+)")


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


def is_blank_cell(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
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


def is_total_label(text: str) -> bool:
    """合计, 小计, 南京小计, Total: a row label of a total row."""
    key = normalize_text(text)
    if not key or len(key) > 12:
        return False
    if key in _total_labels() or key.rstrip(":：") in _total_labels():
        return True
    return any(t in key for t in ("合计", "小计", "总计", "共计"))


def is_note_label(text: str) -> bool:
    """注：…, 填表人：…: a note or signature line under the table."""
    key = normalize_text(text)
    return bool(key) and key.startswith(_note_prefixes()) and key not in {"注册", "注销"}


def used_width(rows: list[list[object]]) -> int:
    """The number of columns up to the last one with a non-blank cell."""
    used = 0
    for row in rows:
        for k in range(len(row) - 1, used - 1, -1):
            if not is_blank_cell(row[k]):
                used = k + 1
                break
    return used


def narrowed(grid: Grid, width: int) -> Grid:
    """The grid cut to its first `width` columns (the rest are blank), merges clipped to them."""
    merges = [(r0, c0, r1, min(c1, width - 1)) for r0, c0, r1, c1 in grid.merges if c0 < width]
    rows = [row[:width] + [""] * (width - len(row)) for row in grid.rows]
    return Grid(grid.name, rows, grid.first_row, grid.first_col, merges, grid.hidden)


def log_headerless(log: ProblemLog, sheet: str, rows: list[list[object]]) -> None:
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


def object_column(values: np.ndarray) -> pd.Series:
    """Text as an object column: pandas 3 would otherwise convert it to Arrow strings, slowly."""
    return pd.Series(values, dtype=object, copy=False)


def row_text(cells: np.ndarray) -> str:
    """A dropped row's cells as one short line (merged repeats shown once)."""
    parts = list(dict.fromkeys(t for t in (cell_text(v) for v in cells) if t))
    return " ".join(parts)[:80]


def filled_objects(length: int, value: object) -> np.ndarray:
    """An object array of one value (np.full is slow for objects)."""
    return object_array([value])[np.zeros(length, dtype=np.intp)]


def object_array(items: list) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out
