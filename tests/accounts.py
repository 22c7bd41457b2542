"""Logging in for AppTest: AppTest sends no cookies, so tests replace ui.request_cookies with one that returns a
session cookie signed as webauth signs it; the page then checks its signature and asks the store for the session,
as it does for a browser."""
from __future__ import annotations

import pytest

import ui
import webauth
from store import Store, StoreError
from store.accounts import SYSTEM, Actor

SECRET = "tests-secret-key"
PASSWORD = "correct horse battery"
NANJING, GAOCHUN = "320100", "320118"


def add_account(url: str, name: str, role: str, unit: str = "", display_name: str | None = None) -> Actor:
    """An account in the store at `url` (made by the code itself, as `python -m store user add` would)."""
    store = Store(url)
    try:
        return store.add_user(SYSTEM, name, display_name or name, role, unit, PASSWORD)
    except StoreError:
        return store.account(name)


def log_in(monkeypatch: pytest.MonkeyPatch, url: str, name: str, role: str, unit: str = "",
           display_name: str | None = None) -> str:
    """Every AppTest run from now on comes with the signed cookie of a new session of that account; returns it."""
    add_account(url, name, role, unit, display_name)
    token = Store(url).start_session(name)
    return send_cookie(monkeypatch, webauth.sign_session(token, SECRET))


def send_cookie(monkeypatch: pytest.MonkeyPatch, value: str | None) -> str | None:
    """Every AppTest run from now on sends this session cookie (None: none at all)."""
    monkeypatch.setenv("KPI_SECRET_KEY", SECRET)
    cookies = {} if value is None else {webauth.COOKIE_NAME: value}
    monkeypatch.setattr(ui, "request_cookies", lambda: cookies)
    return value


def demo_app(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The dashboard in AppTest on a fresh store with the demo, for an anonymous visitor (public view), in Chinese."""
    from streamlit.testing.v1 import AppTest

    from settings import ROOT

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    return at


def admin_app(tmp_path, monkeypatch: pytest.MonkeyPatch, name: str = "clerk"):
    """The dashboard in AppTest on a fresh store with the demo, logged in as an administrator; .url is the store."""
    from streamlit.testing.v1 import AppTest

    from settings import ROOT

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    log_in(monkeypatch, url, name, "admin")  # uploads, undo and aliases: an administrator's pages
    monkeypatch.setenv("KPI_DEMO", "1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    at.url = url
    return at


def upload_text(at, name: str, text: str, mime: str = "text/csv") -> None:
    """Drop a CSV text (UTF-8 with BOM) on the upload page; the preview shows, with no exception."""
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_files").upload(name, text.encode("utf-8-sig"), mime).run()
    assert not at.exception


def commit_button(at):
    """The preview's save button."""
    [button] = [b for b in at.button if b.key and b.key.endswith("_commit")]
    return button


def started():
    """The dashboard in AppTest (zh-CN), run once with no exception, as whoever send_cookie/log_in made it."""
    from streamlit.testing.v1 import AppTest

    from settings import ROOT

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    assert not at.exception
    return at
