"""Summaries of the figures in effect kept per data version (#13), as methods of Store (SummariesMixin).

The monthly cube (analytics.monthly_cube) of a decade of a province takes seconds to make from 1,140,000 facts; every
app server needs the same one, and a server started again on unchanged figures needs the one it had. The first
process to make it for a data version keeps it here (Parquet, like the facts); the others, and the next start, read
it in milliseconds. A summary is kept only when the data version read after the figures is the one read before them
(nothing was written in between, so the summary is exactly that version's), and never over a newer one.
"""
from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import delete, insert, select, update

from store.schema import SUMMARY_NAME_MAX, meta, summaries

SUMMARY_FORMAT = "parquet-1"
NOTES = b"kpi_notes"  # the Parquet schema metadata key of the notes


def encode_frame(frame: pd.DataFrame, notes: dict[str, str] | None = None) -> bytes:
    """A frame (and short notes) as Parquet bytes (zstd); categories, their order and nanosecond datetimes come back
    as they went."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if notes:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), NOTES: json.dumps(notes).encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def decode_frame(data: bytes) -> tuple[pd.DataFrame, dict[str, str]]:
    """encode_frame's frame and notes."""
    table = pq.read_table(io.BytesIO(data))
    notes = json.loads((table.schema.metadata or {}).get(NOTES, b"{}"))
    frame = table.to_pandas()
    for column in frame.columns:  # Parquet may give microseconds back; the facts' datetimes are nanoseconds
        if pd.api.types.is_datetime64_dtype(frame[column]) and frame[column].dtype != "datetime64[ns]":
            frame[column] = frame[column].astype("datetime64[ns]")
    return frame, notes


class SummariesMixin:
    """Per-version summaries: read one, keep one; mixed into store.core.Store."""

    def summary(self, name: str, version: int) -> bytes | None:
        """The bytes kept as `name` for data version `version`, or None (none kept, or one of another version)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(summaries.c.payload, summaries.c.format).where(
                (summaries.c.name == name) & (summaries.c.data_version == version))).first()
        return bytes(row.payload) if row is not None and row.format == SUMMARY_FORMAT else None

    def keep_summary(self, name: str, version: int, payload: bytes) -> bool:
        """Keep `payload` as `name` of data version `version` if that is still the store's version and no newer one
        is kept; returns whether it was kept. Two servers keeping the same one at once: one row stays."""
        if len(name) > SUMMARY_NAME_MAX:
            raise ValueError(name)
        try:
            with self.engine.begin() as conn:
                if self._locked_version(conn) != version:  # written to since: this summary is already stale
                    return False
                kept = conn.execute(select(summaries.c.data_version).where(summaries.c.name == name)).scalar()
                if kept is not None and kept >= version:
                    return kept == version
                conn.execute(delete(summaries).where(summaries.c.name == name))
                conn.execute(insert(summaries).values(name=name, data_version=version, format=SUMMARY_FORMAT,
                                                      payload=payload, made_at=datetime.now(timezone.utc)))
            return True
        except Exception:  # noqa: BLE001 (a summary not kept is made again by the next process: never an error)
            return False

    @staticmethod
    def _locked_version(conn) -> int:
        """The data version, with the store's write lock held to the end of the transaction (an update that changes
        nothing: the row lock on PostgreSQL, the write lock on SQLite), so no write can commit before the summary."""
        conn.execute(update(meta).where(meta.c.id == 1).values(data_version=meta.c.data_version))
        return conn.execute(select(meta.c.data_version).where(meta.c.id == 1)).scalar_one()
