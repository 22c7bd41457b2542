"""What committing a parsed file would change — new figures, changes (old → new), unchanged ones (store/changes.py) —
and the figures to check before saving (store/plausibility.py)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from store.changes import CHANGE_COLUMNS, CHANGED, NEW, REPEATED, UNCHANGED, classify_changes
from store.core import Store
from store.plausibility import CHECK_COLUMNS, history_start, plausibility_checks

CORRECTED = CHANGED  # the name this module gave changed figures before
__all__ = ["CHANGE_COLUMNS", "CHANGED", "CORRECTED", "NEW", "REPEATED", "UNCHANGED", "Preview", "preview_changes",
           "preview_upload"]


@dataclass(frozen=True)
class Preview:
    changes: pd.DataFrame  # classify_changes: each fact of the file, new / changed / unchanged / repeated
    checks: pd.DataFrame  # plausibility_checks: the figures to check, with their history


def preview_changes(store: Store, new_facts: pd.DataFrame) -> pd.DataFrame:
    """Each incoming fact with the figure now in effect for its key, and whether it is new, changed or unchanged."""
    if new_facts.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    low, high = new_facts["period_end"].min(), new_facts["period_end"].max()
    current = store.active_facts(pd.Timestamp(low).date(), pd.Timestamp(high).date())
    return classify_changes(current, new_facts)


def preview_upload(store: Store, new_facts: pd.DataFrame) -> Preview:
    """preview_changes and the plausibility checks of a file, from one read of the figures in effect."""
    if new_facts.empty:
        return Preview(pd.DataFrame(columns=CHANGE_COLUMNS), pd.DataFrame(columns=CHECK_COLUMNS))
    low, high = new_facts["period_end"].min(), new_facts["period_end"].max()
    current = store.active_facts(history_start(new_facts), pd.Timestamp(high).date())
    changes = classify_changes(current[current["period_end"].between(low, high)], new_facts)
    return Preview(changes, plausibility_checks(current, changes))
