"""Every text the app shows, in Chinese and English, and number formatting with qualifiers."""
from __future__ import annotations

import math

LANGUAGES = ("zh", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("新时代文明实践 KPI 看板", "Civic-practice KPI dashboard"),
    "app_subtitle": ("国网江苏电力 · 新时代文明实践", "State Grid Jiangsu Electric Power · New Era civic practice"),
    "page_overview": ("总览", "Overview"),
    "page_regions": ("分地区", "By region"),
    "language": ("语言 / Language", "语言 / Language"),
    "filters": ("筛选", "Filters"),
    "period": ("统计期间", "Period"),
    "preset_last12": ("最近 12 个月（有数据）", "Last 12 months with data"),
    "preset_all": ("全部期间", "All periods"),
    "preset_year": ("{year} 年", "Year {year}"),
    "preset_custom": ("自定义月份", "Custom months"),
    "months": ("月份范围", "Month range"),
    "cities": ("城市", "Cities"),
    "cities_all": ("全部城市（含省公司）", "All cities (and province level)"),
    "campaigns": ("专项活动", "Campaigns"),
    "campaigns_all": ("全部活动", "All campaigns"),
    "window": ("{start} 至 {end}", "{start} to {end}"),
    "data_as_of": ("数据更新于 {when}", "Data as of {when}"),
    "no_data_yet": ("暂无数据", "No data yet"),
    "demo_note": (
        "演示数据：全省合计与 2020 年新闻报道一致，各市、县分解为示意数据。",
        "Demo data: province totals match the 2020 news report; the split by city and county is illustrative.",
    ),
    "kpi_header": ("核心指标", "Key figures"),
    "vs_previous": ("较上一同长期间 {start}–{end}", "vs previous period {start}–{end}"),
    "no_previous": ("上一期间无数据", "no data in previous period"),
    "trend_header": ("月度趋势", "Monthly trend"),
    "ranking_header": ("城市排名", "City ranking"),
    "metric": ("指标", "Metric"),
    "campaign": ("专项活动", "Campaign"),
    "city": ("城市", "City"),
    "county": ("县（区）", "County"),
    "value": ("数值", "Value"),
    "month_axis": ("月份", "Month"),
    "city_own": ("市公司本级", "City company itself"),
    "province_level": ("省公司层面", "Province level"),
    "province_note": (
        "另有省公司层面数据 {value}{unit}，不计入任何城市。",
        "A further {value} {unit} is reported at province level and belongs to no city.",
    ),
    "nothing_in_window": ("所选期间和范围内没有数据，请调整左侧筛选条件。", "No figures for this selection. Widen the filters on the left."),
    "select_city": ("选择城市查看各县（区）", "Choose a city to see its counties"),
    "by_city_header": ("各市对比", "Cities compared"),
    "counties_header": ("{city}：各县（区）", "{city}: by county"),
    "city_table_header": ("各市全部指标", "All metrics by city"),
    "click_hint": ("点击柱形图中的城市也可选中。", "You can also click a city's bar."),
    "trend_title": ("{metric}（{unit}）· 按月份和专项活动", "{metric} ({unit}) by month and campaign"),
    "ranking_title": ("{metric}（{unit}）· 各市排名", "{metric} ({unit}) by city"),
    "county_title": ("{city} · {metric}（{unit}）· 各县（区）", "{city} · {metric} ({unit}) by county"),
    "qualifier_note": ("“+”表示“余/多/超”，“约”表示约数。", "'+' means 'more than' (余/多/超); '≈' means 'about'."),
    "error_unexpected": (
        "出现意外错误，已记录。请刷新页面重试；如仍有问题请联系管理员。",
        "Something unexpected went wrong and was logged. Reload the page; if it persists, tell the administrator.",
    ),
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` ('zh' or 'en'), with {placeholders} filled."""
    zh, en = TEXTS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def language_from_locale(locale: str | None) -> str:
    """'zh' for Chinese browser locales (and when the locale is unknown), else 'en'."""
    if not locale:
        return "zh"
    return "zh" if locale.lower().startswith("zh") else "en"


def format_number(value: float | None) -> str:
    """Thousands separators; up to two decimals, none for whole numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if float(value).is_integer():
        return f"{int(round(value)):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(value: float | None, qualifier: str, lang: str) -> str:
    """A figure as reports say it: 8,100+ for 'over', 约350,000 / ≈350,000 for 'about'."""
    text = format_number(value)
    if value is None or text == "—":
        return text
    if qualifier == "over":
        return f"{text}+"
    if qualifier == "about":
        return f"约{text}" if lang == "zh" else f"≈{text}"
    return text


def format_delta(delta: float | None, lang: str) -> str | None:
    """A signed change for st.metric, or None when there is nothing to compare with."""
    if delta is None:
        return None
    sign = "+" if delta > 0 else ""
    return f"{sign}{format_number(delta)}"


def format_month(day, lang: str) -> str:
    return f"{day.year}年{day.month}月" if lang == "zh" else f"{day.year}-{day.month:02d}"
