"""`python -m loaders parse|check`: rows to stdout, problems to stderr, exit 0 / 1 / 2 (main() in process)."""
from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

from loaders.cli import OUTPUT_COLUMNS, main, write_rows
from tests.commands import Ran, run_main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def run(*args: str) -> Ran:
    """`python -m loaders ARGS`: its main() in process (tests/test_aliases.py runs it as a process, with -X importtime)."""
    return run_main(main, *args)


def test_parse_csv_output():
    done = run("parse", str(FIXTURES / "wide_title_two_level_header.xlsx"))
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(StringIO(done.stdout), dtype=str, keep_default_na=False)
    assert list(rows.columns) == OUTPUT_COLUMNS
    assert len(rows) == 12
    gaochun = rows[(rows["county"] == "高淳区") & (rows["metric"] == "lighting_km")].iloc[0]
    assert gaochun.to_dict() == {
        "period_start": "2020-07-01", "period_end": "2020-07-31", "city": "南京市", "county": "高淳区", "unit": "",
        "campaign": "flood_power", "metric": "lighting_km", "value": "44.6", "qualifier": "", "sheet": "防汛保电",
        "row": "6",
    }
    assert "instruction" in done.stderr  # warnings go to stderr


def test_parse_json_output():
    done = run("parse", str(FIXTURES / "long_clean.csv"), "--format", "json")
    assert done.returncode == 0
    records = json.loads(done.stdout)
    assert len(records) == 12 and list(records[0]) == OUTPUT_COLUMNS
    assert records[0]["value"] == 20 and records[0]["row"] == 2


def test_validation_errors_exit_1():
    done = run("parse", str(FIXTURES / "bad_values.csv"))
    assert done.returncode == 1
    assert "第 2 行" in done.stderr and "row 2" in done.stderr and "待统计" in done.stderr


@pytest.mark.parametrize("name", ["garbage.xlsx", "empty.csv", "encrypted.xlsx", "no_such_file.xlsx"])
def test_unreadable_exit_2(name):
    done = run("parse", str(FIXTURES / name))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr and "ERROR" in done.stderr


def test_check_prints_report_only():
    done = run("check", str(FIXTURES / "wide_title_two_level_header.xlsx"))
    assert done.returncode == 0
    assert "12 facts" in done.stdout and "period_start" not in done.stdout
    assert "dropped row 9" in done.stdout


def test_options_supply_missing_dimensions(tmp_path):
    path = tmp_path / "bare.csv"
    path.write_text("地区,服务队\n南京,3\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert main(["parse", str(path), "--campaign", "防汛", "--period", "2020年7月"]) == 0


def test_sheet_option(capsys):
    assert main(["parse", str(FIXTURES / "sheet_per_city.xlsx"), "--sheet", "南京"]) == 0
    rows = pd.read_csv(StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert set(rows["sheet"]) == {"南京"}


def test_city_option(tmp_path, capsys):
    path = tmp_path / "city.csv"
    path.write_text("统计期间,专项活动,服务队\n2020年7月,防汛,3\n", encoding="gb18030")
    assert main(["parse", str(path), "--city", "宜兴"]) == 0
    rows = pd.read_csv(StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    assert rows[["city", "county"]].values.tolist() == [["无锡市", "宜兴市"]]


FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2"]


def hostile_csv(folder: Path) -> Path:
    """Long layout; unit and remarks cells hold formulas, and the file (so its one sheet) is named like one."""
    path = folder / "=cmd|' -C calc'!A0.csv"
    lines = ["统计期间,地区,服务队/单位,专项活动,指标,数值,备注"]
    for unit, value in zip(FORMULAS, ["20", "44.6", "0", "3", "120余"]):
        quoted = '"' + unit.replace('"', '""') + '"'
        lines.append(f"2020年7月,国网南京供电公司,{quoted},防汛保电,照明架设长度,{value},{quoted}")  # km: fractions allowed
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_csv_output_prefixes_formula_texts_and_keeps_numbers(tmp_path):
    done = run("parse", str(hostile_csv(tmp_path)))
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(StringIO(done.stdout), dtype=str, keep_default_na=False)
    assert rows["unit"].tolist() == ["'" + text for text in FORMULAS]
    assert set(rows["sheet"]) == {"'=cmd|' -C calc'!A0"}
    assert rows["value"].tolist() == ["20", "44.6", "0", "3", "120"]
    assert rows["row"].tolist() == ["2", "3", "4", "5", "6"]
    for cells in csv.reader(StringIO(done.stdout)):  # no cell of the output starts a formula
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))], cells


def test_json_output_keeps_texts_exact(tmp_path):
    done = run("parse", str(hostile_csv(tmp_path)), "--format", "json")
    records = json.loads(done.stdout)
    assert [r["unit"] for r in records] == FORMULAS and {r["sheet"] for r in records} == {"=cmd|' -C calc'!A0"}


def test_write_rows_leaves_numbers_alone_negative_ones_too():
    rows = pd.DataFrame([["2020-07-01", "2020-07-31", "南京市", "", "-2 队", "flood_power", "teams", -5.0, "", "@S", 2],
                         ["2020-07-01", "2020-07-31", "南京市", "", "", "flood_power", "lighting_km", -0.5, "", "S", 3]],
                        columns=OUTPUT_COLUMNS)
    out = StringIO()
    write_rows(rows, "csv", out)
    assert out.getvalue().splitlines()[1:] == [
        "2020-07-01,2020-07-31,南京市,,'-2 队,flood_power,teams,-5,,'@S,2",
        "2020-07-01,2020-07-31,南京市,,,flood_power,lighting_km,-0.5,,S,3",
    ]


def test_report_lines_never_send_control_characters_to_the_terminal(tmp_path):
    path = tmp_path / "red\x1b[31m\x1b]0;pwned\x07.csv"
    path.write_text("统计期间,地区,服务队/单位,专项活动,指标,数值\n"
                    "2020年7月,国网南京供电公司,,防汛保电,服务队,待\x1b[2J统计\r\n", encoding="utf-8")
    for command in ("check", "parse"):
        done = run(command, str(path))
        assert done.returncode == 1
        report = done.stdout if command == "check" else done.stderr
        assert "red\u241b[31m" in report and "待\u241b[2J统计" in report
        assert not any(ch in report for ch in "\x1b\x07\r")
    unreadable = tmp_path / "bad\x1b[2J.xlsx"
    unreadable.write_bytes(b"PK\x03\x04 not a workbook")
    done = run("check", str(unreadable))
    assert done.returncode == 2 and "bad\u241b[2J.xlsx" in done.stderr and "\x1b" not in done.stderr


def test_a_template_that_cannot_be_written_says_so_in_both_languages(tmp_path, capsys):
    out = tmp_path / "no such folder" / "模板.xlsx"
    assert main(["template", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"ERROR: 无法写入“{out}”（") and err[0].endswith("）")
    assert err[1].startswith(f"ERROR: cannot write '{out}' (") and err[1].endswith(")")
    assert not out.exists()
