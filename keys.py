"""One integer per fact key (model.KEY_COLUMNS): the loader's duplicate check and the store's newest-version
rule both tell keys apart with key_codes, so that two facts are "the same key" in exactly one sense.

Works on integer codes of each key column, never on the texts of 800,000 keys. Below loaders and store:
imports only numpy, pandas and model.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from model import KEY_COLUMNS

DATE_KEY_COLUMNS = ("period_start", "period_end")
OVERFLOW = 2**62


def combine_codes(codes: Sequence[np.ndarray]) -> np.ndarray:
    """One int64 per distinct combination of the given integer codes (equal rows ↔ equal results).

    Codes are >= -1 (-1, a missing value, counts as a value of its own). The result never overflows: it is
    renumbered densely whenever the next product could pass 2**62.
    """
    combined = np.zeros(len(codes[0]) if len(codes) else 0, dtype=np.int64)
    size = 1  # combined < size
    for part in codes:
        part = np.asarray(part, dtype=np.int64)
        width = int(part.max(initial=-1)) + 2  # -1 (missing) becomes 0
        if size * width >= OVERFLOW:
            combined, uniques = pd.factorize(combined)
            combined, size = combined.astype(np.int64), len(uniques)
        combined = combined * width + (part + 1)
        size *= width
    return combined


def column_codes(frames: Sequence[pd.DataFrame], column: str) -> np.ndarray:
    """Codes of one key column over the frames stacked in the order given (dates as they are, texts unified)."""
    if column in DATE_KEY_COLUMNS:
        values = np.concatenate([np.asarray(frame[column].to_numpy(dtype="datetime64[ns]")) for frame in frames])
        return pd.factorize(values)[0]
    if len(frames) == 1 and not isinstance(frames[0][column].dtype, pd.CategoricalDtype):
        return pd.factorize(frames[0][column].to_numpy(dtype=object))[0]
    return union_categoricals([_categories(frame[column]) for frame in frames], ignore_order=True).codes


def key_codes(*frames: pd.DataFrame, known: Mapping[str | tuple[str, ...], np.ndarray] | None = None) -> np.ndarray:
    """One integer per distinct key (KEY_COLUMNS) for the facts of the frames, stacked in the order given.

    `known` gives codes a caller already has for a key column, or for a tuple of them together (the loader's
    catalog-wide metric and campaign codes, a sheet's row key for period and region); the rest are computed.
    """
    parts, covered = [], set()
    for columns, codes in (known or {}).items():
        covered.update((columns,) if isinstance(columns, str) else columns)
        parts.append(codes)
    parts += [column_codes(frames, column) for column in KEY_COLUMNS if column not in covered]
    return combine_codes(parts)


def _categories(values: pd.Series) -> pd.Categorical:
    """A text column as a Categorical with object categories (so that any two can be unified)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))
