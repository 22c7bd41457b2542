"""What committing a parsed file would change: new figures, corrections (old → new), unchanged ones."""
from __future__ import annotations

import pandas as pd

from model import FACT_COLUMNS
from store.core import Store, fact_keys

CHANGE_COLUMNS = [*FACT_COLUMNS, "old_value", "old_qualifier", "old_upload_id", "change"]
NEW, CORRECTED, UNCHANGED = "new", "corrected", "unchanged"


def preview_changes(store: Store, new_facts: pd.DataFrame) -> pd.DataFrame:
    """Each incoming fact with the figure now in effect for its key, and whether it is new, a correction or the same."""
    frame = new_facts[FACT_COLUMNS].copy()
    if frame.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    frame["fact_key"] = fact_keys(frame)
    low, high = frame["period_end"].min(), frame["period_end"].max()
    current = store.active_facts(pd.Timestamp(low).date(), pd.Timestamp(high).date())
    current = current[current["metric"].isin(frame["metric"].unique())].reset_index(drop=True)
    current = pd.DataFrame({
        "fact_key": fact_keys(current).to_numpy(dtype=object),
        "old_value": current["value"].to_numpy(), "old_qualifier": current["qualifier"].astype(object).to_numpy(),
        "old_upload_id": current["upload_id"].to_numpy(),
    })
    merged = frame.merge(current, on="fact_key", how="left")
    same = (merged["old_value"] == merged["value"]) & (merged["old_qualifier"] == merged["qualifier"])
    merged["change"] = NEW
    merged.loc[merged["old_value"].notna(), "change"] = CORRECTED
    merged.loc[merged["old_value"].notna() & same, "change"] = UNCHANGED
    return merged[CHANGE_COLUMNS]
