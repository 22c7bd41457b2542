"""The one place Streamlit caching wraps pure functions; caches key on the store's data version."""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

import analytics
from analytics import data_months, default_window, level_inconsistencies, with_levels
from catalog import Catalog, load_catalog
from exports import reporting_template
from exports.targets_template import targets_template
from loaders import Defaults, LoaderError, ParseResult, parse_isolated
from settings import get_settings
from store import Store
from store.accounts import Actor
from store.demo import ensure_demo


@st.cache_resource(show_spinner=False)
def _store(url: str, load_demo: bool) -> Store:
    store = Store(url)
    if load_demo:
        ensure_demo(store)
    return store


def get_store() -> Store:
    """The store named by the settings (demo data loaded into it once, if empty and enabled)."""
    settings = get_settings()
    return _store(settings.database_url, settings.load_demo)


# Per data version, once per process and shared by every session (cache_resource: no copy per rerun; callers never
# change what they get): the facts in effect, their monthly cube, what the sidebar needs of them, the inconsistencies.
@st.cache_resource(show_spinner=False, max_entries=2)
def _active_facts(url: str, version: int) -> pd.DataFrame:
    # text columns are categories: filtering and grouping stay fast; the roll-up masks are computed once per version
    return with_levels(_store_for(url).active_facts())


@st.cache_resource(show_spinner=False, max_entries=2)
def _monthly_cube(url: str, version: int) -> pd.DataFrame:
    return analytics.monthly_cube(_active_facts(url, version))


@st.cache_resource(show_spinner=False, max_entries=2)
def _data_span(url: str, version: int) -> tuple[list, tuple]:
    facts = _active_facts(url, version)
    return data_months(facts), default_window(facts)


@st.cache_resource(show_spinner=False, max_entries=2)
def _inconsistencies(url: str, version: int) -> pd.DataFrame:
    return level_inconsistencies(_active_facts(url, version), catalog())


@st.cache_resource(show_spinner=False, max_entries=2)
def _city_rows(url: str, version: int) -> dict[str, np.ndarray]:
    facts = _active_facts(url, version)
    return {str(city): rows for city, rows in facts.groupby("city", observed=True, sort=False).indices.items()}


def monthly_cube() -> pd.DataFrame:
    """The facts in effect summed per month, city, campaign and metric (analytics.monthly_cube), per data version."""
    store = get_store()
    return _monthly_cube(store.url, store.data_version())


def data_span() -> tuple[list, tuple]:
    """(analytics.data_months, analytics.default_window) of the facts in effect."""
    store = get_store()
    return _data_span(store.url, store.data_version())


def inconsistencies() -> pd.DataFrame:
    """analytics.level_inconsistencies of every figure in effect; filter_facts narrows it (no counties chosen)."""
    store = get_store()
    return _inconsistencies(store.url, store.data_version())


def city_facts(city: str) -> pd.DataFrame:
    """The facts in effect of one city (its rows taken from the shared frame, not a filter over all of them)."""
    store = get_store()
    version = store.data_version()
    facts = _active_facts(store.url, version)
    rows = _city_rows(store.url, version).get(city)
    return facts.iloc[rows] if rows is not None else facts.iloc[0:0]


@st.cache_data(show_spinner=False, max_entries=4)
def _uploads(url: str, version: int) -> pd.DataFrame:
    return _store_for(url).uploads()


@st.cache_data(show_spinner=False, max_entries=8)
def _upload_facts(url: str, version: int, upload_id: int) -> pd.DataFrame:
    return _store_for(url).upload_facts(upload_id)


def upload_facts(upload_id: int) -> pd.DataFrame:
    """An upload's facts and what became of each, re-read whenever the data version changes."""
    store = get_store()
    return _upload_facts(store.url, store.data_version(), upload_id)


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


def _store_for(url: str) -> Store:
    settings = get_settings()
    return _store(url, settings.load_demo)


def active_facts() -> pd.DataFrame:
    """Every figure in effect, re-read whenever the data version changes (in any process)."""
    store = get_store()
    return _active_facts(store.url, store.data_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _active_targets(url: str, version: int) -> pd.DataFrame:
    return _store_for(url).active_targets()


def active_targets() -> pd.DataFrame:
    """Every target (目标) in effect, re-read whenever the data version changes."""
    store = get_store()
    return _active_targets(store.url, store.data_version())


def uploads() -> pd.DataFrame:
    store = get_store()
    return _uploads(store.url, store.data_version())


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
    return reporting_template(catalog(), lang)


@st.cache_data(show_spinner=False)
def template_of_targets(lang: str) -> bytes:
    """The targets template (目标模板), once per language."""
    return targets_template(catalog(), lang)
