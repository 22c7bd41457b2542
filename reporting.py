"""The completeness of reporting (填报进度, #12 item 4): which units have reported for which tasks, and how each
unit does over the tasks (timeliness, first-time-right, restatements). Pure pandas: Store.progress() rows,
Store.submissions(), Store.review_history() and Store.upload_facts() in, DataFrames out (no Streamlit).

A progress row is one task-unit: a unit that a task asks to report (PROGRESS_COLUMNS of store/cycle.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from catalog import Catalog
from store.cycle import APPROVED, LATE, NOT_REPORTED, REPORTED, RETURNED, STATUSES, SUBMITTED, Task
from store.schema import REVIEW_APPROVED, REVIEW_RETURNED

# One colour per status wherever a status is shown (cards, grid, table): grey, red, blue, orange, green. The hex
# values are Streamlit's own for the colour names in STATUS_COLOR_NAMES, so a card's label and a grid cell match.
STATUS_COLORS = {NOT_REPORTED: "#808495", LATE: "#ff4b4b", SUBMITTED: "#1c83e1", RETURNED: "#ffa421",
                 APPROVED: "#21c354"}
STATUS_COLOR_NAMES = {NOT_REPORTED: "gray", LATE: "red", SUBMITTED: "blue", RETURNED: "orange", APPROVED: "green"}
UNIT_COLUMNS = ["adcode", "unit", "level", "city"]
ASSESSMENT_COLUMNS = [*UNIT_COLUMNS, "tasks", "timed", "timeliness", "decided", "first_time_right", "first_time_rate",
                      "approved", "restated", "restatement_rate", "timeliness_rank", "first_time_rank",
                      "restatement_rank"]


@dataclass(frozen=True)
class ProgressFilters:
    """The completeness page's choice: tasks whose period starts in [start, end] asking for `campaign`; rows of
    units in `city` (a county row carries its city) with one of `statuses`. None / () mean all."""

    start: date | None = None
    end: date | None = None
    campaign: str | None = None
    city: str | None = None
    statuses: tuple[str, ...] = ()


def matching_tasks(tasks: Iterable[Task], filters: ProgressFilters) -> list[Task]:
    """The tasks units report for (no recurring rules) whose period starts in the range and that ask for the
    campaign, by period then id."""
    found = [task for task in tasks if not task.is_rule
             and (filters.start is None or task.period.start >= filters.start)
             and (filters.end is None or task.period.start <= filters.end)
             and (filters.campaign is None or filters.campaign in task.campaigns)]
    return sorted(found, key=lambda task: (task.period.start, task.id))


def window_tasks(tasks: Iterable[Task], start: date, end: date, campaigns: tuple[str, ...] = ()) -> list[Task]:
    """Open tasks (no rules) whose period lies within [start, end] and, with `campaigns`, that ask for one of
    them: what the Overview's window is owed."""
    return [task for task in tasks if not task.is_rule and task.status == "open"
            and start <= task.period.start and task.period.end <= end
            and (not campaigns or any(code in task.campaigns for code in campaigns))]


def task_months(tasks: Iterable[Task]) -> list[date]:
    """The first days of the months the tasks' periods start in, sorted (the page's period range)."""
    return sorted({task.period.start.replace(day=1) for task in tasks if not task.is_rule})


def filter_progress(progress: pd.DataFrame, filters: ProgressFilters) -> pd.DataFrame:
    """Progress rows of units in the city (itself and its counties) with one of the statuses."""
    keep = pd.Series(True, index=progress.index)
    if filters.city:
        keep &= progress["city"] == filters.city
    if filters.statuses:
        keep &= progress["status"].isin(filters.statuses)
    return progress[keep].reset_index(drop=True)


def status_counts(progress: pd.DataFrame) -> pd.Series:
    """Task-units per status, in STATUSES order (zero for a status no row has)."""
    return progress["status"].value_counts().reindex(list(STATUSES), fill_value=0).astype(int)


@dataclass(frozen=True)
class Reported:
    """N of M: task-units that have submitted (submitted, returned or approved) of those owed, over `tasks` tasks."""

    reported: int
    owed: int
    tasks: int


def reported_count(progress: pd.DataFrame) -> Reported:
    """How many of the task-units in the rows have reported (REPORTED statuses)."""
    tasks = progress["task_id"].nunique() if not progress.empty else 0
    return Reported(int(progress["status"].isin(REPORTED).sum()), len(progress), int(tasks))


def unit_order(catalog: Catalog) -> dict[str, int]:
    """Each unit's place in lists: each city followed by its counties (catalog order)."""
    order: list[str] = []
    for city in catalog.cities:
        order += [city.adcode, *[county.adcode for county in catalog.counties_of(city.name)]]
    return {adcode: index for index, adcode in enumerate(order)}


def ordered_rows(progress: pd.DataFrame, tasks: list[Task], catalog: Catalog) -> pd.DataFrame:
    """Progress rows with each city's counties folded under it, a unit's tasks in period order."""
    order = unit_order(catalog)
    place = {task.id: index for index, task in enumerate(sorted(tasks, key=lambda t: (t.period.start, t.id)))}
    keyed = progress.assign(_unit=progress["adcode"].map(order).fillna(len(order)),
                            _task=progress["task_id"].map(place).fillna(len(place)))
    return keyed.sort_values(["_unit", "_task"], kind="stable").drop(columns=["_unit", "_task"]).reset_index(drop=True)


@dataclass(frozen=True)
class ProgressGrid:
    """Units × tasks: `units` in row order (UNIT_COLUMNS), `tasks` in column order; `status` and `days` indexed by
    adcode with a column per task id (None / NaN where the task does not ask the unit)."""

    units: pd.DataFrame
    tasks: tuple[Task, ...]
    status: pd.DataFrame
    days: pd.DataFrame


def progress_grid(progress: pd.DataFrame, tasks: list[Task], catalog: Catalog) -> ProgressGrid:
    """The grid of units (cities, each with its counties under it) by tasks (period order) of status and days late."""
    columns = tuple(sorted((t for t in tasks if t.id in set(progress["task_id"])), key=lambda t: (t.period.start, t.id)))
    rows = ordered_rows(progress, list(columns), catalog)
    units = rows[UNIT_COLUMNS].drop_duplicates("adcode").reset_index(drop=True)
    ids = [task.id for task in columns]
    status = rows.pivot(index="adcode", columns="task_id", values="status").reindex(index=units["adcode"], columns=ids)
    days = (rows.assign(days_late=pd.to_numeric(rows["days_late"], errors="coerce"))
            .pivot(index="adcode", columns="task_id", values="days_late").reindex(index=units["adcode"], columns=ids))
    status = status.astype(object).where(status.notna(), None)
    return ProgressGrid(units, columns, status, days.astype(float))


def is_timed(row) -> bool:
    """Whether a task-unit's days count for timeliness: it submitted (its first submission's days), or it is
    late without one (the days since the deadline so far: it is at least that late)."""
    return row.submitted_at is not None and not pd.isna(row.submitted_at) or row.status == LATE


def _decisions(history: pd.DataFrame) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for upload_id, decision in zip(history["upload_id"], history["decision"]):
        found.setdefault(int(upload_id), set()).add(decision)
    return found


def unit_restated(marks: pd.DataFrame, task: Task, level: str, city: str, unit: str, upload_id: int) -> bool:
    """Whether any of an upload's figures for the task (period, campaigns, metrics) and the unit (a city: the city
    and its counties; a county: itself) was changed by a later upload: it is superseded by another upload's figure
    of another value or qualifier (Store.upload_facts superseded_by, not reconfirmed)."""
    if marks.empty:
        return False
    keep = (marks["campaign"].astype(str).isin(task.campaigns)
            & (pd.to_datetime(marks["period_start"]) >= pd.Timestamp(task.period.start))
            & (pd.to_datetime(marks["period_end"]) <= pd.Timestamp(task.period.end))
            & (marks["city"].astype(str) == city))
    if level == "county":
        keep &= marks["county"].astype(str) == unit
    if task.metrics:
        keep &= marks["metric"].astype(str).isin(task.metrics)
    later = marks.loc[keep, "superseded_by"]
    changed = later.notna() & (later.fillna(upload_id) != upload_id) & ~marks.loc[keep, "reconfirmed"].astype(bool)
    return bool(changed.any())


def restatements(progress: pd.DataFrame, tasks: list[Task], submitted: Mapping[tuple[int, str], list[int]],
                 history: pd.DataFrame, marks: Mapping[int, pd.DataFrame]) -> set[tuple[int, str]]:
    """The task-units (task id, adcode) with an approved submission whose figures a later upload changed
    (unit_restated); `marks` holds Store.upload_facts of each approved upload."""
    approved = {u for u, found in _decisions(history).items() if REVIEW_APPROVED in found}
    by_id = {task.id: task for task in tasks}
    found = set()
    for row in progress.itertuples(index=False):
        task = by_id.get(row.task_id)
        if task is None:
            continue
        for upload_id in submitted.get((row.task_id, row.adcode), []):
            if upload_id in approved and unit_restated(marks.get(upload_id, pd.DataFrame()), task, row.level,
                                                       row.city, row.unit, upload_id):
                found.add((row.task_id, row.adcode))
                break
    return found


def unit_assessment(progress: pd.DataFrame, submitted: Mapping[tuple[int, str], list[int]], history: pd.DataFrame,
                    restated: set[tuple[int, str]] = frozenset()) -> pd.DataFrame:
    """Each unit's assessment over the task-units in `progress` (ASSESSMENT_COLUMNS), ranked within its level.

    - timeliness: the mean days late (negative: early) of its timed task-units (is_timed): the first submission's
      days after the deadline, or a late unit's days so far; None without one. Rank 1: the earliest.
    - first_time_rate: first_time_right / decided. decided: task-units one of whose submissions got a review
      decision (approved or returned); first-time-right: the first submission was approved, never returned, and
      no later submission followed (no correction). Rank 1: the highest.
    - restatement_rate: restated / approved. approved: task-units with a submission that was ever approved;
      restated: those in `restated` (figures of an approved submission later changed, see `restatements`).
      Rank 1: the lowest.
    `submitted`: each task-unit's submissions (upload ids, oldest first; Store.submissions). A rate with no
    task-unit to count is None and unranked; ties share the better rank.
    """
    decisions = _decisions(history)
    records: dict[str, dict] = {}
    for row in progress.itertuples(index=False):
        entry = records.setdefault(row.adcode, {
            "adcode": row.adcode, "unit": row.unit, "level": row.level, "city": row.city, "tasks": 0, "days": [],
            "decided": 0, "first_time_right": 0, "approved": 0, "restated": 0})
        entry["tasks"] += 1
        if is_timed(row) and row.days_late is not None and not pd.isna(row.days_late):
            entry["days"].append(float(row.days_late))
        uploads = list(submitted.get((row.task_id, row.adcode), []))
        found = [decisions.get(u, set()) for u in uploads]
        if any(found):
            entry["decided"] += 1
            if len(uploads) == 1 and REVIEW_APPROVED in found[0] and REVIEW_RETURNED not in found[0]:
                entry["first_time_right"] += 1
        if any(REVIEW_APPROVED in f for f in found):
            entry["approved"] += 1
            entry["restated"] += (row.task_id, row.adcode) in restated
    frame = pd.DataFrame([{**{k: v for k, v in e.items() if k != "days"}, "timed": len(e["days"]),
                           "timeliness": sum(e["days"]) / len(e["days"]) if e["days"] else None}
                          for e in records.values()],
                         columns=[c for c in ASSESSMENT_COLUMNS if not c.endswith("_rank")
                                  and c not in ("first_time_rate", "restatement_rate")])
    frame["timeliness"] = pd.to_numeric(frame["timeliness"], errors="coerce")
    frame["first_time_rate"] = _rate(frame["first_time_right"], frame["decided"])
    frame["restatement_rate"] = _rate(frame["restated"], frame["approved"])
    grouped = frame.groupby("level", sort=False)
    frame["timeliness_rank"] = grouped["timeliness"].rank(method="min", ascending=True).astype("Int64")
    frame["first_time_rank"] = grouped["first_time_rate"].rank(method="min", ascending=False).astype("Int64")
    frame["restatement_rank"] = grouped["restatement_rate"].rank(method="min", ascending=True).astype("Int64")
    return frame[ASSESSMENT_COLUMNS]


def _rate(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part.astype(float) / whole.where(whole > 0).astype(float)).astype(float)


def assess_units(store, task_ids: list[int], now: datetime | None = None) -> pd.DataFrame:
    """unit_assessment over the tasks, read from a store.core.Store: its progress rows, each task-unit's
    submissions, their review history and the figures of the approved ones (for restatements)."""
    chosen = [store.task(task_id) for task_id in task_ids]
    chosen = [task for task in chosen if not task.is_rule]
    rows = store.progress([task.id for task in chosen], now=now)
    submitted = {(task.id, adcode): [entry["id"] for entry in entries]
                 for task in chosen for adcode, entries in store.submissions(task).items()}
    history = store.review_history(sorted({u for ids in submitted.values() for u in ids}))
    approved = sorted({int(u) for u, d in zip(history["upload_id"], history["decision"]) if d == REVIEW_APPROVED})
    marks = {upload_id: store.upload_facts(upload_id) for upload_id in approved}
    return unit_assessment(rows, submitted, history, restatements(rows, chosen, submitted, history, marks))
