"""The floor of bench/bench_app.py: the dashboard's widgets and charts on precomputed data, no store.

    streamlit run bench/floor_page.py   (bench_app.py serves it the way ./run.sh serves the app)

Two pages (Overview, By region) with the same sidebar (language, period preset, custom months, cities,
counties, campaigns), the same eight KPI cards with sparklines, the same metric pickers and the same charts
(charts.trend_chart, ranking_chart, city_map, county_chart) and city table as the app's. The figures come
from one small array made at start (month × city × campaign × metric); a rerun slices it with numpy. What
this page costs is what Streamlit, plotly and the browser cost: the app's time beyond it is its own work.
"""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import MONTH, add_months, month_end  # noqa: E402
from catalog import load_catalog  # noqa: E402
from charts import city_map, county_chart, ranking_chart, trend_chart  # noqa: E402
from i18n import format_month, format_value, t  # noqa: E402
from labels import city_label  # noqa: E402

st.set_page_config(page_title="floor", layout="wide")

FIRST, MONTHS = date(2016, 1, 1), 120  # the benchmark store's ten years


@st.cache_resource
def figures():
    """Precomputed: the catalog and one value per (month, city, campaign, metric)."""
    catalog = load_catalog()
    rng = np.random.default_rng(7)
    shape = (MONTHS, len(catalog.cities), len(catalog.campaigns), len(catalog.metrics))
    return catalog, rng.integers(0, 500, size=shape).astype(float)


catalog, VALUES = figures()
CITIES = [c.name for c in catalog.cities]
CAMPAIGNS, METRICS = list(catalog.campaigns), list(catalog.metrics)
MONTH_KEYS = [f"{d.year:04d}-{d.month:02d}" for d in (add_months(FIRST, k) for k in range(MONTHS))]


SHARED = ("lang", "period_preset", "period_from", "period_to", "cities", "counties", "campaigns")


def first(key: str, index: int) -> dict:
    """A widget's first index, unless the session holds its value (kept across pages like the app's)."""
    return {} if key in st.session_state else {"index": index}


def kept(key: str):
    """on_change: remember the new value where Streamlit never clears it (ui._kept)."""
    return lambda: st.session_state.__setitem__(f"_kept_{key}", st.session_state[key])


def sidebar() -> tuple[str, int, int, list[int], list[int]]:
    """The app's sidebar widgets (same keys); returns lang and the window and selection as indexes."""
    for key in SHARED:  # a widget's value outlives a page switch (as ui.restore_shared_widgets does)
        if f"_kept_{key}" in st.session_state:
            st.session_state[key] = st.session_state[f"_kept_{key}"]
    lang = st.sidebar.radio(t("language", "zh"), ["zh", "en"], key="lang", on_change=kept("lang"), horizontal=True,
                            **first("lang", 1 if st.context.locale and st.context.locale.startswith("en") else 0),
                            format_func=lambda code: "中文" if code == "zh" else "English")
    st.sidebar.subheader(t("filters", lang))
    years = list(range(FIRST.year + MONTHS // 12 - 1, FIRST.year - 1, -1))
    presets = ["last12", "all", *[f"year:{y}" for y in years], "custom"]
    preset = st.sidebar.selectbox(t("period", lang), presets, key="period_preset", on_change=kept("period_preset"),
                                  format_func=lambda o: t("preset_year", lang, year=o[5:]) if o.startswith("year:")
                                  else t(f"preset_{o}", lang))
    lo, hi = MONTHS - 12, MONTHS - 1
    if preset == "all":
        lo, hi = 0, MONTHS - 1
    elif preset.startswith("year:"):
        lo = (int(preset[5:]) - FIRST.year) * 12
        hi = lo + 11
    elif preset == "custom":
        left, right = st.sidebar.columns(2)
        label = lambda key: format_month(date(int(key[:4]), int(key[5:]), 1), lang)  # noqa: E731
        a = left.selectbox(t("month_from", lang), MONTH_KEYS, **first("period_from", lo), key="period_from", on_change=kept("period_from"),
                          format_func=label)
        b = right.selectbox(t("month_to", lang), MONTH_KEYS, **first("period_to", hi), key="period_to", on_change=kept("period_to"),
                            format_func=label)
        lo, hi = sorted((MONTH_KEYS.index(a), MONTH_KEYS.index(b)))
    st.sidebar.caption(t("window", lang, start=format_month(add_months(FIRST, lo), lang),
                         end=format_month(add_months(FIRST, hi), lang)))
    cities = st.sidebar.multiselect(t("cities", lang), CITIES, key="cities", on_change=kept("cities"), placeholder=t("cities_all", lang),
                                    format_func=lambda name: city_label(catalog, name, lang))
    if cities:
        options = [f"{city}/{county.name}" for city in cities for county in catalog.counties_of(city)]
        st.sidebar.multiselect(t("counties", lang), options, key="counties", on_change=kept("counties"), placeholder=t("counties_all", lang))
    campaigns = st.sidebar.multiselect(t("campaigns", lang), CAMPAIGNS, key="campaigns", on_change=kept("campaigns"),
                                       placeholder=t("campaigns_all", lang),
                                       format_func=lambda code: catalog.campaigns[code].label(lang))
    for key in SHARED:
        if key in st.session_state:
            st.session_state[f"_kept_{key}"] = st.session_state[key]
    return (lang, lo, hi, [CITIES.index(c) for c in cities] or list(range(len(CITIES))),
            [CAMPAIGNS.index(c) for c in campaigns] or list(range(len(CAMPAIGNS))))


def picker(lang: str, key: str, preferred: str) -> str:
    return st.selectbox(t("metric", lang), METRICS, **first(key, METRICS.index(preferred)), key=key,
                        format_func=lambda code: catalog.metrics[code].label(lang))


def ranking(view: np.ndarray, metric: str) -> pd.DataFrame:
    """The ranking frame of the chosen cities: a sum over the precomputed slice."""
    sums = view[:, :, :, METRICS.index(metric)].sum(axis=(0, 2))
    frame = pd.DataFrame({"city": CITIES, "metric": metric, "value": sums, "qualifier": "", "facts": 1})
    return frame[frame["value"] > 0].sort_values("value", ascending=False).reset_index(drop=True)


def page_header(lang: str, title: str):
    lang_, lo, hi, cities, campaigns = sidebar()
    st.title(t(title, lang_))
    st.caption(t("data_as_of", lang_, when="2026-01-01 08:00 (UTC+8)"))
    mask = np.zeros(len(CITIES), dtype=bool)
    mask[cities] = True
    view = VALUES[lo:hi + 1][:, :, campaigns] * mask[None, :, None, None]
    return lang_, lo, hi, view


def overview() -> None:
    lang, lo, hi, view = page_header("", "app_title")
    st.subheader(t("kpi_header", lang))
    headline = [code for code, m in catalog.metrics.items() if m.headline]
    for index, code in enumerate(headline):
        if index % 4 == 0:
            columns = st.columns(4)
        series = view[:, :, :, METRICS.index(code)].sum(axis=(1, 2))
        with columns[index % 4]:
            st.metric(label=catalog.metrics[code].label(lang), value=format_value(float(series.sum()), "", lang),
                      delta=f"{float(series[-1] - series[0]):+,.0f}", help=t("spark_help", lang),
                      chart_data=list(series[-12:]), chart_type="bar", border=True)
            st.caption(t("no_base", lang))
    st.caption(t("qualifier_note", lang))
    left, right = st.columns(2)
    with left:
        st.subheader(t("trend_header", lang))
        metric = picker(lang, "trend_metric", "staff_deployed")
        sums = view[:, :, :, METRICS.index(metric)].sum(axis=1)
        months = [pd.Timestamp(add_months(FIRST, lo + k)) for k in range(view.shape[0])]
        chosen = [c for c in CAMPAIGNS if c in st.session_state.get("campaigns", [])] or CAMPAIGNS
        trend = pd.DataFrame({MONTH: np.repeat(months, len(chosen)), "campaign": chosen * len(months),
                              "metric": metric, "value": sums.ravel(), "qualifier": "", "facts": 1})
        st.plotly_chart(trend_chart(trend, metric, catalog, lang), key="trend_chart", width="stretch",
                        on_select="rerun", selection_mode="points")
        st.caption(t("trend_click_hint", lang))
    with right:
        st.subheader(t("ranking_header", lang))
        metric = picker(lang, "ranking_metric", "teams")
        st.plotly_chart(ranking_chart(ranking(view, metric), metric, catalog, lang), key="ranking_chart",
                        width="stretch", on_select="rerun", selection_mode="points")
        st.caption(t("focus_hint", lang))


def regions() -> None:
    lang, lo, hi, view = page_header("", "page_regions")
    metric = picker(lang, "region_metric", "teams")
    ranked = ranking(view, metric)
    st.subheader(t("by_city_header", lang))
    bars, shading = st.columns([3, 2])
    with bars:
        st.plotly_chart(ranking_chart(ranked, metric, catalog, lang), key="city_chart", width="stretch",
                        on_select="rerun", selection_mode="points")
        st.caption(t("focus_hint", lang))
    with shading:
        st.plotly_chart(city_map(ranked, metric, catalog, lang), key="city_map", width="stretch",
                        config={"scrollZoom": False}, on_select="rerun", selection_mode="points")
    cities = list(ranked["city"])
    city = st.selectbox(t("select_city", lang), cities, key="region_city",
                        format_func=lambda name: city_label(catalog, name, lang))
    if city:
        counties = [county.name for county in catalog.counties_of(city)]
        total = float(ranked.loc[ranked["city"] == city, "value"].iloc[0])
        share = np.linspace(2, 1, len(counties))
        breakdown = pd.DataFrame({"county": counties, "metric": metric, "value": np.round(total * share / share.sum()),
                                  "qualifier": "", "facts": 1, "kind": "county"})
        st.plotly_chart(county_chart(breakdown, city, metric, catalog, lang), key="county_chart", width="stretch")
    st.subheader(t("city_table_header", lang))
    table = view.sum(axis=(0, 2))
    frame = pd.DataFrame(table, columns=[catalog.metrics[m].label(lang) for m in METRICS])
    frame.insert(0, t("city", lang), [city_label(catalog, CITIES[i], lang) for i in range(len(table))])
    st.dataframe(frame, key="city_table", hide_index=True)
    with st.expander(t("consistency_header", lang)):
        st.caption(t("consistency_none", lang))


navigation = st.navigation([
    st.Page(overview, title=t("page_overview", "en"), url_path="overview", default=True),
    st.Page(regions, title=t("page_regions", "en"), url_path="regions"),
])
navigation.run()
