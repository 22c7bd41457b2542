"""Column aliases (#9, item 5): which headers may be mapped and what to offer (loaders/mapping.py), and the store's
column_aliases (add, list, remove, one alias per spelling, refusals), on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pandas as pd
import pytest
from sqlalchemy import inspect

from loaders import Defaults, parse_bytes
from loaders.mapping import IGNORE, header_key, known_header, merged_columns, suggested_codes, unknown_headers
from settings import ROOT
from store import Store, StoreError
from loaders.cli import main as loaders_main
from store.accounts import operator
from store.cli import main as store_main
from tests.commands import Ran, run_main

REPORT = ("统计期间,地市,专项活动,服务队,宣贯高压客户（户）,备用列\n"
          "2020年7月,南京市,防汛保电,3,2.7万,5\n").encode("utf-8")


# ---- loaders/mapping.py ----------------------------------------------------------------------------------------
def test_unknown_headers_name_each_header_once_with_the_best_suggestion_first(catalog):
    result = parse_bytes(REPORT, "report.csv")
    found = unknown_headers(catalog, result.problems)
    assert [u.header for u in found] == ["宣贯高压客户（户）", "备用列"]
    assert found[0].suggestions[0] == "customers_informed"
    assert all(code in catalog.metrics for u in found for code in u.suggestions)


def test_a_column_without_a_header_is_not_offered(catalog):
    data = "统计期间,地市,专项活动,服务队,\n2020年7月,南京市,防汛保电,3,5\n".encode()
    result = parse_bytes(data, "blank.csv")
    assert any(p.code == "unknown_column" for p in result.errors)
    assert unknown_headers(catalog, result.problems) == []


def test_suggestions_of_a_two_level_header_are_for_its_lowest_part(catalog):
    assert suggested_codes(catalog, "宣传情况 / 宣贯高压客户")[0] == "customers_informed"


@pytest.mark.parametrize("spelling", ["宣贯高压客户(户)", " 宣贯高压客户（户） ", "宣贯高压客户 （户）", "宣贯高压客户（户）"])
def test_spellings_of_one_header_share_a_key(spelling):
    assert header_key(spelling.strip()) == header_key("宣贯高压客户（户）")


@pytest.mark.parametrize("header, refused", [
    ("宣贯高压客户（户）", False), ("备用列", False),
    ("服务队", True), ("服务队（支）", True), ("Service teams", True), ("志愿者", True),  # metric names and aliases
    ("地区", True), ("统计期间", True),  # roles
    ("合计", True), ("小计", True), ("Total", True),  # totals are always left out
    ("队伍情况 / 服务队", True), ("", True),
])
def test_known_headers_may_not_be_mapped(catalog, header, refused):
    reason = known_header(catalog, header)
    assert (reason is not None) == refused
    if reason:
        zh, en = reason
        assert zh and en and zh != en


def test_merged_columns_a_later_choice_wins_for_the_same_header():
    stored = [("宣贯高压客户（户）", "customers_assisted"), ("备用列", IGNORE)]
    chosen = [("宣贯高压客户(户)", "customers_informed")]
    assert set(merged_columns(stored, chosen)) == {("宣贯高压客户(户)", "customers_informed"), ("备用列", IGNORE)}
    assert ("宣贯高压客户（户）", "customers_assisted") in merged_columns(chosen, stored)
    assert merged_columns(stored) == merged_columns(list(reversed(stored)))  # the same key however they come


# ---- the store -----------------------------------------------------------------------------------------------
def test_add_list_remove(store):
    assert store.aliases().empty and store.alias_columns() == ()
    assert store.add_alias("宣贯高压客户（户）", "customers_informed", created_by="张三") is None
    store.add_alias("备用列", IGNORE, created_by="cli", source="cli")
    listed = store.aliases()
    assert list(listed.columns) == ["header", "target", "created_at", "created_by", "source"]
    rows = {r.header: (r.target, r.created_by, r.source) for r in listed.itertuples()}
    assert rows == {"宣贯高压客户（户）": ("customers_informed", "张三", "upload"), "备用列": (IGNORE, "cli", "cli")}
    assert listed["created_at"].notna().all() and str(listed["created_at"].dt.tz) == "UTC"
    assert set(store.alias_columns()) == {("宣贯高压客户（户）", "customers_informed"), ("备用列", IGNORE)}
    assert store.remove_alias("备用列") == IGNORE
    assert store.alias_columns() == (("宣贯高压客户（户）", "customers_informed"),)


def test_another_spelling_is_the_same_alias(store):
    store.add_alias("宣贯高压客户（户）", "customers_assisted")
    assert store.add_alias("宣贯高压客户(户)", "customers_informed") == "customers_assisted"  # replaced, not added
    assert store.alias_columns() == (("宣贯高压客户(户)", "customers_informed"),)
    assert store.remove_alias(" 宣贯高压客户（户） ") == "customers_informed"
    assert store.aliases().empty


@pytest.mark.parametrize("header, target, words", [
    ("宣贯高压客户（户）", "informed", "informed"),  # no such metric code
    ("宣贯高压客户（户）", "Ignore", "Ignore"),
    ("服务队", "volunteers", "服务队"),  # the catalog reads it already
    ("地区", IGNORE, "地区"),
    ("合计", "teams", "合计"),
    ("  ", "teams", "empty"),
    ("x" * 201, "teams", "200"),
])
def test_refused_aliases_say_why_in_both_languages_and_store_nothing(store, header, target, words):
    with pytest.raises(StoreError) as refused:
        store.add_alias(header, target)
    assert words in refused.value.zh + refused.value.en and refused.value.zh != refused.value.en
    assert store.aliases().empty


def test_removing_an_unknown_alias_is_refused(store):
    with pytest.raises(StoreError, match="no column alias"):
        store.remove_alias("备用列")


def test_aliases_change_no_figure_so_the_data_version_stays(store):
    version = store.data_version()
    store.add_alias("备用列", IGNORE)
    store.remove_alias("备用列")
    assert store.data_version() == version


def test_an_alias_whose_metric_left_the_catalog_is_not_applied(store, catalog):
    store.add_alias("宣贯高压客户（户）", "customers_informed")
    store.add_alias("备用列", IGNORE)
    smaller = type(catalog)(**{**catalog.__dict__,
                               "metrics": {c: m for c, m in catalog.metrics.items() if c != "customers_informed"}})
    assert store.alias_columns(smaller) == (("备用列", IGNORE),)


def test_stored_aliases_as_defaults_load_the_file_clean(store):
    store.add_alias("宣贯高压客户（户）", "customers_informed")
    store.add_alias("备用列", IGNORE)
    result = parse_bytes(REPORT, "report.csv", Defaults(columns=store.alias_columns()))
    assert result.ok and not result.problems
    assert result.facts[["metric", "value"]].values.tolist() == [["teams", 3.0], ["customers_informed", 27000.0]]


def test_an_older_store_gets_the_table_when_opened(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Store(url).engine.dispose()
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE column_aliases"))
    assert "column_aliases" not in inspect(engine).get_table_names()
    store = Store(url)
    assert "column_aliases" in inspect(store.engine).get_table_names()
    store.add_alias("备用列", IGNORE)
    assert isinstance(store.aliases(), pd.DataFrame) and len(store.aliases()) == 1


# ---- the command lines -------------------------------------------------------------------------------------------
def run(command: str, *args: str) -> Ran:
    """`python -m store|loaders ARGS`: its main() in process (tests/test_store_cli.py runs each command as a process)."""
    done = run_main({"store": store_main, "loaders": loaders_main}[command], *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture
def cli_env(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'aliases.db'}")
    monkeypatch.setenv("KPI_DEMO", "0")


def test_alias_commands_add_list_and_remove(cli_env):
    done = run("store", "alias", "add", "宣贯高压客户（户）", "customers_informed", "--by", "管理员")
    assert done.returncode == 0 and "政策宣贯客户" in done.stdout and "customers informed" in done.stdout
    assert run("store", "alias", "add", "备用列", "ignore").returncode == 0
    listed = run("store", "aliases", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["header"], r["target"], r["created_by"], r["source"]) for r in rows] == [
        ("备用列", "ignore", operator().name, "cli"),  # without --by: the operator, os:<OS user>
        ("宣贯高压客户（户）", "customers_informed", "管理员", "cli")]
    assert all(r["created_at"].endswith("UTC") for r in rows)
    table = run("store", "aliases").stdout
    assert "宣贯高压客户（户）" in table and "customers_informed" in table
    removed = run("store", "alias", "remove", "宣贯高压客户(户)", "--lang", "en")  # another spelling
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert [r["header"] for r in csv.DictReader(io.StringIO(run("store", "aliases", "--format", "csv").stdout))] == ["备用列"]


@pytest.mark.parametrize("args, words", [
    (("alias", "add", "备用列", "informed"), ("不是指标代码", "neither a metric code")),
    (("alias", "add", "服务队", "ignore"), ("已是指标", "already names the metric")),
    (("alias", "remove", "备用列"), ("没有列名", "no column alias")),
])
def test_refused_alias_commands_exit_1_in_both_languages(cli_env, args, words):
    done = run("store", *args)
    assert done.returncode == 1
    assert all(word in done.stderr for word in words)
    assert run("store", "aliases", "--format", "json").stdout.strip() == "[]"


def test_store_import_applies_stored_aliases_and_its_own_map_wins(tmp_path, cli_env):
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    assert run("store", "import", str(path)).returncode == 1  # unknown headers: refused
    run("store", "alias", "add", "宣贯高压客户", "customers_assisted")
    run("store", "alias", "add", "备用列", "ignore")
    done = run("store", "import", str(path), "--map", "宣贯高压客户（户）=customers_informed")
    assert done.returncode == 0, done.stderr
    totals = run("store", "totals", "--format", "csv").stdout.splitlines()
    assert totals[1:] == ["teams,3,", "customers_informed,27000,"]  # --map beat the stored customers_assisted

    second = tmp_path / "august.csv"
    second.write_bytes(REPORT.replace("2020年7月".encode(), "2020年8月".encode()))
    done = run("store", "import", str(second))  # the stored aliases alone
    assert done.returncode == 0 and "Read with 2 stored column alias" in done.stdout
    totals = run("store", "totals", "--from", "2020-08", "--format", "csv").stdout.splitlines()
    assert totals[1:] == ["teams,3,", "customers_assisted,27000,"]


def test_loaders_command_line_never_opens_the_store(tmp_path, cli_env):
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT)
    run("store", "alias", "add", "备用列", "ignore")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "loaders", "check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})  # a real process: what it imports
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1 and "“备用列”" in done.stdout  # the stored alias does not apply to loaders check
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "loaders.isolated" in imported
    assert not {name for name in imported if name.split(".")[0] in ("store", "sqlalchemy")}
