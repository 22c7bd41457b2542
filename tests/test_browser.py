"""End to end in headless Chromium: upload a file, see the Overview change by its figures, undo, see them return;
a file with hostile names shown as text, fetching nothing, its tables downloaded formula-safe.

Skips when Chromium or Playwright is missing, unless REQUIRE_BROWSER=1 (set by .ci/run): then it fails.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from safetext import WORD_JOINER
from settings import ROOT
from tests import hostile

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
# 12 more flood teams in August 2020: inside the default window (2019-09 .. 2020-08)
UPLOAD_CSV = (
    "统计期间,地区,专项活动,指标,数值,备注\n"
    "2020年8月,国网南京供电公司,防汛保电,服务队,7,浏览器测试\n"
    "2020年8月,国网苏州供电公司,防汛保电,服务队,5,浏览器测试\n"
).encode("utf-8-sig")


def _browser_or_skip():
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed"
    if missing is None and not os.path.exists(CHROMIUM):
        missing = "Chromium is not installed (apt-get install chromium fonts-wqy-microhei)"
    if missing:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


E2E_USER, E2E_NAME, E2E_PASSWORD = "e2e_admin", "测试管理员", "e2e password 1"  # made with the store API


class Server:
    """A dashboard server (scripts/serve.py) on a free port, its console written to server.log; restartable."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = f"sqlite:///{tmp_path / 'e2e.db'}"
        self.log = tmp_path / "server.log"
        self.env = {**os.environ, "DATABASE_URL": self.database_url, "KPI_DEMO": "1",
                    "KPI_VAR_DIR": str(tmp_path / "var"), "KPI_PUBLIC_VIEW": "1"}
        self.env.pop("KPI_SECRET_KEY", None)  # the key generated into var/ on first start
        self.process = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "scripts" / "serve.py"), "--server.headless", "true",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.process.kill()
        pytest.fail("the app did not start: " + self.log.read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)

    def console(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def fresh_server(tmp_path):
    """A server on an empty store: no account yet, so it prints a set-up link."""
    server = Server(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server(tmp_path):
    """A server whose store has an administrator (E2E_USER, made with the store API); yields its URL."""
    from store import Store
    from store.accounts import SYSTEM

    running = Server(tmp_path)
    Store(running.database_url).add_user(SYSTEM, E2E_USER, E2E_NAME, "admin", "", E2E_PASSWORD)
    running.start()
    yield running.url
    running.stop()


def _log_in(page, server: str, name: str = E2E_USER, password: str = E2E_PASSWORD) -> None:
    """Log in through the /auth/login form; back on the dashboard, logged in."""
    page.goto(f"{server}/auth/login")
    page.locator("#name").fill(name)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="登录 / Log in").click()
    page.wait_for_url(f"{server}/")
    page.locator("[data-testid='stSidebar']", has_text="退出登录").wait_for(timeout=60_000)


def _visit(page, url: str) -> None:
    """Open a page of the app; Streamlit's 'page not found' dialog would mean a broken link."""
    page.goto(url)
    page.locator("[data-testid='stSidebarNav']").wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0, f"{url} is not a page of the app"


def _card(page, label_prefix: str) -> str:
    """The value shown on the KPI card whose label starts with label_prefix."""
    metric = page.locator("[data-testid='stMetric']", has_text=label_prefix).first
    metric.wait_for(timeout=60_000)
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def _wait_card(page, label_prefix: str, expected: str) -> None:
    deadline = time.time() + 60
    value = None
    while time.time() < deadline:
        value = _card(page, label_prefix)
        if value == expected:
            return
        time.sleep(0.5)
    raise AssertionError(f"card {label_prefix} shows {value}, expected {expected}")


def test_upload_commit_undo_in_a_real_browser(server, tmp_path):
    sync_playwright = _browser_or_skip()
    upload_file = tmp_path / "2020年8月防汛补报.csv"
    upload_file.write_bytes(UPLOAD_CSV)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        outside = []
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http:", "https:"))
                and not r.url.startswith(server) else None)
        _log_in(page, server)
        _visit(page, f"{server}/regions")  # the first visit to a fresh server opens a page other than the first
        page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # the offline map draws with no tiles
        navigation = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert "分地区" in navigation and "上传记录" in navigation and "overview" not in navigation  # not file names
        _visit(page, f"{server}/")
        _wait_card(page, "服务队", "185")

        _visit(page, f"{server}/upload")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload_file))
        commit = page.get_by_role("button", name="确认保存")
        commit.wait_for(timeout=60_000)
        assert page.locator("[data-testid='stMetric']", has_text="新增").locator(
            "[data-testid='stMetricValue']").inner_text().strip() == "2"
        commit.click()
        page.get_by_text("已保存").first.wait_for(timeout=60_000)

        _visit(page, f"{server}/")
        _wait_card(page, "服务队", "197")  # 185 + 7 + 5

        _visit(page, f"{server}/history")
        page.get_by_role("button", name="撤销此次上传").click()
        page.get_by_text("已撤销上传").first.wait_for(timeout=60_000)

        _visit(page, f"{server}/")
        _wait_card(page, "服务队", "185")
        browser.close()
    assert outside == [], f"the app reached outside this machine: {sorted(set(outside))}"


def _outside_markup(page, server: str) -> list[str]:
    """Images, links and math the page holds that user text could have made: outside sources, javascript: links."""
    return page.evaluate("""(server) => {
        const found = [];
        for (const img of document.querySelectorAll('img')) {
            if (/^https?:/.test(img.src) && !img.src.startsWith(server)) found.push('img ' + img.src);
        }
        for (const a of document.querySelectorAll('a[href]')) {
            const href = a.getAttribute('href');
            if (href.startsWith('javascript:') || href.includes('127.0.0.1:9')) found.push('a ' + href);
        }
        for (const math of document.querySelectorAll('.katex')) found.push('math ' + math.innerText);
        return found;
    }""", server)


def _shown(locator) -> str:
    return locator.inner_text().replace(WORD_JOINER, "").strip()


HOSTILE_ACCOUNT = "hostile"


def test_hostile_names_stay_text_and_tables_download_formula_safe(server, tmp_path):
    """A file whose name, sheet, header, units and uploader are Markdown/HTML/formulas: shown as text, nothing fetched."""
    sync_playwright = _browser_or_skip()
    from store import Store
    from store.accounts import SYSTEM

    # an administrator whose display name is hostile text; the uploader recorded is the account's name
    Store(f"sqlite:///{tmp_path / 'e2e.db'}").add_user(SYSTEM, HOSTILE_ACCOUNT, hostile.UPLOADER, "admin", "",
                                                       E2E_PASSWORD)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        outside = []
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http:", "https:"))
                and not r.url.startswith(server) else None)
        _log_in(page, server, HOSTILE_ACCOUNT)
        assert hostile.UPLOADER in _shown(page.locator("[data-testid='stSidebar']"))  # the name as text
        assert _outside_markup(page, server) == []
        _visit(page, f"{server}/upload")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            files=[{"name": hostile.FILE_NAME, "mimeType": XLSX, "buffer": hostile.hostile_workbook()}])
        commit = page.get_by_role("button", name="确认保存")
        commit.wait_for(timeout=60_000)
        heading = page.locator("[data-testid='stHeading']", has_text="报表.xlsx")
        assert _shown(heading) == hostile.FILE_NAME  # the whole name, as text
        assert hostile.SHEET_NAME in _shown(page.locator("[data-testid='stCaptionContainer']", has_text="已读取"))
        assert _outside_markup(page, server) == []

        grid = page.locator("[data-testid='stDataFrame']").first
        grid.hover()
        toolbar = page.locator("[data-testid='stBaseButton-elementToolbar']")
        toolbar.first.wait_for(timeout=10_000)
        labels = toolbar.evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-label'))")
        assert "Search" in labels and not any("Download" in label for label in labels)  # Streamlit's own export is off

        commit.click()
        page.get_by_text("已保存").first.wait_for(timeout=60_000)
        assert _outside_markup(page, server) == []

        _visit(page, f"{server}/history")
        chosen = page.locator("[data-testid='stSelectbox']", has_text="选择一次上传").locator("input")
        assert hostile.FILE_NAME in chosen.input_value()  # option text is plain text: shown as it is
        page.locator("[data-testid='stExpander']", has_text="本次上传的数据").locator("summary").click()
        page.locator("[data-testid='stExpander'] [data-testid='stDataFrame']").wait_for(timeout=60_000)
        assert _outside_markup(page, server) == []
        buttons = page.get_by_role("button", name="下载 .csv")  # a reviewer's 待审核 table has its own pair first
        for index in range(buttons.count()):
            with page.expect_download() as download:
                buttons.nth(index).click()
            if download.value.suggested_filename == "上传记录.csv":
                break
        data = open(download.value.path(), "rb").read()
        assert data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8-sig")
        assert HOSTILE_ACCOUNT in text and hostile.FILE_NAME in text
        assert download.value.suggested_filename == "上传记录.csv"
        browser.close()
    assert outside == [], f"the app reached outside this machine: {sorted(set(outside))}"


def _sidebar(page) -> str:
    return _shown(page.locator("[data-testid='stSidebar']"))


def _wait_sidebar(page, text: str) -> None:
    page.locator("[data-testid='stSidebar']", has_text=text).wait_for(timeout=60_000)


def test_first_admin_by_the_setup_link_logs_in_survives_reload_and_restart_uploads_and_logs_out(fresh_server, tmp_path):
    sync_playwright = _browser_or_skip()
    from store import Store

    server = fresh_server.url
    deadline = time.time() + 30
    while "/auth/setup?token=" not in fresh_server.console() and time.time() < deadline:
        time.sleep(0.3)
    [link] = [word for word in fresh_server.console().split() if "/auth/setup?token=" in word]
    assert link.startswith(f"{server}/auth/setup?token=")
    upload_file = tmp_path / "2020年8月防汛补报.csv"
    upload_file.write_bytes(UPLOAD_CSV)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        page.goto(f"{server}/auth/login")
        assert "首次使用：请查看服务器控制台中的设置链接" in page.content()

        page.goto(link)
        page.locator("#name").fill("first")
        page.locator("#display_name").fill("第一管理员")
        page.locator("#password").fill("a long password")
        page.locator("#password2").fill("a long password")
        page.get_by_role("button", name="创建并登录 / Create and log in").click()
        page.wait_for_url(f"{server}/")
        _wait_sidebar(page, "第一管理员")
        [cookie] = [c for c in page.context.cookies() if c["name"] == "kpi_session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        page.reload()
        _wait_sidebar(page, "第一管理员")  # a reload keeps the login
        fresh_server.stop()
        fresh_server.start()
        page.reload()
        _wait_sidebar(page, "第一管理员")  # and so does a restart of the server
        assert fresh_server.console().count("/auth/setup?token=") == 1  # no new link: an admin exists

        _visit(page, f"{server}/upload")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(upload_file))
        commit = page.get_by_role("button", name="确认保存")
        commit.wait_for(timeout=60_000)
        commit.click()
        page.get_by_text("已保存").first.wait_for(timeout=60_000)
        assert Store(fresh_server.database_url).uploads().iloc[0]["uploader"] == "first"

        page.goto(f"{server}/auth/logout")
        page.get_by_role("button", name="退出登录 / Log out").click()
        page.wait_for_url(f"{server}/")
        _wait_sidebar(page, "访客")
        assert "第一管理员" not in _sidebar(page)
        assert "上传" not in page.locator("[data-testid='stSidebarNav']").inner_text()
        browser.close()
    actions = list(Store(fresh_server.database_url).audit_entries()["action"])
    assert {"setup", "upload", "logout"} <= set(actions)
    # the password is nowhere in clear: not in the server's console, not in the store (an Argon2id hash there)
    assert "a long password" not in fresh_server.console()
    if fresh_server.database_url.startswith("sqlite:///"):
        stored = Path(fresh_server.database_url.split("///", 1)[1])
        assert b"a long password" not in b"".join(p.read_bytes() for p in stored.parent.glob(stored.name + "*"))


SHARED_VIEW = "?from=2020-07&to=2020-07&city=南京市&campaign=flood_power&lang=en"


def _click_city_bar(page, city: str) -> None:
    """Click a city's bar in the Overview's ranking: found through plotly's own data on its div, clicked at its centre.

    Retried while the chart is redrawn under us (a rerun replaces its elements).
    """
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.time() + 60
    while True:
        try:
            page.locator(".js-plotly-plot g.trace.bars g.point path").first.wait_for(timeout=30_000)
            index = page.evaluate("""(city) => {
                const plots = [...document.querySelectorAll('.js-plotly-plot')];
                for (let p = 0; p < plots.length; p++) {
                    const trace = (plots[p].data || [])[0];
                    if (!trace || trace.orientation !== 'h' || !trace.customdata) continue;
                    const point = [...trace.customdata].findIndex(row => row[0] === city);
                    if (point >= 0) return [p, point];
                }
                return null;
            }""", city)
            if index is None:  # the ranking not drawn yet
                raise PlaywrightError(f"no bar for {city} in the ranking")
            plot, point = index
            bar = page.locator(".js-plotly-plot").nth(plot).locator("g.trace.bars").first.locator("g.point path").nth(point)
            bar.scroll_into_view_if_needed(timeout=5_000)
            box = bar.bounding_box(timeout=5_000)
            if box is None:
                raise PlaywrightError("the bar has no box yet")
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            return
        except PlaywrightError:
            if time.time() > deadline:
                raise
            time.sleep(1)


def test_a_shared_link_opens_the_same_view_and_a_bar_click_filters_the_page(server):
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        outside = []
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http:", "https:"))
                and not r.url.startswith(server) else None)
        _visit(page, f"{server}/{SHARED_VIEW}")
        _wait_card(page, "service teams", "25")  # Nanjing, July 2020, flood: 20 + 高淳 3 + 溧水 2
        sidebar = page.locator("[data-testid='stSidebar']")
        for shown in ("Nanjing", "flood prevention and power supply", "2020-07"):
            sidebar.get_by_text(shown).first.wait_for(timeout=30_000)
        page.reload()
        page.locator("[data-testid='stSidebarNav']").wait_for(timeout=60_000)
        _wait_card(page, "service teams", "25")  # a reload keeps the view
        assert "city=" in page.url and "lang=en" in page.url

        _visit(page, f"{server}/?from=2020-07&to=2020-07&campaign=flood_power&lang=en")
        _wait_card(page, "service teams", "184")
        _click_city_bar(page, "南京市")
        _wait_card(page, "service teams", "25")  # the page narrowed to Nanjing by the click
        page.get_by_text("filtered to Nanjing").first.wait_for(timeout=30_000)
        assert "city=" not in page.url  # page-local: the sidebar's filters and the link are unchanged
        _click_city_bar(page, "南京市")  # the same bar again: back to every city
        _wait_card(page, "service teams", "184")
        _click_city_bar(page, "南京市")
        _wait_card(page, "service teams", "25")
        page.get_by_role("button", name="Clear", exact=True).click()
        _wait_card(page, "service teams", "184")
        browser.close()
    assert outside == [], f"the app reached outside this machine: {sorted(set(outside))}"


def test_a_click_on_a_map_area_filters_the_regions_page(server):
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        outside = []
        page.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http:", "https:"))
                and not r.url.startswith(server) else None)
        _visit(page, f"{server}/regions?from=2020-07&to=2020-07&campaign=flood_power&metric=teams")
        page.locator(".js-plotly-plot .geo path.choroplethlocation").first.wait_for(timeout=60_000)
        assert page.locator(".js-plotly-plot .geo text", has_text="淮安市").count() == 1  # the city labelled
        deadline = time.time() + 60
        while True:  # the map's coloured areas are its first choropleth (its labels come first, as text)
            found = page.evaluate("""() => {
                const plots = [...document.querySelectorAll('.js-plotly-plot')];
                for (let p = 0; p < plots.length; p++) {
                    const shaded = (plots[p].data || []).filter(trace => trace.type === 'choropleth')[0];
                    if (shaded) return [p, [...shaded.locations].indexOf('320800')];
                }
                return null;
            }""")
            if found or time.time() > deadline:
                break
            time.sleep(1)
        plot, point = found
        area = page.locator(".js-plotly-plot").nth(plot).locator("g.trace.choropleth").first.locator(
            "path.choroplethlocation").nth(point)
        area.scroll_into_view_if_needed()
        box = area.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.get_by_text("已按 淮安市 筛选").first.wait_for(timeout=60_000)
        page.get_by_role("button", name="查看明细").first.wait_for(timeout=30_000)
        browser.close()
    assert outside == [], f"the app reached outside this machine: {sorted(set(outside))}"
