"""Campaign (专项活动): one campaign's figures, months, cities, top units and share of each city's work."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

import ui
from analytics import (
    campaign_city_share, campaign_facts, campaign_months, campaign_summary, cities_without, city_ranking,
    filter_facts, metrics_with_data, province_only_total, top_units,
)
from charts import campaign_month_chart, campaign_ranking_chart, campaign_share_chart, top_units_chart
from i18n import format_value, t
from labels import city_label

PICK_KEY, METRIC_KEY = "campaign_pick", "campaign_metric"

ctx = ui.start_page("page_campaigns")
lang, catalog, filters = ctx.lang, ctx.catalog, ctx.filters

# the sidebar's period and cities, every campaign: the base of each city's share
base = filter_facts(ctx.facts, replace(filters, campaigns=()))
# the sidebar's campaigns (a link's ?campaign= is that filter), or every campaign; in catalog order
options = [code for code in catalog.campaigns if not filters.campaigns or code in filters.campaigns]
if st.session_state.get(PICK_KEY) not in options:
    with_data = [code for code in options if not campaign_facts(base, code).empty]
    st.session_state[PICK_KEY] = (with_data or options)[0]
campaign = st.selectbox(t("campaign_pick", lang), options, key=PICK_KEY, help=t("campaign_pick_help", lang),
                        format_func=lambda code: catalog.campaigns[code].label(lang))

mine = campaign_facts(base, campaign)
summary = campaign_summary(mine, campaign, catalog)
if summary.empty:
    if ctx.facts.empty:  # an empty store: 'upload data', not 'nothing in this selection'
        ui.nothing_to_show(ctx)
    else:
        st.info(t("campaign_nothing", lang))
    st.stop()

st.subheader(t("campaign_metrics_header", lang))
columns = st.columns(4)
for index, row in enumerate(summary.itertuples()):
    metric = catalog.metrics[row.metric]
    with columns[index % 4]:
        st.metric(
            label=f"{metric.label(lang)}（{metric.unit(lang)}）" if lang == "zh" else f"{metric.label(lang)} ({metric.unit(lang)})",
            value=format_value(row.value, row.qualifier, lang), border=True,
            help=t("campaign_cities_help", lang, count=row.cities),
        )
st.caption(t("qualifier_note", lang))

available = metrics_with_data(mine, catalog)
if st.session_state.get(METRIC_KEY) not in available:
    st.session_state.pop(METRIC_KEY, None)
chosen = ui.metric_picker(ctx, available, METRIC_KEY, preferred="teams")
words = {"metric": catalog.metrics[chosen].label(lang)}

st.subheader(t("campaign_months_header", lang))
st.plotly_chart(campaign_month_chart(campaign_months(mine, campaign, chosen, catalog), chosen, campaign,
                                     filters.start, filters.end, catalog, lang), key="campaign_months", width="stretch")
st.caption(t("campaign_month_note", lang))

left, right = st.columns(2)
with left:
    st.subheader(t("campaign_cities_header", lang))
    ranking = city_ranking(mine, chosen, catalog)
    if not ranking.empty:
        st.plotly_chart(campaign_ranking_chart(ranking, chosen, campaign, catalog, lang), key="campaign_cities",
                        width="stretch")
    missing = cities_without(ranking, catalog, filters.cities)
    total = len(filters.cities) or len(catalog.cities)
    if missing:
        ui.say("caption", "campaign_cities_missing", lang, count=len(missing), total=total,
               names=("、" if lang == "zh" else ", ").join(city_label(catalog, name, lang) for name in missing))
    else:
        st.caption(t("campaign_cities_all", lang, total=total))
    province = province_only_total(mine, chosen, catalog)
    if not province.empty:
        st.caption(t("province_note", lang, value=format_value(province.at[0, "value"], province.at[0, "qualifier"], lang),
                     unit=catalog.metrics[chosen].unit(lang)))
with right:
    st.subheader(t("campaign_units_header", lang))
    units = top_units(mine, chosen, catalog)
    if units.empty:
        st.caption(t("campaign_units_none", lang))
    else:
        st.plotly_chart(top_units_chart(units, chosen, campaign, catalog, lang), key="campaign_units", width="stretch")
        st.caption(t("campaign_units_note", lang))

st.subheader(t("campaign_share_header", lang))
if catalog.metrics[chosen].aggregation != "sum":
    st.caption(t("campaign_share_rate", lang))
else:
    shares = campaign_city_share(base, catalog, chosen)
    if not shares.empty:
        st.plotly_chart(campaign_share_chart(shares, chosen, campaign, catalog, lang), key="campaign_share",
                        width="stretch")
    ui.say("caption", "campaign_share_note", lang, **words)
