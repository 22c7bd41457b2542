"""Overview: KPI cards, monthly trend by campaign, ranking of cities."""
from __future__ import annotations

import streamlit as st

import cached
import display
import ui
from analytics import (
    city_ranking, filter_facts, kpi_table, metrics_with_data, monthly_trend, previous_window, province_only_total,
    ranking_targets,
)
from charts import add_target_ticks, bullet_chart, ranking_chart, trend_chart
from i18n import format_attainment, format_change, format_month, format_value, format_window, t
from labels import city_label

ctx = ui.start_page("app_title")
lang, catalog = ctx.lang, ctx.catalog
# a click on a city's bar narrows this page (cards and trend; not the ranking, so another city can be clicked)
focus = ui.city_focus("overview", ("ranking_chart",), catalog)
shared_filters, ctx.filters = ctx.filters, ui.focused_filters(ctx.filters, focus)
ui.focus_note("overview", focus, catalog, lang)

# the monthly cube where it serves these filters, summed over what each part neither groups by nor filters
visible = filter_facts(ctx.figures(ctx.filters, keep=("campaign",)), ctx.filters)  # the trend: by campaign
headline = [code for code, m in catalog.metrics.items() if m.headline]
targets = cached.active_targets()
kpis = kpi_table(ctx.figures(ctx.filters, keep=()), ctx.filters, catalog, headline, targets)
prev_start, prev_end = previous_window(ctx.filters.start, ctx.filters.end)

reported = cached.window_reported(shared_filters.start, shared_filters.end, shared_filters.campaigns)
if reported is not None:  # N of M units reported over the open tasks of the window (#12), linked to the details
    line = st.container(horizontal=True, gap="small")
    line.markdown(t("progress.reported_line" if reported.tasks <= 1 else "progress.reported_line_many", lang,
                    reported=reported.reported, owed=reported.owed, tasks=reported.tasks))
    line.page_link("pages/progress.py", label=t("progress.overview_link", lang), icon=":material/fact_check:")

st.subheader(t("kpi_header", lang))
if visible.empty:
    ui.nothing_to_show(ctx)
shown = [kpi for kpi in kpis if kpi.value is not None or kpi.previous is not None]
for index, row in enumerate(shown):
    if index % 4 == 0:  # a row of four cards at a time: on a phone they stack in reading order
        columns = st.columns(4)
    metric = catalog.metrics[row.metric]
    label, unit_help = display.kpi_label(catalog, row.metric, lang)
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
        if row.attainment is not None:  # 完成率 and a bullet bar (actual, target, last year) where a target is set
            st.caption(t("attainment_line", lang, rate=format_attainment(row.attainment),
                         target=format_value(row.target, row.target_qualifier, lang)), help=t("target_help", lang))
            st.plotly_chart(bullet_chart(row.value, row.qualifier, row.target, row.target_qualifier, yoy.value,
                                         yoy.qualifier, row.metric, catalog, lang),
                            key=f"bullet_{row.metric}", width="stretch", config={"displayModeBar": False})
st.caption(t("qualifier_note", lang))

ranked = filter_facts(ctx.figures(shared_filters, keep=("city",)), shared_filters)  # the ranking: by city
available = metrics_with_data(ranked, catalog)
if available:
    window = format_window(ctx.filters.start, ctx.filters.end, lang)
    left, right = st.columns(2)
    with left:
        st.subheader(t("trend_header", lang))
        trend_metric = ui.metric_picker(ctx, available, "trend_metric", preferred="staff_deployed")
        trend_figure = trend_chart(monthly_trend(visible, trend_metric, catalog), trend_metric, catalog, lang)
        clicked = ui.trend_point(st.session_state.get("trend_chart"), trend_figure, catalog)
        st.plotly_chart(trend_figure, key="trend_chart", width="stretch", on_select="rerun", selection_mode="points")
        if clicked:
            month, campaign = clicked
            campaigns = (campaign,) if campaign else ctx.filters.campaigns
            what = t("drill_what_point", lang, window=format_month(month, lang),
                     metric=catalog.metrics[trend_metric].label(lang),
                     campaign=catalog.campaigns[campaign].label(lang) if campaign else t("all_campaigns_word", lang))
            ui.drill_button(ui.DrillView(month, month, trend_metric, ctx.filters.cities, campaigns, ctx.filters.counties),
                            lang, "trend_drill", what)
        else:
            st.caption(t("trend_click_hint", lang))
    with right:
        st.subheader(t("ranking_header", lang))
        ranking_metric = ui.metric_picker(ctx, available, "ranking_metric", preferred="teams")
        ranking = city_ranking(ranked, ranking_metric, catalog)
        if not ranking.empty:
            ranking = ranking_targets(ranking, targets, shared_filters, ranking_metric, catalog)
            st.plotly_chart(add_target_ticks(ranking_chart(ranking, ranking_metric, catalog, lang), ranking, catalog, lang),
                            key=ui.focus_chart_key("overview", "ranking_chart"), width="stretch",
                            on_select="rerun", selection_mode="points")
            if ranking["target"].notna().any():
                st.caption(t("ranking_target_note", lang))
        if focus:
            what = t("drill_what_city", lang, city=city_label(catalog, focus, lang), window=window,
                     metric=catalog.metrics[ranking_metric].label(lang))
            ui.drill_button(ui.DrillView(ctx.filters.start, ctx.filters.end, ranking_metric, (focus,),
                                         ctx.filters.campaigns, ctx.filters.counties),
                            lang, "ranking_drill", what)
        else:
            st.caption(t("focus_hint", lang))
        province = province_only_total(ranked, ranking_metric, catalog)
        if not province.empty:
            unit = catalog.metrics[ranking_metric].unit(lang)
            st.caption(t("province_note", lang, value=format_value(province.at[0, "value"], province.at[0, "qualifier"], lang), unit=unit))
