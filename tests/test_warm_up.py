"""The warm-up at server start (cached.warm_up, started by webapp.lifespan): what the first page reads is in the
caches before anyone asks, and a store it cannot read does not stop the server."""
from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import cached
import webapp
from store import Store
from tests.test_pages import card

ROOT = Path(__file__).resolve().parent.parent


def test_after_the_warm_up_the_first_overview_reads_no_facts(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path / "var"))
    reads: list[str] = []
    original = Store.active_facts

    def counted(self, *args, **kwargs):
        reads.append(self.url)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Store, "active_facts", counted)
    assert cached.warm_up() is True
    assert len(reads) == 1  # the facts, read once; the cubes, the span and the targets come from them or the store
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    assert not at.exception
    assert card(at, "服务队") == "185"  # the demo's 184 flood teams + Rugao's covid team
    assert len(reads) == 1, "the first page read the facts again instead of the warmed cache"


def test_a_store_it_cannot_reach_is_left_to_the_first_page(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://kpi@127.0.0.1:9/nowhere?connect_timeout=2")
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path / "var"))
    with caplog.at_level(logging.WARNING, logger="cached"):
        assert cached.warm_up() is False
    assert "warm-up at start did not complete" in caplog.text


def test_the_servers_lifespan_starts_the_set_up_link_and_the_warm_up_in_a_thread_of_its_own(tmp_path, monkeypatch,
                                                                                             capsys):
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.db'}")
    monkeypatch.setenv("KPI_DEMO", "0")
    done = threading.Event()
    threads: list[str] = []

    def warm_up() -> bool:
        threads.append(threading.current_thread().name)
        done.set()
        return True

    monkeypatch.setattr(cached, "warm_up", warm_up)

    async def start_and_stop() -> None:
        async with webapp.lifespan(None):
            pass

    asyncio.run(start_and_stop())
    assert done.wait(30)
    assert threads == ["kpi-start-up"]
    assert "/auth/setup?token=" in capsys.readouterr().out  # a new store: no administrator yet


def test_a_store_unreachable_at_start_is_logged_and_the_warm_up_still_runs(monkeypatch, caplog):
    monkeypatch.setattr(webapp, "auth_store", lambda: (_ for _ in ()).throw(OSError("no route to the database")))
    ran = []
    monkeypatch.setattr(cached, "warm_up", lambda: ran.append(True))
    with caplog.at_level(logging.ERROR, logger="webapp"):
        webapp.start_up("localhost", 8501)
    assert ran == [True]
    assert "no set-up link printed" in caplog.text and "no route to the database" in caplog.text


# (what is imported, what must not come with it): the server before it answers imports Streamlit and the log-in
# routes (the rest comes in start_up); the first page's modules leave openpyxl (with lxml) and the loaders' readers
# to the moment a file is made or read.
IMPORTS = [
    ("webapp", ("pandas", "sqlalchemy", "store.core", "openpyxl")),
    ("webapp, cached, ui, charts, display, store.core", ("openpyxl", "python_calamine", "loaders.files", "store.demo")),
]


@pytest.mark.parametrize(("modules", "absent"), IMPORTS)
def test_what_a_server_imports_before_its_first_page(modules, absent):
    code = f"import sys, {modules}; print(sorted(m for m in {absent!r} if m in sys.modules))"
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "KPI_DEMO": "0"})
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip().splitlines()[-1] == "[]"


def test_a_run_looks_its_store_up_once_and_the_next_run_follows_the_settings(tmp_path, monkeypatch):
    """cached.get_store is asked a score of times a rerun: the settings are read once per run, never carried over."""
    monkeypatch.setenv("KPI_DEMO", "0")
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'first.db'}")
    lookups: list[str] = []
    original = cached.get_settings

    def counted():
        settings = original()
        lookups.append(settings.database_url)
        return settings

    monkeypatch.setattr(cached, "get_settings", counted)

    def page():
        import streamlit as st

        import cached

        stores = [cached.get_store() for _ in range(20)]
        cached.data_version()
        st.text(f"{stores[0].url} {len({id(store) for store in stores})}")

    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.text[0].value == f"sqlite:///{tmp_path / 'first.db'} 1"
    assert lookups == [f"sqlite:///{tmp_path / 'first.db'}"]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'second.db'}")
    at.run()
    assert at.text[0].value == f"sqlite:///{tmp_path / 'second.db'} 1"
    assert lookups[1:] == [f"sqlite:///{tmp_path / 'second.db'}"]
