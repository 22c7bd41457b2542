"""The one place Streamlit caching wraps pure functions; caches key on the store's data version.

The data version is read once per script run (data_version), so a rerun costs one small query however many cached
readers its page uses, and the readers of a run see one version. Another process's change (another app server on
the same PostgreSQL) is seen at this session's next run; a change made through this process during a run
(Store.writes) makes the next reader look again.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from threading import Lock
from weakref import WeakKeyDictionary

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import analytics
from analytics import data_months, default_window, level_inconsistencies, with_levels
from catalog import Catalog, load_catalog
from loaders import Defaults, LoaderError, ParseResult, parse_isolated
from reporting import Reported, assess_units, reported_count, window_tasks
from settings import get_settings
from store import Store
from store.accounts import Actor
from store.cycle import SHANGHAI, Task, reviewable
from store.schema import REVIEW_PENDING
from store.summaries import decode_frame, encode_frame

_log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _store(url: str, load_demo: bool) -> Store:
    store = Store(url)
    if load_demo:
        from store.demo import ensure_demo  # not imported where KPI_DEMO=0 (production)

        ensure_demo(store)
    return store


def get_store() -> Store:
    """The store named by the settings (demo data loaded into it once, if empty and enabled): looked up once per
    script run (a page asks a score of times; the settings are read from the environment and the cached resource
    hashed on each lookup)."""
    memo = _run_memo()
    if memo is not None and "store" in memo:
        return memo["store"]
    settings = get_settings()
    store = _store(settings.database_url, settings.load_demo)
    if memo is not None:
        memo["store"] = store
    return store


def data_version() -> int:
    """The store's data version for this script run: one query per run, another only after a write through this
    process (Store.writes). Outside a script run (no marker), every call asks the store."""
    store = get_store()
    memo = _run_memo()
    seen = memo.get("version") if memo is not None else None
    if seen is not None and seen[:2] == (store.url, store.writes):
        return seen[2]
    writes = store.writes  # before the read: a write racing with it makes the next reader look again
    version = store.data_version()
    if memo is not None:
        memo["version"] = (store.url, writes, version)
    return version


_run_memos: WeakKeyDictionary = WeakKeyDictionary()  # a script run's marker -> what get_store, data_version noted
_run_lock = Lock()


def _run_memo() -> dict | None:
    """What this script run has noted (its store; its data version with the store's url and writes), a dict made
    afresh for every run and dropped with it; None outside a run."""
    run = _this_run()
    if run is None:
        return None
    with _run_lock:
        return _run_memos.setdefault(run, {})


def _this_run() -> object | None:
    """An object Streamlit makes afresh for every script run (a full run or a fragment's), gone when the run is over:
    the run's parallel-fragment coordinator. None outside a run."""
    context = get_script_run_ctx(suppress_warning=True)
    return getattr(context, "parallel_coordinator", None) if context is not None else None


@st.cache_data(show_spinner=False, max_entries=4)
def _latest_upload_time(url: str, version: int) -> datetime | None:
    return _store_for(url).latest_upload_time()


def latest_upload_time() -> datetime | None:
    """When the newest upload in effect was stored (Store.latest_upload_time), re-read when the data version changes."""
    return _latest_upload_time(get_store().url, data_version())


# Per data version, once per process and shared by every session (cache_resource: no copy per rerun; callers never
# change what they get): the facts in effect, their monthly cube, what the sidebar needs of them, the inconsistencies.
@st.cache_resource(show_spinner=False, max_entries=2)
def _active_facts(url: str, version: int) -> pd.DataFrame:
    # text columns are categories: filtering and grouping stay fast; the roll-up masks are computed once per version
    facts = with_levels(_store_for(url).active_facts())
    _facts_read.add((url, version))
    return facts


_facts_read: set[tuple[str, int]] = set()  # (url, version) whose facts _active_facts holds (city_facts takes its rows)


SUMMARY = "monthly_cube"  # the store's summary (store/summaries.py): the monthly cube, the span in its notes
INCONSISTENCIES = "inconsistencies"  # analytics.level_inconsistencies of every figure


def _kept_or_made(url: str, version: int, name: str,
                  make: Callable[[pd.DataFrame], tuple[pd.DataFrame, dict[str, str]]]) -> tuple[pd.DataFrame, dict]:
    """A summary of a data version: read from the store where a process (this one before a restart, or another
    server) kept it, else made from the facts and kept for the others (never for an empty store)."""
    store = _store_for(url)
    kept = store.summary(name, version)
    if kept is not None:
        try:
            return decode_frame(kept)
        except Exception:  # noqa: BLE001 (a summary that cannot be read is made again)
            _log.warning("the kept %s of version %s could not be read; made again", name, version, exc_info=True)
    facts = _active_facts(url, version)
    frame, notes = make(facts)
    if not facts.empty:
        store.keep_summary(name, version, encode_frame(frame, notes))
    return frame, notes


@st.cache_resource(show_spinner=False, max_entries=2)
def _summary(url: str, version: int) -> tuple[pd.DataFrame, tuple[list, tuple]]:
    """The monthly cube and the data span of a data version (_kept_or_made). What the dashboards draw first needs
    only these, so a server started on unchanged figures shows them without reading the facts."""
    def make(facts: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
        return analytics.monthly_cube(facts), _span_notes((data_months(facts), default_window(facts))) \
            if not facts.empty else {}

    cube, notes = _kept_or_made(url, version, SUMMARY, make)
    return cube, _span_of(notes) if notes else ([], default_window(_active_facts(url, version)))


def _span_notes(span: tuple[list, tuple]) -> dict[str, str]:
    months, (start, end) = span
    return {"first_month": months[0].isoformat(), "last_month": months[-1].isoformat(),
            "window_start": start.isoformat(), "window_end": end.isoformat()}


def _span_of(notes: dict[str, str]) -> tuple[list, tuple]:
    first, last = date.fromisoformat(notes["first_month"]), date.fromisoformat(notes["last_month"])
    months = [stamp.date() for stamp in pd.date_range(first, last, freq="MS")]
    return months, (date.fromisoformat(notes["window_start"]), date.fromisoformat(notes["window_end"]))


def _monthly_cube(url: str, version: int) -> pd.DataFrame:
    return _summary(url, version)[0]


def _data_span(url: str, version: int) -> tuple[list, tuple]:
    return _summary(url, version)[1]


@st.cache_resource(show_spinner=False, max_entries=2)
def _inconsistencies(url: str, version: int) -> pd.DataFrame:
    """Kept in the store like the cube: made from a decade of a province it costs a second and 70 MB at its peak."""
    return _kept_or_made(url, version, INCONSISTENCIES, lambda facts: (level_inconsistencies(facts, catalog()), {}))[0]


@st.cache_resource(show_spinner=False, max_entries=2)
def _city_rows(url: str, version: int) -> dict[str, np.ndarray]:
    facts = _active_facts(url, version)
    return {str(city): rows for city, rows in facts.groupby("city", observed=True, sort=False).indices.items()}


@st.cache_resource(show_spinner=False, max_entries=8)
def _coarser_cube(url: str, version: int, keep: tuple[str, ...]) -> pd.DataFrame:
    return analytics.coarser_cube(_monthly_cube(url, version), keep)


def monthly_cube(keep: tuple[str, ...] = analytics.CUBE_DIMENSIONS) -> pd.DataFrame:
    """The facts in effect summed per month, city, campaign and metric (analytics.monthly_cube), per data version;
    summed over the dimensions (city, campaign) not in `keep` (analytics.coarser_cube)."""
    store = get_store()
    return _coarser_cube(store.url, data_version(), tuple(keep))


def data_span() -> tuple[list, tuple]:
    """(analytics.data_months, analytics.default_window) of the facts in effect."""
    store = get_store()
    return _data_span(store.url, data_version())


def inconsistencies() -> pd.DataFrame:
    """analytics.level_inconsistencies of every figure in effect; filter_facts narrows it (no counties chosen)."""
    store = get_store()
    return _inconsistencies(store.url, data_version())


def city_facts(city: str) -> pd.DataFrame:
    """The facts in effect of one city: its rows of the shared frame where a page has read every fact already,
    else that city's alone from the store (By region's counties need no decade of the other twelve cities)."""
    store = get_store()
    version = data_version()
    if (store.url, version) in _facts_read:
        facts = _active_facts(store.url, version)
        rows = _city_rows(store.url, version).get(city)
        return facts.iloc[rows] if rows is not None else facts.iloc[0:0]
    return _one_city_facts(store.url, version, city)


@st.cache_resource(show_spinner=False, max_entries=16)
def _one_city_facts(url: str, version: int, city: str) -> pd.DataFrame:
    # the roll-up masks of a city's figures depend on that city's figures only (analytics.level_masks)
    return with_levels(_store_for(url).active_facts(cities=[city]))


@st.cache_data(show_spinner=False, max_entries=4)
def _uploads(url: str, version: int) -> pd.DataFrame:
    return _store_for(url).uploads()


@st.cache_data(show_spinner=False, max_entries=8)
def _upload_facts(url: str, version: int, upload_id: int) -> pd.DataFrame:
    return _store_for(url).upload_facts(upload_id)


def upload_facts(upload_id: int) -> pd.DataFrame:
    """An upload's facts and what became of each, re-read whenever the data version changes."""
    store = get_store()
    return _upload_facts(store.url, data_version(), upload_id)


@st.cache_data(show_spinner=False, max_entries=20_000)
def _upload_regions(url: str, upload_id: int) -> frozenset[tuple[str, str]]:
    return frozenset(_store_for(url).upload_regions(upload_id))  # an upload's figures never change


def uploads_for(actor: Actor) -> pd.DataFrame:
    """The uploads an actor's history shows: all of them, or for an actor bound to a unit those with figures
    within it (what it may undo or download of them the store decides: Store.may_act_on)."""
    history = uploads()
    if not actor.scoped or history.empty:
        return history
    store, regions = get_store(), catalog()
    keep = [any(actor.covers(regions, city, county) for city, county in _upload_regions(store.url, int(upload_id)))
            for upload_id in history["id"]]
    return history[keep].reset_index(drop=True)


def upload_regions(upload_id: int) -> frozenset[tuple[str, str]]:
    """The (city, county) pairs of an upload's figures (they never change)."""
    return _upload_regions(get_store().url, upload_id)


# ---- review (#12) ---------------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def _reviews(url: str, version: int) -> pd.DataFrame:
    return _store_for(url).review_history()


def reviews() -> pd.DataFrame:
    """Every review decision (Store.review_history), re-read whenever the data version changes."""
    store = get_store()
    return _reviews(store.url, data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _awaiting_review(url: str, version: int) -> int:
    return _store_for(url).awaiting_review()


def awaiting_review() -> int:
    """How many uploads of figures in effect wait for a review (the dashboards' note)."""
    store = get_store()
    return _awaiting_review(store.url, data_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _returned_uploads(url: str, version: int, uploader: str) -> pd.DataFrame:
    return _store_for(url).returned_uploads(uploader)


def returned_uploads(uploader: str) -> pd.DataFrame:
    """The uploader's returned uploads not yet replaced (Store.returned_uploads)."""
    store = get_store()
    return _returned_uploads(store.url, data_version(), uploader)


def uploads_to_review(actor: Actor) -> pd.DataFrame:
    """The uploads awaiting the actor's review, newest first: pending, in effect, figures, and ones review() lets it
    decide (store.cycle.reviewable: permission, scope, not its own)."""
    history = uploads()
    if history.empty or not actor.can("review"):
        return history.iloc[0:0]
    regions = catalog()
    pending = history[history["review"] == REVIEW_PENDING]
    keep = [reviewable(actor, regions, row.uploader, row.kind, row.status, upload_regions(int(row.id)))
            for row in pending.itertuples()]
    return pending[keep].reset_index(drop=True)


def _store_for(url: str) -> Store:
    settings = get_settings()
    return _store(url, settings.load_demo)


def active_facts() -> pd.DataFrame:
    """Every figure in effect, re-read whenever the data version changes (in any process)."""
    store = get_store()
    return _active_facts(store.url, data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _active_targets(url: str, version: int) -> pd.DataFrame:
    return _store_for(url).active_targets()


def active_targets() -> pd.DataFrame:
    """Every target (目标) in effect, re-read whenever the data version changes."""
    store = get_store()
    return _active_targets(store.url, data_version())


def uploads() -> pd.DataFrame:
    store = get_store()
    return _uploads(store.url, data_version())


@st.cache_resource(show_spinner=False, max_entries=4)
def _demo_only(url: str, version: int) -> bool:
    found = _uploads(url, version)
    active = found[found["status"] == "active"] if not found.empty else found
    return bool(not active.empty and (active["source"] == "demo").all())


def demo_only() -> bool:
    """Whether the uploads in effect are the demo's alone (then the totals are the source report's), per data version
    (a dashboard asks on every rerun; the uploads' table is not copied each time for it)."""
    store = get_store()
    return _demo_only(store.url, data_version())


@st.cache_resource(show_spinner=False)
def catalog() -> Catalog:
    return load_catalog()


PARSED_KEY = "_parsed_uploads"


def parse_upload(data: bytes, name: str, defaults: Defaults, progress=None) -> ParseResult | LoaderError:
    """Parse an uploaded file once per (content, defaults) in this session; re-runs reuse the result.

    The file is parsed in a bounded worker process (loaders/isolated.py): whatever it does to its reader,
    this server goes on. Returns a ParseResult, or the LoaderError when the file cannot be read (safely).
    """
    memo = st.session_state.setdefault(PARSED_KEY, {})
    key = (hashlib.sha256(data).hexdigest(), name, defaults)  # defaults hold the column aliases (Defaults.columns)
    if key in memo:
        memo[key] = memo.pop(key)  # the newest last: a preview's first parse stays while its choices are tried
    else:
        try:
            memo[key] = parse_isolated(data, name, defaults, catalog=catalog(), progress=progress)
        except LoaderError as error:
            memo[key] = error
        while len(memo) > 4:  # keep the session small (a parsed 100,000-row file holds ~800,000 facts)
            memo.pop(next(iter(memo)))
    return memo[key]


@st.cache_data(show_spinner=False)
def template(lang: str) -> bytes:
    """The reporting template (building it takes about half a second, so once per language)."""
    from exports.template import reporting_template  # openpyxl: imported when a template is asked for

    return reporting_template(catalog(), lang)


@st.cache_data(show_spinner=False)
def template_of_targets(lang: str) -> bytes:
    """The targets template (目标模板), once per language."""
    from exports.targets_template import targets_template

    return targets_template(catalog(), lang)


# ---- the reporting cycle (#12): tasks and progress, per data version and Shanghai hour (lateness follows the clock)
def _hour() -> str:
    return datetime.now(SHANGHAI).strftime("%Y-%m-%d %H")


@st.cache_data(show_spinner=False, max_entries=4)
def _tasks(url: str, version: int, hour: str) -> list[Task]:
    return _store_for(url).tasks()


def tasks() -> list[Task]:
    """Every task (rules, their months made up to now, closed ones too)."""
    store = get_store()
    return _tasks(store.url, data_version(), _hour())


@st.cache_data(show_spinner=False, max_entries=4)
def _tasks_frame(url: str, version: int, hour: str) -> pd.DataFrame:
    return _store_for(url).tasks_frame()


def tasks_frame() -> pd.DataFrame:
    """Every task as a table (store.cycle.TASK_COLUMNS)."""
    store = get_store()
    return _tasks_frame(store.url, data_version(), _hour())


@st.cache_data(show_spinner=False, max_entries=16)
def _progress(url: str, version: int, hour: str, task_ids: tuple[int, ...]) -> pd.DataFrame:
    return _store_for(url).progress(list(task_ids))


def progress(task_ids: Iterable[int]) -> pd.DataFrame:
    """Each unit's status for each task (store.cycle.PROGRESS_COLUMNS), as of now."""
    store = get_store()
    return _progress(store.url, data_version(), _hour(), tuple(task_ids))


@st.cache_data(show_spinner=False, max_entries=8)
def _assessment(url: str, version: int, hour: str, task_ids: tuple[int, ...]) -> pd.DataFrame:
    return assess_units(_store_for(url), list(task_ids))


def assessment(task_ids: Iterable[int]) -> pd.DataFrame:
    """Each unit's timeliness, first-time-right and restatement rates over the tasks, ranked (reporting.py)."""
    store = get_store()
    return _assessment(store.url, data_version(), _hour(), tuple(sorted(task_ids)))


def window_reported(start: date, end: date, campaigns: tuple[str, ...]) -> Reported | None:
    """N of M task-units reported over the open tasks of a window (and campaigns); None when no task covers it."""
    found = window_tasks(tasks(), start, end, campaigns)
    if not found:
        return None
    return reported_count(progress(task.id for task in found))


# ---- at server start -------------------------------------------------------------------------------------------
WARM_CUBES = ((), ("city",), ("campaign",), analytics.CUBE_DIMENSIONS)  # every cube_dimensions a page asks for


def warm_up() -> bool:
    """Read what the dashboards need first (the monthly cubes, the sidebar's span and the consistency check, kept
    in the store or made, and the targets) and import the charting modules, into the caches the pages use: run in
    a thread of its own at server start (webapp.start_up) while the first browser loads the page, so that the first
    visitor after a start or a deploy does not wait for them. The facts themselves are read by the first page that
    needs them (a county chosen, By region's counties, the data page): reading them here would slow the first
    visitor's clicks and hold their memory in a server no one asks for them. Never raises: a store it cannot read
    now is read by the first page as usual (and shows its message there). Returns whether everything was read."""
    try:
        import charts  # noqa: F401  (plotly.express and the chart helpers: a second of imports on a cold disk)

        store = get_store()
        url, version = store.url, store.data_version()
        catalog()
        for keep in WARM_CUBES:  # what the Overview and By region draw from: the kept summary where there is one
            _coarser_cube(url, version, keep)
        _active_targets(url, version)
        _inconsistencies(url, version)  # By region's consistency check
        return True
    except Exception:  # noqa: BLE001 (a start must not fail for it; the first page reports what is wrong)
        _log.warning("warm-up at start did not complete; the first page reads the store itself", exc_info=True)
        return False
