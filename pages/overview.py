"""Overview: KPI cards, monthly trend by campaign, ranking of cities."""
from __future__ import annotations

import streamlit as st

import cached
import ui
from analytics import (
    city_ranking, filter_facts, kpi_table, metrics_with_data, monthly_trend, previous_window, province_only_total,
    ranking_targets,
)
from charts import add_target_ticks, bullet_chart, ranking_chart, trend_chart
from i18n import format_attainment, format_change, format_month, format_value, format_window, t

ctx = ui.start_page("app_title")
lang, catalog = ctx.lang, ctx.catalog

visible = filter_facts(ctx.facts, ctx.filters)
headline = [code for code, m in catalog.metrics.items() if m.headline]
targets = cached.active_targets()
kpis = kpi_table(ctx.facts, ctx.filters, catalog, headline, targets)
prev_start, prev_end = previous_window(ctx.filters.start, ctx.filters.end)

st.subheader(t("kpi_header", lang))
if visible.empty:
    st.info(t("nothing_in_window", lang))
shown = [kpi for kpi in kpis if kpi.value is not None or kpi.previous is not None]
columns = st.columns(4)
for index, row in enumerate(shown):
    metric = catalog.metrics[row.metric]
    mom, yoy = row.month_on_month, row.year_on_year
    with columns[index % 4]:
        st.metric(
            label=f"{metric.label(lang)}（{metric.unit(lang)}）" if lang == "zh" else f"{metric.label(lang)} ({metric.unit(lang)})",
            value=format_value(row.value, row.qualifier, lang),
            delta=format_change(mom.delta(row.value), mom.ratio(row.value), lang),
            delta_description=t("mom_vs", lang, period=format_window(mom.start, mom.end, lang)) if mom.value is not None
            else None,
            help=(t("vs_previous", lang, start=format_month(prev_start, lang), end=format_month(prev_end, lang))
                  if row.previous is not None else t("no_previous", lang)) + " " + t("spark_help", lang),
            chart_data=list(row.sparkline) if any(row.sparkline) else None, chart_type="bar",
            border=True,
        )
        st.caption(t("yoy_like" if row.like_for_like else "yoy_line", lang,
                     period=format_window(yoy.start, yoy.end, lang),
                     change=format_change(yoy.delta(row.value), yoy.ratio(row.value), lang) or t("no_base", lang)))
        if row.attainment is not None:  # 完成率 and a bullet bar (actual, target, last year) where a target is set
            st.caption(t("attainment_line", lang, rate=format_attainment(row.attainment),
                         target=format_value(row.target, row.target_qualifier, lang)), help=t("target_help", lang))
            st.plotly_chart(bullet_chart(row.value, row.qualifier, row.target, row.target_qualifier, yoy.value,
                                         yoy.qualifier, row.metric, catalog, lang),
                            key=f"bullet_{row.metric}", width="stretch", config={"displayModeBar": False})
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
            ranking = ranking_targets(ranking, targets, ctx.filters, ranking_metric, catalog)
            st.plotly_chart(add_target_ticks(ranking_chart(ranking, ranking_metric, catalog, lang), ranking, catalog, lang),
                            key="ranking_chart", width="stretch")
            if ranking["target"].notna().any():
                st.caption(t("ranking_target_note", lang))
        province = province_only_total(visible, ranking_metric, catalog)
        if not province.empty:
            unit = catalog.metrics[ranking_metric].unit(lang)
            st.caption(t("province_note", lang, value=format_value(province.at[0, "value"], province.at[0, "qualifier"], lang), unit=unit))
