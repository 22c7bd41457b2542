"""Chart builders: DataFrame in, plotly Figure out.

Plotly renders a subset of HTML in titles, axis, legend and hover labels: every name put there (cities, counties,
campaigns, metrics, units) passes through safetext.escape_label, so a tag in a name is shown as text.
"""
from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from catalog import Catalog
from display import days_text, task_label
from geo import centroids, load_boundaries
from i18n import format_attainment, format_axis_number, format_value, t
from labels import adcode_label, city_label, county_label, region_label
from reporting import STATUS_COLORS, ProgressGrid
from safetext import escape_label
from store.cycle import STATUSES

CAMPAIGN_COLORS = ["#00706b", "#e07b00", "#3c6fb4", "#b8446a", "#7a8c1f", "#6b4fa0", "#8c6d46"]
BAR_COLOR = "#00706b"
LAYOUT = dict(
    margin=dict(l=10, r=10, t=50, b=10),
    font=dict(family="Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"),
    plot_bgcolor="white",
    legend_title_text="",
)


LABEL_ROOM = {"h": 1.2, "v": 1.15}  # value axis range over the largest bar: room for a label outside its end
MONTH_BAR_MS = 24 * 86_400_000  # a month's bar is 24 days wide on a date axis, so a month without data is a gap
TOOLBAR_ROOM = 34  # px above a title: plotly's toolbar (modebar) sits in the top right corner, clear of titles


def value_ticks(top: float, lang: str, count: int = 5) -> tuple[list[float], list[str]]:
    """Round tick values from 0 to about `top` and their texts: 万/亿 in Chinese, K/M in English (Babel)."""
    if not top or top <= 0:
        return [0.0], [format_axis_number(0, lang)]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    values = [round(i * step, 10) for i in range(int(top // step) + 1)]
    return values, [format_axis_number(v, lang) for v in values]


def _value_axis(fig: go.Figure, largest: float, lang: str, orientation: str) -> None:
    """The value axis from 0 with room for outside labels, its ticks in the user's language (no 'k' in Chinese)."""
    top = float(largest) * LABEL_ROOM[orientation] if largest and largest > 0 else 1.0
    values, texts = value_ticks(top, lang)
    axis = dict(range=[0, top], tickmode="array", tickvals=values, ticktext=texts, fixedrange=False)
    (fig.update_xaxes if orientation == "h" else fig.update_yaxes)(**axis)


def _title_clear_of_toolbar(fig: go.Figure) -> None:
    """The title below the toolbar's row, so that on a phone the toolbar never covers it."""
    fig.update_layout(title=dict(yref="container", y=1, yanchor="top", pad=dict(t=TOOLBAR_ROOM)),
                      margin=dict(t=TOOLBAR_ROOM + 46))


def _metric_words(catalog: Catalog, metric: str, lang: str) -> dict[str, str]:
    entry = catalog.metrics[metric]
    return {"metric": escape_label(entry.label(lang)), "unit": escape_label(entry.unit(lang))}


def _labels(frame: pd.DataFrame, lang: str) -> list[str]:
    return [format_value(v, q, lang) for v, q in zip(frame["value"], frame["qualifier"])]


def trend_chart(trend: pd.DataFrame, metric: str, catalog: Catalog, lang: str) -> go.Figure:
    """Stacked monthly bars, one colour per campaign (from analytics.monthly_trend)."""
    frame = trend.copy()
    frame["campaign_label"] = [escape_label(catalog.campaigns[c].label(lang) if c in catalog.campaigns else c)
                               for c in frame["campaign"]]
    frame["text"] = _labels(frame, lang)
    order = [escape_label(catalog.campaigns[c].label(lang)) for c in catalog.campaigns]
    colors = {label: campaign_color(catalog, code) for label, code in zip(frame["campaign_label"], frame["campaign"])}
    fig = px.bar(
        frame, x="month", y="value", color="campaign_label", text="text",
        category_orders={"campaign_label": order}, color_discrete_map=colors,
        labels={"month": t("month_axis", lang), "value": t("value", lang), "campaign_label": t("campaign", lang)},
        title=t("trend_title", lang, **_metric_words(catalog, metric, lang)),
    )
    fig.update_xaxes(dtick="M1", tickformat="%Y-%m")
    fig.update_layout(**LAYOUT, barmode="stack")
    _month_bars(fig, frame["month"])
    fig.update_traces(textposition="inside", insidetextanchor="middle", cliponaxis=False,
                      hovertemplate="%{fullData.name} · %{x|%Y-%m}: %{text}<extra></extra>")
    fig.update_layout(uniformtext=dict(minsize=9, mode="hide"))  # a label too big for its segment is left out
    _value_axis(fig, frame.groupby("month")["value"].sum().max() if not frame.empty else 0, lang, "v")
    _title_clear_of_toolbar(fig)
    return fig


def _month_bars(fig: go.Figure, months: pd.Series) -> None:
    """Each bar one month wide on the date axis: months without data stay gaps, not one wide bar."""
    fig.update_traces(width=MONTH_BAR_MS)
    if len(months):
        first, last = pd.Timestamp(months.min()), pd.Timestamp(months.max())
        fig.update_xaxes(range=[first - pd.Timedelta(days=20), last + pd.Timedelta(days=20)])


def ranking_chart(ranking: pd.DataFrame, metric: str, catalog: Catalog, lang: str) -> go.Figure:
    """Horizontal bars of cities, largest on top (from analytics.city_ranking)."""
    frame = ranking.copy()
    frame["label"] = [_city_label(catalog, c, lang) for c in frame["city"]]
    frame["text"] = _labels(frame, lang)
    fig = px.bar(
        frame.iloc[::-1], x="value", y="label", orientation="h", text="text",
        custom_data=["city"], color_discrete_sequence=[BAR_COLOR],
        labels={"value": t("value", lang), "label": t("city", lang)},
        title=t("ranking_title", lang, **_metric_words(catalog, metric, lang)),
    )
    fig.update_layout(**LAYOUT, height=max(320, 34 * len(frame) + 90))
    # a label inside its bar where it fits (the long bars), else just past its end: never past the plot area
    fig.update_traces(textposition="auto", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>")
    _value_axis(fig, frame["value"].max() if not frame.empty else 0, lang, "h")
    _title_clear_of_toolbar(fig)
    return fig


def county_chart(breakdown: pd.DataFrame, city: str, metric: str, catalog: Catalog, lang: str) -> go.Figure:
    """Bars of one city's parts (analytics.county_breakdown): its counties, the city company itself, the rest."""
    frame = breakdown.copy()
    kinds = frame["kind"] if "kind" in frame else ["own" if c == "" else "county" for c in frame["county"]]
    frame["label"] = [t("city_own", lang) if kind == "own" else t("city_unallocated", lang) if kind == "unallocated"
                      else _county_label(catalog, city, c, lang) for c, kind in zip(frame["county"], kinds)]
    frame["text"] = _labels(frame, lang)
    fig = px.bar(
        frame, x="label", y="value", text="text", color_discrete_sequence=[BAR_COLOR],
        labels={"value": t("value", lang), "label": t("county", lang)},
        title=t("county_title", lang, city=_city_label(catalog, city, lang), **_metric_words(catalog, metric, lang)),
    )
    fig.update_layout(**LAYOUT)
    fig.update_traces(textposition="outside", cliponaxis=False, hovertemplate="%{x}: %{text}<extra></extra>")
    _value_axis(fig, frame["value"].max() if not frame.empty else 0, lang, "v")
    _title_clear_of_toolbar(fig)
    return fig


MAP_GREY = "#e4e7ea"  # cities outside the view: the province's outline stays
MAP_ONE_COLOR = "#3c8d8a"  # one value (one city, or all equal): one colour, no gradient, no colour bar


def city_map(ranking: pd.DataFrame, metric: str, catalog: Catalog, lang: str) -> go.Figure:
    """Cities shaded by the metric and labelled (name and value), drawn offline, joined on adcode.

    Plotly's geo (SVG) rather than a tile map: a text layer on a MapLibre map would fetch its glyphs from a font
    server, and the app makes no outside requests. The labels are the first trace: plotly.js fetches a world
    topojson from its CDN when the first trace of a geo has a locationmode (as a choropleth has), and a text
    layer placed by lon/lat has none; the labels still draw above the areas (geo draws scatter over choropleth).
    Cities not in `ranking` stay drawn in light grey, so one city shown keeps the province's outline; one value
    gets one colour and no colour bar.
    """
    frame = ranking.copy()
    frame["adcode"] = [catalog.city_by_name(c).adcode for c in frame["city"]]
    frame["label"] = [_city_label(catalog, c, lang) for c in frame["city"]]
    frame["text"] = _labels(frame, lang)
    words = _metric_words(catalog, metric, lang)
    boundaries, places = load_boundaries("city"), centroids("city")
    single = frame["value"].nunique() <= 1
    fig = go.Figure()
    placed = frame[frame["adcode"].isin(places)]
    fig.add_trace(go.Scattergeo(
        lon=[places[a][0] for a in placed["adcode"]], lat=[places[a][1] for a in placed["adcode"]],
        text=[f"{name}<br>{value}" for name, value in zip(placed["label"], placed["text"])], mode="text",
        textfont=dict(size=10, color=_label_colors(placed["value"], single)), hoverinfo="skip", showlegend=False,
        name="",
    ))
    fig.add_trace(go.Choropleth(
        geojson=boundaries, featureidkey="id", locations=list(frame["adcode"]), z=list(frame["value"]),
        customdata=list(zip(frame["city"], frame["text"])), text=list(frame["label"]),
        hovertemplate=f"<b>%{{text}}</b><br>{words['metric']}: %{{customdata[1]}} {words['unit']}<extra></extra>",
        colorscale=[[0, MAP_ONE_COLOR], [1, MAP_ONE_COLOR]] if single else "Teal", showscale=not single,
        colorbar=dict(title=dict(text=words["unit"]), thickness=12), marker=dict(line=dict(color="white", width=1)),
        name=words["metric"],
    ))
    others = [str(f["id"]) for f in boundaries["features"] if str(f["id"]) not in set(frame["adcode"])]
    if others:
        fig.add_trace(go.Choropleth(
            geojson=boundaries, featureidkey="id", locations=others, z=[0] * len(others), showscale=False,
            colorscale=[[0, MAP_GREY], [1, MAP_GREY]], hoverinfo="skip", marker=dict(line=dict(color="white", width=1)),
            name="",
        ))
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    fig.update_layout(**{**LAYOUT, "margin": dict(l=0, r=0, t=50, b=0)}, height=460, showlegend=False,
                      title=t("map_title", lang, **words))
    return fig


def _label_colors(values: pd.Series, single: bool) -> list[str]:
    """White on the darker shades (the upper 40% of the scale and the one fixed colour), dark on the light ones."""
    low, high = float(values.min()) if len(values) else 0.0, float(values.max()) if len(values) else 0.0
    return ["white" if single or (high > low and (float(v) - low) / (high - low) > 0.6) else "#1f2d3a" for v in values]


def _city_label(catalog: Catalog, city: str, lang: str) -> str:
    return escape_label(city_label(catalog, city, lang))


def _county_label(catalog: Catalog, city: str, county: str, lang: str) -> str:
    return escape_label(county_label(catalog, county, lang, city=city))


# ---- targets (目标): a bullet bar per KPI card, target ticks on the ranking (#11 item 1) ---------------------------
BULLET_BAND = "#d9d9d9"  # last year (the 同比 base), shaded as a qualitative range
BULLET_BAR = "#1f2d3d"  # the actual value, a thin dark bar
TARGET_COLOR = "#c0392b"  # the target, a short perpendicular tick


def bullet_chart(value: float | None, qualifier: str, target: float, target_qualifier: str, last_year: float | None,
                 last_year_qualifier: str, metric: str, catalog: Catalog, lang: str) -> go.Figure:
    """Stephen Few's bullet graph in one line: last year as a shaded band, the actual as a bar, the target as a tick.

    Traces, in order: last year (only where there is a 同比 base), actual, target; names from i18n.
    """
    words = _metric_words(catalog, metric, lang)
    fig = go.Figure()
    y = [words["metric"]]
    if last_year is not None:
        fig.add_trace(go.Bar(x=[last_year], y=y, orientation="h", width=0.9, marker_color=BULLET_BAND,
                             name=t("bullet_last_year", lang), hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
                             customdata=[format_value(last_year, last_year_qualifier, lang)]))
    fig.add_trace(go.Bar(x=[value or 0.0], y=y, orientation="h", width=0.35, marker_color=BULLET_BAR,
                         name=t("bullet_actual", lang), hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
                         customdata=[format_value(value, qualifier, lang)]))
    fig.add_trace(go.Scatter(x=[target], y=y, mode="markers", name=t("bullet_target", lang),
                             marker=dict(symbol="line-ns", size=26, line=dict(width=3, color=TARGET_COLOR)),
                             hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
                             customdata=[format_value(target, target_qualifier, lang)]))
    top = max(v for v in (value or 0.0, target, last_year or 0.0)) * 1.05 or 1.0
    fig.update_layout(**{**LAYOUT, "margin": dict(l=0, r=0, t=0, b=0)}, barmode="overlay", height=56,
                      showlegend=False, title=None)
    fig.update_xaxes(range=[0, top], showgrid=False, zeroline=False, tickfont=dict(size=9), nticks=4)
    fig.update_yaxes(visible=False)
    return fig


def add_target_ticks(fig: go.Figure, ranking: pd.DataFrame, catalog: Catalog, lang: str) -> go.Figure:
    """The ranking chart with each city's target as a tick and 完成率 in the hover (analytics.ranking_targets).

    Cities without a target get no tick; the figure is returned as it was when none has one.
    """
    frame = ranking.iloc[::-1]  # the order ranking_chart draws the bars in
    has = frame["target"].notna().to_numpy()
    if not has.any():
        return fig
    labels = [_city_label(catalog, c, lang) for c in frame["city"]]
    hover = [f"{label}<br>{t('bullet_actual', lang)} {format_value(v, q, lang)}<br>{t('bullet_target', lang)} "
             f"{format_value(g, gq, lang)}<br>{t('attainment', lang)} {format_attainment(a)}"
             for label, v, q, g, gq, a in zip(labels, frame["value"], frame["qualifier"], frame["target"],
                                              frame["target_qualifier"], frame["attainment"])]
    fig.add_trace(go.Scatter(
        x=frame["target"][has], y=[label for label, keep in zip(labels, has) if keep], mode="markers",
        name=t("bullet_target", lang), customdata=[[c] for c in frame["city"][has]],
        marker=dict(symbol="line-ns", size=22, line=dict(width=3, color=TARGET_COLOR)),
        hovertext=[h for h, keep in zip(hover, has) if keep], hoverinfo="text",
    ))
    texts = [f"{text} · {format_attainment(a)}" if keep else text
             for text, a, keep in zip(fig.data[0].text, frame["attainment"], has)]
    fig.data[0].text = texts
    # the label inside the bar's end: outside it, a tick just past the bar would cross it
    fig.data[0].update(textposition="inside", insidetextanchor="end", insidetextfont=dict(color="white"))
    fig.update_layout(showlegend=False)
    return fig


# ---- campaign colours (one mapping, every page) and the campaign page's charts -------------------------------------
UNKNOWN_CAMPAIGN_COLOR = "#9e9e9e"  # a campaign code the catalog does not know
_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def campaign_color(catalog: Catalog, code: str) -> str:
    """The colour a campaign is drawn in on every page and in the briefing ('#rrggbb').

    The catalog's `color` (data/catalog/campaigns.yaml); for a campaign without one, CAMPAIGN_COLORS in catalog order
    among those without one (so it does not depend on which campaigns have data); grey for a code not in the catalog.
    """
    campaign = catalog.campaigns.get(code)
    if campaign is None:
        return UNKNOWN_CAMPAIGN_COLOR
    if _HEX_COLOR.match(campaign.color or ""):
        return campaign.color
    uncoloured = [c for c, entry in catalog.campaigns.items() if not _HEX_COLOR.match(entry.color or "")]
    return CAMPAIGN_COLORS[uncoloured.index(code) % len(CAMPAIGN_COLORS)]


def campaign_colors(catalog: Catalog) -> dict[str, str]:
    """Every catalog campaign's colour (campaign_color), by code."""
    return {code: campaign_color(catalog, code) for code in catalog.campaigns}


def _campaign_label(catalog: Catalog, code: str, lang: str) -> str:
    campaign = catalog.campaigns.get(code)
    return escape_label(campaign.label(lang) if campaign else code)


MONTH_BAR_WIDTH_MS = 20 * 24 * 3600 * 1000  # a month's bar on a time axis: about two thirds of a month wide


def campaign_month_chart(months: pd.DataFrame, metric: str, campaign: str, start: date, end: date, catalog: Catalog,
                         lang: str) -> go.Figure:
    """One campaign's metric per month (analytics.campaign_months) as bars on a time axis over the whole window:
    a month without data is a gap, and a single month is one month wide, not the whole axis."""
    frame = months.copy()
    frame["text"] = _labels(frame, lang)
    words = _metric_words(catalog, metric, lang)
    fig = go.Figure(go.Bar(
        x=frame["month"], y=frame["value"], text=frame["text"], width=[MONTH_BAR_WIDTH_MS] * len(frame),
        marker_color=campaign_color(catalog, campaign), name=_campaign_label(catalog, campaign, lang),
        hovertemplate="%{x|%Y-%m}: %{text}<extra></extra>",
    ))
    first, last = pd.Timestamp(start) - pd.Timedelta(days=16), pd.Timestamp(end) - pd.Timedelta(days=14)
    fig.update_xaxes(type="date", range=[first, last], dtick="M1" if len(pd.period_range(start, end, freq="M")) <= 24
                     else "M3", tickformat="%Y-%m", title_text=t("month_axis", lang))
    fig.update_yaxes(title_text=words["unit"])
    fig.update_layout(**LAYOUT, title=t("campaign_month_title", lang, campaign=_campaign_label(catalog, campaign, lang),
                                        **words))
    fig.update_traces(textposition="outside", cliponaxis=False)
    return fig


def campaign_ranking_chart(ranking: pd.DataFrame, metric: str, campaign: str, catalog: Catalog, lang: str) -> go.Figure:
    """The cities' ranking (ranking_chart) for one campaign, drawn in the campaign's colour."""
    fig = ranking_chart(ranking, metric, catalog, lang)
    fig.update_traces(marker_color=campaign_color(catalog, campaign))
    return fig


def top_units_chart(units: pd.DataFrame, metric: str, campaign: str, catalog: Catalog, lang: str) -> go.Figure:
    """Horizontal bars of the largest counties and sub-units (analytics.top_units), each labelled with its city."""
    frame = units.copy()
    frame["label"] = [_unit_label(catalog, city, county, unit, lang)
                      for city, county, unit in zip(frame["city"], frame["county"], frame["unit"])]
    frame["text"] = _labels(frame, lang)
    fig = px.bar(
        frame.iloc[::-1], x="value", y="label", orientation="h", text="text",
        custom_data=["city"], color_discrete_sequence=[campaign_color(catalog, campaign)],
        labels={"value": t("value", lang), "label": t("unit_col", lang)},
        title=t("top_units_title", lang, **_metric_words(catalog, metric, lang)),
    )
    fig.update_layout(**LAYOUT, height=max(300, 34 * len(frame) + 90))
    fig.update_traces(textposition="outside", cliponaxis=False)
    return fig


def _unit_label(catalog: Catalog, city: str, county: str, unit: str, lang: str) -> str:
    """南京市 · 高淳区 · 国际慢城共产党员服务队; the city company's own part as 南京市 · 市公司本级."""
    return escape_label(region_label(catalog, city, county, unit, lang))


def campaign_share_chart(shares: pd.DataFrame, metric: str, campaign: str, catalog: Catalog, lang: str) -> go.Figure:
    """Per city a 100% bar of the campaigns' shares of its value (analytics.campaign_city_share for one metric),
    each campaign in its colour; cities ordered by the chosen campaign's share, largest on top."""
    frame = shares[shares["metric"] == metric].copy()
    mine = frame[frame["campaign"] == campaign].set_index("city")["share"]
    cities = sorted(set(frame["city"]), key=lambda c: (-float(mine.get(c, 0.0)), c))
    frame["label"] = [_city_label(catalog, c, lang) for c in frame["city"]]
    frame["campaign_label"] = [_campaign_label(catalog, c, lang) for c in frame["campaign"]]
    frame["text"] = [f"{s:.0%}" for s in frame["share"]]
    frame["figure"] = _labels(frame, lang)
    frame["base"] = [format_value(v, q, lang) for v, q in zip(frame["city_value"], frame["city_qualifier"])]
    colors = {label: campaign_color(catalog, code) for label, code in zip(frame["campaign_label"], frame["campaign"])}
    order = [_campaign_label(catalog, campaign, lang)] + [
        _campaign_label(catalog, c, lang) for c in catalog.campaigns if c != campaign] + sorted(
        set(frame["campaign_label"]) - {_campaign_label(catalog, c, lang) for c in catalog.campaigns})
    labels = [_city_label(catalog, c, lang) for c in cities]
    fig = px.bar(
        frame, x="share", y="label", color="campaign_label", orientation="h", text="text",
        custom_data=["city", "figure", "base"], color_discrete_map=colors,
        category_orders={"campaign_label": order, "label": labels},
        labels={"share": t("share_axis", lang), "label": t("city", lang), "campaign_label": t("campaign", lang)},
        title=t("share_title", lang, **_metric_words(catalog, metric, lang)),
    )
    fig.update_traces(hovertemplate="%{y} · %{fullData.name}: %{customdata[1]} / %{customdata[2]} (%{x:.1%})<extra></extra>",
                      textposition="inside")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(**LAYOUT, barmode="stack", height=max(320, 34 * len(cities) + 110))
    return fig


# ---- the reporting cycle (#12) ------------------------------------------------------------------------------------
GRID_ROW_PX = 24  # px per unit row of the completeness grid


def progress_heatmap(grid: ProgressGrid, catalog: Catalog, lang: str) -> go.Figure:
    """The completeness grid (reporting.ProgressGrid): a row per unit (counties under their city), a column per
    task, each cell coloured by status (reporting.STATUS_COLORS) with its status and days early or late."""
    place = {status: index for index, status in enumerate(STATUSES)}
    scale = []
    for index, status in enumerate(STATUSES):
        scale += [[index / len(STATUSES), STATUS_COLORS[status]], [(index + 1) / len(STATUSES), STATUS_COLORS[status]]]
    rows = [escape_label(adcode_label(catalog, adcode, lang)) for adcode in grid.units["adcode"]]
    columns = [escape_label(task_label(task, catalog, lang)) for task in grid.tasks]
    z, text = [], []
    for adcode in grid.units["adcode"]:
        statuses, days = grid.status.loc[adcode], grid.days.loc[adcode]
        z.append([None if s is None else place[s] for s in statuses])
        text.append(["" if s is None else " ".join(part for part in (t(f"cycle.status_{s}", lang), days_text(d, lang))
                                                    if part) for s, d in zip(statuses, days)])
    fig = go.Figure(go.Heatmap(z=z, x=columns, y=rows, text=text, texttemplate="%{text}", colorscale=scale,
                               zmin=-0.5, zmax=len(STATUSES) - 0.5, showscale=False, xgap=2, ygap=2,
                               hovertemplate=t("progress.grid_hover", lang) + "<extra></extra>"))
    fig.update_layout(**LAYOUT, height=GRID_ROW_PX * len(rows) + 90)
    fig.update_layout(margin=dict(l=10, r=10, t=30, b=10))
    fig.update_yaxes(autorange="reversed", fixedrange=True)
    fig.update_xaxes(side="top", fixedrange=True, type="category")
    return fig
