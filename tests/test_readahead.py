"""Workbooks read ahead for the command lines: the same grids, nothing kept that is passed over, no bombs opened."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
import python_calamine

from loaders import readahead
from loaders.files import read_grids

FIXTURES = Path(__file__).parent / "fixtures"
LIMIT_MB, MAX_CELLS = 50, 5_000_000


@pytest.fixture(autouse=True)
def nothing_left_over():
    yield
    readahead.claim(b"")  # drops whatever a test left waiting
    assert not readahead._ready and not readahead._reading


def wait(thread: threading.Thread | None) -> None:
    """Until the reader has a book to hand over, or is done."""
    with readahead._changed:
        readahead._changed.wait_for(lambda: readahead._ready or not thread.is_alive(), timeout=10)


@pytest.mark.parametrize("name", ["wide_clean.xlsx", "wide_clean.xls", "wide_clean.ods", "sheet_per_city.xlsx"])
def test_a_book_read_ahead_gives_the_same_grids(name):
    data = (FIXTURES / name).read_bytes()
    expected = read_grids(data, name)
    wait(readahead.read_ahead([str(FIXTURES / name)], LIMIT_MB, MAX_CELLS))
    assert readahead._ready and readahead._ready[0].data == data
    assert read_grids(data, name) == expected  # claimed from the reader
    assert not readahead._ready


def test_a_file_passed_over_is_dropped_and_the_next_one_still_read():
    first, second = FIXTURES / "wide_clean.xlsx", FIXTURES / "sheet_per_city.xlsx"
    thread = readahead.read_ahead([str(first), "--campaign", "防汛", str(second)], LIMIT_MB, MAX_CELLS)
    wait(thread)
    ready = readahead.claim(second.read_bytes())  # the first was never claimed (say it was refused before reading)
    if ready is None:  # the reader had not started on the second yet: dropping the first let it go on
        wait(thread)
        ready = readahead.claim(second.read_bytes())
    assert ready is not None and set(ready.sheets) == set(python_calamine.CalamineWorkbook.from_path(second).sheet_names)
    thread.join(5)
    assert not thread.is_alive()


@pytest.mark.parametrize("name", ["zip_bomb.xlsx", "encrypted.xlsx", "long_clean.csv", "garbage.xlsx"])
def test_what_read_workbook_would_refuse_is_never_opened(name):
    thread = readahead.read_ahead([str(FIXTURES / name)], LIMIT_MB, MAX_CELLS)
    if thread is not None:
        thread.join(5)
        assert not thread.is_alive()
    assert readahead.claim((FIXTURES / name).read_bytes()) is None


def test_a_book_over_the_cell_limit_is_not_kept():
    thread = readahead.read_ahead([str(FIXTURES / "wide_clean.xlsx")], LIMIT_MB, 10)
    thread.join(5)
    assert readahead.claim((FIXTURES / "wide_clean.xlsx").read_bytes()) is None
