"""The reporting cycle (#12): reporting tasks (填报任务), each unit's status for a task, and review.

A task says which units must report which campaigns (and metrics) for which period by which deadline, a day in
Asia/Shanghai time: a unit has until that day's end. Every upload of figures that reports a unit for the task's
period and campaigns is that unit's submission; the unit's status is read from its submissions, never stored:

    no submission                         未报 not_reported, or 逾期 late once the deadline has passed
    its latest submission pending         已报待审 submitted
    ... approved / returned               已通过 approved / 已退回 returned (with the reviewer's reason)

An undone upload is no submission (it was withdrawn). days_late: for a unit that reported, the days its first
submission came after the deadline (negative: early); for a late unit, the days since the deadline.

Review is of uploads (the unit's file): a reviewer approves or returns the uploads whose figures all lie below its
unit (a city reviewer its counties; a province reviewer cities and counties), never its own. A return takes the
upload's figures out of the totals until the unit uploads again (store.core.counted). Decisions are kept in the
reviews table and the audit log; uploads.review holds the latest.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select, update

from catalog import Catalog, load_catalog
from model import KEY_COLUMNS
from store.accounts import PROVINCE_UNIT, SYSTEM, Actor
from store.errors import StoreError
from store.errors import database_failure as _database_failure
from store.schema import (KIND_FIGURES, REASON_MAX, REVIEW_APPROVED, REVIEW_PENDING, REVIEW_RETURNED, TASK_TITLE_MAX,
                          UPLOAD_UNDONE, fact_sets, reviews, tasks, uploads)
from store.users import refuse

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOT_REPORTED, SUBMITTED, RETURNED, APPROVED, LATE = "not_reported", "submitted", "returned", "approved", "late"
STATUSES = (NOT_REPORTED, LATE, SUBMITTED, RETURNED, APPROVED)  # the order pages count and list them in
REPORTED = (SUBMITTED, RETURNED, APPROVED)  # a unit that has submitted for the task
UNITS_CITIES, UNITS_COUNTIES, UNITS_ALL = "cities", "counties", "all"
MONTHLY = "monthly"
TASK_OPEN, TASK_CLOSED = "open", "closed"
RETURNED_COLUMNS = ["id", "file_name", "uploaded_at", "reviewer", "returned_at", "reason", "figures", "replaced"]
PROGRESS_COLUMNS = ["task_id", "unit", "adcode", "level", "city", "status", "submitted_at", "last_at", "upload",
                    "uploads", "days_late", "reason", "deadline"]
TASK_COLUMNS = ["id", "title", "period", "period_start", "period_end", "campaigns", "metrics", "units", "unit_count",
                "deadline", "recurring", "parent_id", "scope", "status", "created_by", "created_at", "changed_at"]
_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")
_QUARTER = re.compile(r"^\s*(\d{4})\s*[-年]?\s*(?:Q|q|第)\s*([1-4一二三四])\s*(?:季度)?\s*$")
_QUARTER_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


# ---- periods and deadlines ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TaskPeriod:
    start: date
    end: date

    @property
    def label(self) -> str:
        """2020-07 for a month, 2020-Q3 for a quarter."""
        if self.start.month == self.end.month:
            return f"{self.start.year}-{self.start.month:02d}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    def next_month(self) -> "TaskPeriod":
        return month_period(*(self.start.year + (self.start.month == 12), self.start.month % 12 + 1))


def month_period(year: int, month: int) -> TaskPeriod:
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return TaskPeriod(first, last)


def parse_task_period(text: str) -> TaskPeriod:
    """2020-07 / 2020年7月 → that month; 2020-Q3 / 2020年第三季度 → that quarter. StoreError for anything else."""
    found = _MONTH.match(text or "")
    if found and 1 <= int(found.group(2)) <= 12 and 1900 <= int(found.group(1)) <= 2200:
        return month_period(int(found.group(1)), int(found.group(2)))
    found = _QUARTER.match(text or "")
    if found and 1900 <= int(found.group(1)) <= 2200:
        quarter = _QUARTER_DIGITS.get(found.group(2)) or int(found.group(2))
        start = month_period(int(found.group(1)), quarter * 3 - 2)
        return TaskPeriod(start.start, month_period(int(found.group(1)), quarter * 3).end)
    raise StoreError.of("cycle.bad_period", text=str(text)[:40])


def deadline_end(deadline: date) -> datetime:
    """The moment (UTC) a deadline day ends in Asia/Shanghai: a submission before it is on time."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(timezone.utc)


def local_day(moment: datetime) -> date:
    """The day a moment falls on in Asia/Shanghai (a naive moment is UTC)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI).date()


def days_after(moment: datetime, deadline: date) -> int:
    """Days between the deadline and the Shanghai day of `moment`: 0 on the day, 3 three days late, -2 early."""
    return (local_day(moment) - deadline).days


def rule_deadline(first: TaskPeriod, deadline: date, period: TaskPeriod) -> date:
    """A monthly rule's deadline for one of its months: as many months after it, on the same day, as the rule's
    `deadline` is after its `first` month (2023-01 due 2023-02-07: each month's is the 7th of the next).

    A deadline on its month's last day stays on the last day (due 2023-02-28 for January: February's is 03-31,
    月底); a day a month lacks becomes that month's last day (due the 30th: February's 28th or 29th).
    """
    months = (deadline.year - first.start.year) * 12 + deadline.month - first.start.month
    index = period.start.year * 12 + period.start.month - 1 + months
    target = month_period(index // 12, index % 12 + 1)
    if deadline == month_period(deadline.year, deadline.month).end:
        return target.end
    return target.start.replace(day=min(deadline.day, target.end.day))


# ---- units -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    adcode: str
    name: str  # 南京市, 高淳区
    level: str  # city or county
    city: str  # the city's name (itself for a city)


def unit_of(catalog: Catalog, adcode: str) -> Unit:
    region = catalog.regions[adcode]
    city = catalog.city_of(region)
    return Unit(adcode, region.name, region.level, city.name if city else "")


def resolve_units(catalog: Catalog, spec: str) -> list[Unit]:
    """The units of a task's units text: cities, counties, all, or names/adcodes joined by commas (、，, too).

    StoreError naming the text for a name that is no city or county, or a list that names none.
    """
    from store.accounts import resolve_unit

    spec = (spec or "").strip()
    regions = list(catalog.regions.values())
    if spec in (UNITS_CITIES, UNITS_COUNTIES, UNITS_ALL):
        levels = {UNITS_CITIES: ("city",), UNITS_COUNTIES: ("county",), UNITS_ALL: ("city", "county")}[spec]
        return [unit_of(catalog, r.adcode) for r in regions if r.level in levels]
    chosen: list[str] = []
    for part in re.split(r"[,，、;；]", spec):
        if not part.strip():
            continue
        try:
            adcode = resolve_unit(catalog, part)
        except ValueError:
            raise _unknown_unit(catalog, part.strip()) from None
        if adcode == PROVINCE_UNIT:
            raise StoreError.of("cycle.unknown_unit", text=part.strip()[:40])
        if adcode not in chosen:
            chosen.append(adcode)
    if not chosen:
        raise StoreError.of("cycle.no_units", text=spec[:40])
    order = {r.adcode: i for i, r in enumerate(regions)}
    return [unit_of(catalog, a) for a in sorted(chosen, key=order.__getitem__)]


def _unknown_unit(catalog: Catalog, text: str) -> StoreError:
    """The refusal of a unit name: one several counties share (鼓楼区: Nanjing's and Xuzhou's) asks for the city."""
    same = [r for r in catalog.regions.values() if r.level == "county" and r.name == text]
    if len(same) < 2:
        return StoreError.of("cycle.unknown_unit", text=text[:40])
    names = [(catalog.city_of(r).name + r.name, f"{r.name_en}, {catalog.city_of(r).name_en}") for r in same]
    return StoreError.of("cycle.ambiguous_unit", text=text, first=names[0][0],
                         units=("、".join(zh for zh, _ in names), "; ".join(en for _, en in names)))


def units_text(catalog: Catalog, spec: str) -> str:
    """A units text as stored: the keyword, or the adcodes joined by commas."""
    if spec.strip() in (UNITS_CITIES, UNITS_COUNTIES, UNITS_ALL):
        return spec.strip()
    return ",".join(u.adcode for u in resolve_units(catalog, spec))


def within(actor: Actor, catalog: Catalog, unit: Unit) -> bool:
    """Whether a unit lies within the actor's unit (itself or below it)."""
    return actor.covers(catalog, unit.city, "" if unit.level == "city" else unit.name)


def below(actor: Actor, catalog: Catalog, city: str, county: str) -> bool:
    """Whether figures of (city, county) lie strictly below the actor's unit: what it may review."""
    if not actor.scoped:
        return True
    region = catalog.regions.get(actor.unit)
    return region is not None and region.level == "city" and city == region.name and county != ""


def reviewable(actor: Actor, catalog: Catalog, uploader: str, kind: str, status: str,
               regions: set[tuple[str, str]] | frozenset[tuple[str, str]]) -> bool:
    """Whether review() lets the actor approve or return an upload with these fields: the review permission, not its
    own upload, every figure below its unit, figures (not targets), not undone."""
    return (actor.can("review") and not (actor is not SYSTEM and uploader == actor.name)
            and all(below(actor, catalog, city, county) for city, county in regions)
            and kind == KIND_FIGURES and status != UPLOAD_UNDONE)


@dataclass(frozen=True)
class Task:
    id: int
    title: str
    period: TaskPeriod
    campaigns: tuple[str, ...]
    metrics: tuple[str, ...]
    units: str
    deadline: date
    recurring: str
    parent_id: int | None
    scope: str
    status: str

    @property
    def is_rule(self) -> bool:
        """A recurring task's rule: it makes the monthly tasks; units report for those, not for it."""
        return self.recurring == MONTHLY


def _task(row) -> Task:
    return Task(row.id, row.title, TaskPeriod(row.period_start, row.period_end), tuple(json.loads(row.campaigns)),
                tuple(json.loads(row.metrics or "[]")), row.units, row.deadline, row.recurring or "", row.parent_id,
                row.scope, row.status)


class CycleMixin:
    """Reporting tasks, progress and review; mixed into store.core.Store (self.engine, self.record, ...)."""

    # ---- tasks -------------------------------------------------------------------------------------------------
    def add_task(self, period: TaskPeriod | str, campaigns: list[str] | str, units: str, deadline: date, *,
                 metrics: list[str] | tuple[str, ...] = (), recurring: str = "", title: str = "",
                 actor: Actor = SYSTEM, client: str = "", now: datetime | None = None,
                 unless_defined: bool = False) -> int:
        """Define a task (or, recurring='monthly', a rule making one task a month from `period` on); returns its id.

        unless_defined: when a task (not one a rule made) for the same period and campaigns exists, make none and
        return its id; checked under the write lock, so processes doing this at once (the demo loaded by two app
        servers starting together) make one task.

        Raises PermissionRefused for an actor who may not manage tasks or names units outside its own, StoreError
        for an unknown campaign, metric or unit, a deadline before the period ends, a bad recurring value.
        """
        catalog = load_catalog()
        period = parse_task_period(period) if isinstance(period, str) else period
        codes = self._codes(catalog, campaigns, metrics)
        stored_units = self._checked_units(catalog, units, actor, client, "task_add")
        if deadline < period.end:
            raise StoreError.of("cycle.deadline_before_end", deadline=deadline.isoformat(), end=period.end.isoformat())
        if recurring not in ("", MONTHLY):
            raise StoreError.of("cycle.bad_recurring", text=recurring[:20])
        if recurring and period.start.month != period.end.month:
            raise StoreError.of("cycle.recurring_month")
        title = self._checked_title(title)
        now = _utc(now) or datetime.now(timezone.utc)
        with _database_failure("cycle.what_task_new"), self.engine.begin() as conn:
            self._bump_version(conn, now)  # pages cache progress per data version; the first write takes the lock
            if unless_defined:
                twin = conn.execute(select(tasks.c.id).where(
                    (tasks.c.period_start == period.start) & (tasks.c.period_end == period.end)
                    & (tasks.c.campaigns == json.dumps(codes[0])) & tasks.c.parent_id.is_(None))
                    .order_by(tasks.c.id)).first()
                if twin is not None:
                    return twin.id
            task_id = conn.execute(insert(tasks).values(
                title=title, period_start=period.start, period_end=period.end, campaigns=json.dumps(codes[0]),
                metrics=json.dumps(codes[1]), units=stored_units, deadline=deadline, recurring=recurring,
                deadline_days=(deadline - period.end).days if recurring else None, parent_id=None,
                scope=actor.unit if actor.scoped else PROVINCE_UNIT, status=TASK_OPEN,
                created_by=actor.name, created_at=now)).inserted_primary_key[0]
            self.record(actor, "task_add", f"#{task_id} {period.label} {','.join(codes[0])}", client=client,
                        detail=f"units={stored_units} deadline={deadline.isoformat()} recurring={recurring}", conn=conn)
        if recurring:
            self.make_recurring_tasks(now)
        return task_id

    def edit_task(self, task_id: int, *, deadline: date | None = None, units: str | None = None,
                  campaigns: list[str] | None = None, metrics: list[str] | None = None, title: str | None = None,
                  actor: Actor = SYSTEM, client: str = "") -> None:
        """Change a task's deadline, units, campaigns, metrics or title (a rule's: for the months it makes next)."""
        catalog = load_catalog()
        task = self._task_in_scope(task_id, actor, client, "task_edit")
        values: dict[str, object] = {}
        if campaigns is not None or metrics is not None:
            codes = self._codes(catalog, campaigns if campaigns is not None else list(task.campaigns),
                                metrics if metrics is not None else list(task.metrics))
            values.update(campaigns=json.dumps(codes[0]), metrics=json.dumps(codes[1]))
        if units is not None:
            values["units"] = self._checked_units(catalog, units, actor, client, "task_edit")
        if deadline is not None:
            if deadline < task.period.end:
                raise StoreError.of("cycle.deadline_before_end", deadline=deadline.isoformat(),
                                    end=task.period.end.isoformat())
            values["deadline"] = deadline
            if task.is_rule:
                values["deadline_days"] = (deadline - task.period.end).days
        if title is not None:
            values["title"] = self._checked_title(title)
        if not values:
            return
        now = datetime.now(timezone.utc)
        with _database_failure("cycle.what_task", task_id=task_id), self.engine.begin() as conn:
            self._bump_version(conn, now)
            conn.execute(update(tasks).where(tasks.c.id == task_id).values(**values, changed_at=now))
            detail = " ".join(f"{k}={v}" for k, v in values.items())
            self.record(actor, "task_edit", f"#{task_id}", client=client, detail=detail, conn=conn)

    def close_task(self, task_id: int, actor: Actor = SYSTEM, client: str = "", *, reopen: bool = False) -> None:
        """Close a task (no longer chased; a closed rule makes no more months), or reopen it."""
        task = self._task_in_scope(task_id, actor, client, "task_reopen" if reopen else "task_close")
        status = TASK_OPEN if reopen else TASK_CLOSED
        if task.status == status:
            raise StoreError.of("cycle.already_open" if reopen else "cycle.already_closed", task_id=task_id)
        now = datetime.now(timezone.utc)
        with _database_failure("cycle.what_task", task_id=task_id), self.engine.begin() as conn:
            self._bump_version(conn, now)
            conn.execute(update(tasks).where(tasks.c.id == task_id).values(status=status, changed_at=now))
            self.record(actor, "task_reopen" if reopen else "task_close", f"#{task_id}", client=client, conn=conn)

    def make_recurring_tasks(self, now: datetime | None = None) -> int:
        """Make each open rule's monthly tasks up to the month `now` falls in (Asia/Shanghai); returns how many.

        Safe to call from several processes at once: one task per rule and month (a unique constraint).
        """
        today = local_day(now or datetime.now(timezone.utc))
        made = 0
        with self.engine.connect() as conn:
            rules = [_task(r) for r in conn.execute(select(tasks).where((tasks.c.recurring == MONTHLY)
                                                                          & (tasks.c.status == TASK_OPEN)))]
            having = {(r.parent_id, r.period_start) for r in conn.execute(
                select(tasks.c.parent_id, tasks.c.period_start).where(tasks.c.parent_id.is_not(None)))}
        for rule in rules:
            period = rule.period
            while period.start <= today:
                if (rule.id, period.start) not in having:
                    made += self._make_month(rule, period, rule_deadline(rule.period, rule.deadline, period))
                period = period.next_month()
        return made

    def _make_month(self, rule: Task, period: TaskPeriod, deadline: date) -> int:
        from sqlalchemy.exc import IntegrityError

        now = datetime.now(timezone.utc)
        try:
            with self.engine.begin() as conn:
                self._bump_version(conn, now)
                conn.execute(insert(tasks).values(
                    title=rule.title, period_start=period.start, period_end=period.end,
                    campaigns=json.dumps(list(rule.campaigns)), metrics=json.dumps(list(rule.metrics)),
                    units=rule.units, deadline=deadline, recurring="", deadline_days=None, parent_id=rule.id,
                    scope=rule.scope, status=TASK_OPEN, created_by=SYSTEM.name, created_at=now))
        except IntegrityError:  # another process made this month's task meanwhile
            return 0
        return 1

    def task(self, task_id: int) -> Task:
        with self.engine.connect() as conn:
            row = conn.execute(select(tasks).where(tasks.c.id == task_id)).first()
        if row is None:
            raise StoreError.of("cycle.no_task", task_id=task_id)
        return _task(row)

    def tasks(self, *, now: datetime | None = None, include_closed: bool = True) -> list[Task]:
        """Every task (rules and their months), by period then id; the rules' months up to `now` made first."""
        self.make_recurring_tasks(now)
        query = select(tasks).order_by(tasks.c.period_start, tasks.c.id)
        if not include_closed:
            query = query.where(tasks.c.status == TASK_OPEN)
        with self.engine.connect() as conn:
            return [_task(r) for r in conn.execute(query)]

    def tasks_frame(self, *, now: datetime | None = None) -> pd.DataFrame:
        """Every task as a table (TASK_COLUMNS): campaigns and metrics as comma lists, unit_count resolved."""
        catalog = load_catalog()
        self.make_recurring_tasks(now)
        with self.engine.connect() as conn:
            rows = conn.execute(select(tasks).order_by(tasks.c.period_start, tasks.c.id)).all()
        records = []
        for row in rows:
            task = _task(row)
            records.append({
                "id": task.id, "title": task.title, "period": task.period.label, "period_start": task.period.start,
                "period_end": task.period.end, "campaigns": ",".join(task.campaigns), "metrics": ",".join(task.metrics),
                "units": task.units, "unit_count": len(resolve_units(catalog, task.units)),
                "deadline": task.deadline, "recurring": task.recurring, "parent_id": task.parent_id,
                "scope": task.scope, "status": task.status, "created_by": row.created_by,
                "created_at": pd.Timestamp(row.created_at).tz_localize(None) if row.created_at else None,
                "changed_at": pd.Timestamp(row.changed_at).tz_localize(None) if row.changed_at else None,
            })
        return pd.DataFrame(records, columns=TASK_COLUMNS)

    def tasks_for(self, period: TaskPeriod | None = None, campaign: str | None = None, *,
                  start: date | None = None, end: date | None = None, now: datetime | None = None,
                  include_closed: bool = False) -> list[Task]:
        """The monthly/quarterly tasks (not rules) of exactly `period`, or whose period lies in [start, end];
        with `campaign`, those asking for it."""
        found = []
        for task in self.tasks(now=now, include_closed=include_closed):
            if task.is_rule:
                continue
            if period is not None and task.period != period:
                continue
            if start is not None and task.period.start < start:
                continue
            if end is not None and task.period.end > end:
                continue
            if campaign is not None and campaign not in task.campaigns:
                continue
            found.append(task)
        return found

    # ---- progress ------------------------------------------------------------------------------------------------
    def progress(self, task_ids: list[int] | int, now: datetime | None = None) -> pd.DataFrame:
        """Each unit's status for each task (PROGRESS_COLUMNS), tasks in the given order, units in catalog order.

        submitted_at / last_at: the unit's first / latest submission (UTC); upload: the latest one's id; uploads:
        how many it made; days_late: days after the deadline of the first submission (negative: early), or, for a
        unit that has not reported and is past the deadline, days since the deadline; reason: the latest return's.
        A naive `now` is UTC. The facts of all the tasks are read once (pages call this on every rerun).
        """
        catalog = load_catalog()
        now = _utc(now) or datetime.now(timezone.utc)
        ids = [task_ids] if isinstance(task_ids, int) else list(task_ids)
        with self.engine.connect() as conn:
            rows = {row.id: _task(row) for row in conn.execute(select(tasks).where(tasks.c.id.in_(set(ids))))}
        missing = [i for i in ids if i not in rows]
        if missing:
            raise StoreError.of("cycle.no_task", task_id=missing[0])
        chosen = [rows[i] for i in ids if not rows[i].is_rule]
        found = self._submissions(chosen)
        units: dict[str, list[Unit]] = {}
        records = []
        for task in chosen:
            if task.units not in units:
                units[task.units] = resolve_units(catalog, task.units)
            for unit in units[task.units]:
                records.append(_unit_status(task, unit, found[task.id].get(unit.adcode, []), now))
        return pd.DataFrame(records, columns=PROGRESS_COLUMNS)

    def submissions(self, task: Task) -> dict[str, list[dict]]:
        """The uploads that report each unit (by adcode) for the task, oldest first: id, at, review, reason.

        An upload reports a city when any of its figures for the task's period, campaigns (and metrics) is that
        city's or one of its counties'; a county when one is that county's. Undone uploads are left out.
        """
        return self._submissions([task])[task.id]

    def tasks_reported_by(self, upload_id: int) -> list[tuple[Task, list[Unit]]]:
        """The open tasks an upload counts as a submission for, each with the units it reports for it (catalog
        order); tasks it reports no unit of are left out."""
        with self.engine.connect() as conn:
            span = conn.execute(select(fact_sets.c.period_end_min, fact_sets.c.period_end_max)
                                .where(fact_sets.c.upload_id == upload_id)).first()
        if span is None or span.period_end_min is None:
            return []
        catalog = load_catalog()
        chosen = [task for task in self.tasks(include_closed=False) if not task.is_rule
                  and task.period.start <= span.period_end_max and task.period.end >= span.period_end_min]
        found = self._submissions(chosen)
        reported = []
        for task in chosen:
            units = [u for u in resolve_units(catalog, task.units)
                     if any(item["id"] == upload_id for item in found[task.id].get(u.adcode, []))]
            if units:
                reported.append((task, units))
        return reported

    def _submissions(self, chosen: list[Task]) -> dict[int, dict[str, list[dict]]]:
        """submissions() of several tasks, from one read of the facts of every period they span."""
        out: dict[int, dict[str, list[dict]]] = {task.id: {} for task in chosen}
        if not chosen:
            return out
        catalog = load_catalog()
        start, end = min(t.period.start for t in chosen), max(t.period.end for t in chosen)
        columns = ["period_start", "period_end", "city", "county", "campaign"]
        columns += ["metric"] if any(t.metrics for t in chosen) else []
        with self.engine.connect() as conn:
            condition = fact_sets.c.upload_id.in_(
                select(uploads.c.id).where((uploads.c.status != UPLOAD_UNDONE) & (uploads.c.kind == KIND_FIGURES)))
            condition &= (fact_sets.c.period_end_max >= start) & (fact_sets.c.period_end_min <= end)
            facts = _distinct(self._read_facts(conn, condition, columns))
            if facts.empty:
                return out
            arrays = {name: facts[name].to_numpy() for name in ("upload_id", "period_start", "period_end")}
            codes = {name: facts[name].cat.codes.to_numpy().astype(np.int64) for name in columns[2:]}
            names = {name: list(facts[name].cat.categories) for name in columns[2:]}
            per_task = {}  # task id → (upload_id, city code, county code) rows reporting for it
            for task in chosen:
                keep = (np.isin(codes["campaign"], _positions(names["campaign"], task.campaigns))
                        & (arrays["period_start"] >= np.datetime64(task.period.start))
                        & (arrays["period_end"] <= np.datetime64(task.period.end)))
                if task.metrics:
                    keep &= np.isin(codes["metric"], _positions(names["metric"], task.metrics))
                per_task[task.id] = np.unique(np.column_stack(
                    [arrays["upload_id"][keep], codes["city"][keep], codes["county"][keep]]), axis=0)
            ids = sorted({int(i) for rows in per_task.values() for i in rows[:, 0]})
            info = {}
            for part in range(0, len(ids), 500):
                chunk = ids[part:part + 500]
                for row in conn.execute(select(uploads.c.id, uploads.c.uploaded_at, uploads.c.submitted_at,
                                               uploads.c.review).where(uploads.c.id.in_(chunk))):
                    at = _utc(row.submitted_at or row.uploaded_at)  # a record carried over: when it was reported
                    info[row.id] = {"id": row.id, "at": at, "review": row.review, "reason": ""}
                returns = (select(reviews.c.upload_id, reviews.c.reason).order_by(reviews.c.id)
                           .where(reviews.c.upload_id.in_(chunk) & (reviews.c.decision == REVIEW_RETURNED)))
                for row in conn.execute(returns):
                    info[row.upload_id]["reason"] = row.reason
        places: dict[tuple[str, str], tuple[str, ...]] = {}  # (city, county) → the adcodes it reports
        for task in chosen:
            found: dict[str, set[int]] = {}
            for upload_id, city, county in per_task[task.id].tolist():
                key = (names["city"][city] if city >= 0 else "", names["county"][county] if county >= 0 else "")
                if key not in places:
                    places[key] = _reported_units(catalog, *key)
                for adcode in places[key]:
                    found.setdefault(adcode, set()).add(int(upload_id))
            out[task.id] = {adcode: [info[i] for i in sorted(made)] for adcode, made in found.items()}
        return out

    # ---- review --------------------------------------------------------------------------------------------------
    def review(self, upload_id: int, decision: str, reason: str = "", actor: Actor = SYSTEM,
               client: str = "") -> None:
        """Approve (decision 'approved') or return ('returned', with a reason) an upload of figures.

        PermissionRefused: an actor without the review permission, its own upload, figures not all below its unit.
        StoreError: no such upload, an undone one, targets, a return without a reason, the same decision again.
        """
        action = "review_approve" if decision == REVIEW_APPROVED else "review_return"
        if decision not in (REVIEW_APPROVED, REVIEW_RETURNED):
            raise StoreError.of("cycle.bad_decision", text=str(decision)[:20])
        reason = (reason or "").strip()
        if decision == REVIEW_RETURNED and not reason:
            raise StoreError.of("cycle.reason_needed")
        if len(reason) > REASON_MAX or "\x00" in reason:
            raise StoreError.of("cycle.reason_too_long", limit=REASON_MAX)
        with self.engine.connect() as conn:
            row = conn.execute(select(uploads.c.uploader, uploads.c.status, uploads.c.kind, uploads.c.review)
                               .where(uploads.c.id == upload_id)).first()
            if row is None:
                raise StoreError.of("store.no_upload", upload_id=upload_id)
            regions = self._upload_regions(conn, upload_id)
        catalog = load_catalog()
        if not actor.can("review") or (actor is not SYSTEM and row.uploader == actor.name):
            self.record(actor, action, f"#{upload_id}", "refused", client)
            what = "cycle.act_review_own" if actor.can("review") else f"cycle.act_{action}"
            raise refuse(actor, what, upload_id=upload_id)
        if not all(below(actor, catalog, city, county) for city, county in regions):
            self.record(actor, action, f"#{upload_id}", "refused", client, "outside scope")
            raise refuse(actor, "cycle.act_review_outside", upload_id=upload_id,
                         unit=(actor.unit_label(catalog, "zh"), actor.unit_label(catalog, "en")))
        if row.kind != KIND_FIGURES:
            raise StoreError.of("cycle.review_targets", upload_id=upload_id)
        if row.status == UPLOAD_UNDONE:
            raise StoreError.of("cycle.review_undone", upload_id=upload_id)
        if row.review == decision:
            raise StoreError.of("cycle.already_" + decision, upload_id=upload_id)
        now = datetime.now(timezone.utc)
        with _database_failure("store.what_upload", upload_id=upload_id), self.engine.begin() as conn:
            self._bump_version(conn, now)  # takes the write lock: read again, another reviewer may have acted
            current = conn.execute(select(uploads.c.status, uploads.c.review).where(uploads.c.id == upload_id)).one()
            if current.status == UPLOAD_UNDONE:
                raise StoreError.of("cycle.review_undone", upload_id=upload_id)
            if current.review == decision:
                raise StoreError.of("cycle.already_" + decision, upload_id=upload_id)
            conn.execute(update(uploads).where(uploads.c.id == upload_id).values(review=decision, changed_at=now))
            conn.execute(insert(reviews).values(upload_id=upload_id, decision=decision, reason=reason,
                                                actor=actor.name, at=now))
            self.record(actor, action, f"#{upload_id}", client=client, detail=reason, conn=conn)

    def review_history(self, upload_ids: list[int] | None = None) -> pd.DataFrame:
        """Every review decision (upload_id, decision, reason, actor, at UTC), oldest first."""
        query = select(reviews.c.upload_id, reviews.c.decision, reviews.c.reason, reviews.c.actor,
                       reviews.c.at).order_by(reviews.c.id)
        if upload_ids is not None:
            query = query.where(reviews.c.upload_id.in_(upload_ids))
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        return frame

    def may_review(self, actor: Actor, upload_id: int) -> bool:
        """Whether review() would let the actor approve or return that upload (pages show buttons only then);
        whether the decision differs from the upload's present one is the caller's to see (uploads.review)."""
        if not actor.can("review"):
            return False
        with self.engine.connect() as conn:
            row = conn.execute(select(uploads.c.uploader, uploads.c.status, uploads.c.kind)
                               .where(uploads.c.id == upload_id)).first()
            if row is None:
                return False
            regions = self._upload_regions(conn, upload_id)
        return reviewable(actor, load_catalog(), row.uploader, row.kind, row.status, regions)

    def awaiting_review(self) -> int:
        """How many uploads of figures in effect (not undone, not returned) wait for a review (pending)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(uploads).where(
                (uploads.c.status != UPLOAD_UNDONE) & (uploads.c.kind == KIND_FIGURES)
                & (uploads.c.review == REVIEW_PENDING))).scalar_one()

    def returned_uploads(self, uploader: str) -> pd.DataFrame:
        """The uploader's returned uploads it has not yet replaced, newest first (RETURNED_COLUMNS).

        One stays listed until a later upload (by anyone, not undone, whatever its review) reports every figure
        (key) it reported, or until it is undone (withdrawn): no age limit, a return asks for corrected figures.
        figures: its keys; replaced: how many of them a later upload reports. Times are UTC.
        """
        with self.engine.connect() as conn:
            returned = conn.execute(select(uploads.c.id, uploads.c.file_name, uploads.c.uploaded_at).where(
                (uploads.c.uploader == uploader) & (uploads.c.review == REVIEW_RETURNED)
                & (uploads.c.status != UPLOAD_UNDONE) & (uploads.c.kind == KIND_FIGURES))
                .order_by(uploads.c.id.desc())).all()
            if not returned:
                return pd.DataFrame(columns=RETURNED_COLUMNS)
            ids = [row.id for row in returned]
            low, high = conn.execute(select(func.min(fact_sets.c.period_end_min), func.max(fact_sets.c.period_end_max))
                                     .where(fact_sets.c.upload_id.in_(ids))).one()
            later = select(uploads.c.id).where((uploads.c.id > min(ids)) & (uploads.c.status != UPLOAD_UNDONE)
                                              & (uploads.c.kind == KIND_FIGURES))
            condition = fact_sets.c.upload_id.in_(ids)
            if low is not None:
                condition |= (fact_sets.c.upload_id.in_(later) & (fact_sets.c.period_end_max >= low)
                              & (fact_sets.c.period_end_min <= high))
            facts = self._read_facts(conn, condition, KEY_COLUMNS)
            last = {}
            for row in conn.execute(select(reviews.c.upload_id, reviews.c.actor, reviews.c.at, reviews.c.reason)
                                    .where(reviews.c.upload_id.in_(ids) & (reviews.c.decision == REVIEW_RETURNED))
                                    .order_by(reviews.c.id)):
                last[row.upload_id] = row
        keys = pd.Series(list(zip(*[facts[c].astype(str) for c in KEY_COLUMNS])), index=facts.index)
        records = []
        for row in returned:
            mine = set(keys[facts["upload_id"] == row.id])
            replaced = len(mine & set(keys[facts["upload_id"] > row.id]))
            if mine and replaced == len(mine):
                continue
            decision = last.get(row.id)
            records.append({"id": row.id, "file_name": row.file_name, "uploaded_at": _utc(row.uploaded_at),
                            "reviewer": decision.actor if decision else "",
                            "returned_at": _utc(decision.at) if decision else None,
                            "reason": decision.reason if decision else "", "figures": len(mine), "replaced": replaced})
        frame = pd.DataFrame(records, columns=RETURNED_COLUMNS)
        for column in ("uploaded_at", "returned_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        return frame

    # ---- checks ----------------------------------------------------------------------------------------------------
    def _codes(self, catalog: Catalog, campaigns, metrics) -> tuple[list[str], list[str]]:
        names = [campaigns] if isinstance(campaigns, str) else list(campaigns)
        found = []
        for name in names:
            for part in re.split(r"[,，、]", name):
                if not part.strip():
                    continue
                campaign = catalog.campaigns.get(part.strip()) or catalog.campaign_for(part)
                if campaign is None:
                    raise StoreError.of("cycle.unknown_campaign", text=part.strip()[:40])
                if campaign.code not in found:
                    found.append(campaign.code)
        if not found:
            raise StoreError.of("cycle.no_campaign")
        codes = []
        for name in metrics:
            metric = catalog.metrics.get(name.strip()) or catalog.metric_for(name)
            if metric is None:
                raise StoreError.of("cycle.unknown_metric", text=name.strip()[:40])
            if metric.code not in codes:
                codes.append(metric.code)
        return found, codes

    def _checked_units(self, catalog: Catalog, spec: str, actor: Actor, client: str, action: str) -> str:
        if not actor.can("manage_tasks"):
            self.record(actor, action, spec[:200], "refused", client)
            raise refuse(actor, "cycle.act_" + action)
        stored = units_text(catalog, spec)
        outside = [u for u in resolve_units(catalog, stored) if not within(actor, catalog, u)]
        if actor.scoped and spec.strip() in (UNITS_CITIES, UNITS_COUNTIES, UNITS_ALL):
            # a city's reviewer: "counties" means its own counties
            region = catalog.regions.get(actor.unit)
            if region is not None and region.level == "city" and spec.strip() == UNITS_COUNTIES:
                return ",".join(u.adcode for u in resolve_units(catalog, stored) if within(actor, catalog, u))
        if outside:
            self.record(actor, action, spec[:200], "refused", client, "outside scope")
            raise refuse(actor, "cycle.act_task_outside", units="、".join(u.name for u in outside[:10]),
                         unit=(actor.unit_label(catalog, "zh"), actor.unit_label(catalog, "en")))
        return stored

    def _task_in_scope(self, task_id: int, actor: Actor, client: str, action: str) -> Task:
        task = self.task(task_id)
        catalog = load_catalog()
        if not actor.can("manage_tasks") or not all(within(actor, catalog, u)
                                                    for u in resolve_units(catalog, task.units)):
            self.record(actor, action, f"#{task_id}", "refused", client)
            raise refuse(actor, "cycle.act_" + action, task_id=task_id)
        return task

    @staticmethod
    def _checked_title(title: str) -> str:
        title = (title or "").strip()
        if len(title) > TASK_TITLE_MAX or any(ord(ch) < 32 for ch in title):
            raise StoreError.of("cycle.title_unusable", limit=TASK_TITLE_MAX)
        return title


def _unit_status(task: Task, unit: Unit, found: list[dict], now: datetime) -> dict:
    """One unit's row of progress: its status for the task from its submissions (oldest first) at `now`."""
    row = {"task_id": task.id, "unit": unit.name, "adcode": unit.adcode, "level": unit.level, "city": unit.city,
           "submitted_at": None, "last_at": None, "upload": None, "uploads": len(found), "days_late": None,
           "reason": "", "deadline": task.deadline}
    if not found:
        late = now >= deadline_end(task.deadline)
        row["status"] = LATE if late else NOT_REPORTED
        row["days_late"] = days_after(now, task.deadline) if late else None
        return row
    first, last = min(found, key=lambda entry: (entry["at"], entry["id"])), found[-1]  # a record carried over
    row.update(submitted_at=first["at"], last_at=last["at"], upload=last["id"],
               days_late=days_after(first["at"], task.deadline),
               status={REVIEW_PENDING: SUBMITTED, REVIEW_APPROVED: APPROVED, REVIEW_RETURNED: RETURNED}[last["review"]])
    if last["review"] == REVIEW_RETURNED:
        row["reason"] = last["reason"]
    return row


def _distinct(facts: pd.DataFrame) -> pd.DataFrame:
    """The distinct rows of a facts frame (upload_id and the columns read), found on integer codes (fast)."""
    if facts.empty:
        return facts
    codes = pd.DataFrame({name: (facts[name].cat.codes.to_numpy() if isinstance(facts[name].dtype, pd.CategoricalDtype)
                                 else facts[name].to_numpy()) for name in facts.columns})
    return facts[~codes.duplicated().to_numpy()].reset_index(drop=True)


def _positions(categories: list[str], wanted) -> list[int]:
    """The category codes of the wanted values (those present)."""
    wanted = set(wanted)
    return [i for i, name in enumerate(categories) if name in wanted]


def _reported_units(catalog: Catalog, city: str, county: str) -> tuple[str, ...]:
    """The adcodes a figure of (city, county) reports: the city, and its county; none for the province's."""
    city_region = catalog.city_by_name(city)
    if city_region is None:
        return ()  # province-level figures report no city or county
    region = catalog.county_by_name(city, county) if county else None
    return (city_region.adcode,) if region is None else (city_region.adcode, region.adcode)


def _utc(value) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
