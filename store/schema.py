"""Tables of the store: uploads (with the original bytes), their facts (never deleted), meta."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

METADATA = MetaData()

UPLOAD_ACTIVE = "active"
KIND_FIGURES, KIND_TARGETS = "figures", "targets"  # what an upload holds (loaders.problems FIGURES, TARGETS)
UPLOAD_UNDONE = "undone"

# Longest texts the uploads table keeps, in characters: the column lengths below, and the limits
# Store.import_result checks on every database before writing (PostgreSQL refuses a longer text, SQLite keeps it).
# Sheet, unit and remarks texts live in the facts' Parquet payload (store/payload.py) and have no length limit.
# the longest file name Windows (255 UTF-16 units), macOS and Linux (255 bytes) allow: no real file is refused
FILE_NAME_MAX = 255
UPLOADER_MAX = 100  # a person's name or an account name, with room to spare
SOURCE_MAX = 20  # upload, demo or cli: set by the code, never typed
TEXT_LIMITS = {"file_name": FILE_NAME_MAX, "uploader": UPLOADER_MAX, "source": SOURCE_MAX}

COUNT_COLUMNS = ("facts_new", "facts_changed", "facts_unchanged", "left_out")  # added after the first release

uploads = Table(
    "uploads", METADATA,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(FILE_NAME_MAX), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("uploader", String(UPLOADER_MAX), nullable=False, default=""),
    Column("source", String(SOURCE_MAX), nullable=False, default="upload"),  # upload, demo, cli
    Column("status", String(20), nullable=False, default=UPLOAD_ACTIVE),
    Column("sheets", Text, nullable=False, default=""),  # JSON list of sheet reports
    Column("facts_added", Integer, nullable=False, default=0),  # facts stored (rows of the payload)
    Column("facts_superseded", Integer, nullable=False, default=0),  # figures in effect replaced: changed + unchanged
    Column("rows_dropped", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("changed_at", DateTime(timezone=True), nullable=True),  # last undo/redo
    # the counts of store/changes.py at the save; NULL for an upload saved before they were kept and not
    # recoverable (store/legacy.py add_count_columns)
    *[Column(name, Integer, nullable=True) for name in COUNT_COLUMNS],
    # figures, or targets (目标, loaders.problems.TARGETS): read apart (Store.active_facts / active_targets); added to
    # older stores by store/legacy.py add_kind_column, their uploads all figures
    Column("kind", String(20), nullable=False, default=KIND_FIGURES, server_default=KIND_FIGURES),
)

# An upload's facts: one columnar payload (store/payload.py) per upload, never changed or deleted.
# Which figure is in effect is derived: per key, the newest version among the uploads in effect.
fact_sets = Table(
    "fact_sets", METADATA,
    Column("upload_id", Integer, ForeignKey("uploads.id"), primary_key=True, autoincrement=False),
    Column("format", String(20), nullable=False),
    Column("facts", Integer, nullable=False),
    # the range of the facts' period_end: uploads outside a period are not read for it
    Column("period_end_min", Date, nullable=True),
    Column("period_end_max", Date, nullable=True),
    Column("payload", LargeBinary, nullable=False),
)

meta = Table(
    "meta", METADATA,
    Column("id", Integer, primary_key=True),
    Column("data_version", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=True),
)

# Column aliases (#9, item 5): a header the catalog does not know, read as a metric (or left out) in every later
# file. Keyed by the header's normalised form (loaders.mapping.header_key), so 宣贯高压客户（户） and
# 宣贯高压客户(户) are one alias. Created by create_all on every store, old ones too (it adds missing tables).
HEADER_MAX = 200  # a header names nothing past 100 characters (loaders/headers.py MAX_HEADER_CHARS): room to spare
TARGET_MAX = 64  # a metric code or "ignore"

column_aliases = Table(
    "column_aliases", METADATA,
    Column("id", Integer, primary_key=True),
    Column("header_key", String(HEADER_MAX), nullable=False, unique=True),
    Column("header", String(HEADER_MAX), nullable=False),  # as first written
    Column("target", String(TARGET_MAX), nullable=False),  # metric code or "ignore"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(UPLOADER_MAX), nullable=False, default=""),
    Column("source", String(SOURCE_MAX), nullable=False, default="upload"),  # upload or cli
)


# ---- accounts and audit (#10) ------------------------------------------------------------------------------
# Accounts: the name is what uploads record as their uploader; the unit is an adcode ('' = the province).
# The password is kept only as its Argon2id hash. locked_until is set by too many failed logins in a row.
users = Table(
    "users", METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String(UPLOADER_MAX), nullable=False, unique=True),
    Column("display_name", String(UPLOADER_MAX), nullable=False, default=""),
    Column("role", String(20), nullable=False),
    Column("unit", String(12), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=True),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

# The audit log: append-only (the code never updates or deletes a row). Every login, logout, upload, save,
# undo, redo, download of an original file and change of a user, alias or the demo: who, what, on what, how it went.
AUDIT_TARGET_MAX = 300
audit_log = Table(
    "audit_log", METADATA,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(UPLOADER_MAX), nullable=False, default=""),
    Column("action", String(40), nullable=False, index=True),
    Column("target", String(AUDIT_TARGET_MAX), nullable=False, default=""),
    Column("outcome", String(20), nullable=False, default="ok"),  # ok, refused, failed
    Column("client", String(100), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)

# One-time set-up links for the first admin: only the token's SHA-256 is kept; used_at ends it.
setup_tokens = Table(
    "setup_tokens", METADATA,
    Column("id", Integer, primary_key=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Column("used_by", String(UPLOADER_MAX), nullable=True),
)

# Login sessions (the signed cookie holds the session's random id; only its SHA-256 is kept here), so that a
# login survives a restart and is seen by every app server on the same database; idle ones expire.
sessions = Table(
    "sessions", METADATA,
    Column("id", Integer, primary_key=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("user_name", String(UPLOADER_MAX), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("client", String(100), nullable=False, default=""),
)
