"""`python -m store`: import, refusals, undo/redo, corrections, totals, demo — main(argv) in process; each command
once as a real `python -m store` process at the end."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from store.cli import main, plain_number, render_totals, totals_table
from store.schema import UPLOADER_MAX
from tests.commands import Ran, run_main
from tests.conftest import facts_frame

ROOT = Path(__file__).resolve().parent.parent
HEADER = "统计期间,地区,服务队/单位,专项活动,指标,数值,备注"
BASE_ROWS = [  # teams 20 + 17 = 37, lighting_km 44.6, lighting_lines 120 over (province level)
    "2020年7月,国网南京供电公司,,防汛保电,服务队,20,",
    "2020年7月,国网无锡供电公司,,防汛保电,服务队,17,",
    "2020年7月,国网南京供电公司,,防汛保电,照明架设长度,44.6,",
    "2020年7月,国网江苏电力,,防汛保电,架设照明线路,120余,",
]
BASE_TOTALS = "metric,value,qualifier\nteams,37,\nlighting_lines,120,over\nlighting_km,44.6,\n"


def write_csv(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run `python -m store ARGS` (its main(), in process) against a fresh SQLite file; returns exit code and output."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")

    def run(*args: object, stdin: str = "") -> Ran:
        done = run_main(main, *args, stdin=stdin)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    return run


def totals_csv(cli, *filters: str) -> str:
    done = cli("totals", "--format", "csv", *filters)
    assert done.returncode == 0, done.output
    return done.stdout


def test_import_prints_what_was_added_and_totals_show_the_exact_figures(cli, tmp_path):
    done = cli("import", write_csv(tmp_path, "flood.csv", BASE_ROWS), "--uploader", "clerk")
    assert done.returncode == 0, done.output
    assert "upload #1, 4 new, 0 changed, 0 unchanged (re-confirmed), 0 left out." in done.stdout
    assert "上传编号 1，新增 4 条，修改 0 条，未变 0 条（重新确认），未导入 0 处。" in done.stdout
    assert totals_csv(cli) == BASE_TOTALS
    history = json.loads(cli("uploads", "--format", "json").stdout)
    assert [(u["id"], u["status"], u["file"], u["uploader"], u["added"]) for u in history] == [
        (1, "active", "flood.csv", "clerk", 4)]
    assert [(u["new"], u["changed"], u["unchanged"], u["left_out"]) for u in history] == [(4, 0, 0, 0)]


def test_same_file_twice_is_refused_naming_the_earlier_upload(cli, tmp_path):
    path = write_csv(tmp_path, "flood.csv", BASE_ROWS)
    assert cli("import", path).returncode == 0
    again = cli("import", path)
    assert again.returncode == 1
    assert "upload #1" in again.output and "'flood.csv'" in again.output and "已于" in again.output
    assert totals_csv(cli) == BASE_TOTALS
    assert len(json.loads(cli("uploads", "--format", "json").stdout)) == 1


def test_undo_drops_exactly_the_files_figures_and_redo_brings_them_back(cli, tmp_path):
    assert cli("import", write_csv(tmp_path, "flood.csv", BASE_ROWS)).returncode == 0
    suzhou = write_csv(tmp_path, "suzhou.csv", [
        "2020年7月,国网苏州供电公司,,防汛保电,服务队,24,",
        "2020年7月,国网苏州供电公司,,防汛保电,架设照明线路,16,",
    ])
    assert cli("import", suzhou).returncode == 0
    both = "metric,value,qualifier\nteams,61,\nlighting_lines,136,over\nlighting_km,44.6,\n"
    assert totals_csv(cli) == both
    undone = cli("undo", "2")
    assert undone.returncode == 0 and "Upload 2 undone" in undone.stdout
    assert totals_csv(cli) == BASE_TOTALS
    assert cli("undo", "2").returncode == 1  # already undone: refused, no traceback
    assert cli("redo", "2").returncode == 0
    assert totals_csv(cli) == both
    statuses = {u["id"]: u["status"] for u in json.loads(cli("uploads", "--format", "json").stdout)}
    assert statuses == {1: "active", 2: "active"}


def test_a_correction_changes_totals_by_the_difference(cli, tmp_path):
    assert cli("import", write_csv(tmp_path, "flood.csv", BASE_ROWS)).returncode == 0
    done = cli("--lang", "en", "import", write_csv(tmp_path, "fix.csv", ["2020年7月,国网南京供电公司,,防汛保电,服务队,25,更正"]))
    assert done.returncode == 0 and "0 new, 1 changed, 0 unchanged (re-confirmed), 0 left out" in done.stdout
    assert totals_csv(cli, "--metric", "teams") == "metric,value,qualifier\nteams,42,\n"  # 37 - 20 + 25
    assert cli("undo", "2").returncode == 0
    assert totals_csv(cli, "--metric", "服务队") == "metric,value,qualifier\nteams,37,\n"


def test_a_file_with_an_error_is_refused_stores_nothing_and_names_the_cell(cli, tmp_path):
    bad = write_csv(tmp_path, "bad.csv", ["2020年7月,国网南京供电公司,,防汛保电,服务队,待统计,", BASE_ROWS[1]])
    done = cli("import", bad)
    assert done.returncode == 1
    assert "nothing was stored" in done.output and "未保存任何数据" in done.output
    assert "row 2" in done.output and "第 2 行" in done.output and "待统计" in done.output
    assert json.loads(cli("uploads", "--format", "json").stdout) == []
    assert totals_csv(cli) == "metric,value,qualifier\n"


def test_missing_and_unreadable_files_exit_2_and_the_others_are_still_stored(cli, tmp_path):
    missing = cli("import", tmp_path / "nope.xlsx")
    assert missing.returncode == 2 and "file not found" in missing.output and "找不到文件" in missing.output
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04 this is not a workbook")
    mixed = cli("import", garbage, write_csv(tmp_path, "flood.csv", BASE_ROWS))
    assert mixed.returncode == 2 and "garbage.xlsx" in mixed.output
    assert totals_csv(cli) == BASE_TOTALS


def test_language_option_prints_one_language(cli, tmp_path):
    done = cli("import", "--lang", "en", write_csv(tmp_path, "flood.csv", BASE_ROWS))
    assert done.returncode == 0 and "4 new" in done.stdout and "新增" not in done.stdout
    zh = cli("--lang", "zh", "undo", "1")
    assert "已撤销" in zh.stdout and "undone" not in zh.stdout


def test_totals_filters_city_months_and_reports_user_errors(cli, tmp_path):
    assert cli("import", write_csv(tmp_path, "flood.csv", [
        *BASE_ROWS, "2020年8月,国网南京供电公司,,防汛保电,服务队,3,"])).returncode == 0
    assert totals_csv(cli, "--city", "南京", "--metric", "teams") == "metric,value,qualifier\nteams,23,\n"
    assert totals_csv(cli, "--from", "2020-08") == "metric,value,qualifier\nteams,3,\n"
    assert totals_csv(cli, "--to", "2020-07", "--campaign", "防汛保电") == BASE_TOTALS
    as_json = json.loads(cli("totals", "--format", "json", "--to", "2020-07").stdout)
    assert as_json[0] == {"metric": "teams", "value": 37, "qualifier": ""}
    for bad in (["--from", "2020-13"], ["--campaign", "nope"], ["--city", "巴黎"], ["--metric", "nope"]):
        done = cli("totals", *bad)
        assert done.returncode == 2 and done.stderr.strip(), bad


def test_demo_loads_on_request_only(cli):
    assert totals_csv(cli) == "metric,value,qualifier\n"  # no command loads the demo by itself
    done = cli("demo")
    assert done.returncode == 0, done.output
    flood = totals_csv(cli, "--campaign", "flood_power", "--from", "2020-07", "--to", "2020-07")
    rows = dict(line.split(",", 1) for line in flood.splitlines()[1:])
    assert rows["teams"] == "184," and rows["staff_deployed"] == "3684,"
    assert cli("demo").returncode == 0  # a second time stores nothing again
    assert len(json.loads(cli("uploads", "--format", "json").stdout)) == 3  # figures, ledger, demo targets


@pytest.mark.parametrize("value, text", [
    (184.0, "184"), (44.6, "44.6"), (44.6000000001, "44.6"), (1234567.5, "1234567.5"), (0.1 + 0.2, "0.3"),
    (350000.0, "350000"), (-5.0, "-5"), (float("nan"), ""),
])
def test_plain_number_has_no_separators_or_float_noise(value, text):
    assert plain_number(value) == text


def test_totals_average_rates_and_city_filter_drops_province_figures(catalog):
    flood = {"period_start": "2020-07-01", "period_end": "2020-07-31", "campaign": "light_up"}
    facts = facts_frame([
        {**flood, "city": "无锡市", "metric": "lighting_rate", "value": 100},
        {**flood, "city": "南京市", "metric": "lighting_rate", "value": 90},
        {**flood, "city": "南京市", "metric": "corridors_lit", "value": 10, "qualifier": "over"},
        {**flood, "metric": "corridors_lit", "value": 5},
    ])
    table = totals_table(facts, catalog)
    assert table.to_dict("records") == [
        {"metric": "corridors_lit", "value": 15.0, "qualifier": "over"},
        {"metric": "lighting_rate", "value": 95.0, "qualifier": ""},
    ]
    nanjing = totals_table(facts, catalog, city="Nanjing")
    assert dict(zip(nanjing["metric"], nanjing["value"])) == {"corridors_lit": 10.0, "lighting_rate": 90.0}


def test_a_store_failure_mid_import_keeps_the_files_before_and_names_the_file(tmp_path, monkeypatch, capsys):
    """In process: the second file's commit fails in the database; the first stays stored, no traceback, exit 2."""
    from sqlalchemy import update
    from sqlalchemy.exc import OperationalError

    from store.core import Store
    from store.schema import meta

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'failing.db'}")
    calls = []

    def bump_then_fail_the_second(conn, now):  # inside each import's transaction, after its first write
        calls.append(now)
        conn.execute(update(meta).values(data_version=meta.c.data_version + 1))
        if len(calls) == 2:
            raise OperationalError("INSERT INTO fact_sets ...", {}, Exception("database or disk is full"))

    monkeypatch.setattr(Store, "_bump_version", staticmethod(bump_then_fail_the_second))
    first = write_csv(tmp_path, "first.csv", BASE_ROWS)
    second = write_csv(tmp_path, "second.csv", ["2020年8月,国网南京供电公司,,防汛保电,服务队,3,"])
    assert main(["--lang", "en", "import", str(first), str(second)]) == 2
    out = capsys.readouterr()
    assert "first.csv: upload #1, 4 new, 0 changed" in out.out
    assert "✗ File 'second.csv': the store failed and nothing was changed (database or disk is full)." in out.err
    assert "Traceback" not in out.err
    assert main(["--lang", "en", "totals", "--format", "csv"]) == 0
    assert capsys.readouterr().out == BASE_TOTALS


def test_an_unexpected_error_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys):
    from store.core import Store

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'odd.db'}")

    def broken(self, *args, **kwargs):
        raise ValueError("payload of upload 3 cannot be read")

    monkeypatch.setattr(Store, "active_facts", broken)
    assert main(["--lang", "both", "totals"]) == 2
    err = capsys.readouterr().err
    assert "意外错误，本次操作未完成：ValueError: payload of upload 3 cannot be read" in err
    assert "Unexpected error; the operation did not complete: ValueError" in err and "Traceback" not in err


def test_an_uploader_name_over_the_limit_is_refused_and_nothing_is_stored(cli, tmp_path):
    path = write_csv(tmp_path, "flood.csv", BASE_ROWS)
    done = cli("import", path, "--uploader", "王" * (UPLOADER_MAX + 1))
    assert done.returncode == 1, done.output
    assert f"flood.csv: refused. The uploader name has {UPLOADER_MAX + 1} characters, over the limit of " \
           f"{UPLOADER_MAX}; nothing was stored." in done.stderr
    assert "已拒绝" in done.stderr and "上传人" in done.stderr
    assert json.loads(cli("uploads", "--format", "json").stdout) == []
    assert cli("import", path, "--uploader", "王" * UPLOADER_MAX).returncode == 0


HOSTILE_FILE = "=cmd|' -C calc'!A0.csv"
HOSTILE_UPLOADER = '=HYPERLINK("http://x","y")'


def test_uploads_csv_prefixes_formula_names_and_json_keeps_them(cli, tmp_path):
    assert cli("import", write_csv(tmp_path, HOSTILE_FILE, BASE_ROWS), "--uploader", HOSTILE_UPLOADER).returncode == 0
    assert cli("import", write_csv(tmp_path, "@SUM(A1).csv", BASE_ROWS[:1] + ["2020年8月,国网南京供电公司,,防汛保电,服务队,3,"]),
               "--uploader", "+1").returncode == 0
    lines = cli("uploads", "--format", "csv").stdout.splitlines()
    rows = list(csv.DictReader(lines))
    assert [(r["id"], r["file"], r["uploader"], r["added"]) for r in rows] == [
        ("2", "'@SUM(A1).csv", "'+1", "2"), ("1", "'" + HOSTILE_FILE, "'" + HOSTILE_UPLOADER, "4")]
    history = json.loads(cli("uploads", "--format", "json").stdout)
    assert [(u["file"], u["uploader"]) for u in history] == [("@SUM(A1).csv", "+1"), (HOSTILE_FILE, HOSTILE_UPLOADER)]


def test_totals_csv_prefixes_formula_texts_but_never_a_number(catalog):
    table = pd.DataFrame({"metric": ["=cmd|' /C calc'!A0", "teams"], "value": [-5.0, 37.0], "qualifier": ["@x", ""]})
    assert render_totals(table, "csv", catalog, "both") == (
        "metric,value,qualifier\n'=cmd|' /C calc'!A0,-5,'@x\nteams,37,\n")
    assert json.loads(render_totals(table, "json", catalog, "both"))[0] == {
        "metric": "=cmd|' /C calc'!A0", "value": -5, "qualifier": "@x"}


def test_no_control_character_from_a_name_reaches_the_terminal(cli, tmp_path):
    """(The output is read as text, where a CR would already be a line break: ␍ is looked for instead.)"""
    name = "red\x1b[31m\x1b]0;pwned\x07.csv"
    done = cli("import", write_csv(tmp_path, name, BASE_ROWS), "--uploader", "clerk\x1b[2J\r\x9b1m")
    assert done.returncode == 0, done.output
    assert "red\u241b[31m\u241b]0;pwned\u2407.csv: upload #1" in done.stdout
    refused = cli("import", write_csv(tmp_path, "bad\x1b[5m.csv", ["2020年7月,国网南京供电公司,,防汛保电,服务队,待\x1b[2J统计,"]))
    assert refused.returncode == 1 and "bad\u241b[5m.csv" in refused.stderr and "待\u241b[2J统计" in refused.stderr
    table = cli("uploads")
    assert "red\u241b[31m" in table.stdout and "clerk\u241b[2J\u240d\\x9b1m" in table.stdout
    for output in (done.output, refused.output, table.output):
        assert not any(ch in output for ch in "\x1b\x07\x9b"), output


def test_a_correction_of_one_figure_of_65_prints_the_counts_the_pages_show(cli, tmp_path):
    cities = ["国网南京供电公司", "国网无锡供电公司", "国网徐州供电公司", "国网常州供电公司", "国网苏州供电公司",
              "国网南通供电公司", "国网连云港供电公司", "国网淮安供电公司", "国网盐城供电公司", "国网扬州供电公司",
              "国网镇江供电公司", "国网泰州供电公司", "国网宿迁供电公司"]
    labels = ["服务队", "投入人次", "排查重要客户", "架设照明线路", "临时配变"]

    def rows(nanjing: int) -> list[str]:
        return [f"2020年7月,{city},,防汛保电,{label},{nanjing if (i, j) == (0, 0) else 10 + 5 * i + j},"
                for i, city in enumerate(cities) for j, label in enumerate(labels)]

    first = cli("import", write_csv(tmp_path, "province.csv", [*rows(22), "合计,,,,,,"]))
    assert "新增 65 条，修改 0 条，未变 0 条（重新确认），未导入 1 处" in first.stdout, first.output
    done = cli("import", write_csv(tmp_path, "province_fix.csv", rows(30)))
    assert done.returncode == 0, done.output
    assert "上传编号 2，新增 0 条，修改 1 条，未变 64 条（重新确认），未导入 0 处。" in done.stdout
    assert "upload #2, 0 new, 1 changed, 64 unchanged (re-confirmed), 0 left out." in done.stdout
    history = json.loads(cli("uploads", "--format", "json").stdout)
    assert [(u["id"], u["added"], u["superseded"], u["new"], u["changed"], u["unchanged"], u["left_out"])
            for u in history] == [(2, 65, 65, 0, 1, 64, 0), (1, 65, 0, 65, 0, 0, 1)]
    header = cli("uploads").stdout.splitlines()[0].split()
    assert header == ["id", "status", "file", "uploader", "uploaded_at", "added", "superseded",
                      "new", "changed", "unchanged", "left_out", "kind"]


def test_import_prints_the_figures_to_check_and_still_stores_them(cli, tmp_path):
    history = [f"2020年{m}月,国网南京供电公司,,防汛保电,服务队,{v}," for m, v in ((3, 8), (4, 30), (5, 10), (6, 12))]
    assert cli("import", write_csv(tmp_path, "spring.csv", history)).returncode == 0
    done = cli("import", write_csv(tmp_path, "check.csv", [
        "2020年7月,国网南京供电公司,,防汛保电,服务队,60,",  # 6.7 × the median 9 of 8, 5 (this file's), 10, 12
        "2020年4月,国网南京供电公司,,防汛保电,服务队,5,更正",  # 30 → 5
        "2020年7月,国网无锡供电公司,,防汛保电,服务队,60,",  # no history: nothing to compare with
    ]))
    assert done.returncode == 0, done.output
    assert "2 条需核实（已保存，请核对）：" in done.stdout and "2 figure(s) to check (saved; please check them):" in done.stdout
    assert "2020-07 Nanjing service teams: 60 (6.7× the median of the 4 months before) Median, last 12 months 9; " \
           "Last 12 months 2020-03 8 · 2020-04 5 · 2020-05 10 · 2020-06 12" in done.stdout
    assert "2020年4月 南京市 服务队：30 → 5（更正幅度 83%） 近 12 个月中位数 8；近 12 个月数据 2020年3月 8" in done.stdout
    assert totals_csv(cli, "--metric", "teams", "--from", "2020-07") == "metric,value,qualifier\nteams,120,\n"


# ---- each command once as a real process: `python -m store` (store/__main__.py) stays proven --------------------------
def imported(cli, flood: Path) -> None:
    assert cli("import", flood).returncode == 0


def undone(cli, flood: Path) -> None:
    imported(cli, flood)
    assert cli("undo", "1").returncode == 0


def alias_added(cli, _flood: Path) -> None:
    assert cli("alias", "add", "备用列", "ignore").returncode == 0


AUDIT_HEADER = "at,actor,action,target,outcome,client,detail"
INCONSISTENCIES_HEADER = "period_start,period_end,city,county,campaign,metric,value,qualifier,parts,parts_facts"
PROCESS_CASES = [  # command, done in process first, its arguments ({flood}: the file), what stdout holds
    ("import", None, ["--lang", "en", "import", "{flood}"], "flood.csv: upload #1, 4 new, 0 changed"),
    ("uploads", imported, ["uploads", "--format", "csv"], "\n1,active,flood.csv,"),
    ("undo", imported, ["--lang", "en", "undo", "1"], "Upload 1 undone; its figures no longer count."),
    ("redo", undone, ["--lang", "en", "redo", "1"], "Upload 1 redone; its figures count again."),
    ("user", None, ["--lang", "en", "user", "add", "nj", "--role", "reporter", "--unit", "南京", "--password-stdin"],
     "Account 'nj' added"),
    ("audit", imported, ["audit", "--format", "csv", "--action", "upload"], AUDIT_HEADER + "\n"),
    ("totals", imported, ["totals", "--format", "csv"], BASE_TOTALS),
    ("demo", None, ["--lang", "en", "demo"], ": upload #3, "),  # figures, ledger, demo targets
    ("inconsistencies", imported, ["inconsistencies", "--format", "csv"], INCONSISTENCIES_HEADER + "\n"),
    ("aliases", alias_added, ["aliases", "--format", "csv"], "header,target,created_at,created_by,source\n备用列,ignore,"),
    ("alias", None, ["--lang", "en", "alias", "add", "备用列", "ignore"], "the header '备用列' means: ignore"),
]


@pytest.mark.parametrize("command, before, args, says", PROCESS_CASES, ids=[case[0] for case in PROCESS_CASES])
def test_each_command_runs_as_python_m_store(cli, tmp_path, command, before, args, says):
    flood = write_csv(tmp_path, "flood.csv", BASE_ROWS)
    if before:
        before(cli, flood)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # DATABASE_URL: the cli fixture's store
    done = subprocess.run([sys.executable, "-m", "store", *(a.format(flood=flood) for a in args)], cwd=ROOT, env=env,
                          input="correct horse battery\n", capture_output=True, text=True, encoding="utf-8",
                          timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert says in done.stdout, done.stdout
