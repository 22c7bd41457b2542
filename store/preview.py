"""What committing a parsed file would change: new figures, corrections (old → new), unchanged ones."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from model import FACT_COLUMNS
from store.core import Store, fact_keys
from store.schema import DIM_COLUMNS, dims, facts

CHANGE_COLUMNS = [*FACT_COLUMNS, "old_value", "old_qualifier", "old_upload_id", "change"]
NEW, CORRECTED, UNCHANGED = "new", "corrected", "unchanged"


def preview_changes(store: Store, new_facts: pd.DataFrame) -> pd.DataFrame:
    """Each incoming fact with the figure now in effect for its key, and whether it is new, a correction or the same."""
    frame = new_facts[FACT_COLUMNS].copy()
    if frame.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    frame["fact_key"] = fact_keys(frame)
    low, high = frame["period_end"].min(), frame["period_end"].max()
    query = (
        select(*[dims.c[column] for column in DIM_COLUMNS], facts.c.metric,
               facts.c.value, facts.c.qualifier, facts.c.upload_id)
        .select_from(facts.join(dims, dims.c.id == facts.c.dim_id))
        .where(facts.c.active.is_(True))
        .where(dims.c.period_end >= pd.Timestamp(low).date(), dims.c.period_end <= pd.Timestamp(high).date())
        .where(facts.c.metric.in_(sorted(frame["metric"].unique())))
    )
    with store.engine.connect() as conn:
        current = pd.read_sql(query, conn)
    current = pd.DataFrame({
        "fact_key": fact_keys(current) if not current.empty else pd.Series(dtype=str),
        "old_value": current["value"], "old_qualifier": current["qualifier"], "old_upload_id": current["upload_id"],
    })
    merged = frame.merge(current, on="fact_key", how="left")
    same = (merged["old_value"] == merged["value"]) & (merged["old_qualifier"] == merged["qualifier"])
    merged["change"] = NEW
    merged.loc[merged["old_value"].notna(), "change"] = CORRECTED
    merged.loc[merged["old_value"].notna() & same, "change"] = UNCHANGED
    return merged[CHANGE_COLUMNS]
