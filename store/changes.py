"""One set of counts for an upload — new, changed, unchanged (re-confirmed), left out — computed in one place.

The preview (store/preview.py), the save (Store.import_result, against the figures in effect inside its
transaction), the command line and the history all take their counts from `classify_changes` and
`ChangeCounts`, and name them with the same words (i18n: count_new, count_changed, count_unchanged,
count_left_out):

- Each key (KEY_COLUMNS) the file reports counts once, with the file's last row for it (the one that will count):
  new (新增)          no figure is in effect for the key;
  changed (修改)      the figure in effect has another value or qualifier; shown old → new;
  unchanged (未变)    the figure in effect has the same value and qualifier: the file re-confirms it.
  So new + changed + unchanged is the number of keys the file reports. An earlier row of the file for a key
  it reports again (`repeated`) is in none of them.
- left out (未导入): what the loader read but did not load as figures: the rows of result.dropped (合计/小计
  rows, notes, rows without figures) plus the 合计 columns and column groups (the warnings coded
  total_column), each one item.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model import FACT_COLUMNS
from store.payload import key_codes

CHANGE_COLUMNS = [*FACT_COLUMNS, "old_value", "old_qualifier", "old_upload_id", "change"]
NEW, CHANGED, UNCHANGED, REPEATED = "new", "changed", "unchanged", "repeated"
LEFT_OUT_CODES = frozenset({"total_column"})  # warnings that name a part of the file left out


def classify_changes(current: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """Each incoming fact (FACT_COLUMNS) with the figure in effect for its key and what saving it changes.

    `current` holds the figures in effect (at most one per key; columns KEY_COLUMNS, value, qualifier,
    upload_id). Returns CHANGE_COLUMNS in the incoming order: change is new, changed, unchanged or repeated;
    old_value, old_qualifier and old_upload_id are missing where no figure is in effect.
    """
    frame = incoming[FACT_COLUMNS].reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    codes = key_codes(current, frame) if len(current) else key_codes(frame)
    mine = codes[len(current):]
    found = pd.Index(codes[:len(current)]).get_indexer(mine) if len(current) else np.full(len(frame), -1)
    old = pd.DataFrame({  # position -1 (no figure in effect) gives missing values
        "old_value": current["value"].to_numpy(dtype=float),
        "old_qualifier": current["qualifier"].to_numpy(dtype=object),
        "old_upload_id": pd.array(current["upload_id"].to_numpy(dtype=np.int64), dtype="Int64"),
    }).reindex(found)
    for column in old.columns:
        frame[column] = old[column].array
    had = found >= 0
    same = had & (old["old_value"].to_numpy() == frame["value"].to_numpy(dtype=float)) & (
        old["old_qualifier"].to_numpy() == frame["qualifier"].to_numpy(dtype=object))
    last = ~pd.Series(mine).duplicated(keep="last").to_numpy()
    frame["change"] = np.select([~last, ~had, same], [REPEATED, NEW, UNCHANGED], CHANGED)
    return frame[CHANGE_COLUMNS]


def left_out_count(dropped: list, problems: list) -> int:
    """Rows the loader left out (ParseResult.dropped) plus the 合计 columns it left out (ParseResult.problems)."""
    return len(dropped) + sum(problem.code in LEFT_OUT_CODES for problem in problems)


@dataclass(frozen=True)
class ChangeCounts:
    """What an upload brings, counted once (see the module docstring for the words)."""

    new: int
    changed: int
    unchanged: int
    left_out: int

    @classmethod
    def of(cls, changes: pd.DataFrame, left_out: int) -> ChangeCounts:
        """The counts of `classify_changes` output, with `left_out` (left_out_count) beside them."""
        counts = changes["change"].value_counts()
        return cls(int(counts.get(NEW, 0)), int(counts.get(CHANGED, 0)), int(counts.get(UNCHANGED, 0)), left_out)

    @property
    def replaced(self) -> int:
        """Figures in effect that the upload takes the place of: the changed and the re-confirmed ones."""
        return self.changed + self.unchanged
