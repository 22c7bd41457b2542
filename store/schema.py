"""Tables of the store: uploads (with the original bytes), facts (never deleted), meta."""
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

facts = Table(
    "facts", METADATA,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False, index=True),
    # fact_key joins the key columns with '|': one index to find every version of a figure
    Column("fact_key", String(400), nullable=False, index=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("city", String(50), nullable=False, default=""),
    Column("county", String(50), nullable=False, default=""),
    Column("unit", String(200), nullable=False, default=""),
    Column("campaign", String(50), nullable=False),
    Column("metric", String(50), nullable=False),
    Column("value", Float, nullable=False),
    Column("qualifier", String(10), nullable=False, default=""),
    Column("remarks", Text, nullable=False, default=""),
    Column("sheet", String(255), nullable=False, default=""),
    Column("row", Integer, nullable=True),
    Column("active", Boolean, nullable=False, default=False),
    Column("superseded_by", Integer, nullable=True),  # the upload whose figure replaced this one
    Index("ix_facts_active_period", "active", "period_end"),
)

meta = Table(
    "meta", METADATA,
    Column("id", Integer, primary_key=True),
    Column("data_version", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)
