"""reporting.py: tasks matching the page's filters, counts per status, the units × tasks grid (counties under their
city), and the assessment (timeliness, first-time-right, restatement) — as tables, and once through a real store."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pandas as pd
import pytest

from reporting import (
    ProgressFilters, assess_units, filter_progress, matching_tasks, ordered_rows, progress_grid, reported_count,
    status_counts, task_months, unit_assessment, unit_restated, window_tasks,
)
from store.cycle import PROGRESS_COLUMNS, STATUSES, Task, month_period, parse_task_period
from tests.conftest import make_result


def task(task_id: int, period: str, campaigns=("flood_power",), status="open", recurring="", metrics=()) -> Task:
    found = parse_task_period(period)
    return Task(task_id, "", found, tuple(campaigns), tuple(metrics), "cities", found.end, recurring, None, "", status)


TASKS = [task(1, "2020-07"), task(2, "2020-08"), task(3, "2020-08", ("covid_resumption",)), task(4, "2020-Q3"),
         task(5, "2020-06", status="closed"), task(6, "2020-07", recurring="monthly")]


@pytest.mark.parametrize("filters, expected", [
    (ProgressFilters(), [5, 1, 4, 2, 3]),  # by period then id; the recurring rule is no task to report for
    (ProgressFilters(start=date(2020, 8, 1)), [2, 3]),
    (ProgressFilters(end=date(2020, 7, 1)), [5, 1, 4]),  # a quarter starting in July is in a range ending in July
    (ProgressFilters(campaign="covid_resumption"), [3]),
    (ProgressFilters(start=date(2020, 7, 1), end=date(2020, 7, 1), campaign="flood_power"), [1, 4]),
    (ProgressFilters(start=date(2021, 1, 1)), []),
])
def test_matching_tasks(filters, expected):
    assert [t.id for t in matching_tasks(TASKS, filters)] == expected


@pytest.mark.parametrize("start, end, campaigns, expected", [
    (date(2020, 7, 1), date(2020, 7, 31), (), [1]),  # the quarter does not lie within July; closed 5 is left out
    (date(2020, 6, 1), date(2020, 9, 30), (), [1, 2, 3, 4]),
    (date(2020, 6, 1), date(2020, 9, 30), ("covid_resumption",), [3]),
    (date(2020, 6, 1), date(2020, 9, 30), ("covid_resumption", "flood_power"), [1, 2, 3, 4]),
    (date(2021, 1, 1), date(2021, 12, 31), (), []),
])
def test_window_tasks(start, end, campaigns, expected):
    assert [t.id for t in window_tasks(TASKS, start, end, campaigns)] == expected


def test_task_months_are_the_months_periods_start_in():
    assert task_months(TASKS) == [date(2020, 6, 1), date(2020, 7, 1), date(2020, 8, 1)]


def row(task_id: int, unit: str, adcode: str, level: str, city: str, status: str, days=None, uploads=0,
        submitted=None, reason="") -> dict:
    at = datetime(2020, 8, 1, tzinfo=timezone.utc) if submitted is None and status in ("submitted", "returned",
                                                                                           "approved") else submitted
    return {"task_id": task_id, "unit": unit, "adcode": adcode, "level": level, "city": city, "status": status,
            "submitted_at": at, "last_at": at, "upload": None, "uploads": uploads, "days_late": days,
            "reason": reason, "deadline": date(2020, 8, 7)}


# cities and counties of one task (1) and the next month's (2), out of catalog order on purpose
PROGRESS = pd.DataFrame([
    row(1, "高淳区", "320118", "county", "南京市", "late", 5),
    row(1, "无锡市", "320200", "city", "无锡市", "approved", -2, 1),
    row(1, "南京市", "320100", "city", "南京市", "returned", 1, 2, reason="数字有误"),
    row(1, "宜兴市", "320282", "county", "无锡市", "submitted", 0, 1),
    row(2, "南京市", "320100", "city", "南京市", "not_reported"),
    row(2, "无锡市", "320200", "city", "无锡市", "submitted", 3, 1),
], columns=PROGRESS_COLUMNS)


@pytest.mark.parametrize("filters, counts", [
    (ProgressFilters(), {"not_reported": 1, "late": 1, "submitted": 2, "returned": 1, "approved": 1}),
    (ProgressFilters(city="南京市"), {"not_reported": 1, "late": 1, "returned": 1}),  # a county row carries its city
    (ProgressFilters(city="无锡市"), {"submitted": 2, "approved": 1}),
    (ProgressFilters(statuses=("late", "returned")), {"late": 1, "returned": 1}),
    (ProgressFilters(city="苏州市"), {}),
])
def test_filters_narrow_the_counts(filters, counts):
    found = status_counts(filter_progress(PROGRESS, filters))
    assert list(found.index) == list(STATUSES)
    assert found.to_dict() == {status: counts.get(status, 0) for status in STATUSES}


@pytest.mark.parametrize("tasks, expected", [((1,), (3, 4, 1)), ((2,), (1, 2, 1)), ((1, 2), (4, 6, 2)), ((), (0, 0, 0))])
def test_reported_counts_submitted_returned_and_approved(tasks, expected):
    found = reported_count(PROGRESS[PROGRESS["task_id"].isin(tasks)])
    assert (found.reported, found.owed, found.tasks) == expected


def test_rows_fold_counties_under_their_city(catalog):
    rows = ordered_rows(PROGRESS, [TASKS[1], TASKS[0]], catalog)
    assert list(zip(rows["unit"], rows["task_id"])) == [
        ("南京市", 1), ("南京市", 2), ("高淳区", 1), ("无锡市", 1), ("无锡市", 2), ("宜兴市", 1)]


def test_grid_is_units_by_tasks_with_status_and_days(catalog):
    grid = progress_grid(PROGRESS, [TASKS[1], TASKS[0]], catalog)
    assert [t.id for t in grid.tasks] == [1, 2]
    assert list(grid.units["unit"]) == ["南京市", "高淳区", "无锡市", "宜兴市"]
    assert list(grid.units["city"]) == ["南京市", "南京市", "无锡市", "无锡市"]
    assert grid.status.loc["320100"].tolist() == ["returned", "not_reported"]
    assert grid.status.loc["320118"].tolist() == ["late", None]  # task 2 does not ask 高淳区
    assert grid.days.loc["320200"].tolist() == [-2.0, 3.0]
    assert pd.isna(grid.days.loc["320100", 2])


HISTORY = pd.DataFrame({"upload_id": [10, 11, 20, 30, 31, 40], "decision": [
    "returned", "approved", "approved", "approved", "approved", "returned"]})


@pytest.mark.parametrize("submissions, restated, expected", [
    # (upload ids oldest first), restated?, (decided, first_time_right, approved, restated)
    ([], False, (0, 0, 0, 0)),  # nothing submitted
    ([50], False, (0, 0, 0, 0)),  # submitted, not yet reviewed: no decision
    ([20], False, (1, 1, 1, 0)),  # approved at the first try
    ([10, 11], False, (1, 0, 1, 0)),  # returned, then a new upload approved
    ([40], False, (1, 0, 0, 0)),  # returned
    ([30, 31], True, (1, 0, 1, 1)),  # approved, then corrected by a later upload (approved too)
    ([20, 50], False, (1, 0, 1, 0)),  # approved, then another submission: no longer first-time-right
])
def test_first_time_right_and_restatement_per_task_unit(submissions, restated, expected):
    progress = pd.DataFrame([row(1, "南京市", "320100", "city", "南京市", "submitted" if submissions else "late",
                                 uploads=len(submissions))], columns=PROGRESS_COLUMNS)
    found = unit_assessment(progress, {(1, "320100"): submissions}, HISTORY, {(1, "320100")} if restated else set())
    entry = found.iloc[0]
    assert (entry["decided"], entry["first_time_right"], entry["approved"], entry["restated"]) == expected


def test_assessment_ranks_each_level_apart():
    progress = pd.DataFrame([
        row(1, "南京市", "320100", "city", "南京市", "approved", 2, 2),
        row(2, "南京市", "320100", "city", "南京市", "late", 10),
        row(1, "无锡市", "320200", "city", "无锡市", "approved", -3, 1),
        row(1, "徐州市", "320300", "city", "徐州市", "not_reported"),  # not due, not reported: not timed
        row(1, "高淳区", "320118", "county", "南京市", "approved", 20, 1),
    ], columns=PROGRESS_COLUMNS)
    submitted = {(1, "320100"): [10, 11], (1, "320200"): [20], (1, "320118"): [30]}
    found = unit_assessment(progress, submitted, HISTORY, {(1, "320118")}).set_index("unit")
    assert found.loc["南京市", "timeliness"] == 6.0  # (2 + 10) / 2: a late unit counts its days so far
    assert found.loc["南京市", "tasks"] == 2 and found.loc["南京市", "timed"] == 2
    assert pd.isna(found.loc["徐州市", "timeliness"]) and pd.isna(found.loc["徐州市", "timeliness_rank"])
    assert [found.loc[u, "timeliness_rank"] for u in ("南京市", "无锡市", "高淳区")] == [2, 1, 1]
    assert (found.loc["无锡市", "first_time_rate"], found.loc["南京市", "first_time_rate"]) == (1.0, 0.0)
    assert (found.loc["无锡市", "first_time_rank"], found.loc["南京市", "first_time_rank"]) == (1, 2)
    assert found.loc["高淳区", "first_time_rank"] == 1  # the only county: ranked among counties
    assert found.loc["高淳区", "restatement_rate"] == 1.0 and found.loc["南京市", "restatement_rate"] == 0.0
    assert pd.isna(found.loc["徐州市", "first_time_rate"]) and pd.isna(found.loc["徐州市", "first_time_rank"])


def marks(rows: list[dict]) -> pd.DataFrame:
    base = {"period_start": pd.Timestamp("2020-07-01"), "period_end": pd.Timestamp("2020-07-31"), "city": "南京市",
            "county": "", "campaign": "flood_power", "metric": "teams", "superseded_by": None, "reconfirmed": False}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["superseded_by"] = frame["superseded_by"].astype("Int64")
    return frame


@pytest.mark.parametrize("rows, level, unit, expected", [
    ([{}], "city", "南京市", False),  # still in effect
    ([{"superseded_by": 9}], "city", "南京市", True),  # another value in effect now
    ([{"superseded_by": 9, "reconfirmed": True}], "city", "南京市", False),  # a later upload with the same value
    ([{"superseded_by": 5}], "city", "南京市", False),  # the file reports the key twice: itself
    ([{"superseded_by": 9, "county": "高淳区"}], "city", "南京市", True),  # a city's counties are its figures
    ([{"superseded_by": 9, "county": "高淳区"}], "county", "溧水区", False),  # another county's
    ([{"superseded_by": 9, "campaign": "covid_resumption"}], "city", "南京市", False),  # another campaign
    ([{"superseded_by": 9, "period_start": pd.Timestamp("2020-08-01"), "period_end": pd.Timestamp("2020-08-31")}],
     "city", "南京市", False),  # another period
    ([{"superseded_by": 9, "city": "无锡市"}], "city", "南京市", False),  # another city
])
def test_restated_means_figures_of_the_unit_and_task_changed_later(rows, level, unit, expected):
    assert unit_restated(marks(rows), TASKS[0], level, "南京市", unit, 5) is expected


def flood(city: str, value: float, county: str = "") -> dict:
    return {"period_start": "2020-07-01", "period_end": "2020-07-31", "city": city, "county": county,
            "campaign": "flood_power", "metric": "teams", "value": value}


def test_assessment_from_a_store(store):
    """Nanjing returned, then approved; Changzhou approved at the first try; Wuxi and Xuzhou approved, then sent
    again (Wuxi with another figure: restated; Xuzhou unchanged); Suzhou never reports (late since 2020-08-07)."""
    task_id = store.add_task("2020-07", ["flood_power"], "南京市,无锡市,徐州市,常州市,苏州市", date(2020, 8, 7))
    returned = store.import_result(make_result([flood("南京市", 7)], "nj1.xlsx"), b"one")
    store.review(returned.upload_id, "returned", "南京数字有误")
    store.review(store.import_result(make_result([flood("南京市", 8)], "nj2.xlsx"), b"two").upload_id, "approved")
    both = store.import_result(make_result([flood("无锡市", 5), flood("徐州市", 3)], "wx1.xlsx"), b"three")
    store.review(both.upload_id, "approved")
    store.import_result(make_result([flood("无锡市", 6), flood("徐州市", 3)], "wx2.xlsx"), b"four")
    store.review(store.import_result(make_result([flood("常州市", 4)], "cz.xlsx"), b"five").upload_id, "approved")

    assessed = assess_units(store, [task_id]).set_index("unit")
    counts = assessed[["decided", "first_time_right", "approved", "restated"]].astype(int)
    assert counts.to_dict("index") == {
        "南京市": {"decided": 1, "first_time_right": 0, "approved": 1, "restated": 0},
        "无锡市": {"decided": 1, "first_time_right": 0, "approved": 1, "restated": 1},
        "徐州市": {"decided": 1, "first_time_right": 0, "approved": 1, "restated": 0},
        "常州市": {"decided": 1, "first_time_right": 1, "approved": 1, "restated": 0},
        "苏州市": {"decided": 0, "first_time_right": 0, "approved": 0, "restated": 0},
    }
    assert assessed.loc["常州市", "first_time_rank"] == 1 and assessed.loc["南京市", "first_time_rank"] == 2
    assert assessed.loc["无锡市", "restatement_rank"] == 4 and assessed.loc["南京市", "restatement_rank"] == 1
    assert assessed.loc["苏州市", "timed"] == 1 and assessed.loc["苏州市", "timeliness"] > 2000  # late: days so far


def test_month_period_used_by_the_tests_is_a_month():
    assert month_period(2020, 7).label == "2020-07"
