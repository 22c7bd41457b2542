"""The one-click briefing (简报): a view of the dashboard as a PowerPoint deck with native, editable charts, or as .xlsx.

A view is its figures (analytics.briefing_figures) and a language. The deck holds: a title slide (period, filters,
data as of); the KPI table (value with its qualifier, 环比, 同比, 完成率); per headline metric with data, the monthly
trend by campaign (a stacked column chart) and the city ranking (a bar chart), both native charts whose data
PowerPoint can edit; the map (an image: exports/briefing_map.py); how many cities and counties reported; notes on
the figures qualified 约/余. The .xlsx holds the same tables, one sheet each, formula-safe, each with the view written
above it. Every text goes through i18n.t; figures follow the roll-up rule and qualifiers (analytics).

This module is in the exports layer and imports no analytics (tests/test_layers.py): Filters, Kpi, Trend, Completeness
and BriefingFigures in its annotations are analytics' types, made by the page layer or the command line.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from catalog import Catalog
from i18n import format_change, format_month, format_value, format_window, t
from labels import city_label
from model import QUALIFIER_ABOUT, QUALIFIER_OVER

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
NOTES_SHOWN = 14  # qualified figures listed on the notes slide (the .xlsx lists them all)


@dataclass(frozen=True)
class Briefing:
    """Everything the deck and the workbook show: a view's figures (analytics.briefing_figures) in a language."""

    lang: str
    filters: Filters
    as_of: str  # '' when the store has no upload in effect
    kpis: list[Kpi]
    metrics: list[str]  # the metrics the trend and ranking slides show
    trends: list[Trend]
    rankings: dict[str, pd.DataFrame]  # metric → city, value, qualifier (analytics.city_ranking)
    province: dict[str, tuple[float, str]]  # metric → province-level figure (no city's), where there is one
    completeness: Completeness
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (where, figure as shown, qualifier)
    colors: dict[str, str] = field(default_factory=dict)  # campaign code → '#rrggbb' (charts.campaign_colors)


def make_briefing(figures: BriefingFigures, catalog: Catalog, lang: str, as_of: datetime | None = None,
                  colors: dict[str, str] | None = None) -> Briefing:
    """The briefing of a view's figures in `lang`, with the store's latest upload time (Store.latest_upload_time).

    `colors` (charts.campaign_colors, passed in by the page or the command line: this layer draws no charts of its
    own) colour each campaign's series as on every page; without them PowerPoint's theme colours are used.
    """
    briefing = Briefing(lang=lang, filters=figures.filters, as_of=as_of_text(as_of), kpis=figures.kpis,
                        metrics=figures.metrics, trends=figures.trends, rankings=figures.rankings,
                        province=figures.province, completeness=figures.completeness, colors=dict(colors or {}))
    briefing.notes.extend(_qualified(briefing, catalog))
    return briefing


# ---- the view's figures -------------------------------------------------------------------------------------
def as_of_text(when: datetime | None) -> str:
    """The store's latest upload time (Store.latest_upload_time) as China Standard Time, or ''."""
    if when is None or pd.isna(when):
        return ""
    return f"{pd.Timestamp(when).tz_convert('Asia/Shanghai').strftime('%Y-%m-%d %H:%M')} (UTC+8)"


def _qualified(briefing: Briefing, catalog: Catalog) -> list[tuple[str, str, str]]:
    """The figures of the briefing that are 约 or 余: (where, figure as shown, qualifier)."""
    lang = briefing.lang
    found = []
    for kpi in briefing.kpis:
        if kpi.qualifier in (QUALIFIER_ABOUT, QUALIFIER_OVER):
            found.append((metric_title(catalog, kpi.metric, lang), format_value(kpi.value, kpi.qualifier, lang),
                          kpi.qualifier))
    for code, ranking in briefing.rankings.items():
        for row in ranking.itertuples(index=False):
            if row.qualifier in (QUALIFIER_ABOUT, QUALIFIER_OVER):
                found.append((f"{city_label(catalog, str(row.city), lang)} · {catalog.metrics[code].label(lang)}",
                              format_value(row.value, row.qualifier, lang), str(row.qualifier)))
    for code, (value, qualifier) in briefing.province.items():
        if qualifier in (QUALIFIER_ABOUT, QUALIFIER_OVER):
            found.append((f"{t('province_level', lang)} · {catalog.metrics[code].label(lang)}",
                          format_value(value, qualifier, lang), qualifier))
    return found


# ---- labels ----------------------------------------------------------------------------------------------------
def metric_title(catalog: Catalog, code: str, lang: str) -> str:
    metric = catalog.metrics.get(code)
    if metric is None:
        return code
    return t("brief_metric_unit", lang, metric=metric.label(lang), unit=metric.unit(lang))


def campaign_label(catalog: Catalog, code: str, lang: str) -> str:
    campaign = catalog.campaigns.get(code)
    return campaign.label(lang) if campaign else code


def view_lines(briefing: Briefing, catalog: Catalog) -> list[str]:
    """The view in words: period, cities, campaigns, data as of."""
    lang, filters = briefing.lang, briefing.filters
    sep = "、" if lang == "zh" else ", "
    cities = sep.join(city_label(catalog, c, lang) for c in filters.cities) or t("cities_all", lang)
    campaigns = sep.join(campaign_label(catalog, c, lang) for c in filters.campaigns) or t("campaigns_all", lang)
    return [t("brief_period", lang, period=format_window(filters.start, filters.end, lang)),
            t("brief_cities", lang, cities=cities), t("brief_campaigns", lang, campaigns=campaigns),
            t("brief_as_of", lang, when=briefing.as_of or t("brief_no_data", lang))]


def change_text(kpi: Kpi, which: str, lang: str) -> str:
    """环比 or 同比 as shown: '+12 (+6.5%) · vs 2020-06'; blank where the base is missing."""
    base = kpi.month_on_month if which == "mom" else kpi.year_on_year
    change = format_change(base.delta(kpi.value), base.ratio(kpi.value), lang) if base is not None else None
    if change is None:
        return ""
    key = "brief_ytd_vs" if which == "yoy" and kpi.like_for_like else "brief_vs"
    return f"{change} · {t(key, lang, period=format_window(base.start, base.end, lang))}"


def attainment_text(kpi: Kpi) -> str:
    return "" if kpi.attainment is None else f"{kpi.attainment:.1%}"


def completeness_lines(briefing: Briefing, catalog: Catalog) -> list[str]:
    lang, done = briefing.lang, briefing.completeness
    sep = "、" if lang == "zh" else ", "
    lines = [t("brief_complete_cities", lang, reported=done.cities_reported, total=done.cities_total),
             t("brief_complete_counties", lang, reported=done.counties_reported, total=done.counties_total)]
    if not briefing.filters.cities:
        lines.append(t("brief_complete_province", lang,
                       present=t("brief_yes" if done.province_reported else "brief_no", lang)))
    lines.append(t("brief_complete_missing", lang, cities=sep.join(city_label(catalog, c, lang)
                                                                   for c in done.missing_cities))
                 if done.missing_cities else t("brief_complete_all", lang))
    return lines


def note_lines(briefing: Briefing, limit: int | None = None) -> list[str]:
    lang = briefing.lang
    shown = briefing.notes if limit is None else briefing.notes[:limit]
    lines = [t("brief_note_line", lang, where=where, value=value, meaning=t(f"brief_meaning_{qualifier}", lang))
             for where, value, qualifier in shown]
    if limit is not None and len(briefing.notes) > limit:
        lines.append(t("brief_notes_more", lang, count=len(briefing.notes) - limit))
    return lines or [t("brief_notes_none", lang)]


# ---- the deck --------------------------------------------------------------------------------------------------
def briefing_pptx(briefing: Briefing, catalog: Catalog) -> bytes:
    """The briefing as a .pptx: native charts (CategoryChartData), the map as a picture."""
    from pptx import Presentation
    from pptx.util import Inches

    lang = briefing.lang
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    _title_slide(deck, briefing, catalog)
    _kpi_slide(deck, briefing, catalog)
    for trend in briefing.trends:
        _trend_slide(deck, trend, briefing, catalog)
    for code in briefing.metrics:
        _ranking_slide(deck, code, briefing, catalog)
    _map_slide(deck, briefing, catalog)
    slide = _content_slide(deck, t("brief_complete_title", lang))
    _text_box(slide, completeness_lines(briefing, catalog), top=1.4, height=5.5, size=20)
    slide = _content_slide(deck, t("brief_notes_title", lang))
    _text_box(slide, [t("brief_notes_rule", lang), *note_lines(briefing, NOTES_SHOWN)], top=1.4, height=5.7, size=16)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title_slide(deck, briefing: Briefing, catalog: Catalog) -> None:
    from pptx.util import Pt

    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = t("brief_title", briefing.lang)
    body = slide.placeholders[1].text_frame
    body.text = ""
    for index, line in enumerate(view_lines(briefing, catalog)):
        paragraph = body.paragraphs[0] if index == 0 else body.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(20)
    _fit_placeholders(deck, slide)


def _fit_placeholders(deck, slide) -> None:
    """The default template's placeholders are laid out for 4:3: stretch them across the 16:9 slide."""
    from pptx.util import Inches

    for shape in slide.placeholders:
        shape.left, shape.width = Inches(0.6), deck.slide_width - Inches(1.2)


def _content_slide(deck, title: str):
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    slide.shapes.title.text = title
    slide.shapes.title.top, slide.shapes.title.height = Inches(0.3), Inches(1.0)
    slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(26)  # a long English title stays on one line
    _fit_placeholders(deck, slide)
    return slide


def _text_box(slide, lines: list[str], *, top: float, height: float, size: int, left: float = 0.6,
              width: float = 12.1) -> None:
    from pptx.util import Inches, Pt

    frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size = Pt(size)
        paragraph.space_after = Pt(size * 0.5)


def _kpi_slide(deck, briefing: Briefing, catalog: Catalog) -> None:
    from pptx.util import Inches, Pt

    lang = briefing.lang
    slide = _content_slide(deck, t("brief_kpi_title", lang))
    header = [t("metric", lang), t("brief_col_value", lang), t("brief_col_mom", lang), t("brief_col_yoy", lang),
              t("brief_col_attainment", lang)]
    rows = [[metric_title(catalog, k.metric, lang), format_value(k.value, k.qualifier, lang) if k.value is not None
             else "", change_text(k, "mom", lang), change_text(k, "yoy", lang), attainment_text(k)]
            for k in briefing.kpis]
    if not rows:
        _text_box(slide, [t("brief_kpi_none", lang)], top=1.5, height=1.0, size=20)
        rows = []
    widths = [2.8, 1.5, 3.3, 3.3, 1.2]
    shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.6), Inches(1.4 if rows else 2.6),
                                   Inches(sum(widths)), Inches(0.4 * (len(rows) + 1)))
    table = shape.table
    for index, width in enumerate(widths):
        table.columns[index].width = Inches(width)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(14 if r == 0 else 12)
                paragraph.font.bold = r == 0
    _text_box(slide, [t("brief_kpi_note", lang), t("qualifier_note", lang)], top=6.4, height=0.9, size=11)


def _number_format(values) -> str:
    whole = all(v is None or float(v).is_integer() for v in values)
    return "#,##0" if whole else "#,##0.0#"


def _trend_slide(deck, trend: Trend, briefing: Briefing, catalog: Catalog) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    lang = briefing.lang
    slide = _content_slide(deck, t("brief_trend_title", lang, metric=metric_title(catalog, trend.metric, lang)))
    data = CategoryChartData(number_format=_number_format(v for s in trend.values.values() for v in s))
    data.categories = [format_month(month, lang) for month in trend.months]
    for code in trend.campaigns:
        data.add_series(campaign_label(catalog, code, lang), trend.values[code])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, Inches(0.6), Inches(1.3), Inches(12.1),
                                   Inches(5.9), data).chart
    for series, code in zip(chart.plots[0].series, trend.campaigns):
        colour = briefing.colors.get(code, "")
        if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor.from_string(colour[1:].upper())
    chart.font.size = Pt(12)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.tick_labels.number_format = data.number_format
    chart.value_axis.tick_labels.number_format_is_linked = False
    if len(trend.months) <= 18:  # labels on each part; more months would crowd them
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format = data.number_format
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.font.size = Pt(10)
        for series, code in zip(plot.series, trend.campaigns):
            _qualified_labels(series, trend.values[code], trend.qualifiers[code], lang)


def _qualified_labels(series, values: list[float | None], qualifiers: list[str], lang: str) -> None:
    """Points whose figure is 约/余 get their label as reported (约350,000, 8,100+), the others the plain number."""
    from pptx.util import Pt

    for index, (value, qualifier) in enumerate(zip(values, qualifiers)):
        if value is not None and qualifier:
            label = series.points[index].data_label
            label.has_text_frame = True
            label.text_frame.text = format_value(value, qualifier, lang)
            label.text_frame.paragraphs[0].font.size = Pt(10)


def _ranking_slide(deck, code: str, briefing: Briefing, catalog: Catalog) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches, Pt

    lang = briefing.lang
    ranking = briefing.rankings[code]
    slide = _content_slide(deck, t("brief_ranking_title", lang, metric=metric_title(catalog, code, lang)))
    lines = []
    if code in briefing.province:
        value, qualifier = briefing.province[code]
        lines.append(t("brief_province_extra", lang, value=format_value(value, qualifier, lang)))
    if ranking.empty:
        _text_box(slide, [t("brief_ranking_none", lang), *lines], top=1.5, height=2.0, size=18)
        return
    values = [float(v) for v in ranking["value"]]
    data = CategoryChartData(number_format=_number_format(values))
    data.categories = [city_label(catalog, str(c), lang) for c in ranking["city"]]
    data.add_series(catalog.metrics[code].label(lang) if code in catalog.metrics else code, values)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.6), Inches(1.3), Inches(12.1),
                                   Inches(5.5 if lines else 5.9), data).chart
    chart.font.size = Pt(12)
    chart.has_legend = False
    chart.category_axis.reverse_order = True  # the largest at the top
    chart.value_axis.tick_labels.number_format = data.number_format
    chart.value_axis.tick_labels.number_format_is_linked = False
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    plot.data_labels.number_format = data.number_format
    plot.data_labels.number_format_is_linked = False
    _qualified_labels(plot.series[0], values, [str(q) for q in ranking["qualifier"]], lang)
    if lines:
        _text_box(slide, lines, top=6.85, height=0.5, size=12)


def map_metric(briefing: Briefing) -> str | None:
    """The metric the map shows: teams when it has city figures (as the overview's ranking), else the first that does."""
    ranked = [code for code in briefing.metrics if not briefing.rankings[code].empty]
    return "teams" if "teams" in ranked else (ranked[0] if ranked else None)


def map_png(briefing: Briefing, catalog: Catalog) -> bytes | None:
    """The map picture of the briefing's map metric (None when no city reported it). Raises MapUnavailable."""
    from exports.briefing_map import city_map_png

    code = map_metric(briefing)
    if code is None:
        return None
    lang = briefing.lang
    ranking = briefing.rankings[code]
    by_name = {c.name: c for c in catalog.cities}
    values, texts = {}, {}
    for row in ranking.itertuples(index=False):
        region = by_name.get(str(row.city))
        if region is not None:
            values[region.adcode] = float(row.value)
            texts[region.adcode] = format_value(row.value, row.qualifier, lang)
    shown = {by_name[c].adcode for c in briefing.filters.cities if c in by_name} or None
    labels = {c.adcode: c.label(lang) for c in catalog.cities}
    low, high = min(values.values()), max(values.values())
    return city_map_png(values, labels, texts, shown, legend=(format_value(low, "", lang), format_value(high, "", lang)))


def _map_slide(deck, briefing: Briefing, catalog: Catalog) -> None:
    from pptx.util import Inches

    from exports.briefing_map import MapUnavailable

    lang = briefing.lang
    code = map_metric(briefing)
    title = t("brief_map_title", lang, metric=metric_title(catalog, code, lang)) if code else \
        t("brief_map_title", lang, metric="—")
    slide = _content_slide(deck, title)
    try:
        png = map_png(briefing, catalog)
    except MapUnavailable as exc:
        _text_box(slide, [t("brief_map_none", lang, reason=str(exc)[:200])], top=2.0, height=2.0, size=18)
        return
    if png is None:
        _text_box(slide, [t("brief_map_no_data", lang)], top=2.0, height=1.0, size=18)
        return
    from exports.briefing_map import HEIGHT, WIDTH

    height = 5.65
    slide.shapes.add_picture(io.BytesIO(png), (deck.slide_width - Inches(height * WIDTH / HEIGHT)) // 2, Inches(1.25),
                             height=Inches(height))
    _text_box(slide, [t("brief_map_note", lang)], top=6.95, height=0.45, size=11)


# ---- the workbook -----------------------------------------------------------------------------------------------
def briefing_xlsx(briefing: Briefing, catalog: Catalog) -> bytes:
    """The briefing's tables as .xlsx, one sheet each, the view written above each table; formula-safe."""
    from openpyxl import Workbook

    lang = briefing.lang
    view = view_lines(briefing, catalog)
    about = pd.DataFrame({t("brief_item", lang): [t("brief_title", lang)] + [""] * (len(view) - 1)
                          + [t("brief_complete_title", lang)] * len(completeness_lines(briefing, catalog))
                          + [t("brief_notes_title", lang)] * (1 + len(note_lines(briefing))),
                          t("brief_text", lang): [*view, *completeness_lines(briefing, catalog),
                                                  t("brief_notes_rule", lang), *note_lines(briefing)]})
    sheets = [("brief_sheet_about", about), ("brief_sheet_kpi", kpi_frame(briefing, catalog)),
              ("brief_sheet_trend", trend_frame(briefing, catalog)),
              ("brief_sheet_ranking", ranking_frame(briefing, catalog)),
              ("brief_sheet_complete", completeness_frame(briefing, catalog)),
              ("brief_sheet_notes", notes_frame(briefing))]
    workbook = Workbook(write_only=True)
    for key, frame in sheets:
        _write_sheet(workbook, t(key, lang), frame, [] if key == "brief_sheet_about" else view)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_sheet(workbook, name: str, frame: pd.DataFrame, view: list[str]) -> None:
    from openpyxl.utils import get_column_letter

    from exports.tables import MAX_COLUMN_WIDTH, _cell, _sheet_title
    from safetext import neutralise_formula, neutralise_frame

    safe = neutralise_frame(frame)
    sheet = workbook.create_sheet(_sheet_title(name))
    header = [str(neutralise_formula(str(c))) for c in frame.columns]
    for index, title in enumerate(header, start=1):
        longest = max([len(title), *(len(str(v)) for v in safe.iloc[:200, index - 1] if v is not None)])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_COLUMN_WIDTH, max(8, longest * 1.6 + 2))
    sheet.freeze_panes = f"A{header_row(len(view)) + 1}"
    for line in view:
        sheet.append([_cell(sheet, neutralise_formula(line))])
    if view:
        sheet.append([])
    sheet.append([_cell(sheet, title, bold=True) for title in header])
    for row in safe.itertuples(index=False, name=None):
        sheet.append([_cell(sheet, value) for value in row])


def header_row(view_lines_count: int) -> int:
    """The row (1-based) of a table's header in a briefing sheet with the view written above it."""
    return view_lines_count + 2 if view_lines_count else 1


def _figure_columns(values, qualifiers, label: str, lang: str) -> dict[str, list]:
    return {label: [None if v is None or pd.isna(v) else float(v) for v in values],
            t("qualifier_of", lang, column=label): [t(f"qualifier_{q}", lang) if q else "" for q in qualifiers]}


def kpi_frame(briefing: Briefing, catalog: Catalog) -> pd.DataFrame:
    """The KPI table with numbers: value and qualifier, each base's period, value, change and ratio, target, 完成率."""
    lang, kpis = briefing.lang, briefing.kpis
    columns = {t("metric", lang): [catalog.metrics[k.metric].label(lang) for k in kpis],
               t("brief_unit", lang): [catalog.metrics[k.metric].unit(lang) for k in kpis],
               **_figure_columns([k.value for k in kpis], [k.qualifier for k in kpis], t("brief_col_value", lang), lang)}
    for which, name in (("mom", t("brief_col_mom", lang)), ("yoy", t("brief_col_yoy", lang))):
        bases = [k.month_on_month if which == "mom" else k.year_on_year for k in kpis]
        columns[t("brief_col_base_period", lang, column=name)] = [format_window(b.start, b.end, lang) for b in bases]
        columns[t("brief_col_base_value", lang, column=name)] = [b.value for b in bases]
        columns[t("brief_col_change", lang, column=name)] = [b.delta(k.value) for b, k in zip(bases, kpis)]
        columns[t("brief_col_ratio", lang, column=name)] = [b.ratio(k.value) for b, k in zip(bases, kpis)]
    columns[t("brief_like_for_like", lang)] = [t("brief_yes" if k.like_for_like else "brief_no", lang) for k in kpis]
    columns[t("brief_col_target", lang)] = [k.target for k in kpis]
    columns[t("brief_col_attainment", lang)] = [k.attainment for k in kpis]
    return pd.DataFrame(columns)


def trend_frame(briefing: Briefing, catalog: Catalog) -> pd.DataFrame:
    """Metric, month, campaign, value, qualifier: the trend charts' data (months with a figure)."""
    lang, rows = briefing.lang, []
    for trend in briefing.trends:
        for campaign in trend.campaigns:
            for month, value, qualifier in zip(trend.months, trend.values[campaign], trend.qualifiers[campaign]):
                if value is not None:
                    rows.append((catalog.metrics[trend.metric].label(lang), catalog.metrics[trend.metric].unit(lang),
                                 format_month(month, lang), campaign_label(catalog, campaign, lang), value, qualifier))
    frame = pd.DataFrame(rows, columns=["metric", "unit", "month", "campaign", "value", "qualifier"])
    return pd.DataFrame({t("metric", lang): frame["metric"], t("brief_unit", lang): frame["unit"],
                         t("brief_month", lang): frame["month"], t("campaign", lang): frame["campaign"],
                         **_figure_columns(frame["value"], frame["qualifier"], t("value", lang), lang)})


def ranking_frame(briefing: Briefing, catalog: Catalog) -> pd.DataFrame:
    lang, rows = briefing.lang, []
    for code in briefing.metrics:
        for rank, row in enumerate(briefing.rankings[code].itertuples(index=False), start=1):
            rows.append((catalog.metrics[code].label(lang), catalog.metrics[code].unit(lang), rank,
                         city_label(catalog, str(row.city), lang), float(row.value), str(row.qualifier)))
    frame = pd.DataFrame(rows, columns=["metric", "unit", "rank", "city", "value", "qualifier"])
    return pd.DataFrame({t("metric", lang): frame["metric"], t("brief_unit", lang): frame["unit"],
                         t("brief_rank", lang): frame["rank"], t("city", lang): frame["city"],
                         **_figure_columns(frame["value"], frame["qualifier"], t("value", lang), lang)})


def completeness_frame(briefing: Briefing, catalog: Catalog) -> pd.DataFrame:
    lang, by_city = briefing.lang, briefing.completeness.by_city
    return pd.DataFrame({
        t("city", lang): [city_label(catalog, c, lang) for c in by_city["city"]],
        t("brief_reported", lang): [t("brief_yes" if r else "brief_no", lang) for r in by_city["reported"]],
        t("brief_counties_reported", lang): by_city["counties_reported"].astype(int),
        t("brief_counties_total", lang): by_city["counties_total"].astype(int),
    })


def notes_frame(briefing: Briefing) -> pd.DataFrame:
    lang = briefing.lang
    return pd.DataFrame({t("brief_item", lang): [where for where, _, _ in briefing.notes],
                         t("value", lang): [value for _, value, _ in briefing.notes],
                         t("brief_qualifier", lang): [t(f"brief_meaning_{q}", lang) for _, _, q in briefing.notes]})


# ---- one call for the app and the command line ---------------------------------------------------------------------
def briefing_file(figures: BriefingFigures, catalog: Catalog, lang: str, as_of: datetime | None, kind: str,
                  colors: dict[str, str] | None = None) -> bytes:
    """The briefing of a view's figures (analytics.briefing_figures) as 'pptx' or 'xlsx' bytes."""
    briefing = make_briefing(figures, catalog, lang, as_of, colors)
    return briefing_pptx(briefing, catalog) if kind == "pptx" else briefing_xlsx(briefing, catalog)

