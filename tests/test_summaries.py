"""Summaries kept per data version (store/summaries.py, cached._summary): the monthly cube and the span made once per
version for every server and the next start, never kept across a write, never over a newer one; on SQLite and
PostgreSQL."""
from __future__ import annotations

import threading
from datetime import date

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import cached
from analytics import data_months, default_window, level_inconsistencies, monthly_cube, with_levels
from store import Store
from store.summaries import decode_frame, encode_frame
from tests.test_cube import as_facts, same
from tests.test_pages import card
from tests.test_warm_up import ROOT

FIGURES = {(("2020-07-01", "2020-07-31"), ("南京市", "高淳区", ""), "flood_power", "teams"): (3, "about"),
           (("2020-07-01", "2020-07-31"), ("南京市", "", ""), "flood_power", "teams"): (2, ""),
           (("2020-06-01", "2020-06-30"), ("无锡市", "", ""), "light_up", "lighting_rate"): (87.5, "")}


def test_a_cube_comes_back_from_its_bytes_as_it_went_with_its_notes():
    cube = monthly_cube(as_facts(FIGURES))
    back, notes = decode_frame(encode_frame(cube, {"first_month": "2020-06-01"}))
    assert notes == {"first_month": "2020-06-01"}
    assert list(back.dtypes.astype(str)) == list(cube.dtypes.astype(str))
    for column in ("city", "campaign", "metric", "qualifier"):  # the categories and their order, not only the values
        assert list(back[column].cat.categories) == list(cube[column].cat.categories)
    same(back, cube)


def test_a_summary_is_kept_for_its_version_and_read_back(store):
    version = store.data_version()
    assert store.summary("monthly_cube", version) is None
    assert store.keep_summary("monthly_cube", version, b"first") is True
    assert store.summary("monthly_cube", version) == b"first"
    assert store.summary("monthly_cube", version + 1) is None  # another version's is never given
    assert store.keep_summary("monthly_cube", version, b"again") is True  # the same version: the one kept stays
    assert store.summary("monthly_cube", version) == b"first"


def test_a_summary_made_before_a_write_is_not_kept(store, demo_result):
    before = store.data_version()
    store.import_result(demo_result, b"a file")  # a write between the reading of the figures and the keeping
    assert store.keep_summary("monthly_cube", before, b"stale") is False
    assert store.summary("monthly_cube", before) is None
    now = store.data_version()
    assert store.keep_summary("monthly_cube", now, b"current") is True
    assert store.keep_summary("monthly_cube", before, b"stale") is False  # never over a newer one
    assert store.summary("monthly_cube", now) == b"current"


def test_two_stores_keeping_one_version_at_once_leave_one_row(store, store_url):
    version, outcomes = store.data_version(), []
    stores = [Store(store_url) for _ in range(4)]
    barrier = threading.Barrier(len(stores))

    def keep(other: Store, index: int) -> None:
        barrier.wait()
        outcomes.append(other.keep_summary("monthly_cube", version, f"from {index}".encode()))

    threads = [threading.Thread(target=keep, args=(other, i)) for i, other in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = store.summary("monthly_cube", version)
    assert kept is not None and kept.decode().startswith("from ")
    assert any(outcomes)
    with store.engine.connect() as conn:
        from sqlalchemy import func, select

        from store.schema import summaries
        assert conn.execute(select(func.count()).select_from(summaries)).scalar_one() == 1
    for other in stores:
        other.engine.dispose()


@pytest.fixture
def demo_result():
    from loaders import ParseResult

    frame = as_facts(FIGURES).drop(columns=["counted", "part"])
    for column in ("city", "county", "unit", "campaign", "metric", "qualifier"):
        frame[column] = frame[column].astype(str)
    return ParseResult(file_name="summary_test.xlsx", facts=frame)


def test_a_server_started_on_unchanged_figures_draws_the_overview_without_reading_the_facts(tmp_path, monkeypatch):
    """The first start makes the summary and keeps it; after a restart (empty caches) the Overview's cards and charts
    come from it, the facts are not read; after an upload the next rerun makes the new version's."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path / "var"))
    st.cache_resource.clear()
    assert cached.warm_up() is True
    store = cached.get_store()
    version = store.data_version()
    kept, notes = decode_frame(store.summary(cached.SUMMARY, version))
    facts = with_levels(store.active_facts())
    same(kept, monthly_cube(facts))
    assert cached._span_of(notes) == (data_months(facts), default_window(facts))
    found, _ = decode_frame(store.summary(cached.INCONSISTENCIES, version))
    same(found, level_inconsistencies(facts, cached.catalog()))

    st.cache_resource.clear()  # a restart: nothing cached
    st.cache_data.clear()
    reads: list[int] = []
    original = Store.active_facts
    monkeypatch.setattr(Store, "active_facts", lambda self, *a, **k: reads.append(1) or original(self, *a, **k))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    assert not at.exception
    assert card(at, "服务队") == "185"  # the demo's 184 flood teams + Rugao's covid team
    assert len(at.get("plotly_chart")) >= 2  # the trend and the ranking
    assert reads == [], "the Overview read the facts although the kept summary serves it"
    at.switch_page("pages/data.py").run()  # a page that lists facts reads them, once
    assert not at.exception and len(reads) == 1


def test_one_citys_facts_are_its_rows_of_all_the_facts(store, demo_result):
    """Store.active_facts(cities=…) (By region's counties without the other cities) gives that city's rows of the
    figures in effect, a later upload's figure winning as in the whole; with_levels of them gives the same masks."""
    store.import_result(demo_result, b"first")
    later = demo_result.facts.copy()
    later.loc[later["city"] == "南京市", "value"] = later.loc[later["city"] == "南京市", "value"] + 10
    from loaders import ParseResult
    store.import_result(ParseResult(file_name="later.xlsx", facts=later), b"later")
    everything = with_levels(store.active_facts())
    for cities in (["南京市"], ["无锡市"], ["南京市", "无锡市"], ["连云港市"]):
        mine = with_levels(store.active_facts(cities=cities))
        expected = everything[everything["city"].astype(str).isin(cities)].reset_index(drop=True)
        columns = ["period_end", "city", "county", "unit", "campaign", "metric", "value", "qualifier", "upload_id",
                   "counted", "part"]
        same(mine[columns].reset_index(drop=True), expected[columns])
    assert sorted(store.active_facts(cities=["南京市"])["value"].tolist()) == [12.0, 13.0]  # the later upload's


def test_by_regions_city_facts_are_the_same_read_alone_or_from_all(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path / "var"))
    st.cache_resource.clear()
    alone = {city: cached.city_facts(city) for city in ("南京市", "南通市", "连云港市")}
    assert (cached.get_store().url, cached.get_store().data_version()) not in cached._facts_read  # not read whole
    cached.active_facts()  # a page read every fact: city_facts now takes rows of them
    for city, facts in alone.items():
        whole = cached.city_facts(city)
        assert len(whole) == len(facts)
        columns = ["period_end", "county", "campaign", "metric", "value", "qualifier", "counted", "part"]
        same(facts[columns].reset_index(drop=True), whole[columns].reset_index(drop=True))
    assert len(alone["南京市"]) > 0
