"""What every page shares: language, sidebar filters, 'data as of', and a guard against tracebacks."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

import cached
from analytics import Filters, add_months, data_months, default_window, month_end
from catalog import Catalog
from i18n import format_month, language_from_locale, t

LOG = logging.getLogger("dashboard")
LANG_KEY = "lang"


def current_language() -> str:
    """The chosen language; the first time, the browser's locale decides."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = language_from_locale(st.context.locale)
    return st.session_state[LANG_KEY]


def language_switch() -> str:
    current_language()
    st.sidebar.radio(
        t("language", "zh"), options=["zh", "en"], key=LANG_KEY, horizontal=True,
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
    return st.session_state[LANG_KEY]


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_from_key(key: str) -> date:
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def sidebar_filters(facts: pd.DataFrame, catalog: Catalog, lang: str) -> Filters:
    """Period (preset or custom month range), cities and campaigns; shared by every page via session state."""
    sidebar = st.sidebar
    sidebar.subheader(t("filters", lang))
    default_start, default_end = default_window(facts)
    months = [_month_key(d) for d in data_months(facts)] or [_month_key(default_start)]
    years = sorted({int(m[:4]) for m in months}, reverse=True)
    presets = ["last12", "all", *[f"year:{y}" for y in years], "custom"]

    def preset_label(option: str) -> str:
        if option.startswith("year:"):
            return t("preset_year", lang, year=option[5:])
        return t(f"preset_{option}", lang)

    preset = sidebar.selectbox(t("period", lang), presets, format_func=preset_label, key="period_preset")
    if preset == "all" and months:
        start, end = _month_from_key(months[0]), month_end(_month_from_key(months[-1]))
    elif preset.startswith("year:"):
        year = int(preset[5:])
        start, end = date(year, 1, 1), date(year, 12, 31)
    elif preset == "custom":
        options = _month_range_options(months, default_start, default_end)
        lower, upper = sidebar.select_slider(
            t("months", lang), options=options, key="period_months",
            value=(_month_key(default_start), _month_key(default_end)),
            format_func=lambda key: format_month(_month_from_key(key), lang),
        )
        start, end = _month_from_key(lower), month_end(_month_from_key(upper))
    else:
        start, end = default_start, default_end
    sidebar.caption(t("window", lang, start=format_month(start, lang), end=format_month(end, lang)))

    city_names = [c.name for c in catalog.cities]
    cities = sidebar.multiselect(
        t("cities", lang), city_names, key="cities", placeholder=t("cities_all", lang),
        format_func=lambda name: catalog.city_by_name(name).label(lang),
    )
    campaigns = sidebar.multiselect(
        t("campaigns", lang), list(catalog.campaigns), key="campaigns", placeholder=t("campaigns_all", lang),
        format_func=lambda code: catalog.campaigns[code].label(lang),
    )
    return Filters(start=start, end=end, cities=tuple(cities), campaigns=tuple(campaigns))


def _month_range_options(months: list[str], default_start: date, default_end: date) -> list[str]:
    """Every month from the earliest with data (or the default window) to the latest."""
    first = min([_month_from_key(months[0]), default_start]) if months else default_start
    last = max([_month_from_key(months[-1]), default_end]) if months else default_end
    keys, day = [], first
    while day <= last:
        keys.append(_month_key(day))
        day = add_months(day, 1)
    return keys


def data_as_of(lang: str) -> None:
    """A caption with the time of the newest upload in effect, in China Standard Time."""
    when = cached.get_store().latest_upload_time()
    if when is None:
        st.caption(t("no_data_yet", lang))
        return
    local = pd.Timestamp(when).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    st.caption(t("data_as_of", lang, when=f"{local} (UTC+8)"))


def demo_note(lang: str) -> None:
    uploads = cached.uploads()
    if not uploads.empty and ((uploads["source"] == "demo") & (uploads["status"] == "active")).any():
        st.info(t("demo_note", lang), icon="ℹ️")


def guarded(render: Callable[[], None]) -> None:
    """Run a page; an unexpected exception is logged and shown as a plain message, never a traceback."""
    try:
        render()
    except Exception:  # noqa: BLE001 - the last line of defence for users
        LOG.exception("page failed")
        lang = st.session_state.get(LANG_KEY, "zh")
        st.error(t("error_unexpected", lang))


CONTEXT_KEY = "_page_context"


class PageContext:
    """What dashboard.py prepares for the page it runs: language, catalog, facts in effect, filters."""

    def __init__(self, lang: str, catalog: Catalog, facts: pd.DataFrame, filters: Filters):
        self.lang = lang
        self.catalog = catalog
        self.facts = facts
        self.filters = filters


def build_context() -> PageContext:
    """Draw the shared sidebar and remember its choices for the page about to run."""
    lang = language_switch()
    catalog = cached.catalog()
    facts = cached.active_facts()
    filters = sidebar_filters(facts, catalog, lang)
    context = PageContext(lang, catalog, facts, filters)
    st.session_state[CONTEXT_KEY] = context
    return context


def page_context() -> PageContext:
    return st.session_state[CONTEXT_KEY]
