"""What saving a parsed file would do to the totals, under the roll-up rule: province totals before and after,
and where a city's (or county's) parts would add up to more than its own figure."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analytics import Filters, filter_facts, level_inconsistencies, metric_totals, month_end, month_start
from catalog import Catalog
from model import FACT_COLUMNS
from store.core import Store
from store.payload import match_keys

TOTAL_CHANGE_COLUMNS = ["metric", "before", "before_qualifier", "after", "after_qualifier"]


def file_window(new_facts: pd.DataFrame) -> Filters:
    """The months and campaigns a file reports: where its figures can change a total."""
    low, high = (pd.Timestamp(new_facts["period_end"].min()).date(), pd.Timestamp(new_facts["period_end"].max()).date())
    return Filters(month_start(low), month_end(high), campaigns=tuple(sorted(set(new_facts["campaign"].astype(str)))))


def with_file(store: Store, new_facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The figures in effect for the file's periods, before and after the file is saved (its figures win their keys)."""
    window = file_window(new_facts)
    current = store.active_facts(window.start, window.end)
    found = match_keys(current, new_facts)
    replaced = np.zeros(len(current), dtype=bool)
    replaced[found[found >= 0]] = True
    before = current[FACT_COLUMNS]
    after = pd.concat([_plain(before[~replaced]), _plain(new_facts[FACT_COLUMNS])], ignore_index=True)
    return before, after


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain objects, so frames from the store (categories) and the loader concatenate cleanly."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str).astype(object)
    return out


def total_changes(store: Store, new_facts: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Per metric the file reports: the province total of the file's months and campaigns before and after saving.

    Columns TOTAL_CHANGE_COLUMNS, catalog order; before is missing where nothing was reported yet.
    """
    if new_facts.empty:
        return pd.DataFrame(columns=TOTAL_CHANGE_COLUMNS)
    window = file_window(new_facts)
    before, after = with_file(store, new_facts)
    old = metric_totals(filter_facts(before, window), catalog).set_index("metric")
    new = metric_totals(filter_facts(after, window), catalog).set_index("metric")
    metrics = [code for code in new.index if code in set(new_facts["metric"].astype(str))]
    return pd.DataFrame({
        "metric": metrics,
        "before": [float(old.at[m, "value"]) if m in old.index else np.nan for m in metrics],
        "before_qualifier": [str(old.at[m, "qualifier"]) if m in old.index else "" for m in metrics],
        "after": [float(new.at[m, "value"]) for m in metrics],
        "after_qualifier": [str(new.at[m, "qualifier"]) for m in metrics],
    }, columns=TOTAL_CHANGE_COLUMNS)


def inconsistencies_after(store: Store, new_facts: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Where, once the file is saved, a city's or county's parts would exceed its own figure, for the file's cities."""
    if new_facts.empty:
        return level_inconsistencies(new_facts, catalog)
    _, after = with_file(store, new_facts)
    cities = set(new_facts["city"].astype(str))
    found = level_inconsistencies(after[after["city"].isin(cities)], catalog)
    return found[found["city"].isin(cities)].reset_index(drop=True)
