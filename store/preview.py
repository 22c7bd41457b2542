"""What committing a parsed file would change — new figures, changes (old → new), unchanged ones (store/changes.py) —
and the figures to check before saving (store/plausibility.py)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from model import KEY_COLUMNS
from store.changes import CHANGE_COLUMNS, CHANGED, NEW, REPEATED, UNCHANGED, as_categories, classify_changes
from store.core import Store
from store.schema import KIND_FIGURES, KIND_TARGETS
from store.plausibility import CHECK_COLUMNS, history_start, plausibility_checks

TEXT_KEYS = [column for column in KEY_COLUMNS if column not in ("period_start", "period_end")]
CORRECTED = CHANGED  # the name this module gave changed figures before
__all__ = ["CHANGE_COLUMNS", "CHANGED", "CORRECTED", "NEW", "REPEATED", "UNCHANGED", "Preview", "preview_changes",
           "preview_upload"]


@dataclass(frozen=True)
class Preview:
    changes: pd.DataFrame  # classify_changes: each fact of the file, new / changed / unchanged / repeated
    checks: pd.DataFrame  # plausibility_checks: the figures to check, with their history


def preview_changes(store: Store, new_facts: pd.DataFrame, kind: str = KIND_FIGURES) -> pd.DataFrame:
    """Each incoming fact with the figure (or target, for kind 'targets') now in effect for its key, and whether it is
    new, changed or unchanged."""
    if new_facts.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    low, high = new_facts["period_end"].min(), new_facts["period_end"].max()
    read = store.active_targets if kind == KIND_TARGETS else store.active_facts
    current = read(pd.Timestamp(low).date(), pd.Timestamp(high).date())
    return classify_changes(current, new_facts)


def preview_upload(store: Store, new_facts: pd.DataFrame, kind: str = KIND_FIGURES) -> Preview:
    """preview_changes and the plausibility checks of a file, from one read of the figures in effect.

    A targets file (kind 'targets') is compared with the targets in effect, and has no plausibility checks
    (they compare figures with a unit's past figures).
    """
    if new_facts.empty:
        return Preview(pd.DataFrame(columns=CHANGE_COLUMNS), pd.DataFrame(columns=CHECK_COLUMNS))
    if kind == KIND_TARGETS:
        return Preview(preview_changes(store, new_facts, kind), pd.DataFrame(columns=CHECK_COLUMNS))
    # texts as categories once: the changes and the checks both number keys by their codes
    facts = new_facts.assign(**{column: as_categories(new_facts[column]) for column in TEXT_KEYS})
    low, high = facts["period_end"].min(), facts["period_end"].max()
    current = store.active_facts(history_start(facts), pd.Timestamp(high).date())
    changes = classify_changes(current[current["period_end"].between(low, high)], facts)
    return Preview(changes, plausibility_checks(current, changes))
