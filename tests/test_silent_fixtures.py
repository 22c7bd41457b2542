"""Each silent-change fixture (tests/fixtures/make_silent.py) is refused, naming its cell: in the loader, on
`python -m loaders check` (exit 1) and on `python -m store import` (exit 1, nothing stored); their main() in
process."""
from __future__ import annotations

import pytest

from loaders import parse_path
from loaders.cli import main as loaders_main
from store.cli import main as store_main
from tests.commands import run_main
from tests.fixtures.make_silent import EXPECTED, HERE

CASES = sorted(EXPECTED.items())


@pytest.mark.parametrize("name, expected", CASES, ids=[name for name, _ in CASES])
def test_the_loader_refuses_the_cell(name, expected):
    result = parse_path(HERE / name)
    assert [(p.code, p.sheet, p.row, p.column, p.value) for p in result.errors] == [expected]
    assert not result.ok  # the file cannot be saved until the cell is put right


@pytest.mark.parametrize("name, expected", CASES, ids=[name for name, _ in CASES])
def test_the_command_lines_refuse_it_and_store_nothing(name, expected, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    checked = run_main(loaders_main, "check", HERE / name)
    code, sheet, row, column, value = expected
    assert checked.returncode == 1
    assert f"sheet '{sheet}', row {row}, column '{column}', value '{value}'" in checked.stdout  # check: the report
    stored = run_main(store_main, "import", HERE / name)
    assert stored.returncode == 1
    uploads = run_main(store_main, "uploads", "--format", "csv")
    assert uploads.returncode == 0
    assert len(uploads.stdout.strip().splitlines()) == 1  # the header only: nothing was stored
