"""Checks across all facts of a file: the same key twice, a fractional count."""
from __future__ import annotations

import numpy as np
import pandas as pd

from catalog import Catalog
from keys import column_codes, combine_codes, key_codes
from i18n import both
from loaders.messages import ProblemLog
from model import KEY_COLUMNS

ROW_KEY_COLUMNS = ("period_start", "period_end", "city", "county", "unit")  # what a source row (and column) fixes


def fact_keys(facts: pd.DataFrame) -> np.ndarray:
    """keys.key_codes of a file's facts: the row-level parts coded once per run of one source row and period,
    campaign and metric by their catalog-wide codes (the loader's `_campaign_code`, `_metric_code`)."""
    known: dict[str | tuple[str, ...], np.ndarray] = {}
    if "_metric_code" in facts.columns and "_campaign_code" in facts.columns:
        known = {"campaign": facts["_campaign_code"].to_numpy(), "metric": facts["_metric_code"].to_numpy()}
        rows, sheets = facts["row"].to_numpy(), facts["sheet"].to_numpy()
        starts, ends = facts["period_start"].to_numpy(), facts["period_end"].to_numpy()
        change = np.ones(len(facts), dtype=bool)
        # a cross-tab row holds one period per column: a run of one source row and one period shares its row-level key
        change[1:] = (rows[1:] != rows[:-1]) | (sheets[1:] != sheets[:-1]) | (starts[1:] != starts[:-1]) \
            | (ends[1:] != ends[:-1])
        group = np.cumsum(change) - 1
        firsts = facts[list(ROW_KEY_COLUMNS)].iloc[np.flatnonzero(change)]
        known[ROW_KEY_COLUMNS] = combine_codes([column_codes([firsts], c) for c in ROW_KEY_COLUMNS])[group]
    return key_codes(facts, known=known)


def check_duplicates(facts: pd.DataFrame, log: ProblemLog, columns: dict[str, list[str]] | None = None,
                     single_sheet: bool = False) -> None:
    """An error for every fact whose key (period, region, unit, campaign, metric) appeared before in the file.

    With `single_sheet`, the sheet-local `_row_key` codes from parse_grid stand for the row-level key columns.
    """
    if len(facts) < 2:
        return
    key = None
    if single_sheet and "_row_key" in facts.columns and (facts["_row_key"].to_numpy() >= 0).all():
        row_key = facts["_row_key"].to_numpy()
        campaign = facts["_campaign_code"].to_numpy()
        rows = facts["row"].to_numpy()
        change = np.concatenate(([True], rows[1:] != rows[:-1]))
        firsts = np.flatnonzero(change)
        group = np.cumsum(change) - 1
        if (campaign == campaign[firsts][group]).all():  # one campaign per source row
            row_level = combine_codes([row_key[firsts], campaign[firsts]])
            if not pd.Series(row_level).duplicated().any():
                return  # no two source rows share a key, and one row never holds a metric twice
        key = key_codes(facts, known={ROW_KEY_COLUMNS: row_key, "campaign": campaign,
                                      "metric": facts["_metric_code"].to_numpy()})
    if key is None:
        key = fact_keys(facts)
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    sub = facts[dup]
    first_seen: dict[tuple, tuple[str, int]] = {}
    columns = columns or {}
    for record in sub.to_dict("records"):
        k = tuple(record[c] for c in KEY_COLUMNS)
        where = (record["sheet"], int(record["row"]))
        if k not in first_seen:
            first_seen[k] = where
            continue
        other_sheet, other_row = first_seen[k]
        other = (both("loader.at_sheet_row", sheet=other_sheet, row=other_row) if other_sheet != record["sheet"]
                 else both("loader.at_row", row=other_row))
        log.add("duplicate_key", record["sheet"], int(record["row"]), _column_of(record, columns),
                record["value"], other=other)


def check_counts(facts: pd.DataFrame, log: ProblemLog, catalog: Catalog,
                 columns: dict[str, list[str]] | None = None) -> None:
    """An error for every fractional value of a count metric (4.5 teams): a count is never silently rounded."""
    values = facts["value"].to_numpy(dtype=float)
    fractional = np.abs(values - np.round(values)) > 1e-6 * np.maximum(1.0, np.abs(values))
    if not fractional.any():
        return
    counts = [code for code, metric in catalog.metrics.items() if metric.count]
    bad = fractional & np.isin(facts["metric"].to_numpy(dtype=object), counts)
    for record in facts[bad].to_dict("records"):
        metric = catalog.metrics[record["metric"]]
        log.add("fractional_count", record["sheet"], int(record["row"]), _column_of(record, columns or {}),
                record["value"], metric=metric.zh, metric_en=metric.en, unit=metric.unit_zh, unit_en=metric.unit_en)


def _column_of(record: dict, columns: dict[str, list[str]]) -> str:
    names = columns.get(record["sheet"], [])
    piece = record.get("_piece")
    return names[int(piece)] if piece is not None and 0 <= int(piece) < len(names) else ""
