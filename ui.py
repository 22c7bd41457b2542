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
    COUNTED, COUNTY_SEPARATOR, CUBE_DIMENSIONS, Filters, add_months, briefing_figures, county_key, cube_dimensions,
    cube_serves, filter_facts, month_end, split_county_key, with_levels,
)
from catalog import Catalog
from charts import campaign_colors
from errors import KpiError
from display import local_time, review_caption, shown_frame
from exports.briefing import PPTX_MIME, briefing_file
from exports.tables import CSV_MIME, XLSX_MIME, table_csv, table_xlsx
from i18n import format_month, language_from_locale, t
import webauth
from labels import city_label, county_label, region_label
from safetext import escape_label, escape_markdown
from settings import get_settings
from store.accounts import ANONYMOUS, Actor

LOG = logging.getLogger("dashboard")
LANG_KEY = "lang"
ACTOR_KEY = "_actor"  # who this run is for (an Actor), set by identify() at the start of every run
PAGES_KEY = "_pages"  # the page scripts dashboard.py offers this run's actor (its PAGES the actor may open)
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


def page_offered(script: str) -> bool:
    """Whether dashboard.py's navigation offers this run's actor the page (a link to another one goes nowhere)."""
    return script in st.session_state.get(PAGES_KEY, ())


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


def sidebar_filters(span: tuple[list[date], tuple[date, date]], catalog: Catalog, lang: str) -> Filters:
    """Period (preset or custom month range), cities and campaigns; shared by every page via session state.

    span: the data's months and default window (cached.data_span: analytics.data_months, default_window)."""
    sidebar = st.sidebar
    sidebar.subheader(t("filters", lang))
    known_months, (default_start, default_end) = span
    months = [_month_key(d) for d in known_months] or [_month_key(default_start)]
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
        format_func=lambda name: city_label(catalog, name, lang),
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
        return county_label(catalog, county, lang, city=city) if len(cities) == 1 else region_label(catalog, city, county, "", lang)

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
    when = cached.latest_upload_time()
    if when is None:
        st.caption(t("no_data_yet", lang))
        return
    st.caption(t("data_as_of", lang, when=f"{local_time(when)} (UTC+8)"))


def review_note(lang: str) -> None:
    """A caption under 'data as of' on the dashboards: approved figures only (KPI_REQUIRE_APPROVAL=1), or how many
    uploads awaiting review their figures include (nothing when none wait)."""
    text = review_caption(cached.awaiting_review(), get_settings().require_approval, lang)
    if text:
        st.caption(text)


def demo_note(lang: str) -> None:
    """The demo's note, only while the demo uploads are the only ones in effect (then the totals are the report's)."""
    if cached.demo_only():
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

    def __init__(self, lang: str, catalog: Catalog, facts: pd.DataFrame | Callable[[], pd.DataFrame],
                 filters: Filters, cube: pd.DataFrame | None = None):
        self.lang = lang
        self.catalog = catalog
        self._facts = facts  # or what reads them: read on first use (what the cube serves never needs them)
        self.filters = filters
        self.cube = cube  # analytics.monthly_cube of the facts

    @property
    def facts(self) -> pd.DataFrame:
        """The facts in effect (cached.active_facts), read when a page first asks for them."""
        if callable(self._facts):
            self._facts = self._facts()
        return self._facts

    @property
    def empty(self) -> bool:
        """Whether the store holds no figure in effect (from the cube where there is one: no facts read)."""
        return self.cube.empty if self.cube is not None else self.facts.empty

    def figures(self, filters: Filters, keep: tuple[str, ...] = CUBE_DIMENSIONS) -> pd.DataFrame:
        """What the totals of `filters` are computed from: the monthly cube where it serves them, else the facts.

        Totals, trends, rankings and tables (analytics.metric_totals, kpi_table, monthly_trend, city_ranking,
        city_metric_table, metrics_with_data) give the same from either; a rerun over the cube does not grow with
        the number of facts. `keep`: the dimensions (city, campaign) the computation groups by; the cube is summed
        over the others the filters do not narrow."""
        if self.cube is None or not cube_serves(filters):
            return self.facts
        return cached.monthly_cube(cube_dimensions(filters, keep))


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
    if permission == "view":  # the dashboards: whether their figures include unreviewed ones (#12)
        review_note(context.lang)
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
    lang, filters, catalog = ctx.lang, ctx.filters, ctx.catalog
    as_of = cached.latest_upload_time()

    def made(kind: str) -> Callable[[], bytes]:
        def build() -> bytes:
            try:
                figures = briefing_figures(ctx.facts, filters, catalog, cached.active_targets())
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
    span = cached.data_span()
    if filters:
        chosen = sidebar_filters(span, catalog, lang)
    else:
        chosen = Filters(*span[1])
    remember_shared_widgets()
    return PageContext(lang, catalog, cached.active_facts, chosen, cached.monthly_cube())


def nothing_to_show(ctx: PageContext) -> None:
    """Why a page has no figures: an empty store (upload data, with a link, or whom to ask), else the filters."""
    if not ctx.empty:
        st.info(t("nothing_in_window", ctx.lang), icon=":material/filter_alt_off:")
        return
    if current_actor().can("upload"):
        st.info(t("empty_store_upload", ctx.lang), icon=":material/upload_file:")
        st.page_link("pages/upload.py", label=t("empty_store_link", ctx.lang), icon=":material/upload_file:")
    else:
        st.info(t("empty_store_ask", ctx.lang), icon=":material/info:")


def after_rerun_message(text: str | None = None) -> None:
    """Show a success message on the next run (after st.rerun), or remember one (Markdown made by `md`) to show."""
    if text is not None:
        st.session_state["_flash"] = text
    elif "_flash" in st.session_state:
        st.success(st.session_state.pop("_flash"))


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
    row.info(md("focus_note", lang, city=city_label(catalog, city, lang)), icon=":material/filter_alt:")
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


