"""Tables of the store: uploads (with the original bytes), their facts (never deleted), meta."""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text,
                        UniqueConstraint)

METADATA = MetaData()

UPLOAD_ACTIVE = "active"
KIND_FIGURES, KIND_TARGETS = "figures", "targets"  # what an upload holds (loaders.problems FIGURES, TARGETS)
UPLOAD_UNDONE = "undone"
# An upload's review (#12): pending until a reviewer approves it or returns it; a returned upload's figures leave the
# totals (like an undo) until the unit uploads again. With KPI_REQUIRE_APPROVAL=1 only approved figures count.
REVIEW_PENDING, REVIEW_APPROVED, REVIEW_RETURNED = "pending", "approved", "returned"

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
    # pending, approved or returned: the latest decision of the reviews table (#12); added to older stores by
    # store/legacy.py add_review_column, their uploads pending
    Column("review", String(20), nullable=False, default=REVIEW_PENDING, server_default=REVIEW_PENDING),
    # when the unit reported these figures, where that is not when they were stored: records carried over from an
    # earlier system (an admin's `import --submitted-on`; the demo: its workbook's 填报日期). NULL = uploaded_at.
    Column("submitted_at", DateTime(timezone=True), nullable=True),
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
# email: one address reminders (催报, reminders.py) are sent to, '' = none; added to older stores by store/legacy.py
# add_email_column.
EMAIL_MAX = 254  # the longest address SMTP carries (RFC 5321 path limit)
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
    Column("email", String(EMAIL_MAX), nullable=False, default="", server_default=""),
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


# ---- the reporting cycle (#12) ------------------------------------------------------------------------------
# Reviews: every decision on an upload, append-only (uploads.review holds the latest). decision: approved or
# returned; a return carries the reviewer's reason, shown to the unit on its upload page and in its history.
REASON_MAX = 500
reviews = Table(
    "reviews", METADATA,
    Column("id", Integer, primary_key=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False, index=True),
    Column("decision", String(20), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("actor", String(UPLOADER_MAX), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Reporting tasks (填报任务): which units must report which campaigns (and metrics) for which period by which
# deadline (a day in Asia/Shanghai: the units have until its end). units: cities, counties, all, or adcodes
# joined by commas. A recurring task (recurring = monthly) is a rule: it makes one task per month (parent_id = the
# rule, one per rule and month), each editable and closable on its own; a month's deadline is as many months after
# it, on the same day (a month's last day: the last day), as the rule's deadline is after the rule's month
# (store/cycle.py rule_deadline). deadline_days: the rule's deadline as days after its month's last day, kept for
# reading only (7 = the 7th of the next month).
TASK_TITLE_MAX = 100
tasks = Table(
    "report_tasks", METADATA,
    Column("id", Integer, primary_key=True),
    Column("title", String(TASK_TITLE_MAX), nullable=False, default=""),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("campaigns", Text, nullable=False),  # JSON list of campaign codes
    Column("metrics", Text, nullable=False, default="[]"),  # JSON list of metric codes; [] = any metric
    Column("units", Text, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("recurring", String(20), nullable=False, default=""),  # '' or monthly
    Column("deadline_days", Integer, nullable=True),
    Column("parent_id", Integer, ForeignKey("report_tasks.id"), nullable=True),
    Column("scope", String(12), nullable=False, default=""),  # the defining account's unit ('' = the province)
    Column("status", String(20), nullable=False, default="open"),  # open or closed
    Column("created_by", String(UPLOADER_MAX), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("parent_id", "period_start", name="uq_task_rule_month"),
)

# Reminders sent (催报): one row per unit reminded, by e-mail or as a copied message.
reminders = Table(
    "reminders", METADATA,
    Column("id", Integer, primary_key=True),
    Column("task_id", Integer, ForeignKey("report_tasks.id"), nullable=False, index=True),
    Column("unit", String(12), nullable=False),
    Column("channel", String(20), nullable=False),  # email or message
    Column("recipients", Text, nullable=False, default=""),
    Column("actor", String(UPLOADER_MAX), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(20), nullable=False, default="ok"),
)

# Summaries of the figures in effect (#13): a product of every figure, costly to make (the monthly cube of a decade
# of a province takes seconds), the same for every server, so made once per data version and kept here for the
# others and for the next start. One row per kind, its data version with it; written only when no write came
# between the reading of the figures and the version (store/summaries.py). Created by create_all on older stores.
SUMMARY_NAME_MAX = 40

summaries = Table(
    "summaries", METADATA,
    Column("name", String(SUMMARY_NAME_MAX), primary_key=True),
    Column("data_version", Integer, nullable=False),
    Column("format", String(20), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("made_at", DateTime(timezone=True), nullable=False),
)
