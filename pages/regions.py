"""By region: cities compared; choose a city (or click its bar or map area) to see its counties.

A click narrows this page only (the county breakdown and the city table), not the sidebar's filters.
"""
from __future__ import annotations

import streamlit as st

import cached
import display
import ui
from analytics import (
    city_metric_qualifiers, city_metric_table, city_ranking, county_breakdown, cube_serves, filter_facts,
    level_inconsistencies, metrics_with_data, ranking_targets,
)
from charts import add_target_ticks, city_map, county_chart, ranking_chart
from i18n import format_window, t
from labels import city_label

ctx = ui.start_page("page_regions")
lang, catalog = ctx.lang, ctx.catalog
focus = ui.city_focus("regions", ("city_chart", "city_map"), catalog)
if focus and focus != st.session_state.get("_regions_focus_shown"):
    st.session_state["region_city"] = focus  # the clicked city's counties
st.session_state["_regions_focus_shown"] = focus
ui.focus_note("regions", focus, catalog, lang)

# the monthly cube where it serves these filters (by city: summed over campaigns unless they are chosen)
visible = filter_facts(ctx.figures(ctx.filters, keep=("city",)), ctx.filters)
available = metrics_with_data(visible[visible["city"] != ""], catalog)
if not available:
    ui.nothing_to_show(ctx)
    st.stop()

metric = ui.metric_picker(ctx, available, "region_metric", preferred="teams")
ranking = ranking_targets(city_ranking(visible, metric, catalog), cached.active_targets(), ctx.filters, metric, catalog)
st.subheader(t("by_city_header", lang))
bars, shading = st.columns([3, 2])
with bars:
    st.plotly_chart(add_target_ticks(ranking_chart(ranking, metric, catalog, lang), ranking, catalog, lang),
                    key=ui.focus_chart_key("regions", "city_chart"), width="stretch", on_select="rerun",
                    selection_mode="points")
    if ranking["target"].notna().any():
        st.caption(t("ranking_target_note", lang))
    if focus:
        what = t("drill_what_city", lang, city=city_label(catalog, focus, lang),
                 metric=catalog.metrics[metric].label(lang), window=format_window(ctx.filters.start, ctx.filters.end, lang))
        ui.drill_button(ui.DrillView(ctx.filters.start, ctx.filters.end, metric, (focus,), ctx.filters.campaigns,
                                     ui.focused_filters(ctx.filters, focus).counties),
                        lang, "regions_drill", what)
    else:
        st.caption(t("focus_hint", lang))
with shading:
    st.plotly_chart(city_map(ranking, metric, catalog, lang),
                    key=ui.focus_chart_key("regions", "city_map"), width="stretch", config={"scrollZoom": False},
                    on_select="rerun", selection_mode="points")

cities = list(ranking["city"])
if st.session_state.get("region_city") not in cities:  # set, not dropped: the browser is told the new city
    st.session_state["region_city"] = cities[0] if cities else None
city = st.selectbox(
    t("select_city", lang), cities, key="region_city",
    format_func=lambda name: city_label(catalog, name, lang),
    help=t("click_hint", lang),
)
if city:
    breakdown = county_breakdown(filter_facts(cached.city_facts(city), ctx.filters), city, metric, catalog)
    st.plotly_chart(county_chart(breakdown, city, metric, catalog, lang), key="county_chart", width="stretch")

st.subheader(t("city_table_header", lang))
focused = ui.focused_filters(ctx.filters, focus)
table = city_metric_table(filter_facts(ctx.figures(focused, keep=("city",)), focused), catalog)
if not table.empty:
    qualifiers = city_metric_qualifiers(visible, catalog)
    ui.table(display.city_table_frame(table, catalog, lang, qualifiers), "city_table", lang, t("file_city_table", lang),
             export=lambda: display.city_table_frame(table, catalog, lang, numbers=True))

with st.expander(t("consistency_header", lang)):
    found = filter_facts(cached.inconsistencies(), ctx.filters).reset_index(drop=True) if cube_serves(ctx.filters) \
        else level_inconsistencies(filter_facts(ctx.facts, ctx.filters), catalog)
    if found.empty:
        st.caption(t("consistency_none", lang))
    else:
        st.caption(t("inconsistent_note", lang))
        ui.table(display.inconsistencies_frame(found, catalog, lang), "consistency_table", lang, t("file_inconsistencies", lang),
                 export=lambda: display.inconsistencies_frame(found, catalog, lang, numbers=True))
