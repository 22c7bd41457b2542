"""Benchmark: Store.progress (each unit's status, #12) on a store of a year's county figures.

    .venv/bin/python bench/bench_progress.py [--months 12] [--repeat 5]

A fresh SQLite store under a temp folder gets one upload a month of 2020: every county (95) × 5 campaigns × 20
metrics = 9,500 facts each (114,000 for 12 months). Tasks: one per month and campaign over all cities and
counties (60), as the progress page and the Overview ask for them. Prints the best of `repeat` runs of
progress() for one month's tasks, for all of them, a first call in a new Store (nothing decoded yet), and the
time the uploads took. Budget: 0.5 s for a page rerun (the month's tasks, payloads already decoded).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog import load_catalog  # noqa: E402
from loaders.problems import ParseResult  # noqa: E402
from model import FACT_COLUMNS  # noqa: E402
from store import Store  # noqa: E402
from store.cycle import month_period  # noqa: E402

CAMPAIGNS = 5
METRICS = 20
NOW = datetime(2021, 3, 1, tzinfo=timezone.utc)


def month_facts(catalog, month: int) -> pd.DataFrame:
    """Every county's figures for one month of 2020: counties × campaigns × metrics."""
    period = month_period(2020, month)
    counties = [r for r in catalog.regions.values() if r.level == "county"]
    campaigns = list(catalog.campaigns)[:CAMPAIGNS]
    metrics = [m for m in catalog.metrics if catalog.metrics[m].aggregation == "sum"][:METRICS]
    rows = [(county, campaign, metric) for county in counties for campaign in campaigns for metric in metrics]
    frame = pd.DataFrame({
        "period_start": pd.Timestamp(period.start), "period_end": pd.Timestamp(period.end),
        "city": [catalog.city_of(c).name for c, _, _ in rows], "county": [c.name for c, _, _ in rows], "unit": "",
        "campaign": [c for _, c, _ in rows], "metric": [m for _, _, m in rows],
        "value": [float(i % 97) for i in range(len(rows))], "qualifier": "", "remarks": "", "sheet": "S",
        "row": range(2, len(rows) + 2)})
    return frame[FACT_COLUMNS]


def best(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/progress.db"
        store = Store(url)
        started = time.perf_counter()
        facts = 0
        for month in range(1, args.months + 1):
            frame = month_facts(catalog, month)
            facts += len(frame)
            store.import_result(ParseResult(file_name=f"{month}.xlsx", facts=frame), f"m{month}".encode(),
                                now=datetime(2020, month % 12 + 1, 5, tzinfo=timezone.utc))
        uploaded = time.perf_counter() - started
        by_month = {}
        for month in range(1, args.months + 1):
            period = month_period(2020, month)
            deadline = month_period(2020 + month // 12, month % 12 + 1).start.replace(day=7)
            by_month[month] = [store.add_task(period, [code], "all", deadline)
                               for code in list(catalog.campaigns)[:CAMPAIGNS]]
        every = [i for ids in by_month.values() for i in ids]
        cold = Store(url)
        started = time.perf_counter()
        rows = cold.progress(by_month[1], now=NOW)
        first = time.perf_counter() - started
        assert (rows["status"] == "submitted").all(), rows["status"].value_counts()
        one = best(lambda: store.progress(by_month[6], now=NOW), args.repeat)
        whole = best(lambda: store.progress(every, now=NOW), args.repeat)
        print(f"{facts:,} facts in {args.months} uploads (stored in {uploaded:.1f} s), {len(every)} tasks, "
              f"{len(rows)} rows per month's tasks")
        print(f"progress, one month's {len(by_month[6])} tasks: {one:.3f} s (best of {args.repeat})")
        print(f"progress, all {len(every)} tasks: {whole:.3f} s (best of {args.repeat})")
        print(f"progress, first call in a new Store (payloads decoded): {first:.3f} s")


if __name__ == "__main__":
    main()
