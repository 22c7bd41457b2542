"""What committing a parsed file would change: new figures, corrections (old → new), unchanged ones."""
from __future__ import annotations

import pandas as pd

from model import FACT_COLUMNS
from store.core import Store
from store.payload import match_keys

CHANGE_COLUMNS = [*FACT_COLUMNS, "old_value", "old_qualifier", "old_upload_id", "change"]
NEW, CORRECTED, UNCHANGED = "new", "corrected", "unchanged"


def preview_changes(store: Store, new_facts: pd.DataFrame) -> pd.DataFrame:
    """Each incoming fact with the figure now in effect for its key, and whether it is new, a correction or the same."""
    frame = new_facts[FACT_COLUMNS].copy()
    if frame.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    low, high = frame["period_end"].min(), frame["period_end"].max()
    current = store.active_facts(pd.Timestamp(low).date(), pd.Timestamp(high).date())
    found = match_keys(current, frame)
    merged = frame.reset_index(drop=True)
    old = pd.DataFrame({
        "old_value": current["value"], "old_qualifier": current["qualifier"].astype(object),
        "old_upload_id": current["upload_id"].astype("Int64"),
    }).reindex(found)  # position -1 (no figure yet) gives missing values
    for column in old.columns:
        merged[column] = old[column].array
    same = (merged["old_value"] == merged["value"]) & (merged["old_qualifier"] == merged["qualifier"])
    merged["change"] = NEW
    merged.loc[merged["old_value"].notna(), "change"] = CORRECTED
    merged.loc[merged["old_value"].notna() & same, "change"] = UNCHANGED
    return merged[CHANGE_COLUMNS]
