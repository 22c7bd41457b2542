"""Store: round trip, restart, data version, supersede, undo/redo, refusals, atomic commits."""
from __future__ import annotations

import sqlite3
import tempfile
import threading
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from loaders.problems import ERROR, Problem
from model import FACT_COLUMNS
from store import Store, StoreError, StoreFailed
from store.payload import TEXT_COLUMNS
from store.schema import TEXT_LIMITS
from tests.conftest import make_result

FLOOD = {"period_start": "2020-07-01", "period_end": "2020-07-31", "campaign": "flood_power"}


def flood_rows(teams_nanjing: float = 20, teams_wuxi: float = 17) -> list[dict]:
    return [
        {**FLOOD, "city": "南京市", "metric": "teams", "value": teams_nanjing},
        {**FLOOD, "city": "无锡市", "metric": "teams", "value": teams_wuxi},
        {**FLOOD, "city": "南京市", "county": "高淳区", "metric": "lighting_km", "value": 44.6},
        {**FLOOD, "metric": "lighting_lines", "value": 120, "qualifier": "over"},
    ]


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The store's category columns as the text columns a loader gives, for comparing frames."""
    return frame.astype({column: "str" for column in TEXT_COLUMNS if column in frame})


def total(store: Store, metric: str) -> float:
    facts = store.active_facts()
    return float(facts.loc[facts["metric"] == metric, "value"].sum())


def test_round_trip_keeps_every_column(store):
    result = make_result(flood_rows())
    outcome = store.import_result(result, b"file-1", uploader="clerk")
    assert (outcome.added, outcome.superseded) == (4, 0)
    stored = as_text(store.active_facts().drop(columns="upload_id"))
    pd.testing.assert_frame_equal(stored, result.facts.reset_index(drop=True))


def test_restart_keeps_data_and_original_bytes(store_url):
    first = Store(store_url)
    upload = first.import_result(make_result(flood_rows()), b"original bytes", uploader="clerk")
    first.engine.dispose()
    again = Store(store_url)
    assert total(again, "teams") == 37
    assert again.upload_content(upload.upload_id) == ("test.xlsx", b"original bytes")
    history = again.uploads()
    assert list(history[["file_name", "uploader", "status", "facts_added"]].iloc[0]) == ["test.xlsx", "clerk", "active", 4]
    assert history.at[0, "size"] == len(b"original bytes")


def test_data_version_bumps_on_every_change(store):
    versions = [store.data_version()]
    upload = store.import_result(make_result(flood_rows()), b"a")
    versions.append(store.data_version())
    store.undo(upload.upload_id)
    versions.append(store.data_version())
    store.redo(upload.upload_id)
    versions.append(store.data_version())
    assert versions == sorted(set(versions)) and len(versions) == 4


def test_same_file_twice_is_refused_naming_the_earlier_upload(store):
    first = store.import_result(make_result(flood_rows()), b"same bytes")
    with pytest.raises(StoreError) as refused:
        store.import_result(make_result(flood_rows(), file_name="renamed.xlsx"), b"same bytes")
    assert f"#{first.upload_id}" in refused.value.en and "test.xlsx" in refused.value.en
    assert "已于" in refused.value.zh
    assert total(store, "teams") == 37 and len(store.uploads()) == 1


def test_a_result_with_errors_stores_nothing(store):
    result = make_result(flood_rows())
    result.problems.append(Problem(ERROR, "not_a_number", "test.xlsx", "S", 5, "服务队", "待统计", "不是数字", "not a number"))
    with pytest.raises(StoreError):
        store.import_result(result, b"bad")
    assert store.active_facts().empty and store.uploads().empty


def save_with(store: Store, field: str, text: str, content: bytes):
    """Import flood_rows with one upload text (file_name, uploader or source) set to `text`."""
    texts = {"file_name": "test.xlsx", "uploader": "clerk", "source": "cli", field: text}
    result = make_result(flood_rows(), file_name=texts.pop("file_name"))
    return store.import_result(result, content, **texts)


@pytest.mark.parametrize("field, zh, en", [
    ("file_name", "文件名", "file name"), ("uploader", "上传人", "uploader name"), ("source", "来源", "source"),
])
def test_a_text_longer_than_its_column_is_refused_on_every_database_and_nothing_is_stored(store, field, zh, en):
    limit = TEXT_LIMITS[field]
    fits = "国" * (limit - 4) + ".csv"  # characters, not bytes: the limit counts what a person sees
    assert save_with(store, field, fits, b"at the limit").added == 4
    assert store.uploads().at[0, field] == fits
    version = store.data_version()
    too_long = "国" * (limit - 3) + ".csv"
    with pytest.raises(StoreError) as refused:
        save_with(store, field, too_long, b"one over")
    assert not isinstance(refused.value, StoreFailed)  # refused by the check, not failed in the database
    assert refused.value.en == f"The {en} has {limit + 1} characters, over the limit of {limit}; nothing was stored."
    assert zh in refused.value.zh and f"{limit + 1} 个字符" in refused.value.zh and f"上限 {limit}" in refused.value.zh
    assert len(store.uploads()) == 1 and store.data_version() == version and total(store, "teams") == 37


@pytest.mark.parametrize("field", ["file_name", "uploader", "source"])
def test_a_text_holding_nul_is_refused_on_every_database(store, field):
    with pytest.raises(StoreError) as refused:
        save_with(store, field, "a\x00b", b"nul")
    assert not isinstance(refused.value, StoreFailed) and "NUL" in refused.value.en
    assert store.uploads().empty and store.active_facts().empty


def test_correction_supersedes_and_undo_brings_the_old_figure_back(store):
    store.import_result(make_result(flood_rows()), b"v1")
    correction = store.import_result(make_result(flood_rows(teams_nanjing=25)[:1]), b"v2")
    assert correction.superseded == 1
    assert total(store, "teams") == 25 + 17  # the difference, not the sum
    old = store.upload_facts(1)
    nanjing_old = old[(old["city"] == "南京市") & (old["metric"] == "teams")].iloc[0]
    assert not nanjing_old["active"] and nanjing_old["superseded_by"] == correction.upload_id
    store.undo(correction.upload_id)
    assert total(store, "teams") == 37
    store.redo(correction.upload_id)
    assert total(store, "teams") == 42


def test_undo_of_the_only_upload_empties_totals_and_redo_restores(store):
    upload = store.import_result(make_result(flood_rows()), b"x")
    store.undo(upload.upload_id)
    assert store.active_facts().empty
    assert store.latest_upload_time() is None
    with pytest.raises(StoreError):
        store.undo(upload.upload_id)
    store.redo(upload.upload_id)
    assert total(store, "teams") == 37


def test_exception_mid_commit_leaves_nothing_half_written(store):
    def fail_on_facts_insert(conn, cursor, statement, *args):
        # the upload row is in by then: the fact set is the last write of a commit
        if statement.lstrip().upper().startswith("INSERT INTO FACT_SETS"):
            raise RuntimeError("disk full")

    event.listen(store.engine, "before_cursor_execute", fail_on_facts_insert)
    with pytest.raises(RuntimeError):
        store.import_result(make_result(flood_rows()), b"x")
    event.remove(store.engine, "before_cursor_execute", fail_on_facts_insert)
    assert store.uploads().empty and store.active_facts().empty and store.data_version() == 0


def open_at_once(url: str, count: int = 4) -> list[BaseException]:
    """Open a store from `count` threads at once (as app servers and command lines starting together); the errors."""
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            Store(url).engine.dispose()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_a_new_store_opened_by_several_processes_at_once(store_url):
    assert open_at_once(store_url) == []
    store = Store(store_url)
    assert store.data_version() == 0 and store.upload_count() == 0


def test_racing_commits_on_the_same_keys_leave_one_figure_per_key(store_url):
    Store(store_url)
    errors: list[BaseException] = []

    def commit(value: float) -> None:
        try:
            Store(store_url).import_result(make_result(flood_rows(teams_nanjing=value)), f"file {value}".encode())
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=commit, args=(v,)) for v in (30, 40, 50, 60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    facts = Store(store_url).active_facts()
    assert len(facts) == 4  # one per key, whichever commit came last
    nanjing = facts[(facts["city"] == "南京市") & (facts["metric"] == "teams")]
    last_upload = facts["upload_id"].max()
    assert len(nanjing) == 1 and (facts["upload_id"] == last_upload).all()


def test_preview_shows_corrections_old_to_new_before_commit(store):
    from store.preview import CORRECTED, NEW, UNCHANGED, preview_changes

    store.import_result(make_result(flood_rows()), b"v1")
    incoming = make_result([*flood_rows(teams_nanjing=25)[:2],
                            {**FLOOD, "city": "苏州市", "metric": "teams", "value": 24}]).facts
    preview = preview_changes(store, incoming).set_index("city")
    assert preview.at["南京市", "change"] == CORRECTED
    assert (preview.at["南京市", "old_value"], preview.at["南京市", "value"]) == (20, 25)
    assert preview.at["无锡市", "change"] == UNCHANGED
    assert preview.at["苏州市", "change"] == NEW
    assert total(store, "teams") == 37  # a preview stores nothing


def test_only_the_exact_key_is_superseded(store):
    """A figure differing in any key column (metric, county, unit, period) is another figure, not a correction."""
    store.import_result(make_result(flood_rows()), b"v1")
    others = [
        {**FLOOD, "city": "南京市", "metric": "lighting_km", "value": 1},  # same dims as Nanjing teams, other metric
        {**FLOOD, "city": "南京市", "county": "玄武区", "metric": "teams", "value": 2},  # other county
        {**FLOOD, "city": "南京市", "unit": "供电所", "metric": "teams", "value": 3},  # other unit
        {**FLOOD, "period_end": "2020-08-31", "city": "南京市", "metric": "teams", "value": 4},  # other period
        {**FLOOD, "campaign": "other", "city": "南京市", "metric": "teams", "value": 5},  # other campaign
    ]
    outcome = store.import_result(make_result(others), b"v2")
    assert (outcome.added, outcome.superseded) == (5, 0)
    assert len(store.active_facts()) == 9 and total(store, "teams") == 37 + 2 + 3 + 4 + 5
    correction = store.import_result(make_result([{**others[1], "value": 7}, *flood_rows(teams_wuxi=18)[1:2]]), b"v3")
    assert correction.superseded == 2
    assert total(store, "teams") == 20 + 18 + 7 + 3 + 4 + 5
    store.undo(correction.upload_id)
    assert total(store, "teams") == 37 + 2 + 3 + 4 + 5
    old = store.upload_facts(2)
    assert old["active"].all() and old["superseded_by"].isna().all()


def test_a_key_reported_twice_in_one_file_keeps_the_last(store):
    rows = [*flood_rows(), {**FLOOD, "city": "南京市", "metric": "teams", "value": 26}]
    outcome = store.import_result(make_result(rows), b"twice")
    assert outcome.added == 5 and total(store, "teams") == 26 + 17
    mine = store.upload_facts(outcome.upload_id)
    assert list(mine["active"]) == [False, True, True, True, True]
    assert mine.at[0, "superseded_by"] == outcome.upload_id


def test_reads_keep_columns_and_dtypes(store):
    empty = store.active_facts()
    assert list(empty.columns) == [*FACT_COLUMNS, "upload_id"] and len(empty) == 0
    result = make_result(flood_rows())
    result.facts.loc[1, "row"] = None
    store.import_result(result, b"a")
    facts = store.active_facts()
    assert all(isinstance(facts[column].dtype, pd.CategoricalDtype) for column in TEXT_COLUMNS)
    assert facts["period_end"].dtype == "datetime64[ns]" and facts["value"].dtype == float
    assert facts["row"].isna().sum() == 1 and facts["upload_id"].dtype == "int64"
    marks = store.upload_facts(1)
    assert marks["active"].dtype == bool and marks["superseded_by"].isna().all()


def test_stored_facts_come_back_as_loaded_through_correction_and_undo(store_url):
    store = Store(store_url)
    result = make_result(flood_rows())
    store.import_result(result, b"v1")
    correction = store.import_result(make_result(flood_rows(teams_nanjing=25)[:1]), b"v2")
    assert correction.superseded == 1 and total(store, "teams") == 42
    stored = as_text(store.upload_facts(1).drop(columns=["upload_id", "active", "superseded_by", "reconfirmed"]))
    pd.testing.assert_frame_equal(stored, result.facts.reset_index(drop=True))
    store.undo(correction.upload_id)
    assert total(store, "teams") == 37


def test_active_facts_of_a_period_range_read_only_that_range(store):
    store.import_result(make_result(flood_rows()), b"july")
    august = [{**row, "period_start": "2020-08-01", "period_end": "2020-08-31", "value": 1} for row in flood_rows()]
    store.import_result(make_result(august), b"august")
    july = store.active_facts(date(2020, 7, 1), date(2020, 7, 31))
    assert len(july) == 4 and (july["upload_id"] == 1).all()
    assert len(store.active_facts(period_end_from=date(2020, 8, 1))) == 4
    assert len(store.active_facts()) == 8


def test_a_store_with_row_facts_is_carried_over_to_fact_sets(tmp_path):
    """A store written by the previous schema (dims + one row per fact) opens with every figure in effect."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_SQL)
    assert open_at_once(f"sqlite:///{path}") == []
    store = Store(f"sqlite:///{path}")
    facts = store.active_facts()
    assert total(store, "teams") == 25 + 17  # upload 2 corrected Nanjing
    assert len(facts) == 3 and set(facts["upload_id"]) == {1, 2}
    assert store.upload_facts(1)["superseded_by"].tolist() == [2, pd.NA, pd.NA]
    store.undo(2)
    assert total(store, "teams") == 20 + 17
    Store(f"sqlite:///{path}")  # opening again adds nothing
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM fact_sets").fetchone() == (2,)
        assert conn.execute("SELECT COUNT(*) FROM facts").fetchone() == (4,)  # the old rows stay


LEGACY_SQL = """
CREATE TABLE uploads (id INTEGER PRIMARY KEY, file_name VARCHAR(255) NOT NULL, sha256 VARCHAR(64) NOT NULL,
  size INTEGER NOT NULL, content BLOB NOT NULL, uploaded_at DATETIME NOT NULL, uploader VARCHAR(100) NOT NULL,
  source VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, sheets TEXT NOT NULL, facts_added INTEGER NOT NULL,
  facts_superseded INTEGER NOT NULL, rows_dropped INTEGER NOT NULL, warnings INTEGER NOT NULL, changed_at DATETIME);
CREATE TABLE dims (id INTEGER PRIMARY KEY, period_start DATE NOT NULL, period_end DATE NOT NULL,
  city VARCHAR(50) NOT NULL, county VARCHAR(50) NOT NULL, unit VARCHAR(200) NOT NULL, campaign VARCHAR(50) NOT NULL);
CREATE TABLE facts (id INTEGER PRIMARY KEY, upload_id INTEGER NOT NULL, dim_id INTEGER NOT NULL,
  metric VARCHAR(50) NOT NULL, value FLOAT NOT NULL, qualifier VARCHAR(10) NOT NULL, remarks TEXT NOT NULL,
  sheet VARCHAR(255) NOT NULL, "row" INTEGER, active BOOLEAN NOT NULL, superseded_by INTEGER);
CREATE TABLE meta (id INTEGER PRIMARY KEY, data_version INTEGER NOT NULL, updated_at DATETIME);
INSERT INTO meta VALUES (1, 2, NULL);
INSERT INTO uploads VALUES (1, 'a.xlsx', 'aa', 1, x'00', '2026-11-01 08:00:00', 'clerk', 'upload', 'active', '[]',
  3, 0, 0, 0, NULL), (2, 'b.xlsx', 'bb', 1, x'01', '2026-11-02 08:00:00', 'clerk', 'upload', 'active', '[]', 1, 1, 0, 0, NULL);
INSERT INTO dims VALUES (1, '2020-07-01', '2020-07-31', '南京市', '', '', 'flood_power'),
  (2, '2020-07-01', '2020-07-31', '无锡市', '', '', 'flood_power');
INSERT INTO facts VALUES (1, 1, 1, 'teams', 20, '', '', 'S', 4, 0, 2), (2, 1, 2, 'teams', 17, '', '', 'S', 5, 1, NULL),
  (3, 1, 1, 'lighting_km', 44.6, 'over', '', 'S', 4, 1, NULL), (4, 2, 1, 'teams', 25, '', '', 'S', 4, 1, NULL);
"""


def test_import_reports_progress_up_to_done(store):
    seen: list[float] = []
    store.import_result(make_result(flood_rows()), b"p", progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)


KEYS = [(month, city, metric) for month in (7, 8) for city in ("南京市", "无锡市") for metric in ("teams", "lighting_km")]
STEPS = st.lists(st.one_of(
    st.tuples(st.just("import"), st.lists(st.tuples(st.sampled_from(KEYS), st.integers(0, 99)), min_size=1, max_size=6)),
    st.tuples(st.sampled_from(["undo", "redo"]), st.integers(1, 8)),
), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(STEPS)
def test_figures_in_effect_follow_the_newest_upload_in_effect(steps):
    """Any sequence of imports, undos and redos against a plain model: per key, the last figure of the newest
    upload in effect counts; an upload supersedes the figures in effect for its keys; marks agree."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/model.db")
        model: list[dict] = []  # per upload: status and its (key, value) facts in file order
        for number, (action, argument) in enumerate(steps):
            if action == "import":
                before = _model_in_effect(model)
                rows = [{"period_start": f"2020-0{m}-01", "period_end": f"2020-0{m}-{30 + (m in (7, 8))}",
                         "campaign": "flood_power", "city": city, "metric": metric, "value": value}
                        for (m, city, metric), value in argument]
                outcome = store.import_result(make_result(rows), f"file {number}".encode())
                model.append({"status": "active", "facts": argument})
                assert outcome.upload_id == len(model)
                assert outcome.superseded == len({key for key, _ in argument} & before.keys())
            elif argument <= len(model):
                wanted = "undone" if action == "undo" else "active"
                if model[argument - 1]["status"] == wanted:
                    with pytest.raises(StoreError):
                        getattr(store, action)(argument)
                else:
                    getattr(store, action)(argument)
                    model[argument - 1]["status"] = wanted
        facts = store.active_facts()
        stored = {(ts.month, city, metric): (value, upload) for ts, city, metric, value, upload in zip(
            facts["period_end"], facts["city"], facts["metric"], facts["value"], facts["upload_id"])}
        assert stored == _model_in_effect(model)
        for upload_id, upload in enumerate(model, start=1):
            marks = store.upload_facts(upload_id)
            assert len(marks) == len(upload["facts"])
            winners = _model_in_effect(model)
            for position, (key, _value) in enumerate(upload["facts"]):
                last_in_file = all(other != key for other, _ in upload["facts"][position + 1:])
                active = upload["status"] == "active" and last_in_file and winners[key][1] == upload_id
                assert bool(marks.at[position, "active"]) == active
                expected = None if active or upload["status"] != "active" else winners[key][1]
                got = marks.at[position, "superseded_by"]
                assert (None if pd.isna(got) else int(got)) == expected


def _model_in_effect(model: list[dict]) -> dict:
    """Per key: (value, upload id) of its last figure in the newest upload in effect."""
    out = {}
    for upload_id, upload in enumerate(model, start=1):
        if upload["status"] == "active":
            for key, value in upload["facts"]:
                out[key] = (value, upload_id)
    return out


def test_a_database_failure_in_a_commit_is_a_store_failure_naming_the_file(store, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from store import StoreFailed

    def locked(conn, now):
        raise OperationalError("UPDATE meta ...", {}, Exception("database is locked"))

    with monkeypatch.context() as patch, pytest.raises(StoreFailed) as failed:
        patch.setattr(Store, "_bump_version", staticmethod(locked))
        store.import_result(make_result(flood_rows()), b"x")
    assert failed.value.en == "File 'test.xlsx': the store failed and nothing was changed (database is locked)."
    assert "数据库出错" in failed.value.zh
    assert store.uploads().empty and store.active_facts().empty
