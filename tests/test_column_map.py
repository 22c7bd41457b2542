"""Mapping a header the catalog does not know (#9, item 5, command-line part): HEADER=METRIC_CODE or HEADER=ignore,
in the loader (Defaults.columns) and as --map on loaders parse/check and store import."""
from __future__ import annotations

from io import StringIO

import pandas as pd
import pytest

from loaders import Defaults, parse_bytes
from loaders.options import parse_mapping
from loaders.cli import main as loaders_main
from store.cli import main as store_main
from tests.commands import Ran, run_main

REPORT = ("统计期间,地市,专项活动,服务队,宣贯高压客户（户）,备用列\n"
          "2020年7月,南京市,防汛保电,3,2.7万,5\n").encode("utf-8")


def test_unknown_headers_block_the_file_until_mapped():
    plain = parse_bytes(REPORT, "report.csv")
    assert [p.code for p in plain.errors] == ["unknown_column", "unknown_column"]
    mapped = parse_bytes(REPORT, "report.csv", Defaults(columns=(("宣贯高压客户", "customers_informed"),
                                                                   ("备用列", "ignore"))))
    assert mapped.ok and not mapped.problems
    assert mapped.facts[["metric", "value"]].values.tolist() == [["teams", 3.0], ["customers_informed", 27000.0]]


@pytest.mark.parametrize("header", ["宣贯高压客户（户）", "宣贯高压客户", " 宣贯高压客户（户） ", "宣贯高压客户(户)"])
def test_a_mapping_matches_the_header_with_or_without_its_unit(header):
    mapped = parse_bytes(REPORT, "report.csv", Defaults(columns=((header, "customers_informed"), ("备用列", "ignore"))))
    assert mapped.ok, [p.en for p in mapped.problems]


def test_an_unknown_metric_code_is_an_error_naming_it():
    result = parse_bytes(REPORT, "report.csv", Defaults(columns=(("宣贯高压客户", "informed"),)))
    assert any(p.code == "bad_default" and p.value == "宣贯高压客户=informed" for p in result.errors)


@pytest.mark.parametrize("text, expected", [
    ("宣贯高压客户=customers_informed", ("宣贯高压客户", "customers_informed")),
    ("a=b=teams", ("a=b", "teams")), (" 备用列 = ignore ", ("备用列", "ignore")),
])
def test_parse_mapping(text, expected):
    assert parse_mapping(text) == expected


@pytest.mark.parametrize("text", ["no equals sign", "=teams", "header="])
def test_parse_mapping_refuses(text):
    with pytest.raises(ValueError):
        parse_mapping(text)


def run(command: str, *args: str) -> Ran:
    """`python -m store|loaders ARGS`: its main() in process (tests/test_store_cli.py runs each command as a process)."""
    return run_main({"store": store_main, "loaders": loaders_main}[command], *args)


def test_loaders_parse_and_check_take_map(tmp_path):
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    maps = ["--map", "宣贯高压客户（户）=customers_informed", "--map", "备用列=ignore"]
    assert run("loaders", "check", str(path)).returncode == 1
    assert run("loaders", "check", str(path), *maps).returncode == 0
    done = run("loaders", "parse", str(path), *maps)
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(StringIO(done.stdout), dtype=str)
    assert rows[["metric", "value"]].values.tolist() == [["teams", "3"], ["customers_informed", "27000"]]
    refused = run("loaders", "check", str(path), "--map", "no equals sign")
    assert refused.returncode == 2 and "HEADER=METRIC_CODE" in refused.stderr and "Traceback" not in refused.stderr


def test_store_import_takes_map(tmp_path, monkeypatch):
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'map.db'}")
    monkeypatch.setenv("KPI_DEMO", "0")
    assert run("store", "import", str(path)).returncode == 1
    done = run("store", "import", str(path), "--map", "宣贯高压客户=customers_informed", "--map", "备用列=ignore")
    assert done.returncode == 0, done.stderr
    totals = run("store", "totals", "--metric", "customers_informed", "--format", "csv")
    assert totals.stdout.splitlines()[1] == "customers_informed,27000,"
