"""Stores written by earlier versions, carried over when a store is opened; nothing old is deleted.

- Before fact sets kept one row per fact (tables dims and facts): each upload without a fact set gets one
  built from its rows, in the rows' order, in one transaction; the old tables stay as they are.
- Before uploads kept the counts of store/changes.py (facts_new, facts_changed, facts_unchanged, left_out):
  the columns are added; an old upload that replaced no figure in effect (facts_superseded 0) brought only new
  figures, so its counts are known exactly and filled in; the others keep NULL (shown as "—"), since which
  figures were in effect at their save can no longer be told. left_out becomes the rows it left out.
- Columns added later (uploads.kind, review, submitted_at; users.email): added with their default (add_column).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import (Column, Date, Engine, Float, Integer, MetaData, String, Table, Text, inspect, insert, select,
                        text, update)
from sqlalchemy.exc import DBAPIError

from model import FACT_COLUMNS, KEY_COLUMNS
from store import payload
from store.schema import COUNT_COLUMNS, EMAIL_MAX, KIND_FIGURES, REVIEW_PENDING, fact_sets, meta, uploads

LEGACY = MetaData()
legacy_dims = Table(
    "dims", LEGACY,
    Column("id", Integer, primary_key=True),
    Column("period_start", Date), Column("period_end", Date),
    Column("city", String), Column("county", String), Column("unit", String), Column("campaign", String),
)
legacy_facts = Table(
    "facts", LEGACY,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer), Column("dim_id", Integer), Column("metric", String),
    Column("value", Float), Column("qualifier", String),
    Column("remarks", Text), Column("sheet", String), Column("row", Integer),
)


def migrate_row_facts(engine: Engine) -> int:
    """Build the fact set of every upload that has rows in the old facts table and no fact set; returns how many.

    The data version is bumped first, which takes the write lock: two processes opening the same old
    store at once carry it over once.
    """
    if "facts" not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as conn:
        if not _pending(conn):
            return 0
    with engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.id == 1).values(data_version=meta.c.data_version + 1))
        pending = _pending(conn)
        for upload_id in pending:
            rows = conn.execute(
                select(legacy_dims.c.period_start, legacy_dims.c.period_end, legacy_dims.c.city,
                       legacy_dims.c.county, legacy_dims.c.unit, legacy_dims.c.campaign, legacy_facts.c.metric,
                       legacy_facts.c.value, legacy_facts.c.qualifier, legacy_facts.c.remarks,
                       legacy_facts.c.sheet, legacy_facts.c.row)
                .select_from(legacy_facts.join(legacy_dims, legacy_dims.c.id == legacy_facts.c.dim_id))
                .where(legacy_facts.c.upload_id == upload_id).order_by(legacy_facts.c.id)
            ).all()
            frame = pd.DataFrame(rows, columns=FACT_COLUMNS)
            frame["value"] = frame["value"].astype(float)
            table = payload.facts_table(frame)
            ends = frame["period_end"]
            conn.execute(insert(fact_sets).values(
                upload_id=upload_id, format=payload.PAYLOAD_FORMAT, facts=len(frame),
                period_end_min=pd.Timestamp(ends.min()).date() if len(frame) else None,
                period_end_max=pd.Timestamp(ends.max()).date() if len(frame) else None,
                payload=payload.encode(table),
            ))
    return len(pending)


def _pending(conn) -> list[int]:
    """The uploads without a fact set."""
    return conn.execute(
        select(uploads.c.id).where(uploads.c.id.not_in(select(fact_sets.c.upload_id))).order_by(uploads.c.id)
    ).scalars().all()


def add_count_columns(engine: Engine) -> int:
    """Add the count columns to an older uploads table and fill what is known; returns how many uploads were filled.

    Two processes opening the same old store at once: the second ALTER fails, the columns are there all the
    same; the filling bumps the data version first (the write lock) and fills only rows still empty.
    """
    present = {column["name"] for column in inspect(engine).get_columns("uploads")}
    for name in COUNT_COLUMNS:
        if name not in present:
            try:
                with engine.begin() as conn:
                    conn.execute(text(f"ALTER TABLE uploads ADD COLUMN {name} INTEGER"))
            except DBAPIError:
                if name not in {column["name"] for column in inspect(engine).get_columns("uploads")}:
                    raise
    pending = (uploads.c.facts_new.is_(None) & (uploads.c.facts_superseded == 0)) | uploads.c.left_out.is_(None)
    with engine.connect() as conn:
        if conn.execute(select(uploads.c.id).where(pending).limit(1)).first() is None:
            return 0
    with engine.begin() as conn:
        conn.execute(update(meta).where(meta.c.id == 1).values(data_version=meta.c.data_version + 1))
        conn.execute(update(uploads).where(uploads.c.left_out.is_(None)).values(left_out=uploads.c.rows_dropped))
        filled = 0
        for row in conn.execute(
            select(fact_sets.c.upload_id, fact_sets.c.payload).join(uploads, uploads.c.id == fact_sets.c.upload_id)
            .where(uploads.c.facts_new.is_(None) & (uploads.c.facts_superseded == 0))
        ).all():
            keys = payload.stack([payload.decode(bytes(row.payload), KEY_COLUMNS)], [row.upload_id])
            new = len(np.unique(payload.key_codes(keys))) if len(keys) else 0
            conn.execute(update(uploads).where(uploads.c.id == row.upload_id)
                         .values(facts_new=new, facts_changed=0, facts_unchanged=0))
            filled += 1
    return filled


def add_kind_column(engine: Engine) -> bool:
    """Add the kind column (figures or targets) to an older uploads table, every upload in it figures; True if added."""
    return add_column(engine, "uploads", "kind", f"VARCHAR(20) NOT NULL DEFAULT '{KIND_FIGURES}'")


def add_review_column(engine: Engine) -> bool:
    """Add the review column (#12) to an older uploads table, every upload in it pending; True if added."""
    return add_column(engine, "uploads", "review", f"VARCHAR(20) NOT NULL DEFAULT '{REVIEW_PENDING}'")


def add_submitted_column(engine: Engine) -> bool:
    """Add the submitted_at column (#12) to an older uploads table, NULL (= uploaded_at) for every upload."""
    return add_column(engine, "uploads", "submitted_at", "TIMESTAMP WITH TIME ZONE NULL" if engine.dialect.name ==
                      "postgresql" else "TIMESTAMP NULL")


def add_email_column(engine: Engine) -> bool:
    """Add the email column (reminders) to an older users table, no account in it with an address; True if added."""
    return add_column(engine, "users", "email", f"VARCHAR({EMAIL_MAX}) NOT NULL DEFAULT ''")


def add_column(engine: Engine, table: str, name: str, ddl: str) -> bool:
    """ALTER TABLE table ADD COLUMN name ddl, unless it is there; True if added.

    Two processes opening the same old store at once: the second ALTER fails, and the column is there all the same.
    """
    def present() -> bool:
        return name in {column["name"] for column in inspect(engine).get_columns(table)}

    if present():
        return False
    try:
        with engine.begin() as conn:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))
    except DBAPIError:
        if not present():
            raise
        return False
    return True
