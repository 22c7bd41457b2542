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
from keys import key_codes

CHANGE_COLUMNS = [*FACT_COLUMNS, "old_value", "old_qualifier", "old_upload_id", "change"]
NEW, CHANGED, UNCHANGED, REPEATED = "new", "changed", "unchanged", "repeated"
KINDS = [NEW, CHANGED, UNCHANGED, REPEATED]
LEFT_OUT_CODES = frozenset({"total_column"})  # warnings that name a part of the file left out


def classify_changes(current: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """Each incoming fact with the figure in effect for its key and what saving it changes.

    `current` holds the figures in effect (at most one per key; columns KEY_COLUMNS, value, qualifier,
    upload_id); `incoming` the file's facts (FACT_COLUMNS, or at least KEY_COLUMNS, value and qualifier).
    Returns CHANGE_COLUMNS (those of FACT_COLUMNS that incoming has) in the incoming order: change is new,
    changed, unchanged or repeated (a category); old_value, old_qualifier and old_upload_id are missing where
    no figure is in effect.
    """
    frame = incoming[[column for column in FACT_COLUMNS if column in incoming]].reset_index(drop=True)
    if frame.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    codes = key_codes(current, frame) if len(current) else key_codes(frame)
    mine = codes[len(current):]
    found = pd.Index(codes[:len(current)]).get_indexer(mine) if len(current) else np.full(len(frame), -1)
    had = found >= 0
    at = np.maximum(found, 0)
    values = current["value"].to_numpy(dtype=float)
    old_value = np.where(had, values[at] if len(current) else np.nan, np.nan)
    qualifiers = as_categories(current["qualifier"])
    old_qualifier = pd.Categorical.from_codes(  # categories, never 800,000 strings made one by one
        np.where(had, qualifiers.codes[at] if len(current) else -1, -1), categories=qualifiers.categories)
    uploads = current["upload_id"].to_numpy(dtype=np.int64)
    old_upload = pd.arrays.IntegerArray(uploads[at] if len(current) else np.zeros(len(frame), np.int64), ~had)
    mine_q = as_categories(frame["qualifier"])  # compared as codes into the categories of the figures in effect
    mapping = qualifiers.categories.get_indexer(mine_q.categories)
    qualifier = np.where(mine_q.codes >= 0, np.where(mapping >= 0, mapping, -2)[mine_q.codes], -1)
    same = had & (old_value == frame["value"].to_numpy(dtype=float)) & (old_qualifier.codes == qualifier)
    last = ~pd.Series(mine).duplicated(keep="last").to_numpy()
    kind = np.select([~last, ~had, same], [3, 0, 2], 1)
    return frame.assign(old_value=old_value, old_qualifier=old_qualifier, old_upload_id=old_upload,
                        change=pd.Categorical.from_codes(kind, categories=KINDS))


def as_categories(values: pd.Series) -> pd.Categorical:
    """A text column as a Categorical with object categories (a store read gives categories already)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(values.cat.codes.to_numpy(), pd.Index(values.cat.categories, dtype=object))
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))


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
