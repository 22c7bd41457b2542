"""Tables of the store: uploads (with the original bytes), dims, facts (never deleted), meta."""
from __future__ import annotations

from sqlalchemy import (
    Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
    MetaData, String, Table, Text,
)

METADATA = MetaData()

UPLOAD_ACTIVE = "active"
UPLOAD_UNDONE = "undone"

uploads = Table(
    "uploads", METADATA,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(255), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("uploader", String(100), nullable=False, default=""),
    Column("source", String(20), nullable=False, default="upload"),  # upload, demo, cli
    Column("status", String(20), nullable=False, default=UPLOAD_ACTIVE),
    Column("sheets", Text, nullable=False, default=""),  # JSON list of sheet reports
    Column("facts_added", Integer, nullable=False, default=0),
    Column("facts_superseded", Integer, nullable=False, default=0),
    Column("rows_dropped", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("changed_at", DateTime(timezone=True), nullable=True),  # last undo/redo
)

# The dimensions of a figure without its metric, stored once: a 100,000-row file with 8 metrics per row
# brings 100,000 dims and 800,000 facts. A fact's key is exactly (dim_id, metric).
dims = Table(
    "dims", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=False),  # assigned by the writer holding the lock
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("city", String(50), nullable=False, default=""),
    Column("county", String(50), nullable=False, default=""),
    Column("unit", String(200), nullable=False, default=""),
    Column("campaign", String(50), nullable=False),
    Index("ux_dims_key", "period_end", "period_start", "city", "county", "unit", "campaign", unique=True),
)
DIM_COLUMNS = ["period_start", "period_end", "city", "county", "unit", "campaign"]

facts = Table(
    "facts", METADATA,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False, index=True),
    # a dims.id (dims are never deleted); not declared a foreign key: checking it costs ~25% of a bulk insert
    Column("dim_id", Integer, nullable=False),
    Column("metric", String(50), nullable=False),
    Column("value", Float, nullable=False),
    Column("qualifier", String(10), nullable=False, default=""),
    Column("remarks", Text, nullable=False, default=""),
    Column("sheet", String(255), nullable=False, default=""),
    Column("row", Integer, nullable=True),
    Column("active", Boolean, nullable=False, default=False),
    Column("superseded_by", Integer, nullable=True),  # the upload whose figure replaced this one
    # every version of a figure: (dim_id, metric) is its key
    Index("ix_facts_key", "dim_id", "metric"),
)

meta = Table(
    "meta", METADATA,
    Column("id", Integer, primary_key=True),
    Column("data_version", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)
