"""Store: round trip, restart, data version, supersede, undo/redo, refusals, atomic commits."""
from __future__ import annotations

import threading

import pandas as pd
import pytest
from sqlalchemy import event

from loaders.problems import ERROR, Problem
from model import FACT_COLUMNS
from store import Store, StoreError
from tests.conftest import make_result

FLOOD = {"period_start": "2020-07-01", "period_end": "2020-07-31", "campaign": "flood_power"}


def flood_rows(teams_nanjing: float = 20, teams_wuxi: float = 17) -> list[dict]:
    return [
        {**FLOOD, "city": "南京市", "metric": "teams", "value": teams_nanjing},
        {**FLOOD, "city": "无锡市", "metric": "teams", "value": teams_wuxi},
        {**FLOOD, "city": "南京市", "county": "高淳区", "metric": "lighting_km", "value": 44.6},
        {**FLOOD, "metric": "lighting_lines", "value": 120, "qualifier": "over"},
    ]


def total(store: Store, metric: str) -> float:
    facts = store.active_facts()
    return float(facts.loc[facts["metric"] == metric, "value"].sum())


def test_round_trip_keeps_every_column(store):
    result = make_result(flood_rows())
    outcome = store.import_result(result, b"file-1", uploader="clerk")
    assert (outcome.added, outcome.superseded) == (4, 0)
    stored = store.active_facts().drop(columns="upload_id")
    pd.testing.assert_frame_equal(stored.reset_index(drop=True), result.facts.reset_index(drop=True))


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
        if statement.lstrip().upper().startswith("INSERT INTO FACTS"):
            raise RuntimeError("disk full")

    event.listen(store.engine, "before_cursor_execute", fail_on_facts_insert)
    with pytest.raises(RuntimeError):
        store.import_result(make_result(flood_rows()), b"x")
    event.remove(store.engine, "before_cursor_execute", fail_on_facts_insert)
    assert store.uploads().empty and store.active_facts().empty and store.data_version() == 0


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
    assert str(facts["city"].dtype) == str(pd.Series(["x"]).dtype)  # the inferred text dtype
    assert facts["period_end"].dtype == "datetime64[ns]" and facts["value"].dtype == float
    assert facts["row"].isna().sum() == 1 and facts["upload_id"].dtype == "int64"
    marks = store.upload_facts(1)
    assert marks["active"].dtype == bool and marks["superseded_by"].isna().all()


def check_store_supersede_undo(store: Store) -> None:
    """Store, correct and undo through whichever insert path the store takes; the figures must not differ."""
    result = make_result(flood_rows())
    store.import_result(result, b"v1")
    correction = store.import_result(make_result(flood_rows(teams_nanjing=25)[:1]), b"v2")
    assert correction.superseded == 1 and total(store, "teams") == 42
    stored = store.upload_facts(1).drop(columns=["upload_id", "active", "superseded_by"])
    pd.testing.assert_frame_equal(stored, result.facts.reset_index(drop=True))
    store.undo(correction.upload_id)
    assert total(store, "teams") == 37


def test_portable_path_stores_what_the_fast_path_does(store_url, monkeypatch):
    """The SQLAlchemy-only path (PostgreSQL, other databases), forced on SQLite too."""
    import store.core as core

    monkeypatch.setattr(core, "_sqlite_bulk", lambda conn: False)
    check_store_supersede_undo(Store(store_url))


def test_sqlite_bulk_path_stores_the_same(tmp_path):
    """SQLite's own multi-row insert path, with the same checks."""
    check_store_supersede_undo(Store(f"sqlite:///{tmp_path / 'bulk.db'}"))


def test_import_reports_progress_up_to_done(store):
    seen: list[float] = []
    store.import_result(make_result(flood_rows()), b"p", progress=seen.append)
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
