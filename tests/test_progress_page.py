"""The completeness page (填报进度) and the Overview's "N / M 单位已报送" with AppTest: the demo's July 2020 flood task,
a return with its reason, a task for every county, the filters, the assessment's ranks, the task form by role,
formula-safe downloads, the empty state."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

import display
from catalog import load_catalog
from i18n import t
from safetext import escape_markdown
from loaders import parse_bytes
from reporting import STATUS_COLORS
from settings import ROOT
from store import Store
from store.cycle import STATUSES, parse_task_period
from tests.accounts import admin_app, demo_app, log_in
from tests.test_pages import choose_month

PAGE = "pages/progress.py"
HEADER = "统计期间,地区,专项活动,指标,数值,备注\n"
NANJING_JULY = HEADER + "2020年7月,国网南京供电公司,防汛保电,服务队,9,更正\n"
REASON = "=HYPERLINK(\"http://x\") 服务队数字有误"
FLOOD = parse_task_period("2020-07")


def progress_page(at: AppTest) -> AppTest:
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def counts(at: AppTest) -> dict[str, int]:
    """The status cards as {status: count}."""
    found = {}
    for status in ("not_reported", "late", "submitted", "returned", "approved"):
        [value] = [m.value for m in at.metric if m.label == t(f"cycle.status_{status}", "zh")]
        found[status] = int(value)
    return found


def line(at: AppTest) -> str:
    [found] = [m.value for m in at.markdown if "已报送" in m.value]
    return found


def flood_task(url: str) -> int:
    [task] = Store(url).tasks_for(FLOOD, "flood_power")
    return task.id


def nanjing_upload(url: str) -> int:
    """A Nanjing-only correction of July's flood figures, saved through the loader by another clerk."""
    data = NANJING_JULY.encode("utf-8-sig")
    return Store(url).import_result(parse_bytes(data, "南京7月.csv"), data, uploader="nj_clerk", source="upload").upload_id


def test_the_demo_shows_13_of_13_cities_submitted(tmp_path, monkeypatch):
    at = demo_app(tmp_path, monkeypatch)
    at.run()
    progress_page(at)
    assert at.title[0].value == "填报进度"
    assert counts(at) == {"not_reported": 0, "late": 0, "submitted": 13, "returned": 0, "approved": 0}
    assert line(at) == "13 / 13 单位已报送"
    shown = at.dataframe[0].value
    assert len(shown) == 13 and set(shown["状态"]) == {"已报待审"}
    assert "上传人" not in shown.columns  # an anonymous visitor sees the counts, never who uploaded
    assert list(shown["单位"])[:3] == ["南京市", "无锡市", "徐州市"]
    assert [c for c in at.caption if c.value == t("review.includes_pending", "zh", count=2)]  # ui.start_page's, once
    assert not [c for c in at.caption if "计入统计" in c.value]  # said once, by ui.start_page
    [heatmap] = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert heatmap["y"][:2] == ["南京市", "无锡市"] and heatmap["x"] == ["#1 2020-07 防汛保电"]
    assert heatmap["text"][0][0] == "已报待审 提前 7 天"  # reported 2020-07-31 (the workbook's 填报日期), due 08-07
    # one colour per status, the same on the cards (badges) and in the grid
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges == [":gray-badge[未报]", ":red-badge[逾期]", ":blue-badge[已报待审]", ":orange-badge[已退回]",
                      ":green-badge[已通过]"]
    assert [stop[1] for stop in heatmap["colorscale"][::2]] == [STATUS_COLORS[s] for s in STATUSES]
    assert not [b for b in at.button if b.key == "task_add_submit"]  # no form for a visitor


def test_a_returned_nanjing_upload_shows_its_reason(tmp_path, monkeypatch, downloads):
    at = admin_app(tmp_path, monkeypatch)
    upload = nanjing_upload(at.url)
    store = Store(at.url)
    store.review(upload, "returned", REASON, actor=store.account("clerk"))
    progress_page(at)
    assert counts(at) == {"not_reported": 0, "late": 0, "submitted": 12, "returned": 1, "approved": 0}
    assert line(at) == "13 / 13 单位已报送"  # a returned unit has reported; its figures wait for a new upload
    shown = at.dataframe[0].value.set_index("单位")
    assert shown.loc["南京市", "状态"] == "已退回"
    assert shown.loc["南京市", "退回原因"] == REASON  # shown as plain text in the table
    assert shown.loc["南京市", "最近上传"] == f"#{upload}" and shown.loc["南京市", "上传人"] == "nj_clerk"
    assert shown.loc["无锡市", "退回原因"] == "" and shown.loc["南京市", "上传次数"] == 3

    name, data = downloads["progress_table_csv"]
    rows = list(csv.reader(io.StringIO((data() if callable(data) else data).decode("utf-8-sig"), newline="")))
    nanjing = next(r for r in rows if "南京市" in r)
    assert "'" + REASON in nanjing and REASON not in nanjing  # formula-safe
    _, data = downloads["progress_table_xlsx"]
    cells = [c.value for r in openpyxl.load_workbook(io.BytesIO(data() if callable(data) else data)).active.iter_rows()
             for c in r]
    assert "'" + REASON in cells and REASON not in cells


def test_a_task_for_all_counties_lists_95_mostly_late(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    store = Store(at.url)
    counties = store.add_task("2020-07", ["flood_power"], "counties", date(2020, 8, 7), title="县区防汛")
    expected = store.progress(counties)
    progress_page(at)
    reported = int(expected["status"].isin(["submitted", "returned", "approved"]).sum())
    assert line(at) == f"{13 + reported} / 108 单位×任务已报送（2 个任务）"  # both tasks: units × tasks
    at.selectbox(key="progress_task").set_value(counties).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == 95
    found = counts(at)
    assert found["late"] == 95 - reported and found["late"] > 90 and found["submitted"] == reported
    assert line(at) == f"{reported} / 95 单位已报送"
    # the grid: a row per unit of both tasks, counties under their city
    [heatmap] = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert len(heatmap["y"]) == 108 and heatmap["y"][0] == "南京市" and heatmap["y"][1].startswith("南京市 · ")
    assert heatmap["y"].index("无锡市") == 1 + len([y for y in heatmap["y"] if y.startswith("南京市 · ")])


def test_filters_narrow_the_counts(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    Store(at.url).add_task("2020-03", ["covid_resumption"], "cities", date(2020, 4, 10))
    progress_page(at)
    assert [s.key for s in at.selectbox if s.key == "progress_task"] == ["progress_task"]  # two tasks match
    at.selectbox(key="progress_campaign").set_value("flood_power").run()
    assert not [s for s in at.selectbox if s.key == "progress_task"]
    assert line(at) == "13 / 13 单位已报送"
    at.selectbox(key="progress_city").set_value("南京市").run()
    assert counts(at)["submitted"] == 1 and line(at) == "1 / 1 单位已报送"
    at.multiselect(key="progress_status").set_value(["late"]).run()
    assert sum(counts(at).values()) == 0
    assert [i for i in at.info if i.value == t("progress.no_rows", "zh")]
    at.multiselect(key="progress_status").set_value([]).run()
    at.selectbox(key="progress_city").set_value("").run()
    at.selectbox(key="progress_campaign").set_value("").run()
    at.selectbox(key="progress_to").set_value("2020-03").run()  # the period range: March only (the covid task)
    assert not [s for s in at.selectbox if s.key == "progress_task"]
    covid = Store(at.url).tasks_for(parse_task_period("2020-03"))[0]
    expected = Store(at.url).progress(covid.id)
    assert line(at) == f"{int(expected['status'].isin(['submitted', 'returned', 'approved']).sum())} / 13 单位已报送"
    assert sum(counts(at).values()) == 13


def test_the_overview_says_13_of_13_for_july_2020_flood_and_links_here(tmp_path, monkeypatch):
    at = demo_app(tmp_path, monkeypatch)
    at.run()
    choose_month(at, "2020-07", "2020-07")
    at.multiselect(key="campaigns").set_value(["flood_power"]).run()
    assert not at.exception
    assert line(at) == "13 / 13 单位已报送"
    [link] = [p for p in at.get("page_link") if p.proto.label == t("progress.overview_link", "zh")]
    assert link.proto.page == "progress"
    at.multiselect(key="campaigns").set_value(["covid_resumption"]).run()  # no task covers it: nothing said
    assert not [m for m in at.markdown if "已报送" in m.value]
    assert not [p for p in at.get("page_link") if p.proto.label == t("progress.overview_link", "zh")]


def test_the_assessment_ranks_a_returned_unit_below_one_approved_first_time(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    store = Store(at.url)
    admin = store.account("clerk")
    flood = int(store.progress(flood_task(at.url)).set_index("unit").at["无锡市", "upload"])
    store.review(flood, "approved", actor=admin)  # the province's file: every city approved at the first try
    store.review(nanjing_upload(at.url), "returned", "数字有误", actor=admin)  # Nanjing sent a correction, returned
    progress_page(at)
    ranked = at.dataframe[1].value.set_index("单位")
    assert ranked.loc["无锡市", "一次通过率"] == "100%" and ranked.loc["南京市", "一次通过率"] == "0%"
    assert ranked.loc["无锡市", "一次通过排名"] == 1 and ranked.loc["南京市", "一次通过排名"] == 13
    assert ranked.loc["南京市", "一次通过排名"] > ranked.loc["无锡市", "一次通过排名"]
    assert counts(at)["approved"] == 12 and counts(at)["returned"] == 1


def test_an_administrator_adds_a_task_and_closes_it(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    progress_page(at)
    at.text_input(key="task_add_period").input("2020-08")
    at.multiselect(key="task_add_campaigns").set_value(["flood_power"])
    at.selectbox(key="task_add_units").set_value("list")
    at.text_input(key="task_add_names").input("南京市，高淳区")
    at.date_input(key="task_add_deadline").set_value(date(2020, 9, 7))
    at.button(key="task_add_submit").click().run()
    assert not at.exception and not at.error
    [task] = Store(at.url).tasks_for(parse_task_period("2020-08"))
    assert task.campaigns == ("flood_power",) and task.deadline == date(2020, 9, 7)
    assert [s for s in at.success if f"#{task.id}" in s.value]
    assert [m for m in at.markdown if "已报送" in m.value]
    at.selectbox(key="task_choice").set_value(task.id).run()
    at.button(key="task_close").click().run()
    assert not at.exception
    assert Store(at.url).task(task.id).status == "closed"
    at.selectbox(key="task_choice").set_value(task.id).run()
    assert [b for b in at.button if b.key == "task_reopen"]


def test_a_bad_period_in_the_form_is_refused_with_its_text(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    progress_page(at)
    at.text_input(key="task_add_period").input("七月")
    at.multiselect(key="task_add_campaigns").set_value(["flood_power"])
    at.button(key="task_add_submit").click().run()
    assert not at.exception
    assert [e for e in at.error if "七月" in e.value]


def test_a_viewer_sees_no_form_and_no_names(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "1")
    log_in(monkeypatch, url, "watcher", "viewer")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    progress_page(at)
    assert counts(at)["submitted"] == 13
    assert not [b for b in at.button if b.key in ("task_add_submit", "task_close")]
    assert "上传人" not in at.dataframe[0].value.columns
    assert len(at.dataframe) == 2  # units and the assessment; no tasks table


@pytest.mark.parametrize("role, shown", [("admin", "progress.no_tasks_manage"), (None, "progress.no_tasks_ask")])
def test_no_task_says_so_and_how_to_add_one(tmp_path, monkeypatch, role, shown):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "0")
    if role:
        log_in(monkeypatch, url, "boss", role)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    progress_page(at)
    [info] = [i.value for i in at.info if t("progress.no_tasks", "zh") in i.value]
    assert t(shown, "zh") in info
    assert bool([b for b in at.button if b.key == "task_add_submit"]) == (role == "admin")


def test_approval_setting_is_said_on_the_page(tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_REQUIRE_APPROVAL", "1")
    at = demo_app(tmp_path, monkeypatch)
    at.run()
    progress_page(at)
    assert [c for c in at.caption if c.value == t("review.approved_only", "zh", count=2)]


def test_an_admin_changes_a_tasks_deadline_title_and_units_on_the_page(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    progress_page(at)
    task = at.selectbox(key="task_choice").value
    assert at.text_input(key=f"task_edit_units_{task}").value == "cities"
    at.date_input(key=f"task_edit_deadline_{task}").set_value(date(2020, 8, 10))
    at.text_input(key=f"task_edit_title_{task}").set_value("七月防汛")
    at.text_input(key=f"task_edit_units_{task}").set_value("南京市,320106")  # 鼓楼区 of Nanjing (Xuzhou has one too)
    at.button(key=f"task_edit_submit_{task}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    changed = Store(at.url).task(task)
    assert (changed.deadline, changed.title, changed.units) == (date(2020, 8, 10), "七月防汛", "320100,320106")
    assert at.text_input(key=f"task_edit_units_{task}").value == "南京市,320106"  # read back as the same units
    at.text_input(key=f"task_edit_units_{task}").set_value("南京市,火星区")
    at.button(key=f"task_edit_submit_{task}").click().run()
    assert "“火星区”不是已知的地市或县区。" in " ".join(e.value for e in at.error)
    assert Store(at.url).task(task).units == "320100,320106"  # nothing changed


def test_a_saved_upload_says_which_tasks_it_counts_for(tmp_path, monkeypatch):
    from tests.accounts import commit_button, upload_text

    at = admin_app(tmp_path, monkeypatch)
    upload_text(at, "南京7月.csv", NANJING_JULY)
    commit_button(at).click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    [done] = [s.value for s in at.success if "计为" in s.value]
    assert done.endswith(escape_markdown("计为填报任务的报送：#1 2020-07 防汛保电（南京市）。")), done  # Markdown-safe
    store = Store(at.url)
    upload = int(store.uploads()["id"].max())
    [(task, units)] = store.tasks_reported_by(upload)
    assert (task.id, [u.name for u in units]) == (1, ["南京市"])
    flood = int(store.uploads().query("file_name == '2020年7月防汛保电统计表.xlsx'")["id"].iloc[0])
    [(_, units)] = store.tasks_reported_by(flood)
    assert len(units) == 13
    assert display.tasks_reported_text(store.tasks_reported_by(flood), load_catalog(), "en") == (
        "Counts as the submission for: #1 2020-07 flood prevention and power supply (Nanjing, Wuxi, Xuzhou, "
        "Changzhou, Suzhou and others (13 units)).")
    store.close_task(1)
    assert store.tasks_reported_by(upload) == []  # a closed task is chased no more
