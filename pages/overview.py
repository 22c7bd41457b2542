"""Overview: KPI cards, monthly trend by campaign, ranking of cities."""
from __future__ import annotations

import streamlit as st

import ui
from analytics import city_ranking, filter_facts, kpi_table, metrics_with_data, monthly_trend, previous_window, province_only_total
from charts import ranking_chart, trend_chart
from i18n import format_change, format_month, format_value, format_window, t

ctx = ui.start_page("app_title")
lang, catalog = ctx.lang, ctx.catalog

visible = filter_facts(ctx.facts, ctx.filters)
headline = [code for code, m in catalog.metrics.items() if m.headline]
kpis = kpi_table(ctx.facts, ctx.filters, catalog, headline)
prev_start, prev_end = previous_window(ctx.filters.start, ctx.filters.end)

st.subheader(t("kpi_header", lang))
if visible.empty:
    ui.nothing_to_show(ctx)
shown = [kpi for kpi in kpis if kpi.value is not None or kpi.previous is not None]
for index, row in enumerate(shown):
    if index % 4 == 0:  # a row of four cards at a time: on a phone they stack in reading order
        columns = st.columns(4)
    metric = catalog.metrics[row.metric]
    label, unit_help = ui.kpi_label(catalog, row.metric, lang)
    mom, yoy = row.month_on_month, row.year_on_year
    with columns[index % 4]:
        st.metric(
            label=label,
            value=format_value(row.value, row.qualifier, lang),
            delta=format_change(mom.delta(row.value), mom.ratio(row.value), lang),
            delta_description=t("mom_vs", lang, period=format_window(mom.start, mom.end, lang)) if mom.value is not None
            else None,
            help=unit_help + (t("vs_previous", lang, start=format_month(prev_start, lang), end=format_month(prev_end, lang))
                  if row.previous is not None else t("no_previous", lang)) + " " + t("spark_help", lang),
            chart_data=list(row.sparkline) if any(row.sparkline) else None, chart_type="bar",
            border=True,
        )
        st.caption(t("yoy_like" if row.like_for_like else "yoy_line", lang,
                     period=format_window(yoy.start, yoy.end, lang),
                     change=format_change(yoy.delta(row.value), yoy.ratio(row.value), lang) or t("no_base", lang)))
st.caption(t("qualifier_note", lang))

available = metrics_with_data(visible, catalog)
if available:
    left, right = st.columns(2)
    with left:
        st.subheader(t("trend_header", lang))
        trend_metric = ui.metric_picker(ctx, available, "trend_metric", preferred="staff_deployed")
        st.plotly_chart(trend_chart(monthly_trend(visible, trend_metric, catalog), trend_metric, catalog, lang),
                        key="trend_chart", width="stretch")
    with right:
        st.subheader(t("ranking_header", lang))
        ranking_metric = ui.metric_picker(ctx, available, "ranking_metric", preferred="teams")
        ranking = city_ranking(visible, ranking_metric, catalog)
        if not ranking.empty:
            st.plotly_chart(ranking_chart(ranking, ranking_metric, catalog, lang), key="ranking_chart", width="stretch")
        province = province_only_total(visible, ranking_metric, catalog)
        if not province.empty:
            unit = catalog.metrics[ranking_metric].unit(lang)
            st.caption(t("province_note", lang, value=format_value(province.at[0, "value"], province.at[0, "qualifier"], lang), unit=unit))
