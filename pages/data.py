"""Data (数据明细): the figures of the selection with their provenance, a pivot with totals by the roll-up rule,
both as .xlsx / .csv with the view's filters and data-as-of written in. Drill-through lands here with
?from=&to=&city=&county=&campaign=&metric= (the shared filters read the first ones; this page reads metric)."""
from __future__ import annotations

import streamlit as st

import cached
import display
import ui
from analytics import (PIVOT_CAMPAIGN, PIVOT_COLUMNS, PIVOT_MONTH, PIVOT_ROWS, facts_with_provenance, filter_facts,
                       metrics_with_data, pivot)
from i18n import t

METRIC_KEY, METRIC_SEEN = "data_metric", "_data_metric_url"  # the widget, and the link's metric last applied to it
# Where the app keeps the view's metric for the link (ui.view_to_url writes it), the page's choice goes there;
# else the page writes ?metric= itself.
SHARED_METRIC = getattr(ui, "METRIC_KEY", None)
url_metric = st.query_params.get("metric")  # read before the sidebar writes the view into the address


def _metric_chosen() -> None:
    if SHARED_METRIC:
        st.session_state[SHARED_METRIC] = st.session_state[METRIC_KEY] or None


ctx = ui.start_page("page_data")
lang, catalog = ctx.lang, ctx.catalog
actor = ui.current_actor()

if ctx.facts.empty:
    if actor.can("upload"):
        st.info(t("data_no_data", lang), icon=":material/info:")
        st.page_link("pages/upload.py", label=t("page_upload", lang), icon=":material/upload_file:")
    else:
        st.info(t("data_no_data_login", lang), icon=":material/info:")
        st.link_button(t("login_link", lang), ui.LOGIN_URL, icon=":material/login:")
    st.stop()

st.caption(t("data_intro", lang))
options = ["", *metrics_with_data(ctx.facts, catalog)]  # every metric with data: a link's metric is kept as it is
linked = catalog.metric_for(url_metric) if url_metric else None
if linked is not None and linked.code in options and st.session_state.get(METRIC_SEEN) != linked.code:
    st.session_state[METRIC_KEY] = linked.code  # a new link (drill-through) chooses the metric
if st.session_state.get(METRIC_KEY) not in options:
    st.session_state[METRIC_KEY] = ""
metric = st.selectbox(t("metric", lang), options, key=METRIC_KEY, on_change=_metric_chosen,
                      format_func=lambda code: catalog.metrics[code].label(lang) if code else t("data_metric_all", lang))
if not SHARED_METRIC and (st.query_params.get("metric") or "") != metric:  # the address names it (a reload keeps it)
    if metric:
        st.query_params["metric"] = metric
    else:
        del st.query_params["metric"]
st.session_state[METRIC_SEEN] = metric or None

visible = filter_facts(ctx.facts, ctx.filters)
if metric:
    visible = visible[visible["metric"] == metric]
if visible.empty:
    st.info(t("nothing_in_window", lang))
    st.stop()

as_of = cached.latest_upload_time()
names = actor.can("see_names")  # uploaders' names only for roles that may see them

st.subheader(t("data_facts_header", lang))
facts = facts_with_provenance(visible, cached.uploads())
ui.table(display.data_facts_frame(facts.head(ui.ROWS_SHOWN), catalog, lang, names), "data_facts", lang,
         t("file_data_facts", lang), export=lambda: display.data_facts_frame(facts, catalog, lang, names, numbers=True),
         about=display.view_about(ctx.filters, metric, catalog, lang, t("data_facts_header", lang), as_of),
         column_config={t("value", lang): st.column_config.TextColumn(alignment="right")})
if len(facts) > ui.ROWS_SHOWN:
    st.caption(t("rows_shown", lang, shown=ui.ROWS_SHOWN, total=len(facts)))

st.subheader(t("pivot_header", lang))
left, right = st.columns(2)
rows = left.selectbox(t("pivot_rows", lang), PIVOT_ROWS, key="pivot_rows",
                      format_func=lambda code: t(f"pivot_rows_{code}", lang))
columns = right.selectbox(t("pivot_columns", lang), PIVOT_COLUMNS, key="pivot_columns",
                          format_func=lambda code: t(f"pivot_columns_{code}", lang))
pivot_metric = metric or None
if columns == PIVOT_CAMPAIGN:
    available = metrics_with_data(visible, catalog)
    pivot_metric = metric or ("teams" if "teams" in available else available[0])
    chosen = catalog.metrics[pivot_metric]
    st.caption(t("pivot_campaign_metric", lang, metric=chosen.label(lang), unit=chosen.unit(lang)))
table = pivot(visible, rows, columns, catalog, pivot_metric)
shown = display.pivot_frame(table, catalog, lang)
labels = 1 if rows == PIVOT_MONTH else 3  # the row labels; the figures after them right-aligned
ui.table(shown, "data_pivot", lang, t("file_pivot", lang),
         export=lambda: display.pivot_frame(table, catalog, lang, numbers=True),
         about=display.view_about(ctx.filters, pivot_metric, catalog, lang, t("pivot_header", lang), as_of),
         height=min(len(shown), 30) * 35 + 38,  # the total row in view without scrolling, up to 30 rows
         column_config={name: st.column_config.TextColumn(alignment="right") for name in shown.columns[labels:]})
st.caption(t("pivot_rule", lang))
