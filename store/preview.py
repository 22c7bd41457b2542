"""What committing a parsed file would change: new figures, changes (old → new), unchanged ones (store/changes.py)."""
from __future__ import annotations

import pandas as pd

from store.changes import CHANGE_COLUMNS, CHANGED, NEW, REPEATED, UNCHANGED, classify_changes
from store.core import Store

CORRECTED = CHANGED  # the name this module gave changed figures before
__all__ = ["CHANGE_COLUMNS", "CHANGED", "CORRECTED", "NEW", "REPEATED", "UNCHANGED", "preview_changes"]


def preview_changes(store: Store, new_facts: pd.DataFrame) -> pd.DataFrame:
    """Each incoming fact with the figure now in effect for its key, and whether it is new, changed or unchanged."""
    if new_facts.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    low, high = new_facts["period_end"].min(), new_facts["period_end"].max()
    current = store.active_facts(pd.Timestamp(low).date(), pd.Timestamp(high).date())
    return classify_changes(current, new_facts)
