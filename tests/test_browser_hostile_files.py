"""End to end in headless Chromium: hostile uploads to a running server cost their own workers only.

One session uploads a workbook whose far-away cell makes python-calamine ask for 550 GB and the CSV that
kept csv.Sniffer busy with the GIL held; meanwhile another session draws the Overview within 30 s, the
uploader sees one bilingual message per file, and the server process is still alive afterwards.
"""
from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pytest

from test_browser import CHROMIUM, LAUNCH_ARGS, _browser_or_skip, _log_in, _visit, _wait_card, server  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
FILES = ["far_cell_hidden.xlsx", "quadratic_300k.csv"]


def test_hostile_uploads_leave_other_sessions_served(server):  # noqa: F811 - the imported fixture
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        outside = []
        uploader = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
        viewer = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}).new_page()
        for page in (uploader, viewer):
            page.on("request", lambda r: outside.append(r.url) if r.url.startswith(("http:", "https:"))
                    and not r.url.startswith(server) else None)
        _visit(viewer, f"{server}/")
        _wait_card(viewer, "服务队", "185")  # the app is warm; now the attack

        _log_in(uploader, server)  # an administrator (the viewer stays anonymous)
        _visit(uploader, f"{server}/upload")
        uploader.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
            [str(HOSTILE / name) for name in FILES])
        uploader.get_by_text(FILES[0]).first.wait_for(timeout=30_000)  # the server has the files and is parsing

        started = time.monotonic()
        _visit(viewer, f"{server}/regions")
        _visit(viewer, f"{server}/")
        _wait_card(viewer, "服务队", "185")
        assert time.monotonic() - started < 30, "another session waited more than 30 s for the Overview"

        # the uploader gets one clear message per file, and nothing to save
        uploader.get_by_text("无法安全读取此文件").first.wait_for(timeout=90_000)
        uploader.locator("[data-testid='stMetric']", has_text="错误").first.wait_for(timeout=90_000)
        page_text = uploader.locator("[data-testid='stMain']").inner_text()
        assert "Traceback" not in page_text and "意外错误" not in page_text
        browser.close()
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=10) as health:  # the server is still up
        assert health.status == 200
    assert outside == [], f"the app reached outside this machine: {sorted(set(outside))}"
