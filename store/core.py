"""The store: persist parsed uploads in one transaction, supersede, undo, redo, read back.

Every upload keeps its original bytes and its facts (one columnar payload, store/payload.py). Which figure
is in effect is not stored per fact but derived, the same way on every read: per key, the newest version
among the uploads in effect (a later upload beats an earlier one; within a file, the last row). So undo
and redo change one status, and nothing is ever rewritten or deleted.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, create_engine, delete, event, false, func, insert, select, update
from sqlalchemy.exc import DBAPIError

from catalog import Catalog, load_catalog
from i18n import both
from loaders.mapping import IGNORE, header_key, known_header
from loaders.problems import ParseResult
from model import KEY_COLUMNS
from settings import get_settings
from store import payload
from store.accounts import SYSTEM, Actor, out_of_scope, scope_message
from store.errors import StoreError, StoreFailed
from store.errors import database_failure as _database_failure
from store.changes import ChangeCounts, classify_changes, left_out_count
from store.legacy import (add_count_columns, add_email_column, add_kind_column, add_review_column,
                          add_submitted_column, migrate_row_facts)
from store.cycle import CycleMixin
from store.reminding import RemindersMixin
from store.summaries import SummariesMixin
from store.users import AccountsMixin, refuse
from store.schema import (HEADER_MAX, KIND_FIGURES, KIND_TARGETS, METADATA, REVIEW_APPROVED, REVIEW_RETURNED, TEXT_LIMITS,
                          UPLOAD_ACTIVE, UPLOAD_UNDONE, column_aliases, fact_sets, meta, uploads)

UPLOAD_COLUMNS = [
    "id", "file_name", "sha256", "size", "uploaded_at", "uploader", "source", "status",
    "facts_added", "facts_superseded", "rows_dropped", "warnings", "changed_at",
    "facts_new", "facts_changed", "facts_unchanged", "left_out",  # store/changes.py; NULL where not known
    "kind",  # figures or targets
    "review",  # pending, approved or returned (#12)
    "submitted_at",  # when the unit reported, for records carried over; NULL = uploaded_at
]




def check_upload_texts(**texts: str) -> None:
    """Raises StoreError when a text (file_name=…, uploader=…, source=…) does not fit its column.

    Checked before anything is written, the same on every database: PostgreSQL refuses a text longer than its
    column or holding a NUL character, which SQLite would keep.
    """
    for field, text in texts.items():
        limit = TEXT_LIMITS[field]
        name = both(f"store.field_{field}")  # the columns of store/schema.py TEXT_LIMITS, as messages name them
        if len(text) > limit:
            raise StoreError.of("store.text_too_long", field=name, length=len(text), limit=limit)
        if "\x00" in text:
            raise StoreError.of("store.text_nul", field=name)


@dataclass(frozen=True)
class ImportOutcome:
    """What a save did: the counts of store/changes.py, taken against the figures in effect at the save."""

    upload_id: int
    file_name: str
    added: int  # facts stored (every row of the file, a key it repeats included)
    superseded: int  # figures in effect this upload replaced: changed + unchanged
    counts: ChangeCounts

    @property
    def new(self) -> int:
        return self.counts.new

    @property
    def changed(self) -> int:
        return self.counts.changed

    @property
    def unchanged(self) -> int:
        return self.counts.unchanged

    @property
    def left_out(self) -> int:
        return self.counts.left_out


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    """An engine for `url`; an SQLite file's folder is created, WAL mode lets readers run beside a writer."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


READ_BATCH = 500  # fact sets fetched per query
SCHEMA_ATTEMPTS = 10  # each failed attempt means another process created a table or the meta row meanwhile


class Store(AccountsMixin, CycleMixin, RemindersMixin, SummariesMixin):
    """All reads and writes of uploads, facts and column aliases; every change of figures bumps the data version."""

    def __init__(self, url: str | None = None):
        self.url = url or get_settings().database_url
        self.engine = create_store_engine(self.url)
        self._decoded: dict[int, pa.Table] = {}  # fact sets never change: each is decoded once per process
        self.writes = 0  # data version bumps made through this object (cached.data_version re-reads after one)
        for attempt in range(SCHEMA_ATTEMPTS):
            try:
                self._create_schema()
                break
            except DBAPIError:  # another process is creating the same tables or row at this moment
                if attempt == SCHEMA_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        add_kind_column(self.engine)  # first: the steps below read the uploads table as this version has it
        add_review_column(self.engine)
        add_submitted_column(self.engine)
        add_email_column(self.engine)
        migrate_row_facts(self.engine)
        add_count_columns(self.engine)

    def _create_schema(self) -> None:
        METADATA.create_all(self.engine)
        with self.engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(meta)).scalar_one() == 0:
                conn.execute(insert(meta).values(id=1, data_version=0, updated_at=None))

    # ---- reads -------------------------------------------------------------
    def data_version(self) -> int:
        """A number that changes whenever any stored figure changes (caches key on it)."""
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.data_version).where(meta.c.id == 1)).scalar_one()

    def latest_upload_time(self) -> datetime | None:
        """When the newest upload still in effect was stored (for 'data as of')."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.max(uploads.c.uploaded_at)).where(counted(KIND_FIGURES))
            ).scalar_one()
        return _as_utc(value)

    def upload_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(uploads)).scalar_one()

    def active_facts(self, period_end_from: date | None = None, period_end_to: date | None = None,
                     cities: Sequence[str] | None = None) -> pd.DataFrame:
        """Every figure in effect: one per key, from the newest upload in effect that reported it.

        Columns FACT_COLUMNS and upload_id, in upload order then file order; text columns are categories.
        With period_end_from/to, only the figures whose period ends in that range (read from fewer uploads).
        With `cities`, only those cities' figures (taken from each upload's table before it becomes a frame: one
        city of a decade of a province without the other twelve).
        Figures only: targets (uploads of kind 'targets') are read by active_targets.
        """
        return self._active(KIND_FIGURES, period_end_from, period_end_to, cities)

    def active_targets(self, period_end_from: date | None = None, period_end_to: date | None = None) -> pd.DataFrame:
        """Every target (目标) in effect: as active_facts, value = the target, from the uploads of kind 'targets'."""
        return self._active(KIND_TARGETS, period_end_from, period_end_to)

    def _active(self, kind: str, period_end_from: date | None, period_end_to: date | None,
                cities: Sequence[str] | None = None) -> pd.DataFrame:
        with self.engine.connect() as conn:
            frame = self._read_facts(conn, _in_effect(period_end_from, period_end_to, kind), cities=cities)
        frame = frame[payload.winners(frame)]
        if period_end_from is not None or period_end_to is not None:
            ends = frame["period_end"]
            frame = frame[ends.between(pd.Timestamp(period_end_from or date.min), pd.Timestamp(period_end_to or date.max))]
        return frame.reset_index(drop=True)

    def upload_facts(self, upload_id: int) -> pd.DataFrame:
        """Every fact an upload brought, in effect or not: FACT_COLUMNS, upload_id, active, superseded_by, reconfirmed.

        superseded_by is the upload whose figure is in effect instead (this one, for a key the file reports
        twice); an undone upload's facts are all inactive and superseded by none. reconfirmed: that later
        upload's figure has the same value and qualifier (it re-confirmed this one, store/changes.py
        "unchanged"), so this figure was not corrected.
        """
        with self.engine.connect() as conn:
            found = conn.execute(select(uploads.c.kind, counted().label("counts"))
                                 .where(uploads.c.id == upload_id)).first()
            if found is None:
                raise StoreError.of("store.no_upload", upload_id=upload_id)
            kind, counts = found
            low, high = conn.execute(select(fact_sets.c.period_end_min, fact_sets.c.period_end_max)
                                     .where(fact_sets.c.upload_id == upload_id)).one()
            # only this upload and later ones in effect, for the same periods, can hold a newer version of its keys
            later = (fact_sets.c.upload_id > upload_id) & (_in_effect(low, high, kind) if low else false())
            frame = self._read_facts(conn, (fact_sets.c.upload_id == upload_id) | later)
        mine = (frame["upload_id"] == upload_id).to_numpy()
        winner = payload.winners(frame)
        newest = pd.DataFrame({"upload_id": frame["upload_id"].to_numpy(), "value": frame["value"].to_numpy(),
                               "qualifier": frame["qualifier"].cat.codes.to_numpy()}
                              ).groupby(payload.key_codes(frame)).transform("last")
        marks = frame[mine].reset_index(drop=True)
        in_effect = bool(counts)
        marks["active"] = winner[mine] & in_effect
        marks["superseded_by"] = pd.array(
            np.where(marks["active"] | (not in_effect), None, newest["upload_id"].to_numpy()[mine]), dtype="Int64")
        same = ((newest["value"].to_numpy() == frame["value"].to_numpy())
                & (newest["qualifier"].to_numpy() == frame["qualifier"].cat.codes.to_numpy()))[mine]
        marks["reconfirmed"] = (marks["superseded_by"].fillna(upload_id).to_numpy() != upload_id) & same
        return marks

    def uploads(self) -> pd.DataFrame:
        """The upload history, newest first (without the file bytes)."""
        query = select(*[uploads.c[name] for name in UPLOAD_COLUMNS]).order_by(uploads.c.id.desc())
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        for column in ("uploaded_at", "changed_at", "submitted_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame

    def upload_content(self, upload_id: int, actor: Actor = SYSTEM, client: str = "") -> tuple[str, bytes]:
        """The original file name and bytes of an upload (audited); raises StoreError if there is no such
        upload or the actor may not download it (its own uploads; any within scope for a reviewer; all: admin)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(uploads.c.file_name, uploads.c.content, uploads.c.uploader).where(uploads.c.id == upload_id)
            ).first()
            if row is None:
                raise StoreError.of("store.no_upload", upload_id=upload_id)
            allowed = self._may_act_on(conn, actor, upload_id, row.uploader, "download")
        if not allowed:
            self.record(actor, "download", f"#{upload_id}", "refused", client)
            raise refuse(actor, "store.act_download", upload_id=upload_id)
        if actor is not SYSTEM:
            self.record(actor, "download", f"#{upload_id} {row.file_name}", client=client)
        return row.file_name, bytes(row.content)

    def may_act_on(self, actor: Actor, upload_id: int, permission: str = "undo") -> bool:
        """Whether the actor may undo/redo ("undo") or download ("download") that upload (for the pages)."""
        with self.engine.connect() as conn:
            uploader = conn.execute(select(uploads.c.uploader).where(uploads.c.id == upload_id)).scalar()
            return uploader is not None and self._may_act_on(conn, actor, upload_id, uploader, permission)

    def upload_regions(self, upload_id: int) -> set[tuple[str, str]]:
        """The (city, county) pairs an upload's figures are for."""
        with self.engine.connect() as conn:
            return self._upload_regions(conn, upload_id)

    def _upload_regions(self, conn, upload_id: int) -> set[tuple[str, str]]:
        frame = self._read_facts(conn, fact_sets.c.upload_id == upload_id, ["city", "county"])
        pairs = frame[["city", "county"]].drop_duplicates()
        return {(str(c), str(k)) for c, k in zip(pairs["city"], pairs["county"])}

    def _may_act_on(self, conn, actor: Actor, upload_id: int, uploader: str, permission: str) -> bool:
        """Undo/redo or download rights: any upload (admin); within scope (reviewer); own uploads in scope."""
        if actor.can("any_upload"):
            return True
        if permission == "download" and not actor.can("download"):
            return False
        own = bool(actor.name) and uploader == actor.name
        if not (actor.can("undo_scope") or (own and (actor.can("undo_own") or permission == "download"))):
            return False
        from catalog import load_catalog

        catalog = load_catalog()
        return all(actor.covers(catalog, city, county) for city, county in self._upload_regions(conn, upload_id))

    def find_upload_by_sha(self, sha256: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(uploads.c.id, uploads.c.file_name, uploads.c.uploaded_at, uploads.c.status)
                .where(uploads.c.sha256 == sha256).order_by(uploads.c.id)
            ).first()
        return None if row is None else {**row._asdict(), "uploaded_at": _as_utc(row.uploaded_at)}

    # ---- writes ------------------------------------------------------------
    def import_result(
        self, result: ParseResult, content: bytes, *, uploader: str = "", source: str = "upload",
        progress: Callable[[float], None] | None = None, actor: Actor = SYSTEM, client: str = "",
        submitted_at: datetime | None = None, now: datetime | None = None,
    ) -> ImportOutcome:
        """Store a parsed file in one transaction: all its facts or none.

        progress(fraction) is called as the work goes on (the upload page shows a bar). now: the time of the save
        (default the clock; tests of deadlines set it; a naive moment is UTC).
        Raises StoreError when the result has errors, when the file name, uploader or source does not fit its
        column (check_upload_texts), or when the same bytes were stored before. submitted_at: when the unit
        reported these figures, for records carried over from an earlier system (admins only: PermissionRefused
        otherwise); the reporting cycle reads it instead of the time of the save.
        """
        if submitted_at is not None and not actor.can("any_upload"):
            self.record(actor, "upload", result.file_name, "refused", client, "submitted_at")
            raise refuse(actor, "store.act_backdate")
        if submitted_at is not None:  # SQLite keeps no offset: every time is stored as UTC
            submitted_at = (submitted_at if submitted_at.tzinfo else submitted_at.replace(tzinfo=timezone.utc)
                            ).astimezone(timezone.utc)
        report = progress or (lambda _fraction: None)
        if actor is not SYSTEM:  # a person: the upload is theirs, within their unit
            uploader = actor.name
            self._check_upload_allowed(actor, result, client)
        if not result.ok:
            raise StoreError.of("store.file_has_errors", file=result.file_name, errors=len(result.errors))
        check_upload_texts(file_name=result.file_name, uploader=uploader, source=source)
        sha = hashlib.sha256(content).hexdigest()
        try:
            table = payload.facts_table(result.facts)
        except ValueError:
            raise StoreError.of("store.no_period") from None
        blob = payload.encode(table)
        report(0.5)
        count = table.num_rows
        ends = table.column("period_end").to_numpy()
        low, high = (pd.Timestamp(ends.min()).date(), pd.Timestamp(ends.max()).date()) if count else (None, None)
        now = _as_utc(now) if now is not None else datetime.now(timezone.utc)
        failure = _database_failure("store.what_file", file=result.file_name)
        with failure, self.engine.begin() as conn:
            self._bump_version(conn, now)  # first statement writes: takes the write lock at once
            earlier = conn.execute(
                select(uploads.c.id, uploads.c.file_name, uploads.c.uploaded_at)
                .where(uploads.c.sha256 == sha).order_by(uploads.c.id)
            ).first()
            if earlier is not None:
                when = _as_utc(earlier.uploaded_at).strftime("%Y-%m-%d %H:%M UTC")
                raise StoreError.of("store.same_file", when=when, upload_id=earlier.id, file=earlier.file_name)
            # counted before this upload is in, against the figures in effect now (not those the preview saw)
            counts = ChangeCounts.of(self._changes(conn, table, low, high, result.kind), left_out_count(result.dropped, result.problems))
            report(0.7)
            upload_id = conn.execute(
                insert(uploads).values(
                    file_name=result.file_name, sha256=sha, size=len(content), content=content,
                    uploaded_at=now, uploader=uploader, source=source, status=UPLOAD_ACTIVE,
                    sheets=json.dumps([asdict(s) for s in result.sheets], ensure_ascii=False),
                    facts_added=count, facts_superseded=counts.replaced, rows_dropped=len(result.dropped),
                    warnings=len(result.warnings), facts_new=counts.new, facts_changed=counts.changed,
                    facts_unchanged=counts.unchanged, left_out=counts.left_out, kind=_kind(result.kind),
                    submitted_at=submitted_at,
                )
            ).inserted_primary_key[0]
            conn.execute(insert(fact_sets).values(
                upload_id=upload_id, format=payload.PAYLOAD_FORMAT, facts=count,
                period_end_min=low, period_end_max=high, payload=blob,
            ))
            if actor is not SYSTEM:
                self.record(actor, "upload", f"#{upload_id} {result.file_name}", client=client,
                            detail=f"new={counts.new} changed={counts.changed} unchanged={counts.unchanged}"
                            + (f" submitted_at={submitted_at.isoformat()}" if submitted_at else ""), conn=conn)
            report(0.9)
        report(1.0)
        return ImportOutcome(upload_id, result.file_name, count, counts.replaced, counts)

    def _check_upload_allowed(self, actor: Actor, result: ParseResult, client: str) -> None:
        """Raises PermissionRefused when the actor may not upload, or the file has rows outside its unit."""
        if not actor.can("upload"):
            self.record(actor, "upload", result.file_name, "refused", client)
            raise refuse(actor, "store.act_upload")
        from catalog import load_catalog

        catalog = load_catalog()
        outside = out_of_scope(actor, result.facts, catalog) if not result.facts.empty else None
        if outside is not None and not outside.empty:
            self.record(actor, "upload", result.file_name, "refused", client, f"{len(outside)} row(s) out of scope")
            raise refuse(actor, "store.act_outside_scope", **scope_message(outside, actor, catalog))

    def undo(self, upload_id: int, actor: Actor = SYSTEM, client: str = "") -> None:
        """Take an upload's figures out of every total; the figures it replaced come back."""
        self._set_status(upload_id, UPLOAD_UNDONE, actor, client)

    def redo(self, upload_id: int, actor: Actor = SYSTEM, client: str = "") -> None:
        """Put an undone upload's figures back into effect."""
        self._set_status(upload_id, UPLOAD_ACTIVE, actor, client)

    def set_statuses(self, upload_ids: list[int], status: str, actor: Actor = SYSTEM, client: str = "") -> list[int]:
        """Undo (UPLOAD_UNDONE) or redo (UPLOAD_ACTIVE) several uploads in one transaction: all or none.

        Returns the uploads whose status changed (those already in `status` are left as they are).
        """
        now = datetime.now(timezone.utc)
        with _database_failure("store.what_uploads"), self.engine.begin() as conn:
            self._bump_version(conn, now)
            rows = conn.execute(select(uploads.c.id, uploads.c.status).where(uploads.c.id.in_(upload_ids))).all()
            missing = sorted(set(upload_ids) - {row.id for row in rows})
            if missing:
                raise StoreError.of("store.no_upload", upload_id=missing[0])
            changed = sorted(row.id for row in rows if row.status != status)
            if not actor.can("any_upload"):  # several uploads at once (the demo): admins only
                raise refuse(actor, "store.act_set_statuses")
            if changed:
                conn.execute(update(uploads).where(uploads.c.id.in_(changed)).values(status=status, changed_at=now))
                if actor is not SYSTEM:
                    action = "undo" if status == UPLOAD_UNDONE else "redo"
                    self.record(actor, action, ", ".join(f"#{i}" for i in changed), client=client, conn=conn)
        return changed

    def _set_status(self, upload_id: int, status: str, actor: Actor = SYSTEM, client: str = "") -> None:
        now = datetime.now(timezone.utc)
        action = "undo" if status == UPLOAD_UNDONE else "redo"
        with self.engine.connect() as conn:  # who may: checked before the write transaction
            uploader = conn.execute(select(uploads.c.uploader).where(uploads.c.id == upload_id)).scalar()
            allowed = uploader is None or self._may_act_on(conn, actor, upload_id, uploader, "undo")
        if not allowed:
            self.record(actor, action, f"#{upload_id}", "refused", client)
            raise refuse(actor, f"store.act_{action}", upload_id=upload_id)
        with _database_failure("store.what_upload", upload_id=upload_id), self.engine.begin() as conn:
            self._bump_version(conn, now)
            current = conn.execute(select(uploads.c.status).where(uploads.c.id == upload_id)).scalar()
            if current is None:
                raise StoreError.of("store.no_upload", upload_id=upload_id)
            if current == status:
                already = "store.already_undone" if status == UPLOAD_UNDONE else "store.already_in_effect"
                raise StoreError.of(already, upload_id=upload_id)
            conn.execute(
                update(uploads).where(uploads.c.id == upload_id).values(status=status, changed_at=now)
            )
            if actor is not SYSTEM:
                self.record(actor, action, f"#{upload_id}", client=client, conn=conn)

    def _changes(self, conn, table: pa.Table, low: date | None, high: date | None,
                 kind: str = KIND_FIGURES) -> pd.DataFrame:
        """classify_changes of the new facts (`table`) against the figures (or targets) in effect in this transaction."""
        incoming = payload.stack([table.select([*KEY_COLUMNS, "value", "qualifier"])], [0])
        if not len(incoming):
            return classify_changes(incoming, incoming)
        current = self._read_facts(conn, _in_effect(low, high, _kind(kind)), [*KEY_COLUMNS, "value", "qualifier"])
        return classify_changes(current[payload.winners(current)], incoming)

    def _read_facts(self, conn, condition, columns: list[str] | None = None,
                    cities: Sequence[str] | None = None) -> pd.DataFrame:
        """The facts of the fact sets meeting `condition` (of `cities` only, if given), in upload order (payload.stack)."""
        ids = conn.execute(
            select(fact_sets.c.upload_id).where(condition).order_by(fact_sets.c.upload_id)).scalars().all()
        missing = [upload_id for upload_id in ids if upload_id not in self._decoded]
        for start in range(0, len(missing), READ_BATCH):
            for row in conn.execute(select(fact_sets.c.upload_id, fact_sets.c.payload)
                                    .where(fact_sets.c.upload_id.in_(missing[start:start + READ_BATCH]))):
                self._decoded[row.upload_id] = payload.decode(bytes(row.payload))
        tables = [self._decoded[upload_id] for upload_id in ids]
        if cities is not None:
            tables = [payload.of_cities(table, cities) for table in tables]
        return payload.stack([table.select(columns) for table in tables] if columns else tables, ids)

    def _bump_version(self, conn, now: datetime) -> None:
        self.writes += 1
        conn.execute(
            update(meta).where(meta.c.id == 1)
            .values(data_version=meta.c.data_version + 1, updated_at=now)
        )


    # ---- column aliases (#9, item 5) -----------------------------------------------------------------------------
    # A column alias changes no stored figure: it applies to files parsed after it. So adding or removing one does
    # not bump the data version (no cached figure goes stale); pages read the aliases on every run, and a parse is
    # cached per Defaults, which hold them (Defaults.columns).
    def add_alias(self, header: str, target: str, created_by: str = "", source: str = "upload", *,
                  catalog: Catalog | None = None, actor: Actor = SYSTEM, client: str = "") -> str | None:
        """Read `header` as metric `target` (a code) or "ignore" in every later file; returns the target it replaced.

        Raises StoreError for an empty or overlong header, a target that is neither a metric code nor "ignore", a
        header the catalog already reads or a total's label (loaders.mapping.known_header), or a name that does
        not fit its column.
        """
        if not actor.can("manage_aliases"):
            self.record(actor, "alias_add", header[:200], "refused", client)
            raise refuse(actor, "store.act_add_alias")
        if actor is not SYSTEM:
            created_by = actor.name
        catalog = catalog or load_catalog()
        header = header.strip()
        key = header_key(header)
        if not key:
            raise StoreError.of("store.header_empty")
        if len(header) > HEADER_MAX or len(key) > HEADER_MAX or "\x00" in header:
            raise StoreError.of("store.header_too_long", limit=HEADER_MAX)
        if target != IGNORE and target not in catalog.metrics:
            raise StoreError.of("store.not_a_metric_code", target=target, codes="、".join(catalog.metrics),
                                codes_en=", ".join(catalog.metrics))
        reason = known_header(catalog, header)
        if reason is not None:
            raise StoreError(*reason)
        check_upload_texts(uploader=created_by, source=source)
        now = datetime.now(timezone.utc)
        with _database_failure("store.what_header", header=header), self.engine.begin() as conn:
            before = conn.execute(select(column_aliases.c.target)
                                  .where(column_aliases.c.header_key == key)).scalar()
            conn.execute(delete(column_aliases).where(column_aliases.c.header_key == key))
            conn.execute(insert(column_aliases).values(header_key=key, header=header, target=target, created_at=now,
                                                       created_by=created_by, source=source))
            if actor is not SYSTEM:
                self.record(actor, "alias_add", header, client=client, detail=f"target={target}", conn=conn)
        return before

    def remove_alias(self, header: str, actor: Actor = SYSTEM, client: str = "") -> str:
        """Forget the alias of `header` (any spelling of it); returns its target. StoreError when there is none."""
        if not actor.can("manage_aliases"):
            self.record(actor, "alias_remove", header[:200], "refused", client)
            raise refuse(actor, "store.act_remove_alias")
        key = header_key(header.strip())
        with _database_failure("store.what_header", header=header), self.engine.begin() as conn:
            target = conn.execute(select(column_aliases.c.target)
                                  .where(column_aliases.c.header_key == key)).scalar()
            if target is None:
                raise StoreError.of("store.no_alias", header=header)
            conn.execute(delete(column_aliases).where(column_aliases.c.header_key == key))
            if actor is not SYSTEM:
                self.record(actor, "alias_remove", header, client=client, detail=f"target={target}", conn=conn)
        return target

    def aliases(self) -> pd.DataFrame:
        """Every column alias, by header: header, target (metric code or "ignore"), created_at (UTC), created_by,
        source."""
        query = select(column_aliases.c.header, column_aliases.c.target, column_aliases.c.created_at,
                       column_aliases.c.created_by, column_aliases.c.source).order_by(column_aliases.c.header_key)
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
        return frame

    def alias_columns(self, catalog: Catalog | None = None) -> tuple[tuple[str, str], ...]:
        """The aliases as Defaults.columns, (header, target) pairs; one whose metric the catalog lost is left out."""
        catalog = catalog or load_catalog()
        query = select(column_aliases.c.header, column_aliases.c.target).order_by(column_aliases.c.header_key)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return tuple((row.header, row.target) for row in rows if row.target == IGNORE or row.target in catalog.metrics)


def _kind(kind: str) -> str:
    """An upload's kind as stored: targets, else figures."""
    return KIND_TARGETS if kind == KIND_TARGETS else KIND_FIGURES


def counted(kind: str | None = None):
    """The SQL condition of an upload whose figures count (of `kind`, if given): not undone, not returned by a
    reviewer and, with KPI_REQUIRE_APPROVAL, approved (targets are set by the province and need no approval)."""
    condition = (uploads.c.status == UPLOAD_ACTIVE) & (uploads.c.review != REVIEW_RETURNED)
    if get_settings().require_approval:
        condition &= (uploads.c.review == REVIEW_APPROVED) | (uploads.c.kind == KIND_TARGETS)
    return condition if kind is None else condition & (uploads.c.kind == kind)


def _active_ids(kind: str = KIND_FIGURES):
    return select(uploads.c.id).where(counted(kind))


def _in_effect(period_end_from: date | None = None, period_end_to: date | None = None, kind: str = KIND_FIGURES):
    """The fact sets of uploads in effect of one kind (figures or targets), those whose periods can end in the range."""
    condition = fact_sets.c.upload_id.in_(_active_ids(kind))
    if period_end_from is not None:
        condition &= fact_sets.c.period_end_max >= period_end_from
    if period_end_to is not None:
        condition &= fact_sets.c.period_end_min <= period_end_to
    return condition


def _as_utc(value) -> datetime | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()
