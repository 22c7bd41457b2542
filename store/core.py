"""The store: persist parsed uploads in one transaction, supersede, undo, redo, read back."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, String, create_engine, event, func, insert, select, text, type_coerce, update

from loaders.problems import ParseResult
from model import FACT_COLUMNS, KEY_COLUMNS
from settings import get_settings
from store.schema import DIM_COLUMNS, METADATA, UPLOAD_ACTIVE, UPLOAD_UNDONE, dims, facts, meta, uploads

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
    """A column as a list of text ('' where missing; dates as YYYY-MM-DD) and its factor codes."""
    table, codes = _column_codes(values, dates=dates)
    return table[codes].tolist(), codes


def _column_codes(values: pd.Series, *, dates: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A column's factor codes and the text of each code ('' for -1, missing; dates as YYYY-MM-DD).

    Each distinct value is converted once, which is what makes 800,000 facts cheap.
    """
    codes, uniques = pd.factorize(pd.to_datetime(values) if dates else values)
    if dates:
        texts = list(pd.DatetimeIndex(uniques).strftime("%Y-%m-%d"))
    else:
        texts = [str(value) for value in uniques]
    return np.array([*texts, ""], dtype=object), codes  # code -1 (missing) picks the last, 


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
        return self._read_facts(facts.c.active.is_(True))

    def upload_facts(self, upload_id: int) -> pd.DataFrame:
        """Every fact an upload brought, in effect or not, with its active and superseded_by marks."""
        return self._read_facts(facts.c.upload_id == upload_id, marks=True)

    def _read_facts(self, condition, *, marks: bool = False) -> pd.DataFrame:
        """STORED_FACT_COLUMNS (and active, superseded_by) of the facts meeting `condition`, in id order.

        Facts and their dims are read apart and joined here: each dim's texts and dates are converted once.
        """
        names = [*STORED_FACT_COLUMNS, *(["active", "superseded_by"] if marks else [])]
        own = [name for name in names if name not in DIM_COLUMNS]
        with self.engine.connect() as conn:
            rows = _fetch_all(
                conn, select(facts.c.dim_id, *[facts.c[name] for name in own]).where(condition).order_by(facts.c.id))
            if rows:
                columns = list(zip(*rows))
                fact_dims = np.fromiter(columns[0], dtype=np.int64, count=len(rows))
                # dims are never changed or deleted, so every dim of the facts read is there
                dim_rows = _fetch_all(
                    conn, select(dims.c.id, *[type_coerce(dims.c[name], String) for name in DIM_COLUMNS])
                    .where(dims.c.id >= int(fact_dims.min()), dims.c.id <= int(fact_dims.max())))
        if not rows:
            frame = pd.DataFrame.from_records([], columns=names, coerce_float=True)
        else:
            dim_columns = list(zip(*dim_rows))
            where = pd.Index(np.fromiter(dim_columns[0], dtype=np.int64, count=len(dim_rows))).get_indexer(fact_dims)
            data = {}
            for position, name in enumerate(own, start=1):
                if name in TEXT_COLUMNS:
                    data[name] = _spread(columns[position])
                elif name == "active":  # SQLite's raw rows hold 0/1
                    data[name] = np.asarray(columns[position], dtype=bool)
                else:
                    data[name] = columns[position]
            for position, name in enumerate(DIM_COLUMNS, start=1):
                if name.startswith("period_"):
                    data[name] = pd.to_datetime(pd.Series(dim_columns[position], dtype=object)).to_numpy()[where]
                else:
                    data[name] = _spread(dim_columns[position], where)
            frame = pd.DataFrame(data, columns=names)
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
        progress: Callable[[float], None] | None = None,
    ) -> ImportOutcome:
        """Store a parsed file in one transaction: all its facts or none.

        progress(fraction) is called as the insert goes on (the upload page shows a bar).
        Raises StoreError when the result has errors, or when the same bytes were stored before.
        """
        report = progress or (lambda _fraction: None)
        if not result.ok:
            raise StoreError(
                f"文件“{result.file_name}”有 {len(result.errors)} 处错误，未保存任何数据。",
                f"File '{result.file_name}' has {len(result.errors)} error(s); nothing was stored.",
            )
        sha = hashlib.sha256(content).hexdigest()
        columns = _fact_columns(result.facts[FACT_COLUMNS])
        count = len(columns.values["value"])
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
            reused = 0
            if count:
                reused = _store_dims(conn, columns)
                report(0.1)
                _insert_facts(conn, columns, upload_id, lambda done: report(0.1 + 0.8 * done))
            # a fact whose dims are all new has no earlier version: only reused dims can supersede
            superseded = self._supersede_earlier(conn, upload_id) if reused else 0
            conn.execute(
                update(uploads).where(uploads.c.id == upload_id).values(facts_superseded=superseded)
            )
        report(1.0)
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
        return conn.execute(text(
            "UPDATE facts SET active = false, superseded_by = :u WHERE id IN ("
            f"{VERSIONS} AND w.upload_id <> :u AND w.upload_id IN (SELECT id FROM uploads WHERE status = :active))"
        ), params).rowcount

    @staticmethod
    def _refresh_active(conn, upload_id: int) -> int:
        """Re-decide which fact is in effect for every key the upload touches; returns facts it supersedes.

        The winner of a key is its newest fact (highest id) among active uploads.
        """
        params = {"u": upload_id, "active": UPLOAD_ACTIVE}
        conn.execute(text(
            f"UPDATE facts SET active = false, superseded_by = NULL WHERE id IN ({VERSIONS})"
        ), params)
        # per reported key, its newest version in an active upload (a correlated MAX, found by ix_facts_key;
        # a GROUP BY or a join with uploads here made SQLite sort or probe for tens of seconds on 800,000 keys)
        conn.execute(text(
            "UPDATE facts SET active = true WHERE id IN ("
            " SELECT (SELECT MAX(w.id) FROM facts w WHERE w.dim_id = t.dim_id AND w.metric = t.metric"
            "   AND w.upload_id IN (SELECT id FROM uploads WHERE status = :active))"
            " FROM facts t WHERE t.upload_id = :u)"
        ), params)
        # `active <> false`, not `= true`, as the winner is looked up by ix_facts_key
        conn.execute(text(
            "UPDATE facts SET superseded_by = (SELECT w.upload_id FROM facts w"
            "  WHERE w.dim_id = facts.dim_id AND w.metric = facts.metric AND w.active <> false)"
            f" WHERE id IN ({VERSIONS} AND w.active = false"
            "  AND w.upload_id IN (SELECT id FROM uploads WHERE status = :active))"
        ), params)
        return conn.execute(text(
            "SELECT COUNT(*) FROM facts WHERE superseded_by = :u AND upload_id <> :u"
        ), params).scalar_one()


# Every version (w) of every key the upload :u reports (t): found by ix_facts_upload_id then ix_facts_key,
# so the work grows with the upload, not with the store.
VERSIONS = "SELECT w.id FROM facts t JOIN facts w ON w.dim_id = t.dim_id AND w.metric = t.metric WHERE t.upload_id = :u"


def _sqlite_bulk(conn) -> bool:
    """Whether to use the SQLite-only fast paths (driver-level bulk insert and fetch); else portable SQLAlchemy."""
    return conn.dialect.name == "sqlite"


def _fetch_all(conn, query) -> list:
    """All rows of a select; on SQLite straight from the driver (plain tuples, no per-row processing)."""
    if not _sqlite_bulk(conn):
        return conn.execute(query).all()
    compiled = query.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    return conn.connection.driver_connection.execute(
        compiled.string, [params[name] for name in compiled.positiontup]).fetchall()


TEXT_COLUMNS = {"city", "county", "unit", "campaign", "metric", "qualifier", "remarks", "sheet"}


def _spread(values, where: np.ndarray | None = None):
    """A text column as the array pandas infers for it, built from its distinct values (few) then taken.

    Inferring and converting 800,000 strings one by one is what made reading every fact slow.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    array = pd.Series(uniques).array  # the same inference a column of these values gets ("str")
    return array.take(codes if where is None else codes[where])


INSERT_CHUNK = 50_000  # facts per executemany
BULK_CACHE_KIB = 128 * 1024  # SQLite page cache while a large upload is inserted (memory is taken as needed)
FACT_VALUE_COLUMNS = ["metric", "value", "qualifier", "remarks", "sheet", "row", "active"]


@dataclass
class _Columns:
    """An upload's facts, column-wise: its distinct dims (texts) and per fact a dim index and the values."""

    dims: dict[str, list]  # DIM_COLUMNS -> one text per distinct dim (dates as ISO text)
    dim_index: np.ndarray  # per fact: its row in `dims`
    values: dict[str, list]  # FACT_VALUE_COLUMNS -> one value per fact
    dim_ids: np.ndarray | None = None  # per distinct dim: its dims.id, once stored


def _fact_columns(frame: pd.DataFrame) -> _Columns:
    """The facts' columns as plain lists (dates as ISO text), built column-wise, not per row.

    Within one file a key reported twice counts once: the last row wins, as the highest id would.
    Raises StoreError when a fact has no period.
    """
    tables: dict[str, np.ndarray] = {}
    codes = {}
    for column in (*KEY_COLUMNS, "qualifier", "remarks", "sheet"):
        tables[column], codes[column] = _column_codes(frame[column], dates=column.startswith("period_"))
    if any((codes[column] < 0).any() for column in ("period_start", "period_end")):
        raise StoreError("有数据缺少统计期间，未保存任何数据。", "Some figures have no period; nothing was stored.")
    dim_index, dim_count = _combine_codes([codes[column] for column in DIM_COLUMNS])
    # each dim's first fact: codes are numbered in order of first appearance, so where a new highest code shows
    first = np.flatnonzero(np.diff(np.maximum.accumulate(dim_index), prepend=-1) > 0)
    assert len(first) == dim_count
    dim_texts = {column: tables[column][codes[column][first]].tolist() for column in DIM_COLUMNS}
    key_index, _ = _combine_codes([dim_index, codes["metric"]])
    values = {column: tables[column][codes[column]].tolist() for column in ("metric", "qualifier", "remarks", "sheet")}
    values["value"] = frame["value"].astype(float).tolist()
    rows = frame["row"]
    if pd.api.types.is_integer_dtype(rows.dtype) and not rows.hasnans:
        values["row"] = rows.astype(np.int64).tolist()
    else:
        values["row"] = [None if v != v else int(v) for v in rows.astype(float).tolist()]
    values["active"] = (~pd.Series(key_index).duplicated(keep="last")).tolist()
    return _Columns(dim_texts, dim_index, values)


def _combine_codes(codes: list[np.ndarray]) -> tuple[np.ndarray, int]:
    """One code per distinct combination of the given factor codes (0.., in order of first appearance), and how many."""
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    size = 1  # combined < size
    for part in codes:
        width = int(part.max(initial=-1)) + 2  # -1 (missing) becomes 0
        if size * width >= 2**62:  # renumber densely before the product could overflow
            combined, uniques = pd.factorize(combined)
            combined, size = combined.astype(np.int64), len(uniques)
        combined = combined * width + (part.astype(np.int64) + 1)
        size *= width
    combined, uniques = pd.factorize(combined)
    return combined.astype(np.int64), len(uniques)


def _store_dims(conn, columns: _Columns) -> int:
    """Give each of the upload's distinct dims its dims.id, inserting those not stored yet; returns how many existed.

    Runs after _bump_version, so no other writer assigns ids meanwhile.
    """
    count = len(columns.dims["period_end"])
    ids = np.zeros(count, dtype=np.int64)
    low, high = min(columns.dims["period_end"]), max(columns.dims["period_end"])
    rows = conn.execute(
        select(dims.c.id, *[dims.c[column] for column in DIM_COLUMNS])
        .where(dims.c.period_end >= date.fromisoformat(low), dims.c.period_end <= date.fromisoformat(high))
    ).all()
    if rows:
        existing = {(row[1].isoformat(), row[2].isoformat(), *row[3:]): row[0] for row in rows}
        found = [existing.get(key, 0) for key in zip(*(columns.dims[column] for column in DIM_COLUMNS))]
        ids[:] = found
    missing = np.flatnonzero(ids == 0)
    if len(missing):
        start = conn.execute(select(func.coalesce(func.max(dims.c.id), 0))).scalar_one() + 1
        ids[missing] = np.arange(start, start + len(missing))
        new = [ids[missing].tolist()]
        for column in DIM_COLUMNS:
            texts = columns.dims[column]
            new.append(texts if len(missing) == count else [texts[p] for p in missing.tolist()])
        if _sqlite_bulk(conn):
            # into an empty table, the unique index is built once afterwards (the rows are distinct already)
            deferred = list(dims.indexes) if start == 1 else []
            for index in deferred:
                index.drop(conn)
            _insert_rows(conn, "dims", ["id", *DIM_COLUMNS], new)
            for index in deferred:
                index.create(conn)
        else:
            conn.execute(insert(dims), [
                {"id": r[0], "period_start": date.fromisoformat(r[1]), "period_end": date.fromisoformat(r[2]),
                 **dict(zip(DIM_COLUMNS[2:], r[3:]))} for r in zip(*new)])
    columns.dim_ids = ids
    return count - len(missing)


def _insert_facts(conn, columns: _Columns, upload_id: int, progress: Callable[[float], None]) -> None:
    """One bulk insert of an upload's facts; on SQLite a driver-level executemany of plain tuples."""
    upload_id = int(upload_id)
    dim_ids = columns.dim_ids[columns.dim_index].tolist()
    values = columns.values
    if not _sqlite_bulk(conn):
        records = [
            {"upload_id": upload_id, "dim_id": dim_id, **dict(zip(FACT_VALUE_COLUMNS, row)),
             "superseded_by": None if row[-1] else upload_id}
            for dim_id, row in zip(dim_ids, zip(*(values[name] for name in FACT_VALUE_COLUMNS)))
        ]
        conn.execute(insert(facts), records)
        return
    columns_in_order = [dim_ids, *(values[name] for name in FACT_VALUE_COLUMNS)]
    # Into an empty table, building the indexes once afterwards beats updating them row by row.
    deferred = list(facts.indexes) if conn.execute(select(facts.c.id).limit(1)).first() is None else []
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")  # fewer dirty pages spilled to the WAL
    try:
        for index in deferred:
            index.drop(conn)
        _insert_rows(conn, "facts", ["dim_id", *FACT_VALUE_COLUMNS], columns_in_order,
                     constants={"upload_id": upload_id, "superseded_by": None}, progress=progress)
        for index in deferred:
            index.create(conn)
        if not all(values["active"]):  # a key reported twice in the file: its earlier rows are superseded by it
            conn.execute(update(facts).where(facts.c.upload_id == upload_id, facts.c.active.is_(False))
                         .values(superseded_by=upload_id))
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")


MAX_BOUND = 900  # parameters per statement, under SQLite's oldest limit of 999


def _insert_rows(conn, table: str, names: list[str], columns: list[list], constants: dict | None = None,
                 progress: Callable[[float], None] | None = None) -> None:
    """INSERT many rows on SQLite, each statement carrying as many rows as MAX_BOUND parameters allow.

    Multi-row VALUES runs the statement once per ~100 rows instead of once per row: about twice as fast.
    """
    width = len(names)
    count = len(columns[0])
    matrix = np.empty((count, width), dtype=object)
    for position, column in enumerate(columns):
        matrix[:, position] = column
    per = max(1, MAX_BOUND // width)
    constants = constants or {}
    literals = ["NULL" if value is None else str(int(value)) for value in constants.values()]  # ints only
    head = f"INSERT INTO {table} ({', '.join(f'{chr(34)}{name}{chr(34)}' for name in [*names, *constants])}) VALUES "
    one = f"({', '.join(['?'] * width + literals)})"
    full = count // per * per
    if full:
        statement = head + ", ".join([one] * per)
        step = INSERT_CHUNK // per * per  # chunks keep the parameter lists' memory small
        for start in range(0, full, step):
            block = matrix[start:min(start + step, full)]
            conn.exec_driver_sql(statement, list(map(tuple, block.reshape(-1, per * width).tolist())))
            if progress:
                progress(min(start + step, full) / count)
    if full < count:
        conn.exec_driver_sql(head + ", ".join([one] * (count - full)), tuple(matrix[full:].ravel().tolist()))


def _as_utc(value) -> datetime | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()
