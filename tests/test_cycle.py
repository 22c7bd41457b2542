"""The reporting cycle in the store (#12 item 7): each unit's status for a task as uploads, reviews, undo and redo
follow one another; recurring monthly tasks; deadlines across month ends and time zones; who may review and set
tasks; KPI_REQUIRE_APPROVAL on the totals; an older store; refusals and their messages.

Uploads go the loader's way: a CSV text parsed by loaders.parse_bytes, saved by Store.import_result at a chosen
time (its now=), so each test says which units report, and when.
"""
from __future__ import annotations

import itertools
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone

import pandas as pd
import pytest
from sqlalchemy import func, select

from analytics import metric_totals
from catalog import load_catalog
from loaders import parse_bytes
from store import Store, StoreError
from store.accounts import SYSTEM, Actor
from store.cycle import (PROGRESS_COLUMNS, SHANGHAI, TaskPeriod, deadline_end, local_day, month_period,
                         parse_task_period, rule_deadline)
from store.schema import tasks
from store.users import PermissionRefused
from tests.test_store import LEGACY_SQL

NANJING, GAOCHUN, WUXI = "320100", "320118", "320200"
ADMIN = Actor("boss", "省公司管理员", "admin")
GC_REPORTER = Actor("gc", "高淳填报员", "reporter", GAOCHUN)
NJ_REPORTER = Actor("nj", "南京填报员", "reporter", NANJING)
NJ_REVIEWER = Actor("njr", "南京审核员", "reviewer", NANJING)
WX_REVIEWER = Actor("wxr", "无锡审核员", "reviewer", WUXI)
PROVINCE_REVIEWER = Actor("pr", "省审核员", "reviewer")
VIEWER = Actor("v", "查看员", "viewer")
HEADER = "统计期间,市,县（区）,专项活动,指标,数值\n"
JULY = "2020年7月"
_numbers = itertools.count(1)


def at(text: str) -> datetime:
    """An aware moment from ISO text ('Z' = UTC)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def upload(store: Store, places, when: datetime | str = "2020-08-05T10:00+08:00", *, period: str = JULY,
           value: float = 3, actor: Actor = SYSTEM, metric: str = "服务队", campaign: str = "防汛") -> int:
    """Save a CSV of one figure per place ((city, county) or (period, city, county)) at `when`; its upload id."""
    lines = []
    for place in places:
        place_period, city, county = place if len(place) == 3 else (period, *place)
        lines.append(f"{place_period},{city},{county},{campaign},{metric},{value}\n")
    content = (HEADER + "".join(lines)).encode("utf-8") + b"\n" * next(_numbers)  # every file's bytes differ
    result = parse_bytes(content, f"报表{next(_numbers)}.csv")
    assert result.ok, result.problems
    when = at(when) if isinstance(when, str) else when
    return store.import_result(result, content, actor=actor, now=when).upload_id


def teams_total(store: Store) -> float | None:
    """The province's total of service teams in effect (the roll-up rule), None when nothing counts."""
    totals = metric_totals(store.active_facts(), load_catalog())
    found = totals.loc[totals["metric"] == "teams", "value"]
    return None if found.empty else float(found.iloc[0])


def row_of(store: Store, task_id: int, unit: str, now: datetime | str = "2020-09-01T00:00Z") -> dict:
    frame = store.progress(task_id, now=at(now) if isinstance(now, str) else now)
    return frame.set_index("unit").loc[unit].to_dict()


def flood_task(store: Store, units: str = "高淳区,溧水区", period: str = "2020-07",
               deadline: date = date(2020, 8, 7), **kwargs) -> int:
    return store.add_task(period, ["flood_power"], units, deadline, **kwargs)


# ---- 1. status transitions -----------------------------------------------------------------------------------
# Steps, each by the unit's reporter (Gaochun) or the Nanjing reviewer: ("up", when, value) saves Gaochun's figure;
# ("approve", n), ("return", n, reason), ("undo", n), ("redo", n) act on the n-th upload of the test.
# Expected: status, days_late, which upload (n), reason, first submission (n of the upload), Gaochun's total.
ON_TIME, DAY_LATE, EARLY = "2020-08-07T10:00+08:00", "2020-08-08T00:00:01+08:00", "2020-08-05T09:00+08:00"
TRANSITIONS = [
    ("submit on time", [("up", ON_TIME, 10)], "submitted", 0, 1, "", 1, 10),
    ("late submit", [("up", DAY_LATE, 10)], "submitted", 1, 1, "", 1, 10),
    ("return", [("up", EARLY, 10), ("return", 1, "数字有误")], "returned", -2, 1, "数字有误", 1, None),
    ("re-submit after return", [("up", EARLY, 10), ("return", 1, "数字有误"), ("up", DAY_LATE, 12)],
     "submitted", -2, 2, "", 1, 12),
    ("approve", [("up", ON_TIME, 10), ("approve", 1)], "approved", 0, 1, "", 1, 10),
    ("undo of the approved only upload", [("up", ON_TIME, 10), ("approve", 1), ("undo", 1)],
     "late", 25, None, "", None, None),
    ("undo of an approved correction", [("up", EARLY, 10), ("up", ON_TIME, 11), ("approve", 2), ("undo", 2)],
     "submitted", -2, 1, "", 1, 10),
    ("correction after approval", [("up", EARLY, 10), ("approve", 1), ("up", DAY_LATE, 11)],
     "submitted", -2, 2, "", 1, 11),
    ("approve after return", [("up", ON_TIME, 10), ("return", 1, "缺附件"), ("approve", 1)],
     "approved", 0, 1, "", 1, 10),
    ("redo of an undone returned upload", [("up", ON_TIME, 10), ("return", 1, "缺附件"), ("undo", 1), ("redo", 1)],
     "returned", 0, 1, "缺附件", 1, None),
    ("redo of an undone approved upload", [("up", ON_TIME, 10), ("approve", 1), ("undo", 1), ("redo", 1)],
     "approved", 0, 1, "", 1, 10),
    ("return of a correction brings back the earlier figure",
     [("up", EARLY, 10), ("approve", 1), ("up", ON_TIME, 11), ("return", 2, "改错了")],
     "returned", -2, 2, "改错了", 1, 10),
]


@pytest.mark.parametrize("steps, status, days_late, upload_n, reason, first_n, total",
                         [case[1:] for case in TRANSITIONS], ids=[case[0] for case in TRANSITIONS])
def test_status_follows_uploads_and_reviews(store, steps, status, days_late, upload_n, reason, first_n, total):
    task_id = flood_task(store)
    ids, times = [], []
    for step in steps:
        if step[0] == "up":
            ids.append(upload(store, [("南京市", "高淳区")], step[1], value=step[2], actor=GC_REPORTER))
            times.append(at(step[1]))
        elif step[0] == "approve":
            store.review(ids[step[1] - 1], "approved", actor=NJ_REVIEWER)
        elif step[0] == "return":
            store.review(ids[step[1] - 1], "returned", step[2], actor=NJ_REVIEWER)
        else:
            getattr(store, step[0])(ids[step[1] - 1], actor=GC_REPORTER)
    row = row_of(store, task_id, "高淳区")  # now: 2020-09-01 UTC, 25 days after the deadline (Shanghai)
    assert (row["status"], row["days_late"], row["reason"]) == (status, days_late, reason)
    assert (None if pd.isna(row["upload"]) else row["upload"]) == (None if upload_n is None else ids[upload_n - 1])
    first = None if first_n is None else times[first_n - 1]
    assert (None if pd.isna(row["submitted_at"]) else row["submitted_at"]) == first
    assert teams_total(store) == total
    assert row_of(store, task_id, "溧水区")["status"] == "late"  # the other county never reported


def test_before_the_deadline_a_silent_unit_is_not_reported_and_after_it_late(store):
    task_id = flood_task(store)
    assert row_of(store, task_id, "溧水区", "2020-08-07T15:59:59Z")["status"] == "not_reported"
    late = row_of(store, task_id, "溧水区", "2020-08-07T16:00:00Z")
    assert (late["status"], late["days_late"]) == ("late", 1)


def test_a_returned_uploads_figures_leave_the_active_facts_and_the_city_total(store):
    kept = upload(store, [("南京市", "溧水区")], value=4)
    returned = upload(store, [("南京市", "高淳区")], value=30, actor=GC_REPORTER)
    assert teams_total(store) == 34
    store.review(returned, "returned", "高淳的数字多了一个零", actor=NJ_REVIEWER)
    facts = store.active_facts()
    assert set(facts["upload_id"]) == {kept} and set(facts["county"]) == {"溧水区"}
    assert teams_total(store) == 4


def test_progress_counts_uploads_and_keeps_first_and_latest_times(store):
    task_id = flood_task(store)
    first = upload(store, [("南京市", "高淳区")], EARLY, value=1)
    second = upload(store, [("南京市", "高淳区"), ("南京市", "溧水区")], DAY_LATE, value=2)
    rows = store.progress([task_id], now=at("2020-09-01T00:00Z")).set_index("unit")
    assert rows.loc["高淳区", "uploads"] == 2 and rows.loc["高淳区", "upload"] == second
    assert rows.loc["高淳区", "submitted_at"] == at(EARLY) and rows.loc["高淳区", "last_at"] == at(DAY_LATE)
    assert rows.loc["溧水区", "days_late"] == 1 and rows.loc["高淳区", "days_late"] == -2
    assert first < second
    again = store.progress(t for t in [task_id])  # any iterable of ids, as the pages pass them
    assert again[["unit", "status", "upload"]].equals(rows.reset_index()[["unit", "status", "upload"]])
    assert store.progress([]).columns.tolist() == PROGRESS_COLUMNS and store.progress([]).empty


# ---- 2. recurring monthly tasks -------------------------------------------------------------------------------
DEC_15 = datetime(2023, 12, 15, 4, tzinfo=timezone.utc)


def months_of(store: Store, rule_id: int, now: datetime = DEC_15) -> dict[str, date]:
    return {t.period.label: t.deadline for t in store.tasks(now=now) if t.parent_id == rule_id}


def test_a_monthly_rule_makes_a_task_a_month_up_to_now(store):
    rule = store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly", now=DEC_15)
    months = months_of(store, rule)
    assert list(months) == [f"2023-{m:02d}" for m in range(1, 13)]
    assert months["2023-01"] == date(2023, 2, 7) and months["2023-12"] == date(2024, 1, 7)
    assert all(d.day == 7 for d in months.values())
    assert [t.period.label for t in store.tasks_for(start=date(2023, 6, 1), end=date(2023, 7, 31), now=DEC_15)] \
        == ["2023-06", "2023-07"]  # the rule itself is no task units report for
    assert store.task(rule).is_rule and len(store.progress(rule, now=DEC_15)) == 0


def test_making_the_months_again_or_from_another_store_makes_no_duplicates(store, store_url):
    rule = store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly", now=DEC_15)
    assert store.make_recurring_tasks(DEC_15) == 0
    other = Store(store_url)
    assert other.make_recurring_tasks(DEC_15) == 0
    month = next(t for t in other.tasks(now=DEC_15) if t.parent_id == rule and t.period.label == "2023-05")
    assert other._make_month(store.task(rule), month.period, month.deadline) == 0  # a race: the constraint holds
    assert len(months_of(other, rule)) == 12
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tasks)).scalar_one() == 13
    assert other.make_recurring_tasks(datetime(2024, 2, 1, tzinfo=timezone.utc)) == 2  # January and February 2024


def test_two_stores_making_the_months_at_once_make_each_month_once(store, store_url):
    rule = store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly",
                          now=datetime(2023, 1, 10, tzinfo=timezone.utc))
    assert len(months_of(store, rule, datetime(2023, 1, 10, tzinfo=timezone.utc))) == 1
    stores = [Store(store_url), Store(store_url)]
    start = threading.Barrier(2)

    def make(other: Store) -> int:
        start.wait()
        return other.make_recurring_tasks(DEC_15)

    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(make, stores))
    assert sum(made) == 11 and list(months_of(store, rule)) == [f"2023-{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize("period, deadline, expected", [
    # the 7th of the next month: every month
    ("2023-01", date(2023, 2, 7), {"2023-02": date(2023, 3, 7), "2023-03": date(2023, 4, 7)}),
    # the month's own last day
    ("2023-01", date(2023, 1, 31), {"2023-02": date(2023, 2, 28), "2023-03": date(2023, 3, 31)}),
    # the last day of the next month (月底), February's included
    ("2023-01", date(2023, 2, 28), {"2023-02": date(2023, 3, 31), "2023-03": date(2023, 4, 30),
                                    "2023-12": date(2024, 1, 31)}),
    ("2023-01", date(2023, 3, 31), {"2023-02": date(2023, 4, 30), "2023-03": date(2023, 5, 31)}),
    # a day some months lack: their last day
    ("2022-12", date(2023, 1, 30), {"2023-01": date(2023, 2, 28), "2023-02": date(2023, 3, 30)}),
    # two months after, on the 5th
    ("2023-01", date(2023, 3, 5), {"2023-02": date(2023, 4, 5), "2023-11": date(2024, 1, 5)}),
])
def test_a_rules_deadline_is_the_same_day_as_many_months_after_each_month(store, period, deadline, expected):
    rule = store.add_task(period, "防汛", "cities", deadline, recurring="monthly", now=DEC_15)
    months = months_of(store, rule)
    assert months[period] == deadline
    assert {label: months[label] for label in expected} == expected
    first = parse_task_period(period)
    assert all(rule_deadline(first, deadline, parse_task_period(label)) == d for label, d in expected.items())


def test_closing_a_rule_stops_new_months_and_reopening_makes_them(store):
    rule = store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly", now=DEC_15)
    store.close_task(rule)
    march = datetime(2024, 3, 10, tzinfo=timezone.utc)
    assert store.make_recurring_tasks(march) == 0 and len(months_of(store, rule, march)) == 12
    store.close_task(rule, reopen=True)
    assert store.make_recurring_tasks(march) == 3


def test_editing_one_month_leaves_the_others_and_editing_the_rule_changes_the_months_to_come(store):
    rule = store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly", now=DEC_15)
    may = next(t for t in store.tasks(now=DEC_15) if t.parent_id == rule and t.period.label == "2023-05")
    store.edit_task(may.id, deadline=date(2023, 6, 20))
    months = months_of(store, rule)
    assert months["2023-05"] == date(2023, 6, 20)
    assert all(d.day == 7 for label, d in months.items() if label != "2023-05")
    store.edit_task(rule, deadline=date(2023, 2, 10))
    later = months_of(store, rule, datetime(2024, 2, 15, tzinfo=timezone.utc))
    assert later["2023-12"] == date(2024, 1, 7)  # made before the change
    assert later["2024-01"] == date(2024, 2, 10) and later["2024-02"] == date(2024, 3, 10)


def test_closed_months_leave_tasks_for_unless_asked(store):
    rule = store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly", now=DEC_15)
    june = next(t for t in store.tasks(now=DEC_15) if t.parent_id == rule and t.period.label == "2023-06")
    store.close_task(june.id)
    assert store.tasks_for(month_period(2023, 6), now=DEC_15) == []
    assert [t.id for t in store.tasks_for(month_period(2023, 6), now=DEC_15, include_closed=True)] == [june.id]
    with pytest.raises(StoreError) as again:
        store.close_task(june.id)
    assert again.value.en == f"Reporting task {june.id} is already closed."


# ---- 3. deadlines across month ends and time zones ------------------------------------------------------------
@pytest.mark.parametrize("period, deadline, when, days_late", [
    ("2020-07", date(2020, 8, 7), "2020-08-07T15:59:59Z", 0),  # 23:59:59 in Shanghai
    ("2020-07", date(2020, 8, 7), "2020-08-07T16:00:00Z", 1),  # midnight in Shanghai
    ("2020-07", date(2020, 8, 7), datetime(2020, 8, 7, 15, 59, 59), 0),  # naive: UTC
    ("2020-07", date(2020, 8, 7), datetime(2020, 8, 7, 16, 0), 1),
    ("2020-07", date(2020, 8, 7), "2020-08-07T23:59:59+08:00", 0),
    ("2020-07", date(2020, 8, 7), "2020-08-01T08:00+08:00", -6),
    ("2020-12", date(2020, 12, 31), "2021-01-01T00:30+08:00", 1),  # across the year's end
    ("2020-12", date(2020, 12, 31), "2020-12-31T16:29:59-00:00", 1),
    ("2020-12", date(2020, 12, 31), "2020-12-31T15:30Z", 0),
    ("2020-02", date(2020, 2, 29), "2020-03-01T00:00+08:00", 1),  # a leap year's February
])
def test_days_late_counts_shanghai_days_after_the_deadline(store, period, deadline, when, days_late):
    task_id = flood_task(store, "南京市", period, deadline)
    month = parse_task_period(period)
    upload(store, [("南京市", "")], when, period=f"{month.start.year}年{month.start.month}月")
    row = row_of(store, task_id, "南京市", "2021-06-01T00:00Z")
    assert (row["status"], row["days_late"]) == ("submitted", days_late)


def test_deadline_helpers_read_shanghai_days_and_naive_moments_as_utc():
    assert deadline_end(date(2020, 8, 7)) == datetime(2020, 8, 7, 16, tzinfo=timezone.utc)
    assert local_day(datetime(2020, 12, 31, 16, 30)) == date(2021, 1, 1)
    assert local_day(datetime(2020, 12, 31, 16, 30, tzinfo=SHANGHAI)) == date(2020, 12, 31)


def test_progress_takes_a_naive_now_as_utc(store):
    task_id = flood_task(store)
    assert row_of(store, task_id, "高淳区", datetime(2020, 8, 7, 15, 59, 59))["status"] == "not_reported"
    row = row_of(store, task_id, "高淳区", datetime(2020, 8, 7, 16, 0))
    assert (row["status"], row["days_late"]) == ("late", 1)


def test_a_quarter_task_counts_its_months_and_the_quarter_not_june_nor_october(store):
    quarter = flood_task(store, "cities", "2020-Q3", date(2020, 10, 10))
    july = flood_task(store, "cities", "2020-07", date(2020, 8, 7))
    upload(store, [("2020年6月", "南京市", ""), ("2020年7月", "无锡市", ""), ("2020年第三季度", "苏州市", ""),
                   ("2020年9月", "常州市", ""), ("2020年8月", "扬州市", "江都区"),
                   ("2020年10月", "徐州市", ""), ("2020年下半年", "泰州市", "")])
    rows = store.progress([quarter, july], now=at("2020-12-01T00:00Z"))
    reported = {task: set(group.loc[group["status"] == "submitted", "unit"]) for task, group in rows.groupby("task_id")}
    assert reported[quarter] == {"无锡市", "苏州市", "常州市", "扬州市"}  # 扬州市 through its county
    assert reported[july] == {"无锡市"}
    assert list(rows.loc[rows["task_id"] == quarter, "status"]).count("late") == 13 - 4


def test_task_periods_parse_months_and_quarters_in_both_spellings():
    assert parse_task_period("2020年第三季度") == parse_task_period("2020-Q3") == TaskPeriod(date(2020, 7, 1),
                                                                                          date(2020, 9, 30))
    assert parse_task_period("2020年7月").label == "2020-07" and parse_task_period("2020-q4").label == "2020-Q4"
    assert month_period(2024, 2).end == date(2024, 2, 29)


# ---- 4. scope: who may review, who may set tasks --------------------------------------------------------------
# (reviewer, places of an upload, allowed)
REVIEWS = [
    ("Nanjing reviewer, a Nanjing county", NJ_REVIEWER, [("南京市", "高淳区")], True),
    ("Nanjing reviewer, two Nanjing counties", NJ_REVIEWER, [("南京市", "高淳区"), ("南京市", "溧水区")], True),
    ("Nanjing reviewer, a Suzhou county", NJ_REVIEWER, [("苏州市", "吴江区")], False),
    ("Nanjing reviewer, Nanjing city level", NJ_REVIEWER, [("南京市", "")], False),
    ("Nanjing reviewer, a county and the city", NJ_REVIEWER, [("南京市", "高淳区"), ("南京市", "")], False),
    ("Nanjing reviewer, province level", NJ_REVIEWER, [("国网江苏电力", "")], False),
    ("Wuxi reviewer, a Nanjing county", WX_REVIEWER, [("南京市", "高淳区")], False),
    ("province reviewer, a city", PROVINCE_REVIEWER, [("南京市", "")], True),
    ("province reviewer, cities and counties", PROVINCE_REVIEWER, [("南京市", ""), ("苏州市", "吴江区")], True),
    ("admin, a county", ADMIN, [("南京市", "高淳区")], True),
    ("reporter of the county", GC_REPORTER, [("南京市", "高淳区")], False),
    ("viewer", VIEWER, [("南京市", "")], False),
]


@pytest.mark.parametrize("actor, places, allowed", [case[1:] for case in REVIEWS], ids=[case[0] for case in REVIEWS])
@pytest.mark.parametrize("decision, reason", [("approved", ""), ("returned", "请补充说明")])
def test_a_reviewer_reviews_only_uploads_below_its_unit(store, actor, places, allowed, decision, reason):
    upload_id = upload(store, places)  # by the code itself: no reviewer's own
    version = store.data_version()
    action = "review_approve" if decision == "approved" else "review_return"
    if allowed:
        store.review(upload_id, decision, reason, actor=actor, client="10.0.0.1")
        assert store.uploads().set_index("id").loc[upload_id, "review"] == decision
        history = store.review_history([upload_id])
        assert history[["decision", "reason", "actor"]].values.tolist() == [[decision, reason, actor.name]]
        entry = store.audit_entries(action=action).iloc[0]
        assert (entry["actor"], entry["outcome"], entry["target"], entry["detail"]) == \
            (actor.name, "ok", f"#{upload_id}", reason)
        assert store.data_version() == version + 1
    else:
        with pytest.raises(PermissionRefused):
            store.review(upload_id, decision, reason, actor=actor)
        assert store.uploads().set_index("id").loc[upload_id, "review"] == "pending"
        assert store.review_history([upload_id]).empty
        entry = store.audit_entries(action=action).iloc[0]
        assert (entry["actor"], entry["outcome"], entry["target"]) == (actor.name, "refused", f"#{upload_id}")
        assert store.data_version() == version


def test_no_one_reviews_their_own_upload(store):
    own = upload(store, [("南京市", "高淳区")], actor=NJ_REVIEWER)
    with pytest.raises(PermissionRefused) as refused:
        store.review(own, "approved", actor=NJ_REVIEWER)
    assert "own upload" in refused.value.en and "自己的上传" in refused.value.zh
    assert store.audit_entries(action="review_approve").iloc[0]["outcome"] == "refused"
    mine = upload(store, [("南京市", "")], actor=ADMIN)
    with pytest.raises(PermissionRefused):
        store.review(mine, "approved", actor=ADMIN)
    store.review(own, "approved", actor=PROVINCE_REVIEWER)  # another reviewer above it may


def test_a_refusal_outside_scope_names_the_reviewers_unit(store):
    upload_id = upload(store, [("苏州市", "吴江区")], actor=ADMIN)
    with pytest.raises(PermissionRefused) as refused:
        store.review(upload_id, "approved", actor=NJ_REVIEWER)
    assert "南京市" in refused.value.zh and "Nanjing" in refused.value.en
    assert store.audit_entries(action="review_approve").iloc[0]["detail"] == "outside scope"


def test_reviews_are_kept_in_order_with_actor_and_reason(store):
    upload_id = upload(store, [("南京市", "高淳区")], actor=GC_REPORTER)
    store.review(upload_id, "returned", "  缺少附件  ", actor=NJ_REVIEWER)
    store.review(upload_id, "approved", actor=PROVINCE_REVIEWER)
    history = store.review_history()
    assert history[["upload_id", "decision", "reason", "actor"]].values.tolist() == [
        [upload_id, "returned", "缺少附件", "njr"], [upload_id, "approved", "", "pr"]]
    assert history["at"].dt.tz is not None and history["at"].is_monotonic_increasing


def test_a_city_reviewer_sets_tasks_for_its_own_counties_only(store, catalog):
    task_id = store.add_task("2020-07", "防汛", "counties", date(2020, 8, 7), actor=NJ_REVIEWER)
    task = store.task(task_id)
    nanjing_counties = {r.adcode for r in catalog.regions.values()
                        if r.level == "county" and catalog.city_of(r).adcode == NANJING}
    assert set(task.units.split(",")) == nanjing_counties and task.scope == NANJING
    assert set(store.progress(task_id, now=at("2020-07-15T00:00Z"))["city"]) == {"南京市"}
    store.add_task("2020-07", "防汛", "高淳区,溧水区", date(2020, 8, 7), actor=NJ_REVIEWER)
    for units in ("cities", "all", "吴江区,昆山市", "高淳区,吴江区"):
        with pytest.raises(PermissionRefused) as refused:
            store.add_task("2020-07", "防汛", units, date(2020, 8, 7), actor=NJ_REVIEWER)
        assert "南京市" in refused.value.zh
        assert store.audit_entries(action="task_add").iloc[0]["outcome"] == "refused"
    with pytest.raises(PermissionRefused):
        store.add_task("2020-07", "防汛", "高淳区", date(2020, 8, 7), actor=GC_REPORTER)
    assert store.audit_entries(action="task_add", user="gc").iloc[0]["outcome"] == "refused"
    province = store.add_task("2020-07", "防汛", "cities", date(2020, 8, 7), actor=ADMIN)
    for change in (lambda: store.edit_task(province, deadline=date(2020, 8, 9), actor=NJ_REVIEWER),
                   lambda: store.close_task(province, NJ_REVIEWER)):
        with pytest.raises(PermissionRefused):
            change()
    store.edit_task(task_id, deadline=date(2020, 8, 9), actor=NJ_REVIEWER)
    assert store.task(task_id).deadline == date(2020, 8, 9)


# ---- 5. KPI_REQUIRE_APPROVAL ------------------------------------------------------------------------------------
TARGETS = "指标,专项活动,市,县（区）,期间,目标值\n服务队,防汛保电,南京市,高淳区,2020年7月,8\n".encode("utf-8")


def test_with_approval_required_a_saved_upload_counts_once_approved(store, monkeypatch):
    monkeypatch.setenv("KPI_REQUIRE_APPROVAL", "1")
    first = upload(store, [("南京市", "高淳区")], value=5, actor=GC_REPORTER)
    assert teams_total(store) is None and store.latest_upload_time() is None
    store.import_result(parse_bytes(TARGETS, "目标.csv"), TARGETS)
    assert store.active_targets()["value"].tolist() == [8.0]  # targets need no approval
    store.review(first, "approved", actor=NJ_REVIEWER)
    assert teams_total(store) == 5
    correction = upload(store, [("南京市", "高淳区")], value=6, actor=GC_REPORTER)
    assert teams_total(store) == 5  # the approved figure stays until the correction is approved
    assert store.upload_facts(correction)["active"].tolist() == [False]
    store.review(correction, "approved", actor=NJ_REVIEWER)
    assert teams_total(store) == 6
    store.review(correction, "returned", "改回", actor=NJ_REVIEWER)
    assert teams_total(store) == 5
    monkeypatch.setenv("KPI_REQUIRE_APPROVAL", "0")
    upload(store, [("南京市", "溧水区")], value=1, actor=NJ_REPORTER)
    assert teams_total(store) == 5 + 1  # the approved figure, and a pending one at once; the returned one not


def test_without_approval_a_saved_upload_counts_at_once_and_a_return_removes_it(store, monkeypatch):
    monkeypatch.setenv("KPI_REQUIRE_APPROVAL", "0")
    upload_id = upload(store, [("南京市", "高淳区")], value=5, actor=GC_REPORTER)
    assert teams_total(store) == 5
    store.review(upload_id, "returned", "不对", actor=NJ_REVIEWER)
    assert teams_total(store) is None
    store.review(upload_id, "approved", actor=NJ_REVIEWER)
    assert teams_total(store) == 5


def test_the_data_version_changes_on_every_review_and_task_change(store):
    versions = [store.data_version()]

    def changed(action):
        action()
        versions.append(store.data_version())
        assert versions[-1] != versions[-2]

    upload_id = upload(store, [("南京市", "高淳区")], actor=GC_REPORTER)
    versions.append(store.data_version())
    task = []
    changed(lambda: task.append(flood_task(store)))
    changed(lambda: store.edit_task(task[0], deadline=date(2020, 8, 10)))
    changed(lambda: store.edit_task(task[0], title="七月防汛"))
    changed(lambda: store.close_task(task[0]))
    changed(lambda: store.close_task(task[0], reopen=True))
    changed(lambda: store.review(upload_id, "returned", "缺数", actor=NJ_REVIEWER))
    changed(lambda: store.review(upload_id, "approved", actor=NJ_REVIEWER))
    changed(lambda: store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly", now=DEC_15))
    changed(lambda: store.make_recurring_tasks(datetime(2024, 1, 2, tzinfo=timezone.utc)))  # January 2024's task


# ---- 6. an older store ------------------------------------------------------------------------------------------
def test_an_older_store_gets_the_review_column_with_every_upload_pending(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY_SQL)
    store = Store(f"sqlite:///{path}")
    assert store.uploads()["review"].tolist() == ["pending", "pending"]
    task_id = store.add_task("2020-07", "防汛", "南京市,无锡市,苏州市", date(2020, 8, 7))
    rows = store.progress(task_id, now=at("2026-11-03T00:00Z")).set_index("unit")
    assert rows["status"].to_dict() == {"南京市": "submitted", "无锡市": "submitted", "苏州市": "late"}
    assert rows.loc["南京市", "uploads"] == 2 and rows.loc["南京市", "upload"] == 2
    store.review(2, "returned", "重报", actor=PROVINCE_REVIEWER)
    assert store.active_facts().query("metric == 'teams' and city == '南京市'")["value"].tolist() == [20.0]
    Store(f"sqlite:///{path}")  # opening again changes nothing
    assert store.uploads()["review"].tolist() == ["returned", "pending"]


# ---- 7. edge cases: refusals and their messages ----------------------------------------------------------------
def refusal(action) -> StoreError:
    with pytest.raises(StoreError) as refused:
        action()
    assert refused.value.zh and refused.value.en and refused.value.zh != refused.value.en
    return refused.value


def test_reviews_of_what_cannot_be_reviewed_are_refused_in_both_languages(store):
    upload_id = upload(store, [("南京市", "高淳区")], actor=GC_REPORTER)
    targets = store.import_result(parse_bytes(TARGETS, "目标.csv"), TARGETS).upload_id
    assert refusal(lambda: store.review(999, "approved", actor=ADMIN)).en.startswith("There is no upload")
    assert "targets" in refusal(lambda: store.review(targets, "approved", actor=ADMIN)).en
    assert refusal(lambda: store.review(upload_id, "returned", "   ", actor=ADMIN)).zh == "退回时请写明原因。"
    assert refusal(lambda: store.review(upload_id, "returned", "", actor=ADMIN)).en == \
        "Say why when returning an upload."
    too_long = refusal(lambda: store.review(upload_id, "returned", "长" * 1001, actor=ADMIN))
    assert "at most" in too_long.en and "不能超过" in too_long.zh
    assert "'maybe'" in refusal(lambda: store.review(upload_id, "maybe", actor=ADMIN)).en
    store.review(upload_id, "approved", actor=ADMIN)
    assert refusal(lambda: store.review(upload_id, "approved", actor=NJ_REVIEWER)).en == \
        f"Upload {upload_id} is already approved."
    store.undo(upload_id, actor=GC_REPORTER)
    assert refusal(lambda: store.review(upload_id, "returned", "x", actor=NJ_REVIEWER)).en == \
        f"Upload {upload_id} was undone and cannot be reviewed."
    assert store.review_history([upload_id])["decision"].tolist() == ["approved"]


@pytest.mark.parametrize("call, zh, en", [
    (lambda s: s.add_task("2020-07", "防汛", "cities", date(2020, 7, 30)),
     "截止日期 2020-07-30 早于填报期结束（2020-07-31）", "2020-07-30"),
    (lambda s: s.add_task("2020-Q3", "防汛", "cities", date(2020, 9, 29)), "早于填报期结束", "2020-09-30"),
    (lambda s: s.add_task("2020-07", "防汛", "火星市", date(2020, 8, 7)),
     "“火星市”不是已知的地市或县区", "'火星市' is not a known city or county."),
    (lambda s: s.add_task("2020-07", "防汛", "江苏省", date(2020, 8, 7)), "“江苏省”不是已知", "not a known city"),
    (lambda s: s.add_task("2020-07", "防汛", "高淳区,鼓楼区", date(2020, 8, 7)),
     "“鼓楼区”有多个同名县区：南京市鼓楼区、徐州市鼓楼区，请写明所属地市（如 南京市鼓楼区）",
     "'鼓楼区' names several counties: Gulou, Nanjing; Gulou, Xuzhou; name the city too (e.g. 南京市鼓楼区)."),
    (lambda s: s.add_task("2020-07", "防汛", " , ", date(2020, 8, 7)), "未列出任何单位", "names no unit"),
    (lambda s: s.add_task("2020-07", "扫雪除冰", "cities", date(2020, 8, 7)),
     "“扫雪除冰”不是已知的专项活动", "'扫雪除冰' is not a known campaign."),
    (lambda s: s.add_task("2020-07", "", "cities", date(2020, 8, 7)), "至少指定一个专项活动", "at least one campaign"),
    (lambda s: s.add_task("2020-07", "防汛", "cities", date(2020, 8, 7), metrics=["服务队", "飞行里程"]),
     "“飞行里程”不是已知的指标", "'飞行里程' is not a known metric."),
    (lambda s: s.add_task("2020-13", "防汛", "cities", date(2021, 1, 7)), "无法识别的填报期“2020-13”", "2020-07 or"),
    (lambda s: s.add_task("2020-Q3", "防汛", "cities", date(2020, 10, 7), recurring="monthly"),
     "须为一个月", "must be a month"),
    (lambda s: s.add_task("2020-07", "防汛", "cities", date(2020, 8, 7), recurring="weekly"), "weekly", "weekly"),
    (lambda s: s.add_task("2020-07", "防汛", "cities", date(2020, 8, 7), title="x" * 101), "100", "100"),
    (lambda s: s.edit_task(s.add_task("2020-07", "防汛", "cities", date(2020, 8, 7)), deadline=date(2020, 7, 1)),
     "早于填报期结束", "2020-07-01"),
    (lambda s: s.task(42), "没有编号为 42 的填报任务", "There is no reporting task 42."),
    (lambda s: s.progress([s.add_task("2020-07", "防汛", "cities", date(2020, 8, 7)), 42]), "没有编号为 42 的",
     "There is no reporting task 42."),
])
def test_bad_tasks_are_refused_with_a_message_in_both_languages(store, call, zh, en):
    refused = refusal(lambda: call(store))
    assert zh in refused.zh and en in refused.en
    assert len(store.tasks(include_closed=True)) <= 1  # only the task an edit was tried on


def test_a_task_names_campaigns_and_metrics_by_any_alias_and_stores_their_codes(store):
    assert store.task(store.add_task("2020-07", "防汛", "徐州市鼓楼区", date(2020, 8, 7))).units == "320302"
    task_id = store.add_task("2020年7月", "防汛保电、Flood prevention", "南京市，无锡市、南京", date(2020, 8, 7),
                             metrics=["服务队", "teams", "投入人次"], title="  七月防汛  ")
    task = store.task(task_id)
    assert (task.campaigns, task.metrics, task.units, task.title) == (
        ("flood_power",), ("teams", "staff_deployed"), "320100,320200", "七月防汛")
    frame = store.tasks_frame(now=at("2020-07-15T00:00Z"))
    assert frame.set_index("id").loc[task_id, ["period", "campaigns", "metrics", "unit_count"]].tolist() == [
        "2020-07", "flood_power", "teams,staff_deployed", 2]


def test_a_task_with_metrics_counts_only_uploads_of_those_metrics(store):
    task_id = store.add_task("2020-07", "防汛", "南京市,无锡市", date(2020, 8, 7), metrics=["投入人次"])
    upload(store, [("南京市", "")], metric="服务队")
    upload(store, [("无锡市", "")], metric="投入人次")
    upload(store, [("南京市", "")], metric="投入人次", campaign="抗疫")  # another campaign
    plain = store.add_task("2020-07", "防汛", "南京市,无锡市", date(2020, 8, 7))
    rows = store.progress([task_id, plain], now=at("2020-08-01T00:00Z"))
    assert rows[["task_id", "unit", "status"]].values.tolist() == [
        [task_id, "南京市", "not_reported"], [task_id, "无锡市", "submitted"],
        [plain, "南京市", "submitted"], [plain, "无锡市", "submitted"]]
    assert set(store.submissions(store.task(task_id))) == {WUXI}
    assert [s["id"] for s in store.submissions(store.task(plain))[NANJING]] == [1]


@pytest.mark.parametrize("meanwhile, message", [
    (lambda other, upload_id: other.review(upload_id, "approved", actor=PROVINCE_REVIEWER), "is already approved"),
    (lambda other, upload_id: other.undo(upload_id, actor=GC_REPORTER), "was undone"),
])
def test_a_review_checks_again_in_its_transaction(store, store_url, monkeypatch, meanwhile, message):
    """Another reviewer (or the reporter's undo) between the checks and the write: refused, nothing written twice."""
    import store.cycle as cycle

    upload_id = upload(store, [("南京市", "高淳区")], actor=GC_REPORTER)
    other, done = Store(store_url), []

    def catalog_after_another_act():
        if not done:
            done.append(True)
            meanwhile(other, upload_id)
        return load_catalog()

    monkeypatch.setattr(cycle, "load_catalog", catalog_after_another_act)
    version = store.data_version()
    with pytest.raises(StoreError) as refused:
        store.review(upload_id, "approved", actor=NJ_REVIEWER)
    assert message in refused.value.en and done
    assert len(store.review_history([upload_id])) == (1 if "approved" in message else 0)
    assert store.data_version() == version + 1  # the other act's change only


def test_a_task_made_with_a_naive_now_is_stamped_utc(store):
    task_id = store.add_task("2020-07", "防汛", "cities", date(2020, 8, 7), now=datetime(2020, 7, 20, 3, 0))
    created = store.tasks_frame(now=datetime(2020, 7, 21)).set_index("id").loc[task_id, "created_at"]
    assert created == pd.Timestamp("2020-07-20 03:00")


def test_a_rules_new_month_begins_at_midnight_in_shanghai(store):
    rule = store.add_task("2023-01", "防汛", "cities", date(2023, 2, 7), recurring="monthly",
                          now=at("2023-11-30T15:59:59Z"))
    assert list(months_of(store, rule, at("2023-11-30T15:59:59Z")))[-1] == "2023-11"
    assert list(months_of(store, rule, at("2023-11-30T16:00:00Z")))[-1] == "2023-12"  # 1 December, 00:00 Shanghai


def test_a_record_carried_over_is_the_first_submission_when_it_was_reported_first(store):
    task_id = flood_task(store)
    saved = upload(store, [("南京市", "高淳区")], DAY_LATE, value=2)
    content = (HEADER + "2020年7月,南京市,高淳区,防汛,服务队,1\n").encode("utf-8")
    carried = store.import_result(parse_bytes(content, "旧系统.csv"), content, now=at("2020-08-20T10:00+08:00"),
                                  submitted_at=at("2020-08-03T10:00+08:00")).upload_id
    row = row_of(store, task_id, "高淳区")
    assert (row["submitted_at"], row["days_late"]) == (at("2020-08-03T10:00+08:00"), -4)
    assert (row["upload"], row["uploads"], saved < carried) == (carried, 2, True)  # the newest save's status


# ---- the "done when", end to end ------------------------------------------------------------------------
def test_the_province_flood_file_marks_all_13_cities_submitted_and_a_return_reaches_the_reporter(tmp_path):
    """The demo's July 2020 flood task: 13 cities late before anything is saved; the province's flood workbook
    (through the loader) marks all 13 submitted; a return of Nanjing's own correction takes it out of the totals
    and shows its reporter the reason; the late units are those not reported."""
    from settings import DEMO_DIR
    from store.demo import DEMO_FILES, DEMO_TASK

    store = Store(f"sqlite:///{tmp_path / 'done.db'}")
    task = store.add_task(DEMO_TASK["period"], DEMO_TASK["campaigns"], DEMO_TASK["units"], DEMO_TASK["deadline"])
    later = at("2020-09-01T09:00+08:00")
    before = store.progress(task, now=later)
    assert len(before) == 13 and set(before["status"]) == {"late"} and set(before["days_late"]) == {25}
    path = DEMO_DIR / DEMO_FILES[0]
    result = parse_bytes(path.read_bytes(), path.name)
    store.import_result(result, path.read_bytes(), actor=ADMIN, now=at("2020-08-06T17:00+08:00"))
    saved = store.progress(task, now=later)
    assert set(saved["status"]) == {"submitted"} and set(saved["days_late"]) == {-1}
    def totals() -> dict[str, float]:
        frame = metric_totals(store.active_facts(), load_catalog())
        return dict(zip(frame["metric"], frame["value"]))

    province = totals()
    assert province["teams"] == 184
    nanjing = upload(store, [("南京市", "")], "2020-08-06T18:00+08:00", value=31, actor=NJ_REPORTER)
    assert totals()["teams"] == 184 - 25 + 31  # Nanjing's correction replaces its 25 teams
    store.review(nanjing, "returned", "服务队数与县区合计不符", actor=PROVINCE_REVIEWER)
    rows = store.progress(task, now=later).set_index("unit")
    assert (rows.at["南京市", "status"], rows.at["南京市", "reason"]) == ("returned", "服务队数与县区合计不符")
    assert (rows["status"] == "submitted").sum() == 12
    assert totals() == province  # the returned figures are out: the workbook's Nanjing figures count again
    told = store.returned_uploads(NJ_REPORTER.name)
    assert list(told["id"]) == [nanjing] and list(told["reason"]) == ["服务队数与县区合计不符"]
    assert list(told["reviewer"]) == [PROVINCE_REVIEWER.name]
