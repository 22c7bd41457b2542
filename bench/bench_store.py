"""Benchmark: `python -m store import` of the 100,000-row workbook vs the path Superset takes.

    .venv/bin/python bench/bench_store.py [--rows 100000] [--repeat 3]

Both sides run as whole subprocesses (interpreter start and imports included), in one run:

- ours:     `python -m store import FILE` into a fresh SQLite store (DATABASE_URL to a temp file):
            parse with the loader (melt to ~800,000 facts, validate), then one transaction.
- superset: `pd.read_excel(FILE, engine="openpyxl", header=2)` then `DataFrame.to_sql` of the
            same 100,000 wide rows into a fresh SQLite file (no melting, no checks).

Prints wall time, the ratio (goal: ours at least 5× faster), each side's peak RSS, and where
our time goes (imports, loader, store) from one more in-process run. That run then times what a
store of this size does next: a correction of every figure (800,000 superseded), reading the
figures in effect, undo and redo.
The workbook is made once into bench/out/ (git-ignored) and reused.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT_DIR = ROOT / "bench" / "out"
ROWS = 100_000
HEADER_ROW = 3  # 1-based: a title row and a 填报 line come first

SUPERSET_SCRIPT = """
import sys, pandas as pd
from sqlalchemy import create_engine
frame = pd.read_excel(sys.argv[1], engine="openpyxl", header=int(sys.argv[3]))
frame.to_sql("report", create_engine("sqlite:///" + sys.argv[2]), index=False, chunksize=10000)
print(len(frame), "rows")
"""

PHASES_SCRIPT = """
import os, sys, time
started = time.perf_counter()
from pathlib import Path
import store.cli
from loaders import Defaults, parse_path
from store import Store
imported = time.perf_counter()
result = parse_path(Path(sys.argv[1]), Defaults())
parsed = time.perf_counter()
store = Store(os.environ["DATABASE_URL"])
first = store.import_result(result, Path(sys.argv[1]).read_bytes())
stored = time.perf_counter()
print(f"imports {imported - started:.2f} s, loader {parsed - imported:.2f} s, store {stored - parsed:.2f} s")
result.facts["value"] += 1  # every figure corrected
timings = {}
def timed(name, call):
    begun = time.perf_counter()
    out = call()
    timings[name] = time.perf_counter() - begun
    return out
fix = timed("correction import", lambda: store.import_result(result, b"corrected " + Path(sys.argv[1]).read_bytes()))
facts = timed("figures in effect", store.active_facts)
assert len(facts) == first.added and fix.superseded == first.added, (len(facts), fix.superseded)
timed("undo", lambda: store.undo(fix.upload_id))
timed("redo", lambda: store.redo(fix.upload_id))
print(f"then, {first.added:,} facts superseded by as many: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
"""


def benchmark_workbook(rows: int = ROWS) -> Path:
    """The loader benchmark's workbook (bench/bench_loader.py makes it), made once into bench/out/."""
    from bench.bench_loader import make_workbook

    path = OUT_DIR / f"bench_wide_{rows}.xlsx"  # the same file bench_loader.py times
    if not path.exists():
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        make_workbook(path, rows)
        print(f"made {path.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    return path


def run_child(command: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB) of this child alone, exit code, and its output."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, alternating; the best time counts")
    args = parser.parse_args()
    workbook = benchmark_workbook(args.rows)
    print(f"workbook: {workbook} ({workbook.stat().st_size / 1e6:.1f} MB), cores: {os.cpu_count()}")
    python = sys.executable
    best: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for attempt in range(args.repeat):
            ours_db = Path(tmp) / f"ours_{attempt}.db"
            env = {**os.environ, "DATABASE_URL": f"sqlite:///{ours_db}", "KPI_DEMO": "0"}
            seconds, rss, code, output = run_child([python, "-m", "store", "--lang", "en", "import", str(workbook)], env)
            print(f"ours     run {attempt + 1}: {seconds:6.2f} s, peak RSS {rss:6.0f} MB, exit {code}")
            if code != 0:
                print(output[-3000:])
                return 1
            print("  " + output.strip().splitlines()[0])
            best["ours"] = min(best.get("ours", (seconds, rss)), (seconds, rss))

            theirs_db = Path(tmp) / f"superset_{attempt}.db"
            seconds, rss, code, output = run_child(
                [python, "-c", SUPERSET_SCRIPT, str(workbook), str(theirs_db), str(HEADER_ROW - 1)], dict(os.environ))
            print(f"superset run {attempt + 1}: {seconds:6.2f} s, peak RSS {rss:6.0f} MB, exit {code}")
            if code != 0:
                print(output[-3000:])
                return 1
            best["superset"] = min(best.get("superset", (seconds, rss)), (seconds, rss))
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(tmp) / 'phases.db'}"}
        _, _, code, output = run_child([python, "-c", PHASES_SCRIPT, str(workbook)], env)
        print("ours, in one process: " + "\n  ".join(output.strip().splitlines()))
    ours, theirs = best["ours"][0], best["superset"][0]
    ratio = theirs / ours
    print(f"\nours (python -m store import):             {ours:6.2f} s  peak RSS {best['ours'][1]:.0f} MB")
    print(f"superset (read_excel openpyxl + to_sql):  {theirs:6.2f} s  peak RSS {best['superset'][1]:.0f} MB")
    print(f"ratio: ours is {ratio:.1f}x faster (goal >= 5x): {'met' if ratio >= 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
