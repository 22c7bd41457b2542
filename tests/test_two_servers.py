"""Two app servers on one PostgreSQL (#13, items 3 and 4), as docs/deploy.md sets them up: the same DATABASE_URL
and KPI_SECRET_KEY, KPI_DEMO=1 on both.

- An upload saved through server A's upload page shows on server B's Overview, already open, at its next
  interaction (no reload); an undo on B's history page shows on A's Overview the same way.
- A log-in on A holds on B: the browser's cookie names the same account there, and B's log-out ends the session
  A started (HTTP); a cookie signed with another secret does not.
- The data-version check costs one small query per rerun (counted with SQLAlchemy's before_cursor_execute).
- Servers finding the store empty at once load the demo once (each file, and its reporting task).
- nginx with deploy/nginx.conf in front of both: the Overview's cards through the proxy, a log-in that holds,
  every request of a browser on one server (sticky), the WebSocket upgraded.

The servers start once: one test drives them (tests of a module may run on different xdist workers, each
starting its own module fixtures). Needs the PostgreSQL of KPI_TEST_POSTGRES_URL (tests/postgres.py),
Chromium and Playwright (tests/test_browser.py), and nginx for its test: each skips when missing, unless
REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1 (set by .ci/run, which installs nginx): then it fails.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import event

import webauth
from settings import ROOT, get_settings
from store import Store
from store.accounts import SYSTEM
from store.demo import DEMO_FILES, ensure_demo
from tests import postgres
from tests.test_browser import (
    CHROMIUM, E2E_NAME, E2E_PASSWORD, E2E_USER, LAUNCH_ARGS, UPLOAD_CSV, Server, _browser_or_skip, _card, _free_port,
    _log_in, _visit, _wait_card,
)

SECRET = "one secret for every server behind the proxy"
NGINX_SITE = ROOT / "deploy" / "nginx.conf"
UPSTREAMS = ("127.0.0.1:8501", "127.0.0.1:8502")  # the addresses deploy/nginx.conf names, replaced by the test's


@pytest.fixture(scope="module")
def database():
    """A fresh PostgreSQL database with the demo and an administrator (E2E_USER)."""
    url = postgres.create_database("kpi_servers")
    store = Store(url)
    ensure_demo(store)
    store.add_user(SYSTEM, E2E_USER, E2E_NAME, "admin", "", E2E_PASSWORD)
    store.engine.dispose()
    yield url
    postgres.drop_database(url)


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory):
    """Servers A and B (scripts/serve.py) on that database, with one secret key, each with its own var/ folder."""
    _browser_or_skip()
    pair = []
    for name in ("a", "b"):
        server = Server(tmp_path_factory.mktemp(f"server_{name}"))
        server.database_url = database
        server.env.update(DATABASE_URL=database, KPI_SECRET_KEY=SECRET, KPI_DEMO="1", KPI_PUBLIC_VIEW="1")
        pair.append(server)
    with ThreadPoolExecutor(2) as pool:  # both start at once: a deployment's servers restart together
        list(pool.map(Server.start, pair))
    yield pair
    for server in pair:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _rerun(page) -> None:
    """An interaction that reruns the page's script on its server, without reloading the page: R, Streamlit's
    rerun key (the page's focus is on no input: these pages are only looked at)."""
    page.keyboard.press("r")


def _wait_card_after_reruns(page, label: str, expected: str) -> None:
    """Interact until the card shows `expected` (the other server's write is committed before this is called, so
    the first rerun should show it; a busy machine may take a few seconds to draw it)."""
    deadline = time.time() + 60
    value = None
    while time.time() < deadline:
        _rerun(page)
        for _ in range(4):
            try:
                value = _card(page, label)
            except Exception:  # the card is being redrawn
                value = None
            if value == expected:
                return
            time.sleep(0.5)
    raise AssertionError(f"card {label} shows {value}, expected {expected}")


def _same_document(page) -> bool:
    return page.evaluate("() => window.__kpi_kept === true")


@pytest.mark.browser
def test_two_servers_on_one_database_behind_nginx(servers, browser, tmp_path):
    _upload_and_undo_across(servers, browser, tmp_path)
    _login_across(servers)
    _through_nginx(servers, browser, tmp_path)  # last: skips here without nginx (fails under REQUIRE_BROWSER=1)


def _upload_and_undo_across(servers, browser, tmp_path) -> None:
    """An upload through A's page shows on B's open Overview at its next rerun; an undo on B's page, on A's."""
    a, b = (server.url for server in servers)
    upload_file = tmp_path / "2020年8月防汛补报.csv"
    upload_file.write_bytes(UPLOAD_CSV)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    try:
        overview_a, overview_b, work = context.new_page(), context.new_page(), context.new_page()
        _log_in(overview_a, a)  # on A; both servers are 127.0.0.1, so the browser sends the cookie to B as well
        _wait_card(overview_a, "服务队", "185")
        _visit(overview_b, f"{b}/")  # B knows the account A logged in
        overview_b.locator("[data-testid='stSidebar']", has_text=E2E_NAME).wait_for(timeout=60_000)
        _wait_card(overview_b, "服务队", "185")
        for page in (overview_a, overview_b):
            page.evaluate("() => { window.__kpi_kept = true; }")  # gone if the page reloads

        _visit(work, f"{a}/upload")  # save through A's upload page
        work.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload_file))
        work.get_by_role("button", name="确认保存").click()
        work.get_by_text("已保存").first.wait_for(timeout=60_000)

        _wait_card_after_reruns(overview_b, "服务队", "197")  # 185 + 7 + 5, on B at its next interaction
        _wait_card_after_reruns(overview_a, "服务队", "197")

        _visit(work, f"{b}/history")  # undo through B's history page
        work.get_by_role("button", name="撤销此次上传").click()
        work.get_by_text("已撤销上传").first.wait_for(timeout=60_000)

        _wait_card_after_reruns(overview_a, "服务队", "185")  # seen on A
        _wait_card_after_reruns(overview_b, "服务队", "185")
        assert _same_document(overview_a) and _same_document(overview_b), "a page was reloaded"
    finally:
        context.close()
    history = Store(servers[0].database_url).uploads()
    assert (history["source"] == "demo").sum() == len(DEMO_FILES)  # KPI_DEMO=1 on both: the demo is stored once


def _login_over_http(client: httpx2.Client, server: str) -> str:
    """POST /auth/login with the form's CSRF token, as a browser does; returns the signed session cookie."""
    form = client.get(f"{server}/auth/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    answer = client.post(f"{server}/auth/login", data={"csrf": token, "name": E2E_USER, "password": E2E_PASSWORD})
    assert answer.status_code == 303, answer.text[:500]
    return answer.cookies[webauth.COOKIE_NAME]


def _logout_over_http(server: str, session_cookie: str) -> None:
    """GET the log-out form and POST it, with the session cookie given (a client of its own: no other cookie)."""
    with httpx2.Client(follow_redirects=False, timeout=30) as client:
        client.cookies.set(webauth.COOKIE_NAME, session_cookie)
        form = client.get(f"{server}/auth/logout")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        answer = client.post(f"{server}/auth/logout", data={"csrf": token})
        assert answer.status_code == 303


def _login_across(servers) -> None:
    """A log-in over HTTP on A is a session B knows: B's log-out ends it (and not with a cookie of another key)."""
    a, b = (server.url for server in servers)
    store = Store(servers[0].database_url)
    with httpx2.Client(follow_redirects=False, timeout=30) as client:
        cookie = _login_over_http(client, a)
    token = webauth.session_token(cookie, SECRET)
    assert store.session_actor(token).name == E2E_USER

    forged = webauth.sign_session(token, "another server's own secret")
    _logout_over_http(b, forged)
    assert store.session_actor(token).name == E2E_USER, "B ended a session on a cookie signed with another key"

    _logout_over_http(b, cookie)  # B reads A's cookie: the session A started ends
    assert store.session_actor(token) is None
    logouts = store.audit_entries(user=E2E_USER, action="logout")
    assert len(logouts) == 1


def test_the_data_version_costs_one_query_per_rerun(database, monkeypatch):
    """Overview reruns in AppTest on a warm cache: one statement, the data version's; logged in, one data-version
    statement besides the session's; a change made by another process (another Store) shows at the next rerun."""
    from streamlit.testing.v1 import AppTest

    from tests import accounts
    from tests.test_pages import card

    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("KPI_DEMO", "1")
    accounts.send_cookie(monkeypatch, None)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    at.run()  # warm
    engine = __import__("cached").get_store().engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        at.run()
        assert not at.exception and card(at, "服务队") == "185"
        assert len(statements) == 1 and "data_version" in statements[0], statements

        token = Store(database).start_session(E2E_USER)
        accounts.send_cookie(monkeypatch, webauth.sign_session(token, accounts.SECRET))
        at.run()
        statements.clear()
        at.run()
        assert not at.exception
        assert sum("data_version" in s for s in statements) == 1, statements
        assert len(statements) <= 3, statements  # the version; the session and its account (ui.identify)

        other = Store(database)  # another server's store
        data = UPLOAD_CSV.replace("浏览器测试".encode(), "另一台服务器".encode())  # not the browser test's bytes
        outcome = other.import_result(_parse(data), data, uploader="另一台服务器")
        statements.clear()
        at.run()
        assert card(at, "服务队") == "197"
        other.undo(outcome.upload_id)
        at.run()
        assert card(at, "服务队") == "185"
        other.engine.dispose()
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_servers_loading_the_demo_at_once_store_it_once():
    """KPI_DEMO=1 on every server: two processes that find the store empty at the same moment (two Stores in two
    threads here) store each demo file once and define the demo's task once."""
    url = postgres.create_database("kpi_demo_race")
    stores = [Store(url), Store(url)]
    try:
        start, failed = threading.Barrier(2), []

        def load(store: Store) -> None:
            start.wait()
            try:
                ensure_demo(store)
            except Exception as error:  # noqa: BLE001 - reported below
                failed.append(error)

        threads = [threading.Thread(target=load, args=(store,)) for store in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert failed == []
        history = stores[0].uploads()
        assert sorted(history.loc[history["source"] == "demo", "file_name"]) == sorted(DEMO_FILES)
        assert len(stores[0].tasks(include_closed=True)) == 1
    finally:
        for store in stores:
            store.engine.dispose()
        postgres.drop_database(url)


def _parse(data: bytes):
    from loaders import parse_bytes

    return parse_bytes(data, "另一台服务器.csv")


# ---- nginx in front ------------------------------------------------------------------------------------------
def _nginx_or_skip() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not found:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but nginx is not installed (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    return found


def site_config(text: str, upstreams: list[str], listen: str) -> str:
    """deploy/nginx.conf with only its addresses changed: the upstream servers and the `listen` of the site."""
    assert text.count("listen 80;") == 1 and all(text.count(f"server {u};") == 1 for u in UPSTREAMS)
    for default, actual in zip(UPSTREAMS, upstreams, strict=True):
        text = text.replace(f"server {default};", f"server {actual};")
    return text.replace("listen 80;", f"listen {listen};")


def test_the_config_allows_the_upload_limit(monkeypatch):
    """client_max_body_size in deploy/nginx.conf is KPI_MAX_UPLOAD_MB's default plus at most 1 MB of wrapping."""
    monkeypatch.delenv("KPI_MAX_UPLOAD_MB", raising=False)
    size = int(re.search(r"client_max_body_size (\d+)m;", NGINX_SITE.read_text()).group(1))
    assert get_settings().max_upload_mb <= size <= get_settings().max_upload_mb + 1


@contextmanager
def _nginx_in_front(servers, folder: Path):
    """nginx (its own prefix folder, not a daemon) running deploy/nginx.conf in front of A and B; yields its URL.

    The main config around the site file adds only what a standalone nginx needs (pid, logs, temp folders) and an
    access log of which server answered each request (to check the stickiness)."""
    nginx = _nginx_or_skip()
    port = _free_port()
    (folder / "kpi.conf").write_text(site_config(NGINX_SITE.read_text(encoding="utf-8"),
                                                 [f"127.0.0.1:{server.port}" for server in servers],
                                                 f"127.0.0.1:{port}"), encoding="utf-8")
    temp = "".join(f"{kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                        "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers as root only in a test under root: reads tmp_path
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        f"events {{ worker_connections 256; }}\n"
        f"http {{\n{temp}"
        f"log_format routes '$cookie_kpi_route $kpi_route $upstream_addr $status $request_uri';\n"
        f"access_log {folder / 'access.log'} routes;\n"
        f"include {folder / 'kpi.conf'};\n}}\n", encoding="utf-8")
    log = (folder / "nginx.out").open("wb")
    process = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 20
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.time() > deadline:
                process.kill()
                pytest.fail("nginx did not start: " + (folder / "error.log").read_text(errors="replace")[-2000:]
                            + (folder / "nginx.out").read_text(errors="replace")[-2000:])
            time.sleep(0.2)
    try:
        yield url, folder / "access.log"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _through_nginx(servers, browser, tmp_path) -> None:
    """deploy/nginx.conf in front of A and B: the Overview, a log-in that holds, one server per browser."""
    folder = tmp_path / "nginx"
    folder.mkdir()
    with _nginx_in_front(servers, folder) as (url, access_log):
        _browse_through(url, access_log, servers, browser)


def _browse_through(url: str, access_log: Path, servers, browser) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        sockets = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        _visit(page, f"{url}/")
        _wait_card(page, "服务队", "185")  # the Overview's cards through the proxy (its WebSocket upgraded)
        assert any(s.startswith(f"ws://127.0.0.1:{url.rsplit(':', 1)[1]}/_stcore/stream") for s in sockets), sockets
        route = {c["name"]: c["value"] for c in context.cookies()}.get("kpi_route")
        assert route and re.fullmatch(r"[0-9a-f]{32}", route)

        _log_in(page, url)  # the log-in form through the proxy, back on the dashboard logged in
        page.locator("[data-testid='stSidebar']", has_text=E2E_NAME).wait_for(timeout=60_000)
        page.reload()  # stays logged in across requests (a new page load, a new WebSocket)
        page.locator("[data-testid='stSidebar']", has_text=E2E_NAME).wait_for(timeout=60_000)
        assert "上传记录" in page.locator("[data-testid='stSidebarNav']").inner_text()  # an administrator's pages
    finally:
        context.close()
    time.sleep(0.5)  # nginx writes its log line when a request ends
    lines = [line.split() for line in access_log.read_text().splitlines()]
    answered = {fields[2] for fields in lines if len(fields) >= 4 and fields[1] == route and fields[2] != "-"}
    assert len(answered) == 1, f"one browser's requests went to {answered}"  # sticky: one server per browser
    assert answered <= {f"127.0.0.1:{server.port}" for server in servers}
