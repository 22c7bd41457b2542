"""The store: persist parsed uploads in one transaction, supersede, undo, redo, read back."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, create_engine, event, func, insert, select, text, update

from loaders.problems import ParseResult
from model import FACT_COLUMNS, KEY_COLUMNS
from settings import get_settings
from store.schema import METADATA, UPLOAD_ACTIVE, UPLOAD_UNDONE, facts, meta, uploads

STORED_FACT_COLUMNS = [*FACT_COLUMNS, "upload_id"]
UPLOAD_COLUMNS = [
    "id", "file_name", "sha256", "size", "uploaded_at", "uploader", "source", "status",
    "facts_added", "facts_superseded", "rows_dropped", "warnings", "changed_at",
]


class StoreError(Exception):
    """A refused store operation, with a message in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh}\n{en}")
        self.zh = zh
        self.en = en

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class ImportOutcome:
    upload_id: int
    file_name: str
    added: int  # facts stored
    superseded: int  # earlier active facts this upload replaced


def fact_keys(frame: pd.DataFrame) -> pd.Series:
    """The '|'-joined key of each fact (dates as ISO text, '' for missing), as stored in facts.fact_key."""
    parts = [_column_texts(frame[column], dates=column.startswith("period_"))[0] for column in KEY_COLUMNS]
    return pd.Series(_join_keys(parts), index=frame.index, dtype=str)


def _join_keys(parts: list[list[str]]) -> list[str]:
    return ["|".join(key) for key in zip(*parts)]


def _column_texts(values: pd.Series, *, dates: bool = False) -> tuple[list, np.ndarray]:
    """A column as a list of text ('' where missing; dates as YYYY-MM-DD) and its factor codes.

    Each distinct value is converted once, which is what makes 800,000 facts cheap.
    """
    codes, uniques = pd.factorize(pd.to_datetime(values) if dates else values)
    if dates:
        texts = list(pd.DatetimeIndex(uniques).strftime("%Y-%m-%d"))
    else:
        texts = [str(value) for value in uniques]
    table = np.array([*texts, ""], dtype=object)  # code -1 (missing) picks the ''
    return table[codes].tolist(), codes


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


class Store:
    """All reads and writes of uploads and facts; every change bumps the data version."""

    def __init__(self, url: str | None = None):
        self.url = url or get_settings().database_url
        self.engine = create_store_engine(self.url)
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
                select(func.max(uploads.c.uploaded_at)).where(uploads.c.status == UPLOAD_ACTIVE)
            ).scalar_one()
        return _as_utc(value)

    def upload_count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(uploads)).scalar_one()

    def active_facts(self) -> pd.DataFrame:
        """Every figure in effect: one per key, from the newest active upload that reported it."""
        columns = [facts.c[name] for name in STORED_FACT_COLUMNS]
        query = select(*columns).where(facts.c.active.is_(True)).order_by(facts.c.id)
        return self._read_facts(query)

    def upload_facts(self, upload_id: int) -> pd.DataFrame:
        """Every fact an upload brought, in effect or not, with its active and superseded_by marks."""
        columns = [facts.c[name] for name in STORED_FACT_COLUMNS]
        query = (
            select(*columns, facts.c.active, facts.c.superseded_by)
            .where(facts.c.upload_id == upload_id).order_by(facts.c.id)
        )
        return self._read_facts(query)

    def _read_facts(self, query) -> pd.DataFrame:
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        for column in ("period_start", "period_end"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        frame["value"] = frame["value"].astype(float)
        return frame

    def uploads(self) -> pd.DataFrame:
        """The upload history, newest first (without the file bytes)."""
        query = select(*[uploads.c[name] for name in UPLOAD_COLUMNS]).order_by(uploads.c.id.desc())
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        for column in ("uploaded_at", "changed_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame

    def upload_content(self, upload_id: int) -> tuple[str, bytes]:
        """The original file name and bytes of an upload; raises StoreError if there is no such upload."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(uploads.c.file_name, uploads.c.content).where(uploads.c.id == upload_id)
            ).first()
        if row is None:
            raise StoreError(f"没有编号为 {upload_id} 的上传记录。", f"There is no upload number {upload_id}.")
        return row.file_name, bytes(row.content)

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
    ) -> ImportOutcome:
        """Store a parsed file in one transaction: all its facts or none.

        Raises StoreError when the result has errors, or when the same bytes were stored before.
        """
        if not result.ok:
            raise StoreError(
                f"文件“{result.file_name}”有 {len(result.errors)} 处错误，未保存任何数据。",
                f"File '{result.file_name}' has {len(result.errors)} error(s); nothing was stored.",
            )
        sha = hashlib.sha256(content).hexdigest()
        columns = _fact_columns(result.facts[FACT_COLUMNS])
        count = len(columns["value"])
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            self._bump_version(conn, now)  # first statement writes: takes the write lock at once
            earlier = conn.execute(
                select(uploads.c.id, uploads.c.file_name, uploads.c.uploaded_at)
                .where(uploads.c.sha256 == sha).order_by(uploads.c.id)
            ).first()
            if earlier is not None:
                when = _as_utc(earlier.uploaded_at).strftime("%Y-%m-%d %H:%M UTC")
                raise StoreError(
                    f"同一文件已于 {when} 上传过（上传编号 {earlier.id}，“{earlier.file_name}”），未重复保存。",
                    f"This same file was already uploaded on {when} (upload #{earlier.id}, "
                    f"'{earlier.file_name}'); nothing was stored again.",
                )
            upload_id = conn.execute(
                insert(uploads).values(
                    file_name=result.file_name, sha256=sha, size=len(content), content=content,
                    uploaded_at=now, uploader=uploader, source=source, status=UPLOAD_ACTIVE,
                    sheets=json.dumps([asdict(s) for s in result.sheets], ensure_ascii=False),
                    facts_added=count, rows_dropped=len(result.dropped),
                    warnings=len(result.warnings),
                )
            ).inserted_primary_key[0]
            if count:
                _insert_facts(conn, columns, upload_id)
            superseded = self._supersede_earlier(conn, upload_id)
            conn.execute(
                update(uploads).where(uploads.c.id == upload_id).values(facts_superseded=superseded)
            )
        return ImportOutcome(upload_id, result.file_name, count, superseded)

    def undo(self, upload_id: int) -> None:
        """Take an upload's figures out of every total; the figures it replaced come back."""
        self._set_status(upload_id, UPLOAD_UNDONE)

    def redo(self, upload_id: int) -> None:
        """Put an undone upload's figures back into effect."""
        self._set_status(upload_id, UPLOAD_ACTIVE)

    def _set_status(self, upload_id: int, status: str) -> None:
        now = datetime.now(timezone.utc)
        with self.engine.begin() as conn:
            self._bump_version(conn, now)
            current = conn.execute(select(uploads.c.status).where(uploads.c.id == upload_id)).scalar()
            if current is None:
                raise StoreError(f"没有编号为 {upload_id} 的上传记录。", f"There is no upload number {upload_id}.")
            if current == status:
                zh = "已撤销" if status == UPLOAD_UNDONE else "已生效"
                en = "already undone" if status == UPLOAD_UNDONE else "already in effect"
                raise StoreError(f"上传 {upload_id} {zh}。", f"Upload {upload_id} is {en}.")
            conn.execute(
                update(uploads).where(uploads.c.id == upload_id).values(status=status, changed_at=now)
            )
            self._refresh_active(conn, upload_id)

    @staticmethod
    def _bump_version(conn, now: datetime) -> None:
        conn.execute(
            update(meta).where(meta.c.id == 1)
            .values(data_version=meta.c.data_version + 1, updated_at=now)
        )

    @staticmethod
    def _supersede_earlier(conn, upload_id: int) -> int:
        """After inserting a new upload's facts (already marked): retire the earlier versions of its keys.

        Same outcome as _refresh_active for a new upload, whose facts have the highest ids and so win
        every key they report; facts of undone uploads stay inactive with no superseded_by.
        """
        params = {"u": upload_id, "active": UPLOAD_ACTIVE}
        if conn.execute(text("SELECT 1 FROM facts WHERE upload_id <> :u LIMIT 1"), params).first() is None:
            return 0  # first upload into an empty store: nothing to supersede
        return conn.execute(text(
            "UPDATE facts SET active = false, superseded_by = :u"
            " WHERE upload_id <> :u AND upload_id IN (SELECT id FROM uploads WHERE status = :active)"
            " AND fact_key IN (SELECT fact_key FROM facts WHERE upload_id = :u)"
        ), params).rowcount

    @staticmethod
    def _refresh_active(conn, upload_id: int) -> int:
        """Re-decide which fact is in effect for every key the upload touches; returns facts it supersedes.

        The winner of a key is its newest fact (highest id) among active uploads.
        """
        params = {"u": upload_id, "active": UPLOAD_ACTIVE}
        touched = "SELECT fact_key FROM facts WHERE upload_id = :u"
        conn.execute(text(
            f"UPDATE facts SET active = false, superseded_by = NULL WHERE fact_key IN ({touched})"
        ), params)
        conn.execute(text(
            "UPDATE facts SET active = true WHERE id IN ("
            " SELECT MAX(f.id) FROM facts f JOIN uploads u ON u.id = f.upload_id"
            f" WHERE u.status = :active AND f.fact_key IN ({touched}) GROUP BY f.fact_key)"
        ), params)
        # `active <> false`, not `= true`: SQLite cannot use ix_facts_active_period for <>, so it looks each key
        # up by ix_facts_fact_key instead of scanning every active fact per row (quadratic on big corrections).
        conn.execute(text(
            "UPDATE facts SET superseded_by = (SELECT w.upload_id FROM facts w"
            "  WHERE w.fact_key = facts.fact_key AND w.active <> false)"
            f" WHERE facts.active = false AND facts.fact_key IN ({touched})"
            "  AND facts.upload_id IN (SELECT id FROM uploads WHERE status = :active)"
        ), params)
        return conn.execute(text(
            "SELECT COUNT(*) FROM facts WHERE superseded_by = :u AND upload_id <> :u"
        ), params).scalar_one()


INSERT_CHUNK = 50_000  # facts per executemany
BULK_CACHE_KIB = 128 * 1024  # SQLite page cache while a large upload is inserted (memory is taken as needed)
# The values bound per fact; fact_key, upload_id and superseded_by are derived from them.
BOUND_COLUMNS = [*KEY_COLUMNS, "value", "qualifier", "remarks", "sheet", "row", "active"]


def _fact_columns(frame: pd.DataFrame) -> dict[str, list]:
    """The facts' columns as plain lists (dates as ISO text), built column-wise, not per row.

    Within one file a key reported twice counts once: the last row wins, as the highest id would.
    Raises StoreError when a fact has no period.
    """
    out: dict[str, list] = {}
    codes = {}
    for column in (*KEY_COLUMNS, "qualifier", "remarks", "sheet"):
        out[column], codes[column] = _column_texts(frame[column], dates=column.startswith("period_"))
    if any((codes[column] < 0).any() for column in ("period_start", "period_end")):
        raise StoreError("有数据缺少统计期间，未保存任何数据。", "Some figures have no period; nothing was stored.")
    out["value"] = frame["value"].astype(float).tolist()
    out["row"] = [None if v != v else int(v) for v in frame["row"].astype(float).tolist()]
    key_codes = pd.DataFrame({column: codes[column] for column in KEY_COLUMNS})
    out["active"] = (~key_codes.duplicated(keep="last")).tolist()
    return out


def _insert_facts(conn, columns: dict[str, list], upload_id: int) -> None:
    """One bulk insert of an upload's facts; on SQLite a driver-level executemany of plain tuples."""
    upload_id = int(upload_id)
    if conn.dialect.name != "sqlite":
        keys = _join_keys([columns[column] for column in KEY_COLUMNS])
        records = []
        for key, row in zip(keys, zip(*(columns[name] for name in BOUND_COLUMNS))):
            record = dict(zip(BOUND_COLUMNS, row))
            for column in ("period_start", "period_end"):
                record[column] = date.fromisoformat(record[column])
            record.update(fact_key=key, upload_id=upload_id,
                          superseded_by=None if record["active"] else upload_id)
            records.append(record)
        conn.execute(insert(facts), records)
        return
    # ?1..?13 are BOUND_COLUMNS; SQLite joins the key itself, as fact_keys() does.
    marks = {name: f"?{i}" for i, name in enumerate(BOUND_COLUMNS, start=1)}
    key_sql = "||'|'||".join(marks[column] for column in KEY_COLUMNS)
    names = ", ".join(f'"{name}"' for name in [*BOUND_COLUMNS, "fact_key", "upload_id", "superseded_by"])
    values = ", ".join([*marks.values(), key_sql, str(upload_id),
                        f"CASE WHEN {marks['active']} THEN NULL ELSE {upload_id} END"])
    rows = zip(*(columns[name] for name in BOUND_COLUMNS))
    # Into an empty table, building the indexes once afterwards beats updating them row by row.
    deferred = list(facts.indexes) if conn.execute(select(facts.c.id).limit(1)).first() is None else []
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")  # fewer dirty pages spilled to the WAL
    try:
        for index in deferred:
            index.drop(conn)
        statement = f"INSERT INTO facts ({names}) VALUES ({values})"
        while chunk := list(islice(rows, INSERT_CHUNK)):  # chunks keep the tuples' memory small
            conn.exec_driver_sql(statement, chunk)
        for index in deferred:
            index.create(conn)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")


def _as_utc(value) -> datetime | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()
