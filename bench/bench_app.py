"""Benchmark: the dashboard in headless Chromium, on a decade of a whole province, against a floor page.

    .venv/bin/python bench/bench_app.py [--quick] [--store-only]

Stores (made once into bench/out/, git-ignored, through Store.import_result of ParseResults built in memory,
one upload per year): ten years × 12 months × 95 county units × 5 campaigns × 20 metrics = 1,140,000 facts,
and its last year alone (114,000 facts).

Each server is started the way ./run.sh starts it (scripts/serve.py, KPI_DEMO=0, DATABASE_URL to the store;
the floor, bench/floor_page.py, with `streamlit run`). In Chromium (/usr/bin/chromium, never downloaded):
- cold start: from the server's process start to the Overview's eight KPI cards drawn;
- 30 filter changes (cities added and removed, campaigns, period presets incl. "All periods", a custom month
  range, a switch to By region and back), each timed from the input until the app's script state
  (`[data-testid=stApp]` data-test-script-state) is notRunning again and nothing on the page is stale;
- peak RSS: VmHWM of the server process and of its children other than the upload parse workers.
Each store's summaries (the monthly cube with the span, the inconsistencies: store/summaries.py) is made once before the servers start, as
the server that saved the last upload makes it at its next rerun; the time it takes is printed.
Paired: the floor and the two apps are measured in turn, in an order that rotates, so a load that drifts during the
run (the machine is shared) weighs alike on each. Each is cold-started six times (--colds; the median counts; each
server twice in each place of the order, a second's pause after each stop; before them one untimed start of the
floor: Chromium's and the disk's first start); the last start of each stays up and the 30 changes are then made one
by one on all three, an idle server waiting while another is driven.
Prints medians, p95s, cold starts and the ratios app/floor from one run, for both stores.
Goals at 1.14M facts: median ≤ 1.25×, p95 ≤ 1.5×, cold start ≤ 1.3× the floor; RSS ≤ 600 MB; 1 year ≤ 1.1×.
"""
from __future__ import annotations

import argparse
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT_DIR = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
YEARS, LAST_YEAR = 10, 2025
CARDS = 8  # headline metrics: the Overview's KPI cards
GOALS = {"median": 1.25, "p95": 1.5, "cold": 1.3}
SMALL_GOAL, RSS_GOAL_MB = 1.1, 600

# a MutationObserver started before the app's scripts: every change of the script state, with its time
OBSERVER = """
window.__states = [];
new MutationObserver(changes => {
  for (const change of changes) {
    window.__states.push([performance.now(), change.target.getAttribute('data-test-script-state')]);
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""
SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || !window.__states.some(s => s[1] === 'running')) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale=true]')) return false;
  return performance.now();
}"""

DIAGNOSIS = """() => JSON.stringify({states: window.__states,
  now: document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state'),
  stale: Array.from(document.querySelectorAll('[data-stale=true]')).map(e => e.className.slice(0, 80))})"""

# ---- the stores ----------------------------------------------------------------------------------------
def year_facts(year: int, catalog, rng: np.random.Generator) -> pd.DataFrame:
    """One year of monthly figures: every county unit, campaign and the first 20 metrics."""
    counties = [(city.name, county.name) for city in catalog.cities for county in catalog.counties_of(city.name)]
    campaigns, metrics = list(catalog.campaigns), list(catalog.metrics)[:20]
    starts = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    shape = (len(starts), len(counties), len(campaigns), len(metrics))
    index = np.indices(shape).reshape(len(shape), -1)
    rates = np.array([catalog.metrics[m].aggregation == "mean" for m in metrics])[index[3]]
    values = np.where(rates, rng.integers(50, 101, index.shape[1]), rng.integers(0, 400, index.shape[1]))
    qualifiers = np.where(rng.random(index.shape[1]) < 0.02, "over", "")
    county_names = np.array(counties, dtype=object)
    return pd.DataFrame({
        "period_start": starts[index[0]], "period_end": (starts + pd.offsets.MonthEnd(0))[index[0]],
        "city": county_names[index[1], 0], "county": county_names[index[1], 1], "unit": "",
        "campaign": np.array(campaigns, dtype=object)[index[2]], "metric": np.array(metrics, dtype=object)[index[3]],
        "value": values.astype(float), "qualifier": qualifiers, "remarks": "", "sheet": "bench",
        "row": np.arange(index.shape[1]) + 1,
    })


def make_store(name: str, years: int) -> tuple[str, float | None]:
    """The store's URL, made once (then None for its import time in seconds)."""
    from catalog import load_catalog
    from loaders import ParseResult
    from store import Store

    path = OUT_DIR / f"{name}.db"
    url = f"sqlite:///{path}"
    if path.exists():
        return url, None
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    catalog, rng = load_catalog(), np.random.default_rng(2026)
    frames = [year_facts(year, catalog, rng) for year in range(LAST_YEAR - years + 1, LAST_YEAR + 1)]
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    store = Store(f"sqlite:///{partial}")
    started = time.perf_counter()
    for frame in frames:
        year = frame["period_start"].iloc[0].year
        store.import_result(ParseResult(file_name=f"bench_{year}.xlsx", facts=frame), f"bench {name} {year}".encode())
    seconds = time.perf_counter() - started
    store.engine.dispose()
    partial.rename(path)
    total = sum(len(frame) for frame in frames)
    print(f"made {path.relative_to(ROOT)}: {total:,} facts in {len(frames)} uploads, imported in {seconds:.1f} s")
    return url, seconds


def summarised(url: str) -> float | None:
    """Make and keep the store's summary of its data version (cached._summary), as the server that saved the last
    upload does at its next rerun; the seconds it took, or None when it was kept already. Every server started
    afterwards reads it instead of summing the facts (store/summaries.py)."""
    os.environ["KPI_DEMO"] = "0"
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # Streamlit's caches outside a server say so per call
    import cached
    from store import Store

    store = Store(url)
    version = store.data_version()
    if store.summary(cached.SUMMARY, version) is not None:
        return None
    started = time.perf_counter()
    cached._summary(url, version)
    cached._inconsistencies(url, version)
    seconds = time.perf_counter() - started
    print(f"summarised {url.rsplit('/', 1)[-1]}: {seconds:.1f} s")
    return seconds


# ---- the servers ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(kind: str, database_url: str | None, log: Path) -> tuple[subprocess.Popen, str, float]:
    """The app (scripts/serve.py) or the floor (streamlit run bench/floor_page.py); its URL and start time."""
    port = free_port()
    options = ["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"]
    env = {**os.environ, "KPI_DEMO": "0", "KPI_VAR_DIR": str(OUT_DIR / "var")}
    if database_url:
        env["DATABASE_URL"] = database_url
    if kind == "app":
        command = [sys.executable, str(ROOT / "scripts" / "serve.py"), *options]
    else:
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "bench" / "floor_page.py"), *options]
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return process, url, started
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"{kind} did not start: " + log.read_text(errors="replace")[-2000:])


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def peak_rss_mb(pid: int) -> float:
    """VmHWM of the server and of its children that serve pages (not multiprocessing's parse workers)."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            command = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        if current != pid and "multiprocessing" in command:
            continue  # the forkserver and its parse workers
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) / 1024
        todo += _children(current)
    return total


# ---- the filter changes --------------------------------------------------------------------------------
def steps(quick: bool) -> list[tuple[str, str, str]]:
    """(action, widget key or page, option label): 30 changes, valid on each store and on the floor."""
    from catalog import load_catalog
    from i18n import format_month, t
    from labels import city_label

    catalog = load_catalog()
    city = {c.name: city_label(catalog, c.name, "en") for c in catalog.cities}
    camp = {code: entry.label("en") for code, entry in catalog.campaigns.items()}
    every, last12, year = t("preset_all", "en"), t("preset_last12", "en"), t("preset_year", "en", year=LAST_YEAR)
    custom = t("preset_custom", "en")
    month = lambda m: format_month(date(LAST_YEAR, m, 1), "en")  # noqa: E731
    nanjing, suzhou, wuxi, xuzhou, changzhou = (city[n] for n in ("南京市", "苏州市", "无锡市", "徐州市", "常州市"))
    flood, light, aid = camp["flood_power"], camp["light_up"], camp["aid_fund"]
    regions, overview = t("page_regions", "en"), t("page_overview", "en")
    changes = [
        ("add", "cities", nanjing), ("add", "cities", suzhou), ("add", "campaigns", flood),
        ("select", "period_preset", every), ("remove", "cities", nanjing), ("select", "period_preset", year),
        ("add", "campaigns", light), ("select", "period_preset", custom), ("select", "period_from", month(3)),
        ("select", "period_to", month(9)), ("remove", "cities", suzhou), ("remove", "campaigns", flood),
        ("select", "period_preset", every), ("page", "regions", regions), ("add", "cities", wuxi),
        ("select", "period_preset", last12), ("remove", "campaigns", light), ("select", "period_preset", every),
        ("remove", "cities", wuxi), ("page", "overview", overview), ("add", "cities", xuzhou),
        ("select", "period_preset", year), ("add", "campaigns", aid), ("select", "period_preset", every),
        ("add", "cities", changzhou), ("remove", "campaigns", aid), ("remove", "cities", xuzhou),
        ("select", "period_preset", last12), ("remove", "cities", changzhou), ("select", "period_preset", every),
    ]
    assert len(changes) == 30
    if quick:
        return [changes[i] for i in (0, 2, 3, 5, 7, 8, 12, 13, 15, 19)]
    return changes


def prepare(page, action: str, key: str, label: str):
    """Open what a user opens for the change; returns the click that makes it (the timing starts there)."""
    widget = page.locator(f".st-key-{key}")
    if action == "page":
        return page.locator("[data-testid=stSidebarNav] a", has_text=label).first.click
    if action in ("select", "add"):  # a combobox: a click opens it, typing narrows it to the option, on both sides
        field = widget.locator("input")  # alike (a click in a long list scrolled to its choice takes Streamlit's
        field.click()                    # front end a second before the rerun starts; a narrowed list does not)
        field.press_sequentially(label)
        option = page.get_by_role("option", name=label, exact=True)
        option.wait_for(timeout=10_000)
        return option.click
    if action == "remove":
        return widget.get_by_role("button", name=f"Remove {label}").first.click
    raise ValueError(action)


def timed_change(page, action: str, key: str, label: str) -> float:
    """Milliseconds from the input to the script idle again with nothing stale."""
    commit = prepare(page, action, key, label)
    begun = page.evaluate("() => { window.__states = []; return performance.now(); }")
    commit()
    try:
        done = page.wait_for_function(SETTLED, polling="raf", timeout=120_000).json_value()
    except Exception:
        print("not settled:", page.evaluate(DIAGNOSIS), file=sys.stderr)
        page.screenshot(path=str(OUT_DIR / "not_settled.png"))
        raise
    if action == "add":
        page.keyboard.press("Escape")  # the options close
    return float(done) - float(begun)


class Server:
    """One server under test with its own browser page: started cold, then driven change by change."""

    def __init__(self, label: str, kind: str, database_url: str | None):
        self.label, self.kind, self.database_url = label, kind, database_url
        self.colds: list[float] = []
        self.times: list[float] = []
        self.rss = 0.0
        self.process = self.context = self.page = None

    def start(self, browser) -> float:
        """Start the server, open its page; the cold start in ms (process start to the cards drawn and idle)."""
        self.context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.add_init_script(OBSERVER)
        self.process, url, started = start_server(self.kind, self.database_url, OUT_DIR / f"server_{self.label}.log")
        self.page.goto(url)
        self.page.locator("[data-testid=stMetric]").nth(CARDS - 1).locator("[data-testid=stMetricValue]").wait_for(
            timeout=300_000)
        self.page.wait_for_function(SETTLED, polling="raf", timeout=300_000)
        cold = (time.perf_counter() - started) * 1000
        self.colds.append(cold)
        return cold

    def change(self, number: int, change: tuple[str, str, str]) -> None:
        self.times.append(timed_change(self.page, *change))
        print(f"  {number:2d} {change[0]:6s} {change[1]:13s} {change[2][:26]:26s} {self.label:8s} {self.times[-1]:7.0f} ms",
              flush=True)

    def stop(self) -> None:
        if self.process is None:
            return
        self.rss = max(self.rss, peak_rss_mb(self.process.pid))
        self.context.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None

    def result(self) -> dict:
        times = self.times or [0.0]
        return {"cold": statistics.median(self.colds), "median": statistics.median(times),
                "p95": float(np.percentile(times, 95)), "rss": self.rss, "times": self.times, "colds": self.colds}


def rotated(items: list, by: int) -> list:
    return items[by % len(items):] + items[:by % len(items)]


def measure_all(servers: list[Server], changes, browser, colds: int) -> None:
    """Paired: every server is measured in turn, in an order that rotates, so that the load of the shared machine
    weighs alike on each. `colds` cold starts each (the last one's server stays up), then the changes, each made on
    every server before the next (the servers not being driven are idle)."""
    for round_ in range(colds):
        for server in rotated(servers, round_):
            cold = server.start(browser)
            print(f"  cold start {round_ + 1} {server.label:8s} {cold:7.0f} ms", flush=True)
            if round_ < colds - 1:
                server.stop()
                time.sleep(1)  # the stopped server's and its browser context's teardown done before the next start
    for number, change in enumerate(changes, 1):
        for server in rotated(servers, number):
            server.change(number, change)
    for server in servers:
        server.stop()


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 changes instead of 30")
    parser.add_argument("--store-only", action="store_true", help="make the stores, measure nothing")
    parser.add_argument("--colds", type=int, default=6, help="cold starts of each server (their median counts)")
    args = parser.parse_args()
    big, big_seconds = make_store(f"bench_{YEARS}y", YEARS)
    small, _ = make_store("bench_1y", 1)
    summary_seconds = summarised(big)
    summarised(small)
    if args.store_only:
        return 0
    from playwright.sync_api import sync_playwright

    changes = steps(args.quick)
    loads = [load_average()]
    print(f"cores {os.cpu_count()}, {cpu_model()}, load average {loads[0]}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        warm = Server("warm-up", "floor", None)  # the browser's and the disk's first start, not counted
        warm.start(browser)
        warm.stop()
        servers = [Server("floor", "floor", None), Server("app_10y", "app", big), Server("app_1y", "app", small)]
        measure_all(servers, changes, browser, args.colds)
        loads.append(load_average())
        browser.close()
    results = {server.label: server.result() for server in servers}
    floor = results["floor"]
    for label, result in results.items():
        print(f"cold starts of {label}: " + ", ".join(f"{cold / 1000:.1f} s" for cold in result["colds"]))
    print(f"\n{len(changes)} changes each; load average during the run: {' → '.join(loads)}")
    if big_seconds is not None:
        print(f"1,140,000 facts imported in {big_seconds:.1f} s")
    if summary_seconds is not None:
        print(f"their summaries (monthly cube, span, inconsistencies; kept in the store) made in {summary_seconds:.1f} s")
    print(f"{'':22s}{'median':>9s}{'p95':>9s}{'cold':>9s}{'RSS MB':>9s}")
    names = {"floor": "floor page", "app_10y": "app, 1,140,000 facts", "app_1y": "app, 114,000 facts"}
    for label, result in results.items():
        print(f"{names[label]:22s}{result['median']:7.0f}ms{result['p95']:7.0f}ms{result['cold']:7.0f}ms{result['rss']:9.0f}")
    verdicts = []
    for label, limit in (("app_10y", None), ("app_1y", SMALL_GOAL)):
        result = results[label]
        ratios = {what: result[what] / floor[what] for what in GOALS}
        line = ", ".join(f"{what} {ratio:.2f}x (goal {limit or GOALS[what]}x)" for what, ratio in ratios.items())
        print(f"{names[label]} / floor: {line}")
        verdicts += [ratio <= (limit or GOALS[what]) for what, ratio in ratios.items()]
    rss_ok = results["app_10y"]["rss"] <= RSS_GOAL_MB
    print(f"peak RSS at 1,140,000 facts: {results['app_10y']['rss']:.0f} MB (goal ≤ {RSS_GOAL_MB} MB)")
    print("goals: " + ("all met" if all(verdicts) and rss_ok else "NOT all met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
