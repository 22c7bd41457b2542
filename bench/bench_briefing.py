"""Benchmark: making the briefing (exports/briefing.py) from the demo data, against its 5-second budget. Not a test:

    .venv/bin/python bench/bench_briefing.py [--repeat 3]

Loads the demo into a fresh SQLite store under bench/out/ (git-ignored), then times, in this process and best of
--repeat: the figures (analytics.briefing_figures), the deck (.pptx, native charts and the map), the map alone
(Pillow) and the workbook (.xlsx), for the dashboard's default window (12 months, all cities and campaigns) and for
flood 2020-07; then `python -m exports briefing` as a whole process (interpreter start and imports included).
Prints each time (wall clock and CPU, best of the runs) and its ratio to the budget.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT_DIR = ROOT / "bench" / "out"
BUDGET = 5.0  # seconds: the whole deck from the demo data (#11)


def best(repeat: int, func) -> tuple[float, float]:
    """The best wall-clock time and the best CPU time (this process and its children) of `repeat` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), _cpu()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return min(walls), min(cpus)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from datetime import date

    from analytics import Filters, briefing_figures, default_window, with_levels
    from catalog import load_catalog
    from exports.briefing import briefing_pptx, briefing_xlsx, make_briefing, map_png
    from store import Store
    from store.demo import ensure_demo

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{OUT_DIR / 'briefing.db'}"
    store = Store(url)
    ensure_demo(store)
    facts, as_of = with_levels(store.active_facts()), store.latest_upload_time()
    store.engine.dispose()
    catalog = load_catalog()
    import pptx  # noqa: F401 - imported once before timing, as a running app has it

    rows = []
    for name, filters in (("default window", Filters(*default_window(facts))),
                          ("flood 2020-07", Filters(date(2020, 7, 1), date(2020, 7, 31), campaigns=("flood_power",)))):
        figures = briefing_figures(facts, filters, catalog)
        briefing = make_briefing(figures, catalog, "zh", as_of)
        rows.append((f"{name}: figures", best(args.repeat, lambda: briefing_figures(facts, filters, catalog))))
        rows.append((f"{name}: map (Pillow)", best(args.repeat, lambda: map_png(briefing, catalog))))
        rows.append((f"{name}: deck (.pptx, figures included)", best(args.repeat, lambda: briefing_pptx(
            make_briefing(briefing_figures(facts, filters, catalog), catalog, "zh", as_of), catalog))))
        rows.append((f"{name}: workbook (.xlsx)", best(args.repeat, lambda: briefing_xlsx(briefing, catalog))))
    env = {**os.environ, "DATABASE_URL": url, "KPI_DEMO": "1"}
    command = [sys.executable, "-m", "exports", "briefing", "--out", str(OUT_DIR / "briefing.pptx")]
    rows.append(("python -m exports briefing (whole process)", best(args.repeat, lambda: subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True))))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: on a busy machine compare the CPU times")
    print(f"{'step':58} {'wall':>8} {'of 5 s':>8} {'CPU':>8} {'of 5 s':>8}")
    for name, (wall, cpu) in rows:
        print(f"{name:58} {wall:7.2f}s {wall / BUDGET:7.1%} {cpu:7.2f}s {cpu / BUDGET:7.1%}")


if __name__ == "__main__":
    main()
