"""Uploads parsed in bounded worker processes: a file that exhausts memory or time, or crashes its reader,
costs that file only, as one bilingual problem; the caller and the files beside it go on."""
from __future__ import annotations

import io
import os
import pickle
import re
import signal
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from loaders import Defaults, LoaderError, ParseLimits, parse_bytes
from loaders.isolated import ParseJob, ParsePipeline, default_start_method, pack_facts, parse_isolated, unpack_facts

FIXTURES = Path(__file__).parent / "fixtures"
CLEAN = (FIXTURES / "wide_clean.xlsx").read_bytes()


def far_cell_xlsx(ref: str = "XFD1048576", declared: str | None = "A1") -> bytes:
    """A sheet with A1 and one cell at `ref`, declaring the dimension `declared` (None: no dimension at all)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "地区"
    book.active[ref] = 1
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                replacement = b"" if declared is None else f'<dimension ref="{declared}" />'.encode()
                # openpyxl writes '<dimension ref="…" />', or '<dimension ref="…"/>' where lxml is installed
                part, found = re.subn(rb'<dimension ref="[^"]*"\s*/>', replacement, part)
                assert found == 1, "the sheet's dimension element was not replaced"
            dst.writestr(info, part)
    return out.getvalue()


def test_a_clean_file_gives_what_the_loader_gives_in_process():
    here = parse_bytes(CLEAN, "wide_clean.xlsx")
    there = parse_isolated(CLEAN, "wide_clean.xlsx")
    assert there.facts.equals(here.facts)
    assert list(there.facts.dtypes) == list(here.facts.dtypes)
    assert there.problems == here.problems and there.sheets == here.sheets and there.dropped == here.dropped


def test_defaults_sheets_and_progress_reach_the_worker():
    seen = []
    result = parse_isolated((FIXTURES / "sheet_per_city.xlsx").read_bytes(), "sheet_per_city.xlsx",
                            Defaults(campaign="防汛"), progress=lambda f, label: seen.append(f))
    assert not result.facts.empty
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_a_far_away_cell_is_refused_on_the_declared_dimension_before_it_is_read():
    started = time.monotonic()
    with pytest.raises(LoaderError) as caught:
        parse_isolated(far_cell_xlsx("XFD20000", declared="A1:XFD20000"), "far.xlsx")
    assert caught.value.problem.code == "sheet_too_large"
    assert "A1:XFD20000" in caught.value.problem.en and "327,680,000" in caught.value.problem.en
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("declared", ["A1", None])
def test_a_far_away_cell_the_file_hides_costs_the_worker_not_the_caller(declared):
    # calamine allocates A1:XFD1048576 (550 GB): the worker's address-space limit stops it at once
    started = time.monotonic()
    with pytest.raises(LoaderError) as caught:
        parse_isolated(far_cell_xlsx(declared=declared), "far.xlsx")
    problem = caught.value.problem
    assert problem.code == "unsafe_memory"
    assert problem.zh.startswith("无法安全读取此文件") and problem.en.startswith("The file could not be read safely")
    assert "1024 MB" in problem.en
    assert time.monotonic() - started < 20
    assert parse_isolated(CLEAN, "after.xlsx").facts.shape[0] == 12  # and the next file is read as ever


def test_the_memory_limit_is_the_setting(monkeypatch):
    monkeypatch.setenv("KPI_PARSE_MEMORY_MB", "300")
    with pytest.raises(LoaderError) as caught:
        parse_isolated(far_cell_xlsx("XFD20000"), "far.xlsx")
    assert caught.value.problem.code == "unsafe_memory" and "300 MB" in caught.value.problem.en


def test_the_wall_clock_limit_is_the_setting(monkeypatch):
    monkeypatch.setenv("KPI_PARSE_SECONDS", "0.001")  # no worker starts and parses within a millisecond
    started = time.monotonic()
    with pytest.raises(LoaderError) as caught:
        parse_isolated(CLEAN, "slow.xlsx")
    assert caught.value.problem.code == "unsafe_time" and "0.001 s" in caught.value.problem.en
    assert time.monotonic() - started < 5


# Faults planted in the worker: with the fork start method the child runs this test's patched code.
def _parse_that(action):
    def parse(*args, **kwargs):
        action()
        raise AssertionError("unreachable")
    return parse


def _burn():
    while True:
        pass


@pytest.mark.parametrize("action, code, detail", [
    (lambda: os.kill(os.getpid(), signal.SIGSEGV), "unsafe_crash", "signal 11"),
    (lambda: os._exit(3), "unsafe_crash", "exit code 3"),
    (lambda: (_ for _ in ()).throw(MemoryError()), "unsafe_memory", "1024 MB"),
    (lambda: os.kill(os.getpid(), signal.SIGABRT), "unsafe_memory", "1024 MB"),
    (lambda: time.sleep(60), "unsafe_time", "2 s"),
    (_burn, "unsafe_time", "2 s"),  # CPU time: SIGXCPU or the wall clock, whichever comes first
])
def test_a_worker_that_dies_or_hangs_becomes_one_problem_on_its_file(monkeypatch, action, code, detail):
    monkeypatch.setattr("loaders.files.parse_bytes", _parse_that(action))
    started = time.monotonic()
    with pytest.raises(LoaderError) as caught:
        ParseJob(CLEAN, "bad.xlsx", limits=ParseLimits(seconds=2), start_method="fork").result()
    assert caught.value.problem.code == code
    assert detail in caught.value.problem.en and caught.value.problem.file == "bad.xlsx"
    assert time.monotonic() - started < 15


def test_an_internal_error_in_the_worker_is_reported_as_one(monkeypatch):
    def broken(*args, **kwargs):
        return 1 / 0

    monkeypatch.setattr("loaders.files._parse", broken)
    with pytest.raises(LoaderError) as caught:
        ParseJob(CLEAN, "bug.xlsx", start_method="fork").result()
    assert caught.value.problem.code == "internal_error" and "ZeroDivisionError" in caught.value.problem.en


def test_a_caller_that_gives_up_ends_the_worker():
    job = ParseJob(CLEAN, "x.xlsx")

    def stop(fraction, label):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        job.result(progress=stop)
    assert job._process.exitcode is not None


def test_neighbours_survive_a_dying_file():
    far = far_cell_xlsx()
    jobs = [ParseJob(CLEAN, "a.xlsx"), ParseJob(far, "far.xlsx"), ParseJob(CLEAN, "b.xlsx")]
    outcomes = []
    for job in jobs:
        try:
            outcomes.append(len(job.result().facts))
        except LoaderError as error:
            outcomes.append(error.problem.code)
    assert outcomes == [12, "unsafe_memory", 12]


def test_a_pipeline_keeps_the_good_files_around_a_bad_one(tmp_path):
    (tmp_path / "good.xlsx").write_bytes(CLEAN)
    (tmp_path / "far.xlsx").write_bytes(far_cell_xlsx())
    (tmp_path / "also_good.csv").write_bytes((FIXTURES / "long_clean.csv").read_bytes())
    paths = [str(tmp_path / n) for n in ("good.xlsx", "far.xlsx", "missing.xlsx", "also_good.csv")]
    seen = [(name, data is not None, getattr(outcome, "problem", None) and outcome.problem.code)
            for name, _path, data, outcome in ParsePipeline(paths)]
    assert seen == [("good.xlsx", True, None), ("far.xlsx", True, "unsafe_memory"),
                    ("missing.xlsx", False, "unreadable"), ("also_good.csv", True, None)]


def test_a_pipeline_left_early_ends_the_worker_ahead(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        (tmp_path / name).write_bytes(CLEAN)
    pipeline = ParsePipeline([str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx")])
    for _ in pipeline:
        ahead = pipeline._next[2]
        break
    pipeline.close()
    assert ahead._process.exitcode is not None


def test_threads_mean_forkserver():
    assert default_start_method() == ("fork" if threading.active_count() == 1 else "forkserver")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert default_start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()


def test_facts_travel_packed_and_come_back_the_same():
    facts = parse_bytes((FIXTURES / "sheet_per_city.xlsx").read_bytes(), "sheet_per_city.xlsx").facts
    odd = pd.DataFrame({"text": pd.Series(["x", None, float("nan"), "x" * 3, ""], dtype=object),
                        "n": [1.5, -2, 3, 4, 5], "s": pd.Series(["a", "b", None, "a", "c"], dtype="str")})
    for frame in (facts, facts.iloc[:0], odd):
        back = unpack_facts(pickle.loads(pickle.dumps(pack_facts(frame))))
        assert back.equals(frame) and list(back.dtypes) == list(frame.dtypes) and list(back.columns) == list(frame.columns)


def test_no_process_to_be_had_is_one_problem_on_the_file(monkeypatch):
    import multiprocessing

    real = multiprocessing.get_context("forkserver")

    class NoProcesses:
        def Pipe(self, duplex):  # noqa: N802 - multiprocessing's name
            return real.Pipe(duplex)

        def Process(self, **kwargs):  # noqa: N802
            process = real.Process(**kwargs)
            process.start = lambda: (_ for _ in ()).throw(OSError(11, "Resource temporarily unavailable"))
            return process

    monkeypatch.setattr("loaders.isolated.multiprocessing.get_context", lambda method: NoProcesses())
    with pytest.raises(LoaderError) as caught:
        parse_isolated(CLEAN, "busy.xlsx")
    assert caught.value.problem.code == "unsafe_crash"
    assert "could not start: Resource temporarily unavailable" in caught.value.problem.en


def test_a_report_only_parse_counts_the_facts_it_keeps():
    result = ParseJob(CLEAN, "wide_clean.xlsx", facts=False).result()
    full = parse_isolated(CLEAN, "wide_clean.xlsx")
    assert result.facts.empty and list(result.facts.columns) == list(full.facts.columns)
    assert result.fact_count == full.fact_count == 12 and result.problems == full.problems
