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
from store.payload import key_codes

HISTORY_MONTHS = 12
MIN_HISTORY = 3
# the series' figure k months before the figure's month, oldest first (missing where it reported none)
HISTORY_COLUMNS = [f"history_{k}" for k in range(HISTORY_MONTHS, 0, -1)]
CHECK_COLUMNS = [*KEY_COLUMNS, "value", "qualifier", "old_value", "old_qualifier", "median", "history_count",
                 "jump", "large_correction", *HISTORY_COLUMNS]
EPOCH = pd.Timestamp("1970-01-01")


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
    incoming = changes[changes["change"] != REPEATED].reset_index(drop=True)
    if incoming.empty:
        return pd.DataFrame(columns=CHECK_COLUMNS)
    value = incoming["value"].to_numpy(dtype=float)
    old = incoming["old_value"].to_numpy(dtype=float)
    large = (incoming["change"] == CHANGED).to_numpy() & (np.abs(value - old) > change * np.abs(old))

    history = np.full((len(incoming), HISTORY_MONTHS), np.nan)
    month, monthly = _months(incoming)
    earlier, earlier_monthly = _months(current)
    if monthly.any():
        low, high = month[monthly].min() - HISTORY_MONTHS, month[monthly].max()
        earlier_monthly &= (earlier >= low) & (earlier <= high)
        past = current[earlier_monthly]
        series = key_codes(_series(past), _series(incoming))
        # the history table: the store's monthly figures, then the file's, which win a month they both have
        h_series = np.concatenate([series[:len(past)], series[len(past):][monthly]])
        h_month = np.concatenate([earlier[earlier_monthly], month[monthly]]) - low
        h_value = np.concatenate([past["value"].to_numpy(dtype=float), value[monthly]])
        width = int(high - low + 1)
        codes = h_series * width + h_month
        last = ~pd.Series(codes).duplicated(keep="last").to_numpy()
        index, known = pd.Index(codes[last]), h_value[last]
        asked = series[len(past):][monthly] * width + (month[monthly] - low)
        rows = np.flatnonzero(monthly)
        for k in range(1, HISTORY_MONTHS + 1):
            found = index.get_indexer(asked - k)
            history[rows, HISTORY_MONTHS - k] = np.where(found >= 0, known[np.maximum(found, 0)], np.nan)
    count = (~np.isnan(history)).sum(axis=1)
    ordered = np.sort(history, axis=1)  # missing values last
    at = np.arange(len(history))
    median = np.where(count > 0, (ordered[at, np.maximum(count - 1, 0) // 2] + ordered[at, count // 2]) / 2, np.nan)
    jump = (count >= MIN_HISTORY) & (median > 0) & (value >= factor * np.nan_to_num(median, nan=np.inf))
    flagged = jump | large
    out = incoming.loc[flagged, [*KEY_COLUMNS, "value", "qualifier", "old_value", "old_qualifier"]].copy()
    out["median"], out["history_count"] = median[flagged], count[flagged]
    out["jump"], out["large_correction"] = jump[flagged], large[flagged]
    for position, column in enumerate(HISTORY_COLUMNS):
        out[column] = history[flagged, position]
    return out.reset_index(drop=True)


def _months(facts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per fact, the month its period starts in (months since 1970) and whether the period is that whole month."""
    start = facts["period_start"].to_numpy(dtype="datetime64[ns]")
    end = facts["period_end"].to_numpy(dtype="datetime64[ns]")
    month = start.astype("datetime64[M]")
    whole = (start == month.astype("datetime64[ns]")) & (
        end.astype("datetime64[D]") == (month + 1).astype("datetime64[D]") - np.timedelta64(1, "D"))
    return month.astype(np.int64), whole


def _series(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts' keys with one period for all: key_codes of these numbers the series (a key without its period)."""
    columns = [column for column in KEY_COLUMNS if column not in ("period_start", "period_end")]
    return facts[columns].assign(period_start=EPOCH, period_end=EPOCH)


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
