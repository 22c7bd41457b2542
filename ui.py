"""What every page shares: language, sidebar filters, 'data as of', safe messages and tables, a guard against tracebacks.

User text (file, sheet and uploader names, cell texts, messages quoting them) reaches Markdown only as a field of
`md`/`say`, which escape it; tables go through `table`, whose downloads are formula-safe.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from numbers import Number

import pandas as pd
import streamlit as st

import cached
from analytics import (
    COUNTED, COUNTY_SEPARATOR, Filters, add_months, briefing_figures, county_key, data_months, default_window,
    filter_facts, month_end, split_county_key, with_levels,
)
from catalog import Catalog
from charts import campaign_colors
from errors import KpiError
from exports.briefing import PPTX_MIME, briefing_file
from exports.tables import CSV_MIME, XLSX_MIME, table_csv, table_xlsx
from i18n import format_delta, format_month, format_number, format_value, language_from_locale, t
import webauth
from safetext import escape_label, escape_markdown
from settings import get_settings
from store.accounts import ANONYMOUS, Actor
from store.plausibility import history_text, reason_text

LOG = logging.getLogger("dashboard")
LANG_KEY = "lang"
ACTOR_KEY = "_actor"  # who this run is for (an Actor), set by identify() at the start of every run
LOGIN_URL, LOGOUT_URL = "/auth/login", "/auth/logout"  # webauth.py's routes (served by webapp.py)


KEPT_KEYS = (LANG_KEY, "period_preset", "period_from", "period_to", "cities", "counties", "campaigns")
ROWS_SHOWN = 5_000  # rows of facts a table shows at most (a browser grid of 800,000 rows is of no use)


def md(key: str, lang: str, **fields: object) -> str:
    """The text for `key` as Markdown: the template is ours, every value filled in is escaped (numbers stay numbers)."""
    return t(key, lang, **{name: value if isinstance(value, Number) else escape_markdown(value)
                           for name, value in fields.items()})


def say(kind: str, key: str, lang: str, **fields: object) -> None:
    """Show `md(key, lang, **fields)` as st.<kind>: markdown, caption, subheader, success, info, warning or error."""
    getattr(st, kind)(md(key, lang, **fields))


def table(frame: pd.DataFrame, key: str, lang: str, name: str,
          export: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
          about: Sequence[tuple[str, str]] = (), **options) -> None:
    """A table (st.dataframe, index hidden) and, under it, our own .xlsx / .csv downloads of it.

    The files hold `export` (a frame, or a function making one when a button is clicked) or else `frame`; `name`
    (one of our texts) names the files and the sheet; `about` (label, text) pairs head them (the view's filters).
    Their bytes are made on click, formula-safe (exports.tables).
    """
    st.dataframe(shown_frame(frame), key=key, hide_index=True, **{"width": "stretch", **options})
    download_pair(export if export is not None else frame, key, lang, name, about)


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as shown: a missing cell blank (st.dataframe would show "None"); numbers with a missing cell as text."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not column.isna().any():
            continue
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            whole = all(float(v).is_integer() for v in column.dropna())
            out[name] = ["" if pd.isna(v) else f"{int(v)}" if whole else format_number(v) for v in column]
        else:
            out[name] = ["" if _missing(v) else v for v in column.astype(object)]
    return out


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def download_pair(frame: pd.DataFrame | Callable[[], pd.DataFrame], key: str, lang: str, name: str,
                  about: Sequence[tuple[str, str]] = ()) -> None:
    """Two compact buttons, 下载 .xlsx and 下载 .csv, keyed `{key}_xlsx` and `{key}_csv`."""
    def made() -> pd.DataFrame:
        return frame() if callable(frame) else frame

    row = st.container(horizontal=True, gap="small")
    row.download_button(t("download_xlsx", lang), lambda: table_xlsx(made(), name, about), f"{name}.xlsx", XLSX_MIME,
                        key=f"{key}_xlsx", help=t("download_help", lang), on_click="ignore", type="tertiary",
                        icon=":material/download:")
    row.download_button(t("download_csv", lang), lambda: table_csv(made(), about), f"{name}.csv", CSV_MIME,
                        key=f"{key}_csv", help=t("download_help", lang), on_click="ignore", type="tertiary",
                        icon=":material/download:")


def _keep(key: str) -> str:
    return f"_kept_{key}"


def restore_shared_widgets() -> None:
    """Give the sidebar widgets their values from the last run (Streamlit forgets them on a page switch)."""
    for key in KEPT_KEYS:
        if _keep(key) in st.session_state:
            st.session_state[key] = st.session_state[_keep(key)]


def _kept(key: str) -> Callable[[], None]:
    """An on_change callback that remembers the widget's new value under a key Streamlit never clears."""
    def keep() -> None:
        st.session_state[_keep(key)] = st.session_state[key]
    return keep


def remember_shared_widgets() -> None:
    for key in KEPT_KEYS:
        if key in st.session_state:
            st.session_state[_keep(key)] = st.session_state[key]


# ---- the view in the URL: ?from=2020-07&to=2020-07&city=南京市&campaign=flood_power&metric=teams&lang=en ------
URL_SEEN_KEY = "_view_url_seen"  # the query string as this session last read or wrote it
MONTH_PATTERN = re.compile(r"^\d{4}-\d{2}$")
VIEW_PARAMS = ("from", "to", "period", "city", "county", "campaign", "metric", "lang")
METRIC_KEY = "view_metric"  # the metric last chosen in a page's metric picker (or given by the link)
METRIC_PICKERS = ("trend_metric", "ranking_metric", "region_metric", "campaign_metric")
PENDING_METRIC_KEY = "_view_metric_pending"  # metric pickers still to be set from the link


def _query_now() -> dict[str, list[str]]:
    return {key: list(st.query_params.get_all(key)) for key in st.query_params}


def view_from_url() -> None:
    """Take the filters from the link: on a session's first run, and whenever the query string becomes one the app
    did not write itself (st.switch_page / st.page_link with query_params, a link pasted in the same session).

    A link that names a view sets the whole view: what it leaves out (cities, counties, campaigns, period, metric)
    goes back to the default; the language stays unless given. Values that name nothing are left out, never an error.
    """
    now = _query_now()
    if st.session_state.get(URL_SEEN_KEY) == now:
        return
    first_run = URL_SEEN_KEY not in st.session_state
    st.session_state[URL_SEEN_KEY] = now
    if not any(key in now for key in VIEW_PARAMS):
        return  # nothing to read (a page switch clears the query string; the next run writes the view back)
    params = st.query_params
    wanted: dict[str, object] = {}
    if params.get("lang") in ("zh", "en"):
        wanted[LANG_KEY] = params.get("lang")
    first, last = params.get("from", ""), params.get("to", "")
    if MONTH_PATTERN.match(first or "") or MONTH_PATTERN.match(last or ""):
        wanted["period_preset"] = "custom"
        wanted["period_from"] = first if MONTH_PATTERN.match(first or "") else last
        wanted["period_to"] = last if MONTH_PATTERN.match(last or "") else first
    elif params.get("period") in ("last12", "all") or re.fullmatch(r"\d{4}", params.get("period") or ""):
        period = params.get("period")
        wanted["period_preset"] = period if period in ("last12", "all") else f"year:{period}"
    elif not first_run:
        wanted["period_preset"] = "last12"
    catalog = cached.catalog()
    cities = [c.name for text in params.get_all("city") if (c := _city_named(catalog, text)) is not None]
    counties = [found for text in params.get_all("county") if (found := _county_named(catalog, text, cities))]
    cities += [split_county_key(key)[0] for key in counties]  # a county's city is chosen with it
    campaigns = [c.code for text in params.get_all("campaign") if (c := catalog.campaign_for(text)) is not None]
    wanted["cities"] = list(dict.fromkeys(cities))
    wanted["counties"] = list(dict.fromkeys(counties))
    wanted["campaigns"] = list(dict.fromkeys(campaigns))
    metric = catalog.metric_for(params.get("metric") or "")
    st.session_state[METRIC_KEY] = metric.code if metric else None
    st.session_state[PENDING_METRIC_KEY] = set(METRIC_PICKERS) if metric else set()
    for key, value in wanted.items():
        st.session_state[key] = value
        st.session_state[_keep(key)] = value


def _city_named(catalog: Catalog, text: str):
    found = [r for r in catalog.regions_for(text) if r.level == "city"]
    return found[0] if len(found) == 1 else None


def _county_named(catalog: Catalog, text: str, cities: list[str]) -> str | None:
    """A county of the link as a county_key: '南京市/高淳区', or '高淳区' where one county (of the link's cities) has it."""
    city_text, separator, county_text = text.partition(COUNTY_SEPARATOR)
    name = county_text if separator else city_text
    found = [r for r in catalog.regions_for(name) if r.level == "county"]
    if separator:
        city = _city_named(catalog, city_text)
        found = [r for r in found if city is not None and r.parent_adcode == city.adcode]
    elif len(found) > 1 and cities:
        found = [r for r in found if catalog.city_of(r).name in cities]
    return county_key(catalog.city_of(found[0]).name, found[0].name) if len(found) == 1 else None


def view_to_url(lang: str) -> None:
    """The filters now chosen, written into the query string (so the address bar is a link to this view)."""
    state = st.session_state
    view: dict[str, object] = {}
    preset = state.get("period_preset", "last12")
    if preset == "custom":
        view["from"], view["to"] = state.get("period_from", ""), state.get("period_to", "")
    elif preset != "last12":
        view["period"] = preset.removeprefix("year:")
    if state.get("cities"):
        view["city"] = list(state["cities"])
    if state.get("counties"):
        view["county"] = list(state["counties"])
    if state.get("campaigns"):
        view["campaign"] = list(state["campaigns"])
    if state.get(METRIC_KEY):
        view["metric"] = state[METRIC_KEY]
    view["lang"] = lang
    written = {k: (list(v) if isinstance(v, list) else [v]) for k, v in view.items()}
    if _query_now() != written:
        st.query_params.from_dict(view)
    state[URL_SEEN_KEY] = written


def current_language() -> str:
    """The chosen language; the link's, else the browser's locale decides the first time."""
    view_from_url()
    restore_shared_widgets()
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = language_from_locale(st.context.locale)
    return st.session_state[LANG_KEY]


def language_switch() -> str:
    current_language()
    st.sidebar.radio(
        t("language", "zh"), options=["zh", "en"], key=LANG_KEY, horizontal=True, on_change=_kept(LANG_KEY),
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
    return st.session_state[LANG_KEY]


# ---- who is logged in ---------------------------------------------------------------------------------
def request_cookies() -> Mapping[str, str]:
    """The cookies this browser sent when it connected.

    AppTest cannot send cookies: tests replace this function (monkeypatch ui.request_cookies) with one returning
    a cookie signed like webauth's, so that they go through the same signature and session checks as a browser.
    """
    return st.context.cookies


def identify() -> Actor:
    """Who this run is for: the account of a signed, live session cookie, else the anonymous visitor.

    dashboard.py calls it once at the start of every run; pages read the result with current_actor().
    """
    token = webauth.cookie_token(request_cookies(), webauth.secret_key())
    actor = cached.get_store().session_actor(token) if token else None
    st.session_state[ACTOR_KEY] = actor or ANONYMOUS
    return st.session_state[ACTOR_KEY]


def current_actor() -> Actor:
    """The actor of this run (identify() of dashboard.py), passed to every store write of a page."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else identify()


def client_address() -> str:
    """The browser's address as Streamlit gives it (for the audit), or '' (none under AppTest)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""


def may_view(actor: Actor) -> bool:
    """Whether the actor sees the dashboards: an account that may, or anyone when KPI_PUBLIC_VIEW=1."""
    return actor.can("view") and (bool(actor.name) or get_settings().public_view)


def account_box(actor: Actor, catalog: Catalog, lang: str) -> None:
    """The sidebar's account: who is logged in (name, role, unit) with a log-out link, or a log-in link."""
    box = st.sidebar.container(border=True)
    if actor.name:
        box.markdown(md("signed_in_as", lang, name=actor.display_name or actor.name))
        box.caption(md("signed_in_role", lang, role=actor.role_label(lang), unit=actor.unit_label(catalog, lang)))
        box.link_button(t("logout_link", lang), LOGOUT_URL, icon=":material/logout:", type="tertiary")
    else:
        box.caption(t("visitor", lang))
        box.link_button(t("login_link", lang), LOGIN_URL, icon=":material/login:", type="tertiary")


def login_prompt() -> None:
    """The only page for an anonymous visitor when KPI_PUBLIC_VIEW=0: a log-in link."""
    lang = language_switch()
    st.title(t("app_title", lang))
    st.info(t("login_required", lang), icon=":material/lock:")
    st.link_button(t("login_link", lang), LOGIN_URL, icon=":material/login:", type="primary")


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

    if st.session_state.get("period_preset") not in presets:
        st.session_state["period_preset"] = "last12"
    preset = sidebar.selectbox(t("period", lang), presets, format_func=preset_label, key="period_preset",
                               on_change=_kept("period_preset"))
    if preset == "all" and months:
        start, end = _month_from_key(months[0]), month_end(_month_from_key(months[-1]))
    elif preset.startswith("year:"):
        year = int(preset[5:])
        start, end = date(year, 1, 1), date(year, 12, 31)
    elif preset == "custom":
        options = _month_range_options(months, default_start, default_end)
        for key, fallback in (("period_from", default_start), ("period_to", default_end)):
            if st.session_state.get(key) not in options:
                st.session_state[key] = _month_key(fallback)
        left, right = sidebar.columns(2)
        lower = left.selectbox(t("month_from", lang), options, key="period_from", on_change=_kept("period_from"),
                               format_func=lambda key: format_month(_month_from_key(key), lang))
        upper = right.selectbox(t("month_to", lang), options, key="period_to", on_change=_kept("period_to"),
                                format_func=lambda key: format_month(_month_from_key(key), lang))
        lower, upper = min(lower, upper), max(lower, upper)
        start, end = _month_from_key(lower), month_end(_month_from_key(upper))
    else:
        start, end = default_start, default_end
    sidebar.caption(t("window", lang, start=format_month(start, lang), end=format_month(end, lang)))

    city_names = [c.name for c in catalog.cities]
    cities = sidebar.multiselect(
        t("cities", lang), city_names, key="cities", on_change=_kept("cities"), placeholder=t("cities_all", lang),
        format_func=lambda name: catalog.city_by_name(name).label(lang),
    )
    counties = _county_select(catalog, cities, lang)
    campaigns = sidebar.multiselect(
        t("campaigns", lang), list(catalog.campaigns), key="campaigns", on_change=_kept("campaigns"), placeholder=t("campaigns_all", lang),
        format_func=lambda code: catalog.campaigns[code].label(lang),
    )
    view_to_url(lang)
    return Filters(start=start, end=end, cities=tuple(cities), campaigns=tuple(campaigns), counties=tuple(counties))


def _county_select(catalog: Catalog, cities: list[str], lang: str) -> list[str]:
    """The counties multiselect, offered once cities are chosen, with only their counties (county_key values)."""
    options = [county_key(city, county.name) for city in cities for county in catalog.counties_of(city)]
    chosen = [key for key in st.session_state.get("counties") or [] if key in options]
    if chosen != (st.session_state.get("counties") or []):
        st.session_state["counties"] = chosen
        st.session_state[_keep("counties")] = chosen
    if not options:
        return []

    def label(key: str) -> str:
        city, county = split_county_key(key)
        region = catalog.county_by_name(city, county)
        name = region.label(lang) if region else county
        return name if len(cities) == 1 else f"{catalog.city_by_name(city).label(lang)} · {name}"

    return st.sidebar.multiselect(
        t("counties", lang), options, key="counties", on_change=_kept("counties"), placeholder=t("counties_all", lang),
        format_func=label, help=t("counties_help", lang),
    )


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
    st.caption(t("data_as_of", lang, when=f"{local_time(when)} (UTC+8)"))


def demo_note(lang: str) -> None:
    """The demo's note, only while the demo uploads are the only ones in effect (then the totals are the report's)."""
    uploads = cached.uploads()
    active = uploads[uploads["status"] == "active"] if not uploads.empty else uploads
    if not active.empty and (active["source"] == "demo").all():
        st.info(t("demo_note", lang), icon=":material/info:")


def show_error(error: KpiError, lang: str) -> None:
    """Any error of the family (errors.KpiError: a store refusal, an unreadable file, …): its text, as st.error."""
    say("error", "store_refused", lang, message=error.text(lang))


def guarded(render: Callable[[], None]) -> None:
    """Run a page; an unexpected exception is logged and shown as a plain message, never a traceback.

    An error of the family (errors.KpiError) a page did not catch itself is shown with its own text.
    """
    try:
        render()
    except KpiError as error:
        LOG.info("page stopped by %s: %s", type(error).__name__, error.en)
        show_error(error, st.session_state.get(LANG_KEY, "zh"))
    except Exception:  # noqa: BLE001 - the last line of defence for users
        LOG.exception("page failed")
        lang = st.session_state.get(LANG_KEY, "zh")
        st.error(t("error_unexpected", lang))


class PageContext:
    """What dashboard.py prepares for the page it runs: language, catalog, facts in effect, filters."""

    def __init__(self, lang: str, catalog: Catalog, facts: pd.DataFrame, filters: Filters):
        self.lang = lang
        self.catalog = catalog
        self.facts = facts
        self.filters = filters


def metric_picker(ctx: "PageContext", options: list[str], key: str, preferred: str) -> str:
    """A metric selectbox labelled in the user's language; `preferred` is chosen first when offered.

    The link's metric (?metric=teams) sets it once; the metric chosen here is written back into the link.
    """
    pending = st.session_state.get(PENDING_METRIC_KEY) or set()
    if key in pending:
        st.session_state[PENDING_METRIC_KEY] = pending - {key}
        if st.session_state.get(METRIC_KEY) in options:
            st.session_state[key] = st.session_state[METRIC_KEY]
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]  # a metric with no figures in this view: never shown as a stale choice

    def chosen() -> None:
        st.session_state[METRIC_KEY] = st.session_state[key]

    first = {} if key in st.session_state else {"index": options.index(preferred) if preferred in options else 0}
    return st.selectbox(t("metric", ctx.lang), options, key=key, on_change=chosen, **first,
                        format_func=lambda code: ctx.catalog.metrics[code].label(ctx.lang))


def start_page(title_key: str, *, demo_note_shown: bool = True, permission: str = "view",
               filters: bool = True) -> PageContext:
    """The shared sidebar, then the page's title, 'data as of', the demo note and any message from the last action.

    A page runs only for an actor with `permission` (and, for anonymous visitors, only with KPI_PUBLIC_VIEW=1):
    dashboard.py offers no other page, and this stops one run some other way (a v1 pages/ URL before the
    navigation exists, a test) with a message and nothing else. `filters=False`: a page the period, city and
    campaign filters do not affect (upload, history, users, audit, aliases) shows none of them.
    """
    context = page_context(filters)
    actor = current_actor()
    if not (may_view(actor) and actor.can(permission)):
        st.warning(t("not_permitted" if actor.name else "login_required", context.lang), icon=":material/lock:")
        st.stop()
    st.title(t(title_key, context.lang))
    data_as_of(context.lang)
    if demo_note_shown:
        demo_note(context.lang)
    after_rerun_message()
    if permission == "view":  # the filtered views (overview, by region): a briefing of what they show
        briefing_downloads(context)
    return context


def briefing_downloads(ctx: PageContext) -> None:
    """下载简报 / Download briefing below the sidebar's filters: .pptx and .xlsx of the page's view and language.

    The bytes are made only when a button is clicked (exports/briefing.py; on_click="ignore": no rerun).
    """
    lang, filters, catalog, facts = ctx.lang, ctx.filters, ctx.catalog, ctx.facts
    as_of = cached.get_store().latest_upload_time()

    def made(kind: str) -> Callable[[], bytes]:
        def build() -> bytes:
            try:
                figures = briefing_figures(facts, filters, catalog, cached.active_targets())
                return briefing_file(figures, catalog, lang, as_of, kind, campaign_colors(catalog))
            except Exception:  # Streamlit would pass the exception's text on to the browser: ours instead, logged
                LOG.exception("briefing failed")
                raise RuntimeError(t("error_unexpected", lang)) from None
        return build

    name = f"{t('brief_file', lang)}_{filters.start:%Y-%m}_{filters.end:%Y-%m}"
    st.sidebar.caption(t("brief_download", lang))
    row = st.sidebar.container(horizontal=True, gap="small")
    row.download_button(t("brief_download_pptx", lang), made("pptx"), f"{name}.pptx", PPTX_MIME, key="briefing_pptx",
                        help=t("brief_download_help", lang), on_click="ignore", icon=":material/slideshow:")
    row.download_button(t("brief_download_xlsx", lang), made("xlsx"), f"{name}.xlsx", XLSX_MIME, key="briefing_xlsx",
                        help=t("brief_download_help", lang), on_click="ignore", icon=":material/table:")


def page_context(filters: bool = True) -> PageContext:
    """Draw the shared sidebar (from inside the page, so it is part of the page run) and return its choices.

    Without `filters` the sidebar has no filters and the context holds the default window (the filters chosen
    elsewhere are kept for the pages that show them).
    """
    restore_shared_widgets()
    lang = language_switch()
    catalog = cached.catalog()
    account_box(current_actor(), catalog, lang)
    facts = cached.active_facts()
    if filters:
        chosen = sidebar_filters(facts, catalog, lang)
    else:
        chosen = Filters(*default_window(facts))
    remember_shared_widgets()
    return PageContext(lang, catalog, facts, chosen)


def nothing_to_show(ctx: PageContext) -> None:
    """Why a page has no figures: an empty store (upload data, with a link, or whom to ask), else the filters."""
    if not ctx.facts.empty:
        st.info(t("nothing_in_window", ctx.lang), icon=":material/filter_alt_off:")
        return
    if current_actor().can("upload"):
        st.info(t("empty_store_upload", ctx.lang), icon=":material/upload_file:")
        st.page_link("pages/upload.py", label=t("empty_store_link", ctx.lang), icon=":material/upload_file:")
    else:
        st.info(t("empty_store_ask", ctx.lang), icon=":material/info:")


def kpi_label(catalog: Catalog, metric: str, lang: str) -> tuple[str, str]:
    """A KPI card's label and the start of its help: 服务队（支） in Chinese; in English the label alone (a unit
    in brackets is cut off on a narrow card) and the unit in the help."""
    entry = catalog.metrics[metric]
    if lang == "zh":
        return f"{entry.label(lang)}（{entry.unit(lang)}）", ""
    return entry.card_en or entry.label(lang), t("kpi_unit", lang, unit=entry.unit(lang)) + " "


def problems_frame(problems: list, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Problems as a table in the user's language, errors first (row numbers as text, or as numbers for a download)."""
    rows = [
        {
            t("severity", lang): t(p.severity, lang), t("sheet", lang): p.sheet,
            t("row", lang): p.row if numbers else "" if p.row is None else str(p.row),
            t("column", lang): p.column, t("value", lang): p.value,
            t("explanation", lang): p.zh if lang == "zh" else p.en,
        }
        for p in sorted(problems, key=lambda p: (p.severity != "error", p.sheet, p.row or 0))
    ]
    return pd.DataFrame(rows)


def local_time(stamp) -> str:
    """A UTC timestamp as China Standard Time text."""
    if stamp is None or pd.isna(stamp):
        return ""
    return pd.Timestamp(stamp).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")


def after_rerun_message(text: str | None = None) -> None:
    """Show a success message on the next run (after st.rerun), or remember one (Markdown made by `md`) to show."""
    if text is not None:
        st.session_state["_flash"] = text
    elif "_flash" in st.session_state:
        st.success(st.session_state.pop("_flash"))


def facts_frame(facts: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Facts with labelled columns in the user's language: figures as shown (8,100+), or as numbers for a download."""
    return pd.DataFrame({
        t("period_col", lang): [_period_text(s, e, lang) for s, e in zip(facts["period_start"], facts["period_end"])],
        t("city", lang): [_city_text(catalog, c, lang) for c in facts["city"]],
        t("county", lang): _texts(facts["county"]),
        t("unit_col", lang): _texts(facts["unit"]),
        t("campaign", lang): [catalog.campaigns[c].label(lang) for c in facts["campaign"]],
        t("metric", lang): [catalog.metrics[m].label(lang) for m in facts["metric"]],
        **_figures(facts["value"], facts["qualifier"], t("value", lang), lang, numbers),
        t("sheet", lang): _texts(facts["sheet"]),
        t("row", lang): facts["row"],
    })


def _figures(values, qualifiers, label: str, lang: str, numbers: bool) -> dict[str, list]:
    """A column of figures as shown (8,100+, 约350,000) or, with `numbers`, the number and its qualifier beside it."""
    if not numbers:
        return {label: [format_value(v, q, lang) for v, q in zip(values, qualifiers)]}
    return {label: [None if pd.isna(v) else float(v) for v in values],
            t("qualifier_of", lang, column=label): [t(f"qualifier_{q}", lang) if q else "" for q in qualifiers]}


def _texts(values: pd.Series) -> list[str]:
    """Plain text per cell ('' stays blank: a category '' would show as "None" in a table)."""
    return [value if isinstance(value, str) else "" for value in values]


def upload_facts_frame(marks: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """An upload's facts (Store.upload_facts) with what became of each: in effect, corrected by which upload, undone."""
    table = facts_frame(marks, catalog, lang, numbers)
    table.insert(0, t("status", lang), [_fact_status(active, by, upload, lang, same) for active, by, upload, same in zip(
        marks["active"], marks["superseded_by"], marks["upload_id"], marks["reconfirmed"])])
    return table


def upload_facts_summary(marks: pd.DataFrame, lang: str) -> str:
    """How many of an upload's figures are in effect, re-confirmed or corrected since, undone."""
    active = int(marks["active"].sum())
    undone = int((marks["superseded_by"].isna() & ~marks["active"]).sum())
    repeated = int((marks["superseded_by"] == marks["upload_id"]).sum())
    reconfirmed = int(marks["reconfirmed"].sum())
    text = t("upload_facts_counts", lang, active=active, reconfirmed=reconfirmed, undone=undone,
             corrected=len(marks) - active - undone - repeated - reconfirmed)
    return f"{text} {t('upload_facts_repeated', lang, repeated=repeated)}" if repeated else text


def _fact_status(active: bool, superseded_by, upload_id: int, lang: str, reconfirmed: bool = False) -> str:
    if active:
        return t("fact_in_effect", lang)
    if pd.isna(superseded_by):
        return t("fact_undone", lang)
    if int(superseded_by) == int(upload_id):
        return t("fact_repeated", lang)
    if reconfirmed:
        return t("fact_reconfirmed_by", lang, id=int(superseded_by))
    return t("fact_superseded_by", lang, id=int(superseded_by))


def changes_frame(changes: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Corrections as old → new (as shown, or as numbers for a download)."""
    table = facts_frame(changes, catalog, lang, numbers)
    table = table.drop(columns=[c for c in table.columns if c in (t("value", lang), t("qualifier_of", lang, column=t("value", lang)))])
    old = _figures(changes["old_value"], changes["old_qualifier"], t("old_value", lang), lang, numbers)
    new = _figures(changes["value"], changes["qualifier"], t("new_value", lang), lang, numbers)
    return table.assign(**old, **new)


def checks_frame(checks: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Figures to check (store/plausibility.py): why, the figure, the old value or the median, the 12 months before."""
    table = facts_frame(checks.assign(remarks="", sheet="", row=None), catalog, lang, numbers)
    table = table.drop(columns=[c for c in table.columns if c in (
        t("value", lang), t("qualifier_of", lang, column=t("value", lang)), t("sheet", lang), t("row", lang))])
    rows = list(checks.itertuples())
    table.insert(0, t("check_reason", lang), [reason_text(row, lang) for row in rows])
    old = _figures(checks["old_value"], checks["old_qualifier"].fillna(""), t("old_value", lang), lang, numbers)
    median = _figures(checks["median"], [""] * len(checks), t("check_median", lang), lang, numbers)
    new = _figures(checks["value"], checks["qualifier"], t("new_value", lang), lang, numbers)
    if not numbers:  # a figure that corrects nothing has no old value: blank, not "—"
        old = {name: ["" if pd.isna(v) else text for v, text in zip(checks["old_value"], column)]
               for name, column in old.items()}
    return table.assign(**old, **{t("check_median", lang): median[t("check_median", lang)]}, **new,
                        **{t("check_history", lang): [history_text(row, lang) for row in rows]})


def metric_totals_frame(totals: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Per-metric totals of a file (analytics.metric_totals): metric, total, unit."""
    return pd.DataFrame({
        t("metric", lang): [catalog.metrics[m].label(lang) for m in totals["metric"]],
        **_figures(totals["value"], totals["qualifier"], t("value", lang), lang, numbers),
        t("unit_of_measure", lang): [catalog.metrics[m].unit(lang) for m in totals["metric"]],
    })


def dropped_frame(dropped: list, lang: str) -> pd.DataFrame:
    """Rows a loader left out (合计 rows, notes) and why."""
    return pd.DataFrame({
        t("sheet", lang): [d.sheet for d in dropped], t("row", lang): [d.row for d in dropped],
        t("text", lang): [d.text for d in dropped], t("reason", lang): [d.zh if lang == "zh" else d.en for d in dropped],
    })


def city_table_frame(table: pd.DataFrame, catalog: Catalog, lang: str, qualifiers: pd.DataFrame | None = None,
                     numbers: bool = False) -> pd.DataFrame:
    """analytics.city_metric_table with the city as its first column and metric labels (with units) as headers.

    With `qualifiers` (analytics.city_metric_qualifiers) the figures are shown as reports say them (8,100+, 约350,000,
    blank where a city has none); `numbers` keeps them numbers (for a download).
    """
    if qualifiers is not None and not numbers:
        table = pd.DataFrame({code: ["" if pd.isna(v) else format_value(v, q if isinstance(q, str) else "", lang)
                                     for v, q in zip(table[code], qualifiers.reindex_like(table)[code])]
                              for code in table.columns}, index=table.index)
    labelled = table.rename(columns=lambda code: f"{catalog.metrics[code].label(lang)} ({catalog.metrics[code].unit(lang)})")
    labelled.insert(0, t("city", lang), [_city_text(catalog, name, lang) for name in table.index])
    return labelled.reset_index(drop=True)


def _period_text(start, end, lang: str) -> str:
    first, last = format_month(pd.Timestamp(start), lang), format_month(pd.Timestamp(end), lang)
    return first if first == last else f"{first}–{last}"


def _city_text(catalog: Catalog, city: str, lang: str) -> str:
    if city == "":
        return t("province_level", lang)
    region = catalog.city_by_name(city)
    return region.label(lang) if region else city


def uploads_frame(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The upload history with labelled columns, for showing."""
    return pd.DataFrame({
        t("upload_id", lang): history["id"],
        t("file_name", lang): history["file_name"],
        t("status", lang): [t(f"status_{s}", lang) for s in history["status"]],
        t("kind_column", lang): [t(f"kind_{k}", lang) for k in (history["kind"] if "kind" in history else
                                                                ["figures"] * len(history))],
        t("uploaded_by", lang): history["uploader"],
        t("uploaded_at", lang): [local_time(s) for s in history["uploaded_at"]],
        t("source", lang): [t(f"source_{s}", lang) for s in history["source"]],
        t("added", lang): _counts_text(history["facts_added"]),
        **{t(key, lang): _counts_text(history[column]) for key, column in UPLOAD_COUNTS},
        t("warnings", lang): history["warnings"],
    })


# the counts of store/changes.py as the history shows them: i18n key, uploads column
UPLOAD_COUNTS = [("count_new", "facts_new"), ("count_changed", "facts_changed"),
                 ("count_unchanged", "facts_unchanged"), ("count_left_out", "left_out")]


def _counts_text(values: pd.Series) -> list[str]:
    """Counts as text, "—" where an upload saved by an older version did not keep it (store/legacy.py)."""
    return ["—" if pd.isna(value) else f"{int(value):,}" for value in values]


# ---- levels and roll-up ----------------------------------------------------------------------------------
def total_changes_frame(changes: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Province totals before and after saving a file (analytics.level_impact): metric, before, after, change."""
    delta = [None if pd.isna(b) else a - b for a, b in zip(changes["after"], changes["before"])]
    return pd.DataFrame({
        t("metric", lang): [catalog.metrics[m].label(lang) for m in changes["metric"]],
        **_figures(changes["before"], changes["before_qualifier"], t("total_before", lang), lang, numbers),
        **_figures(changes["after"], changes["after_qualifier"], t("total_after", lang), lang, numbers),
        t("total_delta", lang): delta if numbers else [format_delta(d, lang) or "—" for d in delta],
        t("unit_of_measure", lang): [catalog.metrics[m].unit(lang) for m in changes["metric"]],
    })


def inconsistencies_frame(found: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Wholes whose parts add up to more (analytics.level_inconsistencies), labelled."""
    return pd.DataFrame({
        t("period_col", lang): [_period_text(s, e, lang) for s, e in zip(found["period_start"], found["period_end"])],
        t("city", lang): [_city_text(catalog, c, lang) for c in found["city"]],
        t("county", lang): [c if c else t("whole_city", lang) for c in _texts(found["county"])],
        t("campaign", lang): [catalog.campaigns[c].label(lang) if c in catalog.campaigns else c for c in found["campaign"]],
        t("metric", lang): [catalog.metrics[m].label(lang) if m in catalog.metrics else m for m in found["metric"]],
        **_figures(found["value"], found["qualifier"], t("whole_figure", lang), lang, numbers),
        **_figures(found["parts"], [""] * len(found), t("parts_sum", lang), lang, numbers),
        t("parts_count", lang): found["parts_facts"],
    })


def out_of_scope_frame(outside: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """Rows of a file outside the actor's unit (store.accounts.out_of_scope): sheet, row, city, county."""
    return pd.DataFrame({
        t("sheet", lang): _texts(outside["sheet"]), t("row", lang): outside["row"],
        t("city", lang): [_city_text(catalog, str(c), lang) for c in outside["city"]],
        t("county", lang): _texts(outside["county"].astype(str)),
    })


# ---- accounts and the audit (#10) ---------------------------------------------------------------------------
AUDIT_ACTIONS = ("login", "login_failed", "login_locked", "account_locked", "logout", "setup", "upload", "undo",
                 "redo", "download", "alias_add", "alias_remove", "demo_remove", "demo_restore", "user_add",
                 "user_enable", "user_disable", "user_password", "user_role")


def unit_options(catalog: Catalog) -> list[str]:
    """Units an account may be bound to: the province (''), then each city followed by its counties."""
    units = [""]
    for city in catalog.cities:
        units += [city.adcode, *[county.adcode for county in catalog.counties_of(city.name)]]
    return units


def unit_text(catalog: Catalog, unit: str, lang: str) -> str:
    """A unit (adcode, '' = the province) as shown: 江苏省, 南京市, 南京市 · 高淳区."""
    return Actor("", "", "viewer", unit or "").unit_label(catalog, lang)


def users_frame(accounts: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """The accounts (Store.users) with labelled columns: name, display name, role, unit, active, created."""
    return pd.DataFrame({
        t("user_name", lang): accounts["name"],
        t("user_display_name", lang): accounts["display_name"],
        t("user_role", lang): [Actor("", "", role).role_label(lang) for role in accounts["role"]],
        t("user_unit", lang): [unit_text(catalog, unit, lang) for unit in accounts["unit"]],
        t("user_active", lang): accounts["active"].astype(bool),
        t("user_created_at", lang): [local_time(s) for s in accounts["created_at"]],
    })


def audit_frame(entries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Audit entries (Store.audit_entries) with labelled columns, times in China Standard Time."""
    return pd.DataFrame({
        t("audit_at", lang): [pd.Timestamp(s).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M:%S")
                              for s in entries["at"]],
        t("audit_actor", lang): entries["actor"], t("audit_action", lang): entries["action"],
        t("audit_target", lang): entries["target"], t("audit_outcome", lang): entries["outcome"],
        t("audit_client", lang): entries["client"], t("audit_detail", lang): entries["detail"],
    })


def alias_target_text(target: str, catalog: Catalog, lang: str) -> str:
    """What a column alias reads its header as: a metric's label, or 'ignore this column'."""
    metric = catalog.metrics.get(target)
    if metric is not None:
        return metric.label(lang)
    return t("map_ignore", lang) if target == "ignore" else target


def aliases_frame(aliases: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """The column aliases (Store.aliases) with labelled columns: header, read as, code, added when and by whom."""
    return pd.DataFrame({
        t("alias_header", lang): aliases["header"],
        t("alias_target", lang): [alias_target_text(code, catalog, lang) for code in aliases["target"]],
        t("alias_code", lang): aliases["target"],
        t("alias_created_at", lang): [local_time(s) for s in aliases["created_at"]],
        t("alias_created_by", lang): aliases["created_by"],
        t("source", lang): [t(f"source_{s}", lang) for s in aliases["source"]],
    })


# ---- cross-filtering and drill-through (#11, item 4) ----------------------------------------------------------
# A click on a city's bar or map area narrows this page only (its KPI cards and trend, or its county breakdown and
# city table); the sidebar's filters, the other pages and the link stay as they are. The page says so and offers
# a clear button; clicking the same bar again clears it too.
DATA_PAGE = "pages/data.py"


def _focus(scope: str, part: str) -> str:
    return f"_focus_{scope}_{part}"


def focus_chart_key(scope: str, key: str) -> str:
    """The key of a clickable chart: renewed by clear_focus, so that the chart's own selection is cleared too."""
    turn = st.session_state.get(_focus(scope, "turn"), 0)
    return key if turn == 0 else f"{key}_{turn}"


def selected_city(event, catalog: Catalog) -> str | None:
    """The city of the first point selected in a chart's event: a bar's customdata, or a map area's adcode."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    custom = point.get("customdata")
    name = custom[0] if isinstance(custom, (list, tuple)) and custom else custom if isinstance(custom, str) else None
    if name and catalog.city_by_name(name) is not None:
        return name
    region = catalog.regions.get(str(point.get("location", "")))
    return region.name if region is not None and region.level == "city" else None


def city_focus(scope: str, chart_keys: tuple[str, ...], catalog: Catalog) -> str | None:
    """The city this page is narrowed to by a click in one of its charts (None: not narrowed).

    Read before the charts are drawn (a chart's selection is in session state from the start of the run): the
    latest chart whose selection changed decides; a selection emptied (the same bar clicked again) clears it.
    """
    state = st.session_state
    seen = state.setdefault(_focus(scope, "seen"), {})
    for key in chart_keys:
        now = selected_city(state.get(focus_chart_key(scope, key)), catalog)
        if now != seen.get(key):
            seen[key] = now
            state[_focus(scope, "city")] = now
    city = state.get(_focus(scope, "city"))
    return city if city and catalog.city_by_name(city) is not None else None


def clear_focus(scope: str) -> None:
    """Back to the whole view: the focus forgotten, the charts' selections cleared (new keys)."""
    state = st.session_state
    state[_focus(scope, "city")] = None
    state[_focus(scope, "seen")] = {}
    state[_focus(scope, "turn")] = state.get(_focus(scope, "turn"), 0) + 1


def focused_filters(filters: Filters, city: str | None) -> Filters:
    """The sidebar's filters narrowed to one clicked city (its chosen counties kept)."""
    if not city:
        return filters
    counties = tuple(key for key in filters.counties if split_county_key(key)[0] == city)
    return replace(filters, cities=(city,), counties=counties)


def focus_note(scope: str, city: str | None, catalog: Catalog, lang: str) -> None:
    """'Filtered to 南京市' with a clear button, while a click narrows the page."""
    if not city:
        return
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.info(md("focus_note", lang, city=_city_text(catalog, city, lang)), icon=":material/filter_alt:")
    row.button(t("focus_clear", lang), key=f"{scope}_focus_clear", on_click=clear_focus, args=(scope,),
               icon=":material/filter_alt_off:", help=t("focus_clear_help", lang))


def trend_point(event, figure, catalog: Catalog) -> tuple[date, str | None] | None:
    """The month and campaign of the trend bar clicked (from the figure's trace of that point), or None."""
    points = ((event or {}).get("selection") or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    try:
        month = pd.Timestamp(point.get("x")).date().replace(day=1)
    except (TypeError, ValueError):
        return None
    curve = point.get("curve_number")
    name = figure.data[curve].name if isinstance(curve, int) and 0 <= curve < len(figure.data) else None
    by_label = {escape_label(c.label(lang)): code for lang in ("zh", "en") for code, c in catalog.campaigns.items()}
    return month, by_label.get(name)


class DrillView:
    """The figures behind a bar or a point: a window, a city, campaigns and a metric; as query parameters too."""

    def __init__(self, start: date, end: date, metric: str, cities: tuple[str, ...] = (),
                 campaigns: tuple[str, ...] = (), counties: tuple[str, ...] = ()):
        self.filters = Filters(start=start, end=month_end(end), cities=cities, campaigns=campaigns, counties=counties)
        self.metric = metric

    def query_params(self) -> dict[str, object]:
        """from, to, city, county, campaign, metric: what the data page (and view_from_url) reads."""
        params: dict[str, object] = {"from": _month_key(self.filters.start), "to": _month_key(self.filters.end)}
        for name, values in (("city", self.filters.cities), ("county", self.filters.counties),
                             ("campaign", self.filters.campaigns)):
            if values:
                params[name] = list(values)
        params["metric"] = self.metric
        return params


def drill_button(view: DrillView, lang: str, key: str, what: str) -> None:
    """查看明细: the data page, with the view (window, city, campaign, metric) in its link."""
    if st.button(t("drill_button", lang), key=key, icon=":material/table_view:", help=md("drill_help", lang, what=what)):
        st.switch_page(DATA_PAGE, query_params={**view.query_params(), "lang": lang})


# ---- the data page (#11, item 6) ------------------------------------------------------------------------------
def data_facts_frame(facts: pd.DataFrame, catalog: Catalog, lang: str, names: bool, numbers: bool = False) -> pd.DataFrame:
    """Figures with where they came from (analytics.facts_with_provenance): whether each counts in the totals (beside
    the figure), file, sheet, row, upload number and time; the uploader only with `names` (see_names)."""
    table = facts_frame(facts, catalog, lang, numbers)
    table[t("county", lang)] = [_county_text(catalog, county, lang) for county in _texts(facts["county"])]
    after = table.columns.get_loc(t("qualifier_of", lang, column=t("value", lang)) if numbers else t("value", lang))
    table.insert(after + 1, t("data_in_totals", lang), [
        t("data_counted", lang) if counted else t("data_part_of", lang, region=county if (county and unit)
                                                  else _city_text(catalog, city, lang))
        for counted, city, county, unit in zip(facts["counted"], _texts(facts["city"]), _texts(facts["county"]),
                                               _texts(facts["unit"]))])
    table[t("data_remarks", lang)] = _texts(facts["remarks"])
    table[t("file_name", lang)] = _texts(facts["file_name"])
    table[t("data_upload_no", lang)] = facts["upload_id"].astype("Int64").to_numpy()
    table[t("uploaded_at", lang)] = [local_time(s) for s in facts["uploaded_at"]]
    if names:
        table[t("uploaded_by", lang)] = _texts(facts["uploader"])
    return table


def pivot_frame(table, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """An analytics.Pivot labelled: row labels (city, county and level, or month) and one column per metric (with
    its unit) or campaign and the total; figures as shown (8,100+, blanks where nothing), or with `numbers` the
    number and its qualifier in the column beside it."""
    from analytics import PIVOT_MONTH, PIVOT_METRIC, PIVOT_TOTAL

    keys = table.keys
    total = t("pivot_total", lang)
    if table.rows == PIVOT_MONTH:
        labels = {t("month_axis", lang): [total if level == PIVOT_TOTAL else format_month(month, lang)
                                          for level, month in zip(keys["level"], keys["month"])]}
    else:
        labels = {
            t("city", lang): [total if level == PIVOT_TOTAL else _city_text(catalog, city, lang)
                              for level, city in zip(keys["level"], keys["city"])],
            t("county", lang): [_county_text(catalog, county, lang) if level == "county" else ""
                                for level, county in zip(keys["level"], keys["county"])],
            t("pivot_level", lang): [t(f"pivot_level_{level}", lang) if level in ("city", "county", "own") else ""
                                     for level in keys["level"]],
        }
    out = pd.DataFrame(labels)
    for code in table.values.columns:
        if code == PIVOT_TOTAL:
            label = total
        elif table.columns == PIVOT_METRIC:
            label = _metric_with_unit(catalog, code, lang)
        else:
            label = catalog.campaigns[code].label(lang) if code in catalog.campaigns else code
        values, qualifiers = table.values[code], table.qualifiers[code]
        figures = _figures(values, qualifiers, label, lang, numbers)
        if not numbers:  # a blank where nothing was reported, not "—"
            figures = {label: ["" if pd.isna(v) else text for v, text in zip(values, figures[label])]}
        for name, column in figures.items():
            out[name] = column
    return out


def _county_text(catalog: Catalog, county: str, lang: str) -> str:
    if lang == "zh":
        return county
    found = [r for r in catalog.regions_for(county) if r.level == "county"]
    return found[0].label(lang) if len(found) == 1 else county


def _metric_with_unit(catalog: Catalog, metric: str, lang: str) -> str:
    entry = catalog.metrics[metric]
    return f"{entry.label(lang)}（{entry.unit(lang)}）" if lang == "zh" else f"{entry.label(lang)} ({entry.unit(lang)})"


def _county_key_text(catalog: Catalog, key: str, lang: str) -> str:
    """A county of the filters ('南京市/高淳区', or a bare name) as 南京市 · 高淳区."""
    city, separator, county = key.partition("/")
    if not separator:
        return _county_text(catalog, key, lang)
    return f"{_city_text(catalog, city, lang)} · {_county_text(catalog, county, lang)}"


def view_about(filters: Filters, metric: str | None, catalog: Catalog, lang: str, what: str,
               as_of=None) -> list[tuple[str, str]]:
    """The header block of an export (exports.tables `about`): what it holds, the period, cities, counties,
    campaigns, metric and the data-as-of (a UTC time, None: no data), so a file read later says which view it is."""
    sep = "、" if lang == "zh" else ", "
    counties = getattr(filters, "counties", ())
    about = [
        (t("about_view", lang), what),
        (t("period", lang), t("window", lang, start=format_month(filters.start, lang), end=format_month(filters.end, lang))),
        (t("cities", lang), sep.join(_city_text(catalog, c, lang) for c in filters.cities) if filters.cities
         else t("cities_all", lang)),
    ]
    if counties:
        about.append((t("about_counties", lang), sep.join(_county_key_text(catalog, key, lang) for key in counties)))
    about += [
        (t("campaigns", lang), sep.join(catalog.campaigns[c].label(lang) if c in catalog.campaigns else c
                                        for c in filters.campaigns) if filters.campaigns else t("campaigns_all", lang)),
        (t("metric", lang), _metric_with_unit(catalog, metric, lang) if metric in catalog.metrics
         else t("data_metric_all", lang)),
    ]
    about.append((t("about_data_as_of", lang), local_time(as_of) if as_of is not None else t("no_data_yet", lang)))
    return about
