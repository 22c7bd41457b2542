"""An upload's facts as one columnar payload (Parquet), and the figures in effect derived from payloads.

A 100,000-row file brings ~800,000 facts. Stored as one compressed Parquet blob per upload (about 2 MB)
they are written in a fraction of a second and read back column-wise, instead of 800,000 rows each
inserted, indexed and later converted one by one.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from keys import key_codes  # store.core groups by payload.key_codes
from model import FACT_COLUMNS, KEY_COLUMNS

PAYLOAD_FORMAT = "parquet-1"  # stored beside each payload, so that a later format can be told apart
TEXT_COLUMNS = ["city", "county", "unit", "campaign", "metric", "qualifier", "remarks", "sheet"]
DATE_COLUMNS = ["period_start", "period_end"]
TEXT_TYPE = pa.dictionary(pa.int32(), pa.string())
SCHEMA = pa.schema([
    *[(column, pa.timestamp("ns")) for column in DATE_COLUMNS],
    *[(column, TEXT_TYPE) for column in KEY_COLUMNS if column in TEXT_COLUMNS],
    ("value", pa.float64()),
    *[(column, TEXT_TYPE) for column in ("qualifier", "remarks", "sheet")],
    ("row", pa.int64()),
])
assert SCHEMA.names == FACT_COLUMNS


def facts_table(frame: pd.DataFrame) -> pa.Table:
    """Canonical facts (FACT_COLUMNS) as an Arrow table; each distinct text is converted once.

    Raises ValueError when a fact has no period or a value or row is not a number.
    """
    arrays = []
    for field in SCHEMA:
        values = frame[field.name]
        if field.name in DATE_COLUMNS:
            stamps = pd.to_datetime(values).astype("datetime64[ns]")
            if stamps.isna().any():
                raise ValueError(f"{field.name} missing")
            arrays.append(pa.array(stamps.to_numpy(), type=field.type))
        elif field.type == TEXT_TYPE:
            arrays.append(_dictionary(values))
        else:
            arrays.append(pa.array(values.to_numpy(), type=field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def _dictionary(values: pd.Series) -> pa.DictionaryArray:
    """A text column as codes into its distinct values ('' stays '', a missing value stays null)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    texts = pa.array([str(value) for value in uniques], type=pa.string())
    indices = pa.array(codes.astype(np.int32), mask=codes < 0, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, texts)


def encode(table: pa.Table) -> bytes:
    """The Parquet bytes of a facts table (zstd: ~2.5 bytes a fact)."""
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


THREADED_BYTES = 1 << 20  # payloads this big are decoded on every core; below, threads cost more than they give


def decode(payload: bytes, columns: Sequence[str] | None = None) -> pa.Table:
    """A stored payload back as a facts table (or just `columns` of it), in SCHEMA's types (~0.5 ms a small one)."""
    table = pq.ParquetFile(pa.BufferReader(payload)).read(
        columns=list(columns) if columns else None, use_threads=len(payload) >= THREADED_BYTES)
    wanted = pa.schema([SCHEMA.field(name) for name in table.column_names])
    return table if table.schema.equals(wanted) else table.cast(wanted)


def of_cities(table: pa.Table, cities: Sequence[str]) -> pa.Table:
    """The rows of a facts table whose city is one of `cities` (compared as text)."""
    city = table["city"].combine_chunks() if table.num_rows else pa.array([], type=pa.string())
    if pa.types.is_dictionary(city.type):
        chosen = pc.is_in(city.dictionary, value_set=pa.array(list(cities), type=pa.string()))
        keep = pc.take(chosen, city.indices)  # per row, whether its code's text is chosen
    else:
        keep = pc.is_in(city, value_set=pa.array(list(cities), type=pa.string()))
    return table.filter(pc.fill_null(keep, False))


def stack(tables: Sequence[pa.Table], upload_ids: Sequence[int]) -> pd.DataFrame:
    """Facts tables of uploads, in the order given, as one frame with an upload_id column.

    Text columns come back as categories (their distinct values unified), periods as datetime64[ns],
    row as int64 (float where a row is missing).
    """
    names = tables[0].column_names if tables else FACT_COLUMNS
    if not tables:
        frame = SCHEMA.empty_table().select(names).to_pandas()
        frame["upload_id"] = pd.Series(dtype=np.int64)
        return _with_types(frame)
    frame = pa.concat_tables(tables).to_pandas()
    frame["upload_id"] = np.repeat(np.asarray(upload_ids, dtype=np.int64), [t.num_rows for t in tables])
    return _with_types(frame)


def _with_types(frame: pd.DataFrame) -> pd.DataFrame:
    for column in DATE_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype("datetime64[ns]")
    for column in TEXT_COLUMNS:
        if column in frame and frame[column].cat.categories.dtype != "str":
            frame[column] = frame[column].cat.set_categories(frame[column].cat.categories.astype("str"))
    return frame


def winners(frame: pd.DataFrame) -> np.ndarray:
    """Per fact (rows in upload order, then file order), whether it is its key's newest version (keys.key_codes)."""
    return ~pd.Series(key_codes(frame)).duplicated(keep="last").to_numpy()


def match_keys(current: pd.DataFrame, incoming: pd.DataFrame) -> np.ndarray:
    """Per incoming fact, the position in `current` (at most one fact per key) of the fact with its key, or -1."""
    if current.empty or incoming.empty:
        return np.full(len(incoming), -1, dtype=np.int64)
    codes = key_codes(current, incoming)
    return pd.Index(codes[:len(current)]).get_indexer(codes[len(current):])
