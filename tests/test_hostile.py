"""Hostile files (tests/fixtures/hostile, made by make_hostile.py, and random workbooks) get one clear outcome each,
in bounded time and memory, never an internal error, never a traceback; a batch import keeps the good files."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders import LoaderError, parse_isolated
from settings import ROOT
from store.cli import main as store_main
from tests.commands import run_main

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile"
sys.path.insert(0, str(FIXTURES))
from make_hostile import EXPECTED  # noqa: E402

EXIT_FOR = {"loaded": 0, "refused": 1}  # every LoaderError code exits 2
SECONDS = 60  # the default KPI_PARSE_SECONDS: no file may take longer than its worker is allowed
MAX_RSS_MB = 1600  # a worker may add 1,024 MB of address space; resident memory stays below that plus the CLI


def outcome_of(path: Path) -> str:
    try:
        result = parse_isolated(path.read_bytes(), path.name)
    except LoaderError as error:
        return error.problem.code
    return "loaded" if result.ok and not result.facts.empty else "refused"


def test_the_corpus_is_what_the_script_makes():
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_file_gets_its_one_outcome_in_bounded_time(name):
    started = time.monotonic()
    outcome = outcome_of(HOSTILE / name)
    assert outcome != "internal_error"
    assert outcome == EXPECTED[name]
    assert time.monotonic() - started < SECONDS


def run_measured(args: list[str], env: dict | None = None) -> tuple[int, str, str, float, float]:
    """Run a command line; its exit code, stdout, stderr, seconds and peak resident MB (with its workers)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        return code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss / 1024


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_command_line_gives_one_message_and_exits_0_1_or_2(name):
    code, out, err, seconds, rss = run_measured([sys.executable, "-m", "loaders", "check", str(HOSTILE / name)])
    expected = EXPECTED[name]
    assert code == EXIT_FOR.get(expected, 2), (out, err)
    assert "Traceback" not in out + err and "panicked" not in out + err and "stack backtrace" not in out + err
    assert "internal" not in (out + err).lower()
    if code == 2:
        assert err.count("ERROR: ") == 2 and name in err  # one message, in Chinese and English, naming the file
    assert seconds < SECONDS + 30
    assert rss < MAX_RSS_MB


def test_a_batch_import_keeps_the_good_files_around_the_hostile_ones(tmp_path, monkeypatch):
    good = FIXTURES / "wide_clean.xlsx"
    later = FIXTURES / "sheet_per_city.xlsx"
    worst = [HOSTILE / n for n in ("far_cell_hidden.xlsx", "far_cell_row.xlsx", "zip_version_73.xlsx",
                                   "entities.xlsx", "quadratic.csv")]
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'batch.db'}", "KPI_DEMO": "0"}
    code, out, err, seconds, rss = run_measured(
        [sys.executable, "-m", "store", "import", str(good), *map(str, worst), str(later)], env)
    assert code == 2
    assert "Traceback" not in out + err and "stack backtrace" not in out + err
    assert "✓ wide_clean.xlsx" in out and "✓ sheet_per_city.xlsx" in out
    assert "✗ far_cell_hidden.xlsx" in err and "无法安全读取此文件" in err and "could not be read safely" in err
    assert rss < MAX_RSS_MB
    monkeypatch.setenv("DATABASE_URL", env["DATABASE_URL"])
    listed = run_main(store_main, "uploads", "--format", "csv")  # in process: nothing to measure here
    assert listed.returncode == 0
    assert [line.split(",")[2] for line in listed.stdout.splitlines()[1:]] == ["sheet_per_city.xlsx", "wide_clean.xlsx"]


# ---- random workbooks ----------------------------------------------------------------------------------
CELLS = st.one_of(st.integers(-10**6, 10**6), st.floats(-1e9, 1e9), st.sampled_from(
    ["统计期间", "地区", "服务队", "投入人次", "专项活动", "2020年7月", "南京", "防汛", "15余", "约35万元", "合计", "注：", ""]))
FAR = st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384))


@st.composite
def workbooks(draw) -> tuple[bytes, bool]:
    """A workbook of several sheets with cells, merges and sometimes a far-away cell; its dimension maybe hidden."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for k in range(draw(st.integers(1, 6))):
        sheet = book.active if k == 0 else book.create_sheet(f"S{k}")
        for row in draw(st.lists(st.lists(CELLS, max_size=6), max_size=6)):
            sheet.append(row)
        for _ in range(draw(st.integers(0, 2))):
            r, c = draw(st.integers(1, 8)), draw(st.integers(1, 8))
            sheet.merge_cells(start_row=r, start_column=c, end_row=r + draw(st.integers(0, 3)),
                              end_column=c + draw(st.integers(0, 3)))
        if draw(st.booleans()):
            row, col = draw(FAR)
            sheet[f"{get_column_letter(col)}{row}"] = draw(CELLS)
    raw = io.BytesIO()
    book.save(raw)
    hide = draw(st.booleans())
    if not hide:
        return raw.getvalue(), False
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            dst.writestr(info, re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", part))
    return out.getvalue(), True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(book=workbooks())
def test_random_workbooks_never_take_the_caller_down(book):
    data, _hidden = book
    started = time.monotonic()
    try:
        result = parse_isolated(data, "random.xlsx")
    except LoaderError as error:
        assert error.problem.code in {"sheet_too_large", "too_many_cells", "unsafe_memory", "empty_file", "no_data"}, \
            error.problem.en
    else:
        assert result.facts["value"].notna().all()
    assert time.monotonic() - started < SECONDS
