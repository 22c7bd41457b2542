"""Shared fixtures: a fresh store per test, demo facts as a DataFrame, parse results built from rows."""
from __future__ import annotations

import gc
import math
import os
import time
import uuid

import pandas as pd
import pytest

from catalog import load_catalog
from loaders.problems import ParseResult
from model import FACT_COLUMNS
from settings import DEMO_DIR


def facts_frame(rows: list[dict]) -> pd.DataFrame:
    """Canonical facts from short dicts (defaults: no county/unit, no qualifier, sheet S, row by position)."""
    full = []
    for index, row in enumerate(rows):
        full.append({
            "city": "", "county": "", "unit": "", "qualifier": "", "remarks": "", "sheet": "S",
            "row": index + 2, **row,
        })
    frame = pd.DataFrame(full, columns=FACT_COLUMNS)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["value"] = frame["value"].astype(float)
    return frame


def make_result(rows: list[dict], file_name: str = "test.xlsx") -> ParseResult:
    return ParseResult(file_name=file_name, facts=facts_frame(rows))


def demo_expected() -> pd.DataFrame:
    """The facts data/demo/expected.csv says the demo files load into."""
    frame = pd.read_csv(DEMO_DIR / "expected.csv", dtype=str, keep_default_na=False)
    frame["value"] = frame["value"].astype(float)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["remarks"], frame["sheet"], frame["row"] = "", "", 0
    return frame[FACT_COLUMNS]


def pytest_configure(config):
    """Upload parses run in forkserver workers here (pytest runs threads): have them start with pandas imported."""
    from loaders.isolated import preload_forkserver

    preload_forkserver()


@pytest.fixture
def catalog():
    return load_catalog()


GROWTH_LIMIT = 20  # input 8 times as long may take at most this many times as long: quadratic work takes 64 times
GROWTH_SLACK = 0.02  # seconds: a time slice or two lost to other processes on a busy machine
GROWTH_TRIES = 5


@pytest.fixture
def assert_linear():
    """assert_linear(func, make, n): func(make(8n, k)) takes well under 64 times func(make(n, k)), best of 5 tries.

    `make(size, k)` builds the input of try k; tries must differ (e.g. k leading spaces) so no cache answers them.
    Small and large tries alternate, with the garbage collector off (as timeit does), so load and collections
    between them do not pass for growth.
    """
    def timed(func, text):
        start = time.perf_counter()
        func(text)
        return time.perf_counter() - start

    def check(func, make, n):
        small = large = math.inf
        enabled = gc.isenabled()
        gc.disable()
        try:
            for k in range(GROWTH_TRIES):
                small = min(small, timed(func, make(n, k)))
                large = min(large, timed(func, make(8 * n, k)))
        finally:
            if enabled:
                gc.enable()
        assert large < GROWTH_LIMIT * small + GROWTH_SLACK, f"{small:.4f} s for {n}, {large:.4f} s for {8 * n}"

    return check


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """A fresh store URL: an SQLite file, and a new PostgreSQL database when KPI_TEST_POSTGRES_URL names a server.

    .ci/run starts a throwaway PostgreSQL server and sets REQUIRE_POSTGRES=1, so there it never skips.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server = os.environ.get("KPI_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but KPI_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set KPI_TEST_POSTGRES_URL)")
    from sqlalchemy import create_engine, text

    name = f"kpi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def store(store_url):
    from store import Store

    return Store(store_url)


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """Every download button a page draws (through st, a container or a column): key → (file name, data or the
    function making it). tests/test_briefing.py keeps its own, which records the mime type and label too."""
    from streamlit.delta_generator import DeltaGenerator

    seen = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, mime=None, key=None, *args, **kwargs):
        seen[key] = (file_name, data)
        return original(self, label, data, file_name, mime, key, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    return seen
