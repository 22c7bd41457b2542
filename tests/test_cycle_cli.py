"""`python -m store tasks | progress | review` (#12): run in process through store.cli.main, plus one real
subprocess each. Deadlines lie far in the past or future, so the real clock decides nothing."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from catalog import load_catalog
from store.cli import PROGRESS_FIELDS, main
from store.cycle import local_day

ROOT = Path(__file__).resolve().parent.parent
HEADER = "统计期间,地区,服务队/单位,专项活动,指标,数值,备注"
SHANGHAI_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")
FUTURE, PAST = "2099-12-31", "2020-08-07"


class Cli:
    """main(argv) against one SQLite file; each call returns (exit code, stdout, stderr)."""

    def __init__(self, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
        self.url, self.monkeypatch, self.capsys = url, monkeypatch, capsys
        monkeypatch.setenv("DATABASE_URL", url)

    def __call__(self, *argv: object, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        code = main([str(a) for a in argv])
        out = self.capsys.readouterr()
        assert "Traceback" not in out.err, out.err
        return code, out.out, out.err

    def ok(self, *argv: object, stdin: str | None = None) -> str:
        code, out, err = self(*argv, stdin=stdin)
        assert code == 0, out + err
        return out

    def progress(self, *argv: object) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self.ok("progress", "--format", "csv", *argv))))

    def tasks(self) -> list[dict]:
        return json.loads(self.ok("tasks", "list", "--format", "json"))


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys) -> Cli:
    return Cli(f"sqlite:///{tmp_path / 'cycle.db'}", monkeypatch, capsys)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A store with the demo loaded (`python -m store demo`, in process), made once and copied per test."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    try:
        assert main(["demo"]) == 0
    finally:
        if saved is None:
            del os.environ["DATABASE_URL"]
        else:
            os.environ["DATABASE_URL"] = saved
    return path


@pytest.fixture
def demo(demo_file, tmp_path, monkeypatch, capsys) -> Cli:
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    return Cli(f"sqlite:///{copy}", monkeypatch, capsys)


def write_csv(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def import_rows(cli: Cli, folder: Path, name: str, rows: list[str], *options: str) -> int:
    """Import a small CSV (uploaded by 'clerk' unless --as says who); returns its upload id."""
    who = options or ("--uploader", "clerk")
    out = cli.ok("--lang", "en", "import", write_csv(folder, name, rows), *who)
    return int(re.search(r"upload #(\d+)", out).group(1))


def totals(cli: Cli, *filters: str) -> dict[str, str]:
    rows = csv.DictReader(io.StringIO(cli.ok("totals", "--format", "csv", *filters)))
    return {row["metric"]: row["value"] for row in rows}


def add_reviewer(cli: Cli, name: str, unit: str) -> None:
    cli.ok("user", "add", name, "--role", "reviewer", "--unit", unit, "--password-stdin", stdin="a-long-password\n")


# ---- progress of the demo -----------------------------------------------------------------------------------
def test_demo_progress_lists_the_13_cities_submitted_in_csv_and_json(demo):
    text = demo.ok("progress", "--period", "2020-07", "--campaign", "flood_power", "--format", "csv")
    assert text.splitlines()[0] == "unit,level,status,submitted_at,upload,days_late"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 13 and rows[0]["unit"] == "南京市" and rows[-1]["unit"] == "宿迁市"
    assert {(r["level"], r["status"]) for r in rows} == {("city", "submitted")}
    assert all(SHANGHAI_MOMENT.match(r["submitted_at"]) for r in rows), rows[0]
    # the flood workbook's 填报日期 (2020-07-31) is its date of reporting: a week before the 2020-08-07 deadline
    assert all(r["upload"].isdigit() and r["days_late"] == "-7" for r in rows)
    assert {r["submitted_at"] for r in rows} == {"2020-07-31T12:00:00+08:00"}
    listed = json.loads(demo.ok("progress", "--period", "2020-07", "--campaign", "防汛保电", "--format", "json"))
    assert [list(r) for r in listed] == [PROGRESS_FIELDS] * 13
    assert [(r["unit"], r["status"], r["submitted_at"], str(r["upload"]), str(r["days_late"])) for r in listed] == [
        (r["unit"], r["status"], r["submitted_at"], r["upload"], r["days_late"]) for r in rows]
    assert all(isinstance(r["upload"], int) and isinstance(r["days_late"], int) for r in listed)


def test_the_progress_table_counts_each_status_in_the_chosen_language(demo):
    both = demo.ok("progress", "--period", "2020-07")
    assert "共 13 个单位：未报 0，逾期 0，已报待审 13，已退回 0，已通过 0" in both
    assert "13 unit(s): not reported 0, late 0, submitted 13, returned 0, approved 0" in both
    assert "截止 2020-08-07" in both and "due 2020-08-07" in both
    english = demo.ok("--lang", "en", "progress", "--period", "2020-07", "--campaign", "flood_power")
    assert "submitted 13" in english and "已报待审" not in english and "南京市" in english
    chinese = demo.ok("progress", "--period", "2020-07", "--lang", "zh")
    assert "已报待审 13" in chinese and "submitted" not in chinese.replace("submitted_at", "")


# ---- tasks add ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("units, count, first, last", [
    ("cities", 13, "南京市", "宿迁市"),
    ("counties", 95, None, None),
    ("all", 108, "南京市", None),
    ("南京市,高淳区", 2, "南京市", "高淳区"),
    ("高淳区、南京", 2, "南京市", "高淳区"),  # catalog order, whatever order they are named in
])
def test_tasks_add_takes_cities_counties_all_or_a_list(cli, units, count, first, last):
    out = cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", units,
                 "--deadline", FUTURE)
    assert f"{count} unit(s) to report by the end of {FUTURE}" in out and f"{count} 个单位" in out
    rows = cli.progress("--period", "2020-07", "--campaign", "flood_power")
    assert len(rows) == count
    assert {(r["status"], r["submitted_at"], r["upload"], r["days_late"]) for r in rows} == {("not_reported", "", "", "")}
    if units == "counties":
        assert {r["level"] for r in rows} == {"county"}
    if first:
        assert rows[0]["unit"] == first
    if last:
        assert rows[-1]["unit"] == last
    listed = cli.tasks()
    assert [(t["period"], t["campaigns"], t["unit_count"], t["deadline"], t["recurring"], t["status"])
            for t in listed] == [("2020-07", "flood_power", count, FUTURE, "", "open")]


def test_a_unit_past_its_deadline_without_a_report_is_late_by_the_days_since(cli):
    cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "防汛保电", "--units", "cities", "--deadline", PAST,
           "--title", "七月防汛")
    rows = cli.progress("--period", "2020-07")
    expected = (local_day(datetime.now(timezone.utc)) - datetime(2020, 8, 7).date()).days
    assert {(r["status"], r["days_late"]) for r in rows} == {("late", str(expected))}
    assert cli.tasks()[0]["title"] == "七月防汛"


def test_campaigns_and_metrics_repeat_or_join_with_commas(cli):
    cli.ok("tasks", "add", "--period", "2020-Q3", "--campaign", "flood_power,抗疫复工", "--campaign", "light_up",
           "--metric", "teams", "--metric", "志愿者人数,teams", "--units", "南京", "--deadline", FUTURE)
    (task,) = cli.tasks()
    assert task["campaigns"] == "flood_power,covid_resumption,light_up" and task["period"] == "2020-Q3"
    assert len(cli.progress("--period", "2020-Q3", "--campaign", "点亮行动")) == 1


def test_a_monthly_rule_makes_each_month_up_to_now(cli):
    today = local_day(datetime.now(timezone.utc))
    year, month = (today.year, today.month - 3) if today.month > 3 else (today.year - 1, today.month + 9)
    out = cli.ok("--lang", "en", "tasks", "add", "--period", f"{year}-{month:02d}", "--campaign", "flood_power",
                 "--units", "cities", "--deadline", f"{year + (month == 12)}-{month % 12 + 1:02d}-05",
                 "--recurring", "monthly")
    assert "4 monthly task(s) made so far" in out
    rule, *months = cli.tasks()
    assert (rule["recurring"], rule["rule"]) == ("monthly", None)
    periods = []
    for step in range(4):
        y, m = year + (month - 1 + step) // 12, (month - 1 + step) % 12 + 1
        periods.append(f"{y}-{m:02d}")
    assert [(t["period"], t["recurring"], t["rule"], t["unit_count"]) for t in months] == [
        (p, "", rule["id"], 13) for p in periods]
    assert all(t["deadline"].endswith("-05") for t in months)
    assert len(cli.progress("--period", periods[-1])) == 13  # this month's task is there to chase
    assert cli("progress", "--period", f"{year}-{month:02d}")[0] == 0


@pytest.mark.parametrize("argv, code, zh, en", [
    (["tasks", "add", "--period", "2020-13", "--campaign", "flood_power", "--units", "cities", "--deadline", FUTURE],
     2, "无法识别的填报期“2020-13”", "Cannot read the period '2020-13'"),
    (["tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities", "--deadline",
      "2020/08/07"], 2, "--deadline 须写作 YYYY-MM-DD：“2020/08/07”", "--deadline must be written YYYY-MM-DD"),
    (["tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities", "--deadline",
      "2020-02-30"], 2, "“2020-02-30”", "'2020-02-30'"),
    (["tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "南京市,火星市", "--deadline",
      FUTURE], 2, "“火星市”不是已知的地市或县区", "'火星市' is not a known city or county"),
    (["tasks", "add", "--period", "2020-07", "--campaign", "洪水", "--units", "cities", "--deadline", FUTURE],
     2, "未知的专项活动“洪水”", "Unknown campaign '洪水'"),
    (["tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--metric", "teams,bogus", "--units",
      "cities", "--deadline", FUTURE], 2, "未知的指标“bogus”", "Unknown metric 'bogus'"),
    (["tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities", "--deadline",
      "2020-07-30"], 1, "截止日期 2020-07-30 早于填报期结束（2020-07-31）", "before the period ends (2020-07-31)"),
    (["tasks", "edit", "1"], 2, "未指定要修改的内容", "Nothing to change"),
    (["tasks", "close", "9"], 1, "没有编号为 9 的填报任务", "There is no reporting task 9"),
    (["progress", "--period", "July"], 2, "无法识别的填报期“July”", "Cannot read the period 'July'"),
    (["progress", "--period", "2020-07", "--campaign", "nope"], 2, "未知的专项活动“nope”", "Unknown campaign 'nope'"),
    (["progress", "--period", "2020-08", "--campaign", "flood_power"], 1,
     "填报期 2020-08（防汛保电）没有进行中的填报任务。请先添加，如：python -m store tasks add --period 2020-08",
     "There is no open reporting task for 2020-08 for flood prevention and power supply. Add one first, e.g. "
     "python -m store tasks add --period 2020-08 --campaign flood_power"),
    (["review", "return", "1"], 2, "退回时须用 --reason 写明原因", "Say why with --reason when returning"),
    (["review", "approve", "99"], 1, "99", "99"),
    (["tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities", "--deadline", FUTURE,
      "--as", "ghost"], 2, "没有名为“ghost”的有效账号", "There is no active account named 'ghost'"),
])
def test_bad_values_are_told_in_both_languages_or_the_one_chosen(cli, argv, code, zh, en):
    if argv[:2] == ["tasks", "edit"]:
        cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities",
               "--deadline", FUTURE)
    assert cli(*argv)[0] == code
    for lang, wanted, other in (("zh", zh, en), ("en", en, zh)):
        got, out, err = cli("--lang", lang, *argv)
        assert got == code and wanted in err and (other == wanted or other not in err), err
        assert out == ""
    both = cli(*argv)[2]
    assert zh in both and en in both
    assert cli.tasks() == [] or argv[:2] == ["tasks", "edit"]  # nothing was defined


# ---- tasks edit, close, reopen ---------------------------------------------------------------------------------
def test_edit_close_and_reopen_a_task(cli):
    cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities",
           "--deadline", FUTURE)
    cli.ok("tasks", "edit", "1", "--deadline", "2099-01-31", "--units", "南京市,高淳区", "--title", "改名",
           "--campaign", "flood_power,light_up")
    (task,) = cli.tasks()
    assert (task["deadline"], task["units"], task["unit_count"], task["title"], task["campaigns"]) == (
        "2099-01-31", "南京市,高淳区", 2, "改名", "flood_power,light_up")
    assert "Reporting task 1 closed" in cli.ok("tasks", "close", "1")
    assert cli.tasks()[0]["status"] == "closed"
    code, _, err = cli("--lang", "en", "progress", "--period", "2020-07")
    assert code == 1 and "There is no open reporting task for 2020-07." in err
    assert cli("tasks", "close", "1")[0] == 1  # already closed
    cli.ok("tasks", "reopen", "1")
    assert [r["unit"] for r in cli.progress("--period", "2020-07", "--campaign", "light_up")] == ["南京市", "高淳区"]


def test_a_city_reviewer_manages_only_its_own_units_tasks(cli):
    add_reviewer(cli, "nj", "南京")
    code, _, err = cli("--lang", "en", "tasks", "add", "--period", "2020-07", "--campaign", "flood_power",
                       "--units", "苏州市", "--deadline", FUTURE, "--as", "nj")
    assert code == 1 and "may not set tasks for units outside Nanjing: 苏州市" in err
    out = cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "counties",
                 "--deadline", FUTURE, "--as", "nj")
    rows = cli.progress("--period", "2020-07")
    assert [r["unit"] for r in rows] == [r.name for r in load_catalog().counties_of("南京市")]  # its counties only
    assert f"{len(rows)} unit(s)" in out and "高淳区" in {r["unit"] for r in rows}
    add_reviewer(cli, "sz", "苏州")
    assert cli("tasks", "close", "1", "--as", "sz")[0] == 1


# ---- review ----------------------------------------------------------------------------------------------------
def test_approve_then_progress_shows_approved(demo):
    rows = demo.progress("--period", "2020-07", "--campaign", "flood_power")
    wuxi = next(r for r in rows if r["unit"] == "无锡市")["upload"]
    out = demo.ok("review", "approve", wuxi)
    assert f"上传 {wuxi} 已审核通过" in out and f"Upload {wuxi} approved." in out
    after = {r["unit"]: r["status"] for r in demo.progress("--period", "2020-07", "--campaign", "flood_power")}
    assert after["无锡市"] == "approved"
    assert {s for u, s in after.items() if u != "南京市"} == {"approved"}  # one workbook reports the 12 others
    assert "已通过 12" in demo.ok("--lang", "zh", "progress", "--period", "2020-07")
    code, _, err = demo("--lang", "en", "review", "approve", wuxi)
    assert code == 1 and f"Upload {wuxi} is already approved." in err


def test_a_return_shows_as_returned_and_leaves_the_totals(cli, tmp_path):
    nanjing = import_rows(cli, tmp_path, "nanjing.csv", ["2020年7月,国网南京供电公司,,防汛保电,服务队,20,"])
    wuxi = import_rows(cli, tmp_path, "wuxi.csv", ["2020年7月,国网无锡供电公司,,防汛保电,服务队,17,",
                                                   "2020年7月,国网无锡供电公司,,防汛保电,投入人次,300,"])
    cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities", "--deadline",
           FUTURE)
    assert totals(cli) == {"teams": "37", "staff_deployed": "300"}
    out = cli.ok("review", "return", wuxi, "--reason", "投入人次有误")
    assert f"已退回上传 {wuxi}（原因：投入人次有误）" in out and f"Upload {wuxi} returned (reason: 投入人次有误)" in out
    rows = {r["unit"]: r for r in cli.progress("--period", "2020-07", "--campaign", "flood_power")}
    assert (rows["无锡市"]["status"], rows["无锡市"]["upload"]) == ("returned", str(wuxi))
    assert (rows["南京市"]["status"], rows["南京市"]["upload"]) == ("submitted", str(nanjing))
    assert rows["苏州市"]["status"] == "not_reported"
    assert totals(cli) == {"teams": "20"}  # the returned upload's figures are out
    again = import_rows(cli, tmp_path, "wuxi2.csv", ["2020年7月,国网无锡供电公司,,防汛保电,服务队,18,"])
    rows = {r["unit"]: r for r in cli.progress("--period", "2020-07")}
    assert (rows["无锡市"]["status"], rows["无锡市"]["upload"]) == ("submitted", str(again))
    assert totals(cli) == {"teams": "38"}


def test_a_city_reviewer_reviews_its_counties_only_and_never_its_own_upload(cli, tmp_path):
    add_reviewer(cli, "nj", "南京")
    gaochun = import_rows(cli, tmp_path, "gaochun.csv", ["2020年7月,高淳区,,防汛保电,服务队,30,"])
    yixing = import_rows(cli, tmp_path, "yixing.csv", ["2020年7月,宜兴市,,防汛保电,服务队,5,"])
    own = import_rows(cli, tmp_path, "lishui.csv", ["2020年7月,溧水区,,防汛保电,服务队,4,"], "--as", "nj")
    code, out, err = cli("review", "approve", yixing, "--as", "nj")
    assert code == 1 and out == ""
    assert f"may not review upload {yixing}: not all its figures are of units below Nanjing" in err
    assert f"审核上传 {yixing}" in err
    code, _, err = cli("--lang", "en", "review", "return", own, "--reason", "x", "--as", "nj")
    assert code == 1 and f"may not review their own upload {own}" in err
    assert cli.ok("--lang", "en", "review", "approve", gaochun, "--as", "nj") == f"✓ Upload {gaochun} approved.\n"
    cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "高淳区,宜兴市,溧水区",
           "--deadline", FUTURE)
    assert [(r["unit"], r["status"]) for r in cli.progress("--period", "2020-07")] == [
        ("溧水区", "submitted"), ("高淳区", "approved"), ("宜兴市", "submitted")]  # catalog order
    code, _, err = cli("--lang", "en", "review", "approve", gaochun)  # the operator (an admin), as undo/redo
    assert code == 1 and "already approved" in err
    assert "approved" in cli.ok("--lang", "en", "review", "approve", yixing)


def test_an_admin_imports_a_record_with_its_date_of_reporting_and_a_reporter_may_not(cli, tmp_path):
    cli.ok("tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "南京市,无锡市",
           "--deadline", "2020-08-07")
    path = write_csv(tmp_path, "old.csv", ["2020年7月,国网南京供电公司,,防汛保电,服务队,20,"])
    cli.ok("import", path, "--submitted-on", "2020-08-09")
    rows = {r["unit"]: r for r in cli.progress("--period", "2020-07")}
    assert (rows["南京市"]["status"], rows["南京市"]["submitted_at"], rows["南京市"]["days_late"]) == (
        "submitted", "2020-08-09T12:00:00+08:00", "2")
    assert rows["无锡市"]["status"] == "late"
    cli.ok("user", "add", "wx", "--role", "reporter", "--unit", "无锡", "--password-stdin", stdin="a-long-password\n")
    mine = write_csv(tmp_path, "wuxi.csv", ["2020年7月,国网无锡供电公司,,防汛保电,服务队,17,"])
    code, _, err = cli("--lang", "en", "import", mine, "--as", "wx", "--submitted-on", "2020-08-01")
    assert code == 1 and "may not give an upload its date of reporting" in err
    assert {r["unit"]: r["status"] for r in cli.progress("--period", "2020-07")}["无锡市"] == "late"
    code, _, err = cli("--lang", "en", "import", mine, "--submitted-on", "2020-13-01")
    assert code == 2 and "--submitted-on" in err


def test_the_operator_may_not_review_its_own_import(cli, tmp_path):
    done = cli.ok("--lang", "en", "import", write_csv(tmp_path, "mine.csv", ["2020年7月,高淳区,,防汛保电,服务队,30,"]))
    upload = int(re.search(r"upload #(\d+)", done).group(1))
    code, _, err = cli("--lang", "en", "review", "approve", upload)
    assert code == 1 and f"may not review their own upload {upload}" in err


# ---- real subprocesses ----------------------------------------------------------------------------------------
def run(url: str, *args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "store", *map(str, args)], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_tasks_in_a_subprocess(tmp_path):
    url = f"sqlite:///{tmp_path / 'sub.db'}"
    done = run(url, "tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units", "cities",
               "--deadline", "2020-08-07")
    assert done.returncode == 0 and "✓ Reporting task 1 defined" in done.stdout, done.stderr
    listed = run(url, "tasks", "list", "--format", "csv")
    assert listed.stdout.splitlines() == [
        "id,title,period,campaigns,units,unit_count,deadline,recurring,status,rule",
        "1,,2020-07,flood_power,cities,13,2020-08-07,,open,"]
    bad = run(url, "--lang", "en", "tasks", "add", "--period", "2020-07", "--campaign", "flood_power", "--units",
              "cities", "--deadline", "7 Aug")
    assert bad.returncode == 2 and "--deadline must be written YYYY-MM-DD: '7 Aug'." in bad.stderr


def test_progress_in_a_subprocess(demo_file, tmp_path):
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    done = run(f"sqlite:///{copy}", "progress", "--period", "2020-07", "--campaign", "flood_power", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 13 and list(rows[0]) == PROGRESS_FIELDS and {r["status"] for r in rows} == {"submitted"}
    missing = run(f"sqlite:///{copy}", "progress", "--period", "2021-07")
    assert missing.returncode == 1 and "tasks add" in missing.stderr and "2021-07" in missing.stderr


def test_review_in_a_subprocess(demo_file, tmp_path):
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file, copy)
    url = f"sqlite:///{copy}"
    done = run(url, "review", "return", "1", "--reason", "请核对")
    assert done.returncode == 0 and "Upload 1 returned (reason: 请核对)" in done.stdout, done.stderr
    statuses = {r["status"] for r in csv.DictReader(io.StringIO(
        run(url, "progress", "--period", "2020-07", "--format", "csv").stdout))}
    assert "returned" in statuses
    usage = run(url, "review", "return", "2")
    assert usage.returncode == 2 and "--reason" in usage.stderr
