"""Layout in headless Chromium (#11, item 8): on a phone (390 px) the KPI cards stack in reading order and the
chart toolbar covers no title; bar labels lie inside the plot area; English KPI labels are not cut off; selects
show the value the page uses (the region after a metric change, the upload after an undo).

Skips when Chromium or Playwright is missing, unless REQUIRE_BROWSER=1.
"""
from __future__ import annotations

import time

import pytest

from catalog import load_catalog
from store import Store
from store.accounts import SYSTEM
from tests.test_browser import (
    CHROMIUM, E2E_NAME, E2E_PASSWORD, E2E_USER, LAUNCH_ARGS, Server, _browser_or_skip, _log_in, _visit,
)

pytestmark = pytest.mark.browser
PHONE, DESKTOP = {"width": 390, "height": 900}, {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A dashboard on the demo data, open to anonymous visitors (KPI_PUBLIC_VIEW=1); yields its URL."""
    _browser_or_skip()
    running = Server(tmp_path_factory.mktemp("layout"))
    running.start()
    yield running.url
    running.stop()


@pytest.fixture
def admin_server(tmp_path):
    _browser_or_skip()
    running = Server(tmp_path)
    Store(running.database_url).add_user(SYSTEM, E2E_USER, E2E_NAME, "admin", "", E2E_PASSWORD)
    running.start()
    yield running.url
    running.stop()


@pytest.fixture
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def _open(page, url: str) -> None:
    """Open a page of the app (on a phone the sidebar, with the page links, is collapsed: attached, not visible)."""
    page.goto(url)
    page.locator("[data-testid='stSidebarNav']").wait_for(state="attached", timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0, f"{url} is not a page of the app"


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, "element not laid out"
    return box


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + slack
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + slack)


def _charts_drawn(page, count: int) -> None:
    deadline = time.time() + 60
    while page.locator(".js-plotly-plot .main-svg").count() < count and time.time() < deadline:
        time.sleep(0.3)
    time.sleep(1.5)  # the last relayout


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label`, then wait for the rerun."""
    box = page.locator("[data-testid='stSelectbox']", has_text=label).first.locator("input[role='combobox']")
    box.click()
    box.fill(option)  # the list shows a few options at a time: type to find the one wanted
    page.get_by_role("option", name=option, exact=True).click()
    time.sleep(0.5)  # the rerun starts; then wait for it to end (a fixed sleep alone is too short on a loaded machine)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
    time.sleep(1)  # plotly draws the new figures after the script ends


def _bar_labels_outside_plot(page) -> list[str]:
    """The bar labels of every chart on the page that reach outside their plot area, with the chart's title."""
    found = []
    charts = page.locator(".js-plotly-plot")
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        area = chart.locator(".draglayer .nsewdrag").first
        if area.count() == 0:
            continue
        plot = _box(area)
        labels = chart.locator("g.points text.bartext")
        for position in range(labels.count()):
            label = labels.nth(position)
            box = label.bounding_box()
            if box is not None and not _inside(box, plot):
                found.append(f"{chart.locator('.gtitle').text_content()}: {label.text_content()}")
    return found


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_bar_labels_lie_inside_the_plot_area(demo_server, browser, viewport):
    page = browser.new_page(locale="zh-CN", viewport=viewport)
    _open(page, f"{demo_server}/?lang=zh")
    _charts_drawn(page, 2)
    assert page.locator("g.points text.bartext").count() > 10
    assert _bar_labels_outside_plot(page) == []
    _choose(page, "指标", "捐款/募款")  # the trend's metric: one bar of 约386,000 in 2020-08
    _charts_drawn(page, 2)
    assert any(text.startswith("约") for text in page.locator("g.points text.bartext").all_text_contents())
    assert _bar_labels_outside_plot(page) == []
    _open(page, f"{demo_server}/regions?lang=en")
    _charts_drawn(page, 3)
    assert _bar_labels_outside_plot(page) == []
    page.close()


def test_phone_cards_stack_in_reading_order_and_the_toolbar_covers_no_title(demo_server, browser):
    page = browser.new_page(locale="zh-CN", viewport=PHONE)
    _open(page, f"{demo_server}/?lang=zh")
    cards = page.locator("[data-testid='stMetric']")
    cards.first.wait_for(timeout=60_000)
    _charts_drawn(page, 2)
    boxes = [_box(cards.nth(i)) for i in range(cards.count())]
    labels = [cards.nth(i).locator("[data-testid='stMetricLabel']").inner_text().strip() for i in range(cards.count())]
    assert len(boxes) == 8
    assert all(abs(box["x"] - boxes[0]["x"]) < 2 for box in boxes)  # one column
    in_page_order = [label for _, label in sorted(zip([b["y"] for b in boxes], labels))]
    catalog = load_catalog()
    headline = [f"{m.label('zh')}（{m.unit('zh')}）" for m in catalog.metrics.values() if m.headline]
    assert in_page_order == headline  # row by row, as on a desktop, not column by column
    ys = sorted(box["y"] for box in boxes)
    assert all(later >= earlier + 20 for earlier, later in zip(ys, ys[1:]))  # none side by side or on top

    charts = page.locator(".js-plotly-plot")
    assert charts.count() >= 2
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.hover(position={"x": 20, "y": 120})
        toolbar = chart.locator(".modebar")
        toolbar.wait_for(state="visible", timeout=10_000)
        time.sleep(0.5)
        title = _box(chart.locator(".gtitle"))
        assert not _overlap(_box(toolbar), title), f"the toolbar covers the title of chart {index}"
    page.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_english_kpi_labels_are_not_cut_off(demo_server, browser, viewport):
    page = browser.new_page(locale="en-US", viewport=viewport)
    _open(page, f"{demo_server}/?lang=en")
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=60_000)
    time.sleep(1)
    cut = page.evaluate("""() => {
        const cut = [];
        for (const label of document.querySelectorAll("[data-testid='stMetricLabel']")) {
            for (const el of [label, ...label.querySelectorAll('*')]) {
                // an ellipsis: the text is wider than its box, if only by a pixel
                if (el.scrollWidth > el.clientWidth || [...el.children].some(
                        child => child.getBoundingClientRect().width > el.getBoundingClientRect().width + 0.5)) {
                    cut.push(label.innerText); break;
                }
            }
        }
        return cut;
    }""")
    assert page.locator("[data-testid='stMetricLabel']").count() == 8
    assert cut == []
    page.close()


def _select_value(page, label: str) -> str:
    return page.locator("[data-testid='stSelectbox']", has_text=label).first.locator(
        "input[role='combobox']").input_value()


def test_selects_show_the_value_the_page_uses(admin_server, browser):
    page = browser.new_page(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    _log_in(page, admin_server)
    _visit(page, f"{admin_server}/regions")
    _charts_drawn(page, 3)
    _choose(page, "选择城市", "连云港市")
    page.wait_for_function("() => [...document.querySelectorAll('.gtitle')].pop()?.textContent.includes('连云港市')",
                           timeout=30_000)
    _choose(page, "指标", "保障考点")  # a metric 连云港市 has no figure of
    _charts_drawn(page, 3)
    county_title = page.locator(".gtitle").all_text_contents()[-1]
    shown = _select_value(page, "选择城市")
    assert shown != "连云港市" and county_title.startswith(shown), (shown, county_title)

    _visit(page, f"{admin_server}/history")
    page.get_by_role("button", name="撤销此次上传").click()
    page.get_by_text("已撤销上传").first.wait_for(timeout=60_000)
    time.sleep(1)
    chosen = _select_value(page, "选择一次上传")
    assert "生效" not in chosen  # the label the browser shows is not the one from before the undo
    assert page.get_by_text("状态：已撤销").count() == 1
    assert page.get_by_role("button", name="恢复此次上传").count() == 1
    page.close()
