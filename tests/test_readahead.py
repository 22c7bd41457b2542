"""A workbook read ahead in a thread gives the same grids; nothing read_workbook would refuse is ever opened."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.files import read_grids
from loaders.options import ParseLimits
from loaders.readahead import BookAhead

FIXTURES = Path(__file__).parent / "fixtures"
LIMIT_MB, MAX_CELLS = 50, 5_000_000


@pytest.mark.parametrize("name", ["wide_clean.xlsx", "wide_clean.xls", "wide_clean.ods", "sheet_per_city.xlsx"])
def test_a_book_read_ahead_gives_the_same_grids(name):
    data = (FIXTURES / name).read_bytes()
    expected = read_grids(data, name)
    ahead = BookAhead(data, LIMIT_MB, MAX_CELLS)
    assert read_grids(data, name, ahead=ahead) == expected
    assert ahead.claim(data) is None  # handed over once


def test_a_book_for_other_bytes_is_not_handed_over():
    first, second = (FIXTURES / "wide_clean.xlsx").read_bytes(), (FIXTURES / "sheet_per_city.xlsx").read_bytes()
    ahead = BookAhead(first, LIMIT_MB, MAX_CELLS)
    assert ahead.claim(second) is None
    assert ahead.claim(first) is not None


@pytest.mark.parametrize("name", ["zip_bomb.xlsx", "encrypted.xlsx", "long_clean.csv", "garbage.xlsx"])
def test_what_read_workbook_would_refuse_is_never_opened(name):
    data = (FIXTURES / name).read_bytes()
    ahead = BookAhead(data, LIMIT_MB, MAX_CELLS)
    assert ahead._thread is None
    assert ahead.claim(data) is None


def test_a_book_declaring_more_cells_than_allowed_is_never_opened():
    data = (FIXTURES / "wide_clean.xlsx").read_bytes()  # declares A1:I5
    assert BookAhead(data, LIMIT_MB, 44)._thread is None
    assert BookAhead(data, LIMIT_MB, 45)._thread is not None


def test_a_book_over_the_cell_limit_once_read_is_not_kept():
    data = (FIXTURES / "wide_clean.xls").read_bytes()  # .xls declares nothing: counted as read
    ahead = BookAhead(data, LIMIT_MB, 10)
    assert ahead.claim(data) is None
    with pytest.raises(Exception) as caught:
        read_grids(data, "wide_clean.xls", limits=ParseLimits(max_cells=10), ahead=ahead)
    assert caught.value.problem.code == "too_many_cells"
