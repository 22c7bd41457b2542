"""Checks across all facts of a file: the same key twice, a fractional count."""
from __future__ import annotations

import numpy as np
import pandas as pd

from catalog import Catalog
from loaders.messages import ProblemLog
from loaders.sheets import pack_codes
from model import KEY_COLUMNS

ROW_KEY_COLUMNS = ["period_start", "period_end", "city", "county", "unit"]


def fact_keys(facts: pd.DataFrame) -> np.ndarray | None:
    """One int64 per fact identifying its key; row-level parts are factorised once per run of a source row and period."""
    if "_metric_code" not in facts.columns or "_campaign_code" not in facts.columns:
        return None
    rows = facts["row"].to_numpy()
    sheets = facts["sheet"].to_numpy()
    starts, ends = facts["period_start"].to_numpy(), facts["period_end"].to_numpy()
    change = np.ones(len(facts), dtype=bool)
    # a cross-tab row holds one period per column: a run of one source row and one period shares its row-level key
    change[1:] = (rows[1:] != rows[:-1]) | (sheets[1:] != sheets[:-1]) | (starts[1:] != starts[:-1]) \
        | (ends[1:] != ends[:-1])
    group = np.cumsum(change) - 1
    firsts = np.flatnonzero(change)
    codes = [pd.factorize(facts[c].to_numpy()[firsts])[0].astype(np.int64) + 1 for c in ROW_KEY_COLUMNS]
    row_key = pack_codes(codes)
    if row_key is None:
        return None
    row_key = pd.factorize(row_key)[0].astype(np.int64)
    return pack_codes([row_key[group], facts["_campaign_code"].to_numpy(), facts["_metric_code"].to_numpy()])


def check_duplicates(facts: pd.DataFrame, log: ProblemLog, columns: dict[str, list[str]] | None = None,
                     single_sheet: bool = False) -> None:
    """An error for every fact whose key (period, region, unit, campaign, metric) appeared before in the file.

    With `single_sheet`, the sheet-local `_row_key` codes from parse_grid are used directly (no factorising).
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
            row_level = pack_codes([row_key[firsts], campaign[firsts]])
            if row_level is not None and not pd.Series(row_level).duplicated().any():
                return  # no two source rows share a key, and one row never holds a metric twice
        key = pack_codes([row_key, campaign, facts["_metric_code"].to_numpy()])
    if key is None:
        key = fact_keys(facts)
    if key is not None:
        dup = pd.Series(key).duplicated(keep=False).to_numpy()
    else:
        dup = facts.duplicated(KEY_COLUMNS, keep=False).to_numpy()
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
        other = f"工作表“{other_sheet}”第 {other_row} 行" if other_sheet != record["sheet"] else f"第 {other_row} 行"
        other_en = f"sheet '{other_sheet}' row {other_row}" if other_sheet != record["sheet"] else f"row {other_row}"
        log.add("duplicate_key", record["sheet"], int(record["row"]), _column_of(record, columns),
                record["value"], other=other, other_en=other_en)


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
