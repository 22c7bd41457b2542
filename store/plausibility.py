"""Figures worth a second look before saving — warnings, never errors: a jump against the unit's history, a large correction.

Used by the upload preview and `python -m store import`; store/preview.py preview_upload gives it its input.

- jump: a figure for one calendar month at least KPI_PLAUSIBLE_FACTOR (default 5) times the median of its
  series over the 12 calendar months before that month, when the series has a figure in at least
  MIN_HISTORY (3) of those months and the median is above 0. A series is a key without its period: the same
  city, county, unit, campaign and metric — a flood month is compared with the unit's flood months, never
  with a quiet month of another campaign. Only one-month figures are compared, and only with one-month
  figures (a day, a quarter or a year is another scale). The history is what would be in effect once the file
  is saved: the store's figures in effect with the file's own on top, so a file of twelve months is checked
  month by month as well.
- large correction: a changed figure (store/changes.py) that moves by more than KPI_CORRECTION_CHANGE
  (default 0.8) times its old value, |new − old| > 0.8 × |old|: 30 → 5 is checked, 30 → 20 is not; any
  change of a 0 is.

Vectorised: the 12 months before every figure are found with 12 hash lookups of whole columns, no loop per row.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from i18n import format_month, format_number, format_value, t
from model import KEY_COLUMNS
from settings import get_settings
from store.changes import CHANGED, REPEATED
from keys import column_codes, combine_codes

HISTORY_MONTHS = 12
MIN_HISTORY = 3
# the series' figure k months before the figure's month, oldest first (missing where it reported none)
HISTORY_COLUMNS = [f"history_{k}" for k in range(HISTORY_MONTHS, 0, -1)]
CHECK_COLUMNS = [*KEY_COLUMNS, "value", "qualifier", "old_value", "old_qualifier", "median", "history_count",
                 "jump", "large_correction", *HISTORY_COLUMNS]


def history_start(facts: pd.DataFrame) -> date:
    """The first day of the history the checks of `facts` read: 12 months before the month of their earliest start."""
    first = pd.Timestamp(facts["period_start"].min()).to_period("M") - HISTORY_MONTHS
    return first.to_timestamp().date()


def plausibility_checks(current: pd.DataFrame, changes: pd.DataFrame, *, factor: float | None = None,
                        change: float | None = None) -> pd.DataFrame:
    """The figures of a file (store/changes.py classify_changes output) to check, with their history: CHECK_COLUMNS.

    `current` holds the figures in effect (one per key; KEY_COLUMNS and value) from history_start(changes) to
    the file's last period; factor and change default to the settings KPI_PLAUSIBLE_FACTOR, KPI_CORRECTION_CHANGE.
    """
    settings = get_settings()
    factor = settings.plausible_factor if factor is None else factor
    change = settings.correction_change if change is None else change
    kinds = changes["change"].to_numpy(dtype=object)
    kept = np.flatnonzero(kinds != REPEATED)  # the file's figures: its last row per key
    if not len(kept):
        return pd.DataFrame(columns=CHECK_COLUMNS)
    value = changes["value"].to_numpy(dtype=float)[kept]
    old = changes["old_value"].to_numpy(dtype=float)[kept]
    with np.errstate(invalid="ignore"):
        large = (kinds[kept] == CHANGED) & (np.abs(value - old) > change * np.abs(old))

    month, monthly = (part[kept] for part in _months(changes))
    asked = np.flatnonzero(monthly)  # positions in kept of the one-month figures: only these have a history
    count = np.zeros(len(kept), dtype=np.int64)
    lowest = np.full(len(kept), np.inf)
    at = None
    if len(asked):
        low, high = month[asked].min() - HISTORY_MONTHS, month[asked].max()
        earlier, earlier_monthly = _months(current)
        past = np.flatnonzero(earlier_monthly & (earlier >= low) & (earlier <= high))
        columns = [column for column in KEY_COLUMNS if column not in ("period_start", "period_end")]
        frames = [current[columns].take(past), changes[columns].take(kept[asked])]
        series = combine_codes([column_codes(frames, column) for column in columns])  # a key without its period
        at = _history_lookup(series[:len(past)], earlier[past] - low, current["value"].to_numpy(dtype=float)[past],
                             series[len(past):], month[asked] - low, value[asked])
        for k in range(1, HISTORY_MONTHS + 1):  # count and lowest value of the 12 months before, without a matrix
            values = at(k)
            count[asked] += ~np.isnan(values)
            lowest[asked] = np.fmin(lowest[asked], values)
    # the median is at least the lowest value: only figures at least `factor` times that can be a jump
    maybe = np.flatnonzero((count >= MIN_HISTORY) & (value >= factor * lowest))
    history_of = np.full(len(kept), -1)
    history_of[asked] = np.arange(len(asked))

    def history(rows: np.ndarray) -> np.ndarray:
        """The 12 months before each of `rows` (positions in kept), oldest first; missing where none."""
        out = np.full((len(rows), HISTORY_MONTHS), np.nan)
        mine = history_of[rows] >= 0
        if at is not None and mine.any():
            for k in range(1, HISTORY_MONTHS + 1):
                out[mine, HISTORY_MONTHS - k] = at(k, history_of[rows[mine]])
        return out

    median = np.full(len(kept), np.nan)
    median[maybe] = _median(history(maybe))
    jump = (median > 0) & (value >= factor * median)
    flagged = np.flatnonzero(jump | large)
    months = history(flagged)
    median[flagged] = _median(months)
    out = changes.iloc[kept[flagged]][[*KEY_COLUMNS, "value", "qualifier", "old_value", "old_qualifier"]].copy()
    out["median"], out["history_count"] = median[flagged], count[flagged]
    out["jump"], out["large_correction"] = jump[flagged], large[flagged]
    for position, column in enumerate(HISTORY_COLUMNS):
        out[column] = months[:, position]
    return out.reset_index(drop=True)


GRID_CELLS = 8_000_000  # a dense series × month grid up to this size (64 MB); beyond it, hash lookups


def _history_lookup(h_series: np.ndarray, h_month: np.ndarray, h_value: np.ndarray,
                     q_series: np.ndarray, q_month: np.ndarray, q_value: np.ndarray):
    """at(k, rows=all) → the value of each asked figure's series k months before its month (missing where none).

    The history is the store's monthly figures (h_*: series code, month, value; one per series and month) with
    the asked figures themselves on top (q_*), as they would be in effect after the save. Months count from the
    earliest asked month minus 12, so q_month - k is never below 0.
    """
    ids, _ = pd.factorize(np.concatenate([h_series, q_series]))
    h_ids, q_ids = ids[:len(h_series)], ids[len(h_series):]
    width = int(max(h_month.max(initial=0), q_month.max())) + 1
    if (ids.max() + 1) * width <= GRID_CELLS:
        grid = np.full((ids.max() + 1, width), np.nan)
        grid[h_ids, h_month] = h_value
        grid[q_ids, q_month] = q_value  # the file wins its months

        def at(k: int, rows=slice(None)) -> np.ndarray:
            return grid[q_ids[rows], q_month[rows] - k]
        return at
    codes = np.concatenate([h_ids, q_ids]).astype(np.int64) * width + np.concatenate([h_month, q_month])
    last = ~pd.Series(codes).duplicated(keep="last").to_numpy()
    index, known = pd.Index(codes[last]), np.concatenate([h_value, q_value])[last]
    asked = codes[len(h_series):]

    def at(k: int, rows=slice(None)) -> np.ndarray:
        found = index.get_indexer(asked[rows] - k)
        return np.where(found >= 0, known[np.maximum(found, 0)], np.nan)
    return at


def _median(history: np.ndarray) -> np.ndarray:
    """The median of each row's values (missing values left out; missing where a row has none)."""
    count = (~np.isnan(history)).sum(axis=1)
    ordered = np.sort(history, axis=1)  # missing values last
    rows = np.arange(len(history))
    middle = (ordered[rows, np.maximum(count - 1, 0) // 2] + ordered[rows, count // 2]) / 2
    return np.where(count > 0, middle, np.nan)


def _months(facts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per fact, the month its period starts in (months since 1970) and whether the period is that whole month.

    Worked out once per distinct start and end (a file has few), then gathered.
    """
    start_codes, starts = pd.factorize(facts["period_start"].to_numpy(dtype="datetime64[ns]"))
    end_codes, ends = pd.factorize(facts["period_end"].to_numpy(dtype="datetime64[ns]"))
    starts, ends = np.asarray(starts, dtype="datetime64[ns]"), np.asarray(ends, dtype="datetime64[ns]")
    first = starts.astype("datetime64[M]")
    last_day = (first + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    whole_start = starts == first.astype("datetime64[ns]")
    month = first.astype(np.int64)[start_codes]
    whole = whole_start[start_codes] & (ends.astype("datetime64[D]")[end_codes] == last_day[start_codes])
    return month, whole


def reason_text(check, lang: str) -> str:
    """Why a figure (a row of plausibility_checks) is to be checked, in one line."""
    parts = []
    if check.jump:
        parts.append(t("check_jump", lang, ratio=format_number(round(check.value / check.median, 1)),
                       months=int(check.history_count)))
    if check.large_correction:
        old = check.old_value
        percent = "∞" if old == 0 else format_number(round(abs(check.value - old) / abs(old) * 100))
        parts.append(t("check_correction", lang, percent=percent))
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


def history_text(check, lang: str) -> str:
    """The series' figures of the 12 months before the figure's month, oldest first: "2020-01 12 · 2020-03 15"."""
    month = pd.Timestamp(check.period_start).to_period("M")
    shown = []
    for position, column in enumerate(HISTORY_COLUMNS):
        value = getattr(check, column)
        if not pd.isna(value):
            when = (month - (HISTORY_MONTHS - position)).to_timestamp()
            shown.append(f"{format_month(when, lang)} {format_value(float(value), '', lang)}")
    return " · ".join(shown)
