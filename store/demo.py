"""Load the demo files into an empty store, through the same loader path uploads use."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from settings import DEMO_DIR
from store.accounts import SYSTEM, Actor
from store.core import ImportOutcome, Store, StoreError
from store.cycle import parse_task_period
from store.users import refuse
from store.schema import UPLOAD_ACTIVE, UPLOAD_UNDONE

# the figures, then the demo targets (made up: the report sets none; its name says 演示目标) as a targets upload
DEMO_FILES = ("2020年7月防汛保电统计表.xlsx", "文明实践台账_2019-2020.csv", "演示目标_2020年7月防汛保电.csv")
DEMO_UPLOADER = "demo"
# when the demo's flood workbook was reported: its 填报日期 line says 2020年7月31日 (taken as noon, Asia/Shanghai),
# so the demo task shows it reported a week before the deadline, not on the day this store was filled
DEMO_REPORTED = {"2020年7月防汛保电统计表.xlsx": datetime(2020, 7, 31, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))}
# the demo's reporting task (#12): the 13 cities' flood-season figures for July 2020, due on 7 August
DEMO_TASK_TITLE = "2020年7月防汛保电（演示）"
DEMO_TASK = {"period": "2020-07", "campaigns": ["flood_power"], "units": "cities", "deadline": date(2020, 8, 7)}


def load_demo(store: Store) -> list[ImportOutcome]:
    """Import every demo file as an upload of its own (each can be undone); returns what was stored.

    A demo file that was stored before is skipped, so two processes starting at once store it once.
    """
    from loaders import parse_path  # the spreadsheet readers: imported when the demo is loaded, not with the app

    outcomes = []
    for name in DEMO_FILES:
        path = DEMO_DIR / name
        result = parse_path(path)
        try:
            outcomes.append(store.import_result(result, path.read_bytes(), uploader=DEMO_UPLOADER, source="demo",
                                                submitted_at=DEMO_REPORTED.get(name)))
        except StoreError:
            if store.find_upload_by_sha(_sha(path)) is None:
                raise
    ensure_demo_task(store)
    return outcomes


def ensure_demo_task(store: Store) -> int | None:
    """Define the demo's reporting task unless a task for its period and campaign exists; returns its id if made
    (or, when another process made it at the same moment, that one's id: one task either way)."""
    spec = DEMO_TASK
    if store.tasks_for(parse_task_period(spec["period"]), spec["campaigns"][0], include_closed=True):
        return None
    return store.add_task(spec["period"], spec["campaigns"], spec["units"], spec["deadline"], title=DEMO_TASK_TITLE,
                          unless_defined=True)


def ensure_demo(store: Store) -> list[ImportOutcome]:
    """Load the demo only into a store that has never had an upload (an undone demo stays undone)."""
    if store.upload_count() > 0:
        return []
    return load_demo(store)


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def demo_upload_ids(store: Store) -> list[int]:
    """Every upload of the demo data, in effect or undone."""
    history = store.uploads()
    return sorted(int(i) for i in history.loc[history["source"] == "demo", "id"])


def remove_demo(store: Store, actor: Actor = SYSTEM, client: str = "") -> list[int]:
    """Take every demo upload out of the totals in one action (undoable with restore_demo); returns those undone."""
    return _set_demo(store, UPLOAD_UNDONE, actor, client)


def restore_demo(store: Store, actor: Actor = SYSTEM, client: str = "") -> list[int]:
    """Put every demo upload back into effect in one action; returns those restored."""
    return _set_demo(store, UPLOAD_ACTIVE, actor, client)


def _set_demo(store: Store, status: str, actor: Actor, client: str) -> list[int]:
    action = "demo_remove" if status == UPLOAD_UNDONE else "demo_restore"
    if not actor.can("manage_demo"):
        store.record(actor, action, "demo", "refused", client)
        raise refuse(actor, "store.act_demo")
    changed = store.set_statuses(demo_upload_ids(store), status, actor=actor, client=client)
    if actor is not SYSTEM:
        store.record(actor, action, ", ".join(f"#{i}" for i in changed), client=client)
    return changed
