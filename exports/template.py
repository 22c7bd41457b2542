"""The .xlsx reporting template: catalog metrics as headers, dropdowns, number checks, instructions."""
from __future__ import annotations

import io
from copy import copy
import unicodedata
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from catalog import Catalog, Metric
from i18n import LANGUAGES, both, pair, t
from model import OWN_UNIT

TEMPLATE_ROWS = 1000  # prepared rows, each with validation
TITLE_ROW, HINT_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
LAST_DATA_ROW = FIRST_DATA_ROW + TEMPLATE_ROWS - 1

DATA_SHEET = dict(zip(LANGUAGES, pair("export.data_sheet")))  # by language; texts in texts/exports.py
INSTRUCTIONS_SHEET = dict(zip(LANGUAGES, pair("export.instructions_sheet")))
# The loader knows this title (data/catalog/columns.yaml, template_instructions): our own instructions sheet
# is skipped without the warning other instruction sheets get, so a filled-in template loads with none.
TEMPLATE_INSTRUCTIONS_TITLE = "填表说明 / Instructions（国网江苏电力新时代文明实践统计模板）"
LISTS_SHEET = "lists"  # hidden: the dropdown sources (a list over 255 characters must be a range)


@dataclass(frozen=True)
class FixedColumn:
    """A column beside the metrics; its header and help are export.column_KEY and export.column_KEY_help."""

    key: str
    width: int
    example: str

    def header(self, lang: str) -> str:
        return t(f"export.column_{self.key}", lang)

    def help(self, lang: str) -> str:
        return t(f"export.column_{self.key}_help", lang)


# Header texts the loader knows (data/catalog/columns.yaml roles); the metric columns sit between these.
FIXED_COLUMNS = (
    FixedColumn("period", 14, "2020年7月 / 2020-07"),
    FixedColumn("city", 11, "南京市"),
    FixedColumn("county", 12, "高淳区"),
    FixedColumn("unit", 28, "国际慢城共产党员服务队"),
    FixedColumn("campaign", 14, "防汛保电"),
)
REMARKS = FixedColumn("remarks", 40, "30名队员3天完成44.6公里圩堤照明架设")

THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FIXED_FILL = PatternFill("solid", fgColor="DDEBF7")
METRIC_FILL = PatternFill("solid", fgColor="E2EFDA")
HEADER_FONT = Font(bold=True)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

PERIOD_PROMPT = (
    "每行一个月：2020年7月 或 2020-07；也可写 2020年第三季度、2020年2月至5月。\n"
    "One month a row: 2020-07 or 2020年7月; 2020Q3 and 2020年2月至5月 also work."
)
NUMBER_ERROR = (
    "请填写不小于 0 的数字（可写 8100余、约35万）。\n"
    "Enter a number of at least 0 (8100余 or 约35万 also work)."
)
LIST_ERROR = "请从下拉列表中选择。\nPlease pick a value from the dropdown list."


def metric_header(metric: Metric, lang: str = "zh") -> str:
    """A metric column's header: 服务队（支） in Chinese, 'service teams (teams)' in English."""
    if lang == "zh":
        return f"{metric.zh}（{metric.unit_zh}）"
    return f"{metric.en} ({metric.unit_en})"


def template_headers(catalog: Catalog, lang: str = "zh") -> list[str]:
    """The header row: the fixed columns, one column per catalog metric in catalog order, remarks."""
    return [
        *(c.header(lang) for c in FIXED_COLUMNS),
        *(metric_header(m, lang) for m in catalog.metrics.values()),
        REMARKS.header(lang),
    ]


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def reporting_template(catalog: Catalog, lang: str = "zh") -> bytes:
    """The reporting template as .xlsx bytes; lang 'zh' or 'en' picks header texts and dropdown labels."""
    lang = "en" if lang == "en" else "zh"
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET[lang]
    lists = _write_lists(book.create_sheet(LISTS_SHEET), catalog, lang)
    _write_data_sheet(sheet, catalog, lang, lists)
    _write_instructions(book.create_sheet(INSTRUCTIONS_SHEET[lang], 1), catalog)
    book.active = 0
    book.properties.title = t("export.template_title", lang)
    book.properties.creator = "国网江苏电力 新时代文明实践 KPI"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ListRanges:
    """Formulas (without '=') of the dropdown sources on the lists sheet."""

    cities: str
    counties_by_city: str  # counties grouped by city, beside their city (column after)
    county_cities: str
    counties: str  # every county name once
    campaigns: str


def _write_lists(sheet: Worksheet, catalog: Catalog, lang: str) -> ListRanges:
    """Columns A cities, B counties grouped by city, C each county's city, D unique counties, E campaigns."""
    cities = catalog.cities
    # each city's list starts with its own part (本级: the city company itself, not the whole city)
    own = OWN_UNIT if lang == "zh" else "Own part"
    grouped = [(label, city) for city in cities
               for label in (own, *[county.label(lang) for county in catalog.counties_of(city.name)])]
    unique = list(dict.fromkeys(label for label, _ in grouped))
    campaigns = [c.label(lang) for c in catalog.campaigns.values()]
    columns = {
        "A": [c.label(lang) for c in cities],
        "B": [label for label, _ in grouped],
        "C": [city.label(lang) for _, city in grouped],
        "D": unique,
        "E": campaigns,
    }
    for letter, values in columns.items():
        for row, value in enumerate(values, start=1):
            sheet[f"{letter}{row}"] = value
    sheet.sheet_state = "hidden"

    def span(letter: str) -> str:
        return f"{LISTS_SHEET}!${letter}$1:${letter}${max(1, len(columns[letter]))}"

    return ListRanges(span("A"), span("B"), span("C"), span("D"), span("E"))


def _write_data_sheet(sheet: Worksheet, catalog: Catalog, lang: str, lists: ListRanges) -> None:
    headers = template_headers(catalog, lang)
    metrics = list(catalog.metrics.values())
    width = len(headers)
    first_metric = len(FIXED_COLUMNS) + 1
    last_col = get_column_letter(width)

    sheet.merge_cells(f"A{TITLE_ROW}:{last_col}{TITLE_ROW}")
    title = sheet.cell(TITLE_ROW, 1, t("export.template_title", lang))
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 30
    sheet.cell(HINT_ROW, 1, t("export.hint_unit", lang))
    sheet.cell(HINT_ROW, first_metric, t("export.hint_date", lang))

    for col, text in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, col, text)
        cell.font = HEADER_FONT
        cell.alignment = WRAP_CENTER
        cell.border = BORDER
        cell.fill = METRIC_FILL if first_metric <= col < width else FIXED_FILL
    sheet.row_dimensions[HEADER_ROW].height = 45

    text_columns = set(range(1, len(FIXED_COLUMNS) + 1)) | {width}
    text_proto = sheet.cell(FIRST_DATA_ROW, 1)
    text_proto.border = BORDER
    text_proto.number_format = "@"  # keeps 2020-07 a text, not a date Excel guesses
    number_proto = sheet.cell(FIRST_DATA_ROW, first_metric)
    number_proto.border = BORDER
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_row=LAST_DATA_ROW, max_col=width):
        for cell in row:  # copying a style array is far faster than setting styles 27,000 times
            cell._style = copy(text_proto._style if cell.column in text_columns else number_proto._style)

    for col, column in enumerate(FIXED_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = column.width
    for col, text in enumerate(headers[len(FIXED_COLUMNS):-1], start=first_metric):
        sheet.column_dimensions[get_column_letter(col)].width = max(10, min(18, display_width(text) // 2 + 2))
    sheet.column_dimensions[last_col].width = REMARKS.width

    def span(col: int) -> str:
        letter = get_column_letter(col)
        return f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"

    col_of = {c.key: i for i, c in enumerate(FIXED_COLUMNS, start=1)}
    city_cell = f"${get_column_letter(col_of['city'])}{FIRST_DATA_ROW}"
    county_formula = (
        f"IFERROR(OFFSET({lists.counties_by_city.split(':')[0]},"
        f"MATCH({city_cell},{lists.county_cities},0)-1,0,COUNTIF({lists.county_cities},{city_cell}),1),"
        f"{lists.counties})"
    )
    validations = [
        DataValidation(type=None, allow_blank=True, showInputMessage=True, promptTitle="统计期间 / Period",
                       prompt=PERIOD_PROMPT, sqref=span(col_of["period"])),
        _list_validation(lists.cities, "城市 / City", span(col_of["city"])),
        _list_validation(county_formula, "县（区）/ County", span(col_of["county"])),
        _list_validation(lists.campaigns, "专项活动 / Campaign", span(col_of["campaign"])),
    ]
    for col, metric in enumerate(metrics, start=first_metric):
        validations.append(DataValidation(
            type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
            showErrorMessage=True, errorStyle="warning", errorTitle="数值 / Number", error=NUMBER_ERROR,
            showInputMessage=True, promptTitle=metric.zh[:32],
            prompt=f"单位：{metric.unit_zh}\nUnit: {metric.unit_en} ({metric.en})"[:255], sqref=span(col),
        ))
    for validation in validations:
        sheet.add_data_validation(validation)

    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _list_validation(formula: str, title: str, sqref: str) -> DataValidation:
    return DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True, errorStyle="stop",
                          errorTitle=title, error=LIST_ERROR, sqref=sqref)


def _instruction_rows(catalog: Catalog) -> list[tuple[str, str, str, str]]:
    """(column, explanation, unit, example) for every column of the data sheet, each text in both languages.

    Chinese and English share one cell so that no row of this sheet reads like a data header.
    """
    def lines(texts: tuple[str, str]) -> str:
        return "\n".join(texts)

    rows = [(lines((c.header("zh"), c.header("en"))), lines((c.help("zh"), c.help("en"))), "", c.example)
            for c in FIXED_COLUMNS]
    examples = {"corridors_lit": "8100余", "donations": "约35万", "lighting_rate": "100", "lighting_km": "44.6"}
    for metric in catalog.metrics.values():
        zh_help, en_help = both("export.metric_help", metric=metric.zh, metric_en=metric.en, unit=metric.unit_zh,
                                unit_en=metric.unit_en)
        if metric.aggregation == "mean":
            rate_zh, rate_en = both("export.metric_help_rate")
            zh_help, en_help = zh_help + rate_zh, en_help + rate_en
        rows.append((f"{metric_header(metric, 'zh')}\n{metric_header(metric, 'en')}", f"{zh_help}\n{en_help}",
                     f"{metric.unit_zh} / {metric.unit_en}", examples.get(metric.code, "")))
    rows.append((lines((REMARKS.header("zh"), REMARKS.header("en"))), lines((REMARKS.help("zh"), REMARKS.help("en"))),
                 "", REMARKS.example))
    return rows


RULES = tuple(pair(f"export.rule_{name}")
              for name in ("row", "period", "lists", "units", "approximate", "blank", "totals", "layout"))


def write_rules(sheet: Worksheet, rules, first_row: int, last_column: int, height: float) -> int:
    """Numbered bilingual rules (zh, en), one per row from `first_row`, the text merged up to `last_column`;
    returns the row after the last rule."""
    row = first_row
    for number, (zh, en) in enumerate(rules, start=1):
        sheet.cell(row, 1, number)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last_column)
        cell = sheet.cell(row, 2, f"{zh}\n{en}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = height
        row += 1
    return row


def _write_instructions(sheet: Worksheet, catalog: Catalog) -> None:
    """Bilingual whatever the header language: rules, then one row per column of the data sheet."""
    sheet.merge_cells("A1:D1")
    sheet["A1"] = TEMPLATE_INSTRUCTIONS_TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A3"] = "填写规则 / Rules"
    sheet["A3"].font = HEADER_FONT
    row = write_rules(sheet, RULES, first_row=4, last_column=4, height=36) + 1
    sheet.cell(row, 1, "各列说明 / Columns").font = HEADER_FONT
    row += 1
    for col, text in enumerate(("列 / Column", "说明 / Explanation", "单位 / Unit", "示例 / Example"), start=1):
        cell = sheet.cell(row, col, text)
        cell.font = HEADER_FONT
        cell.fill = FIXED_FILL
        cell.border = BORDER
    for values in _instruction_rows(catalog):
        row += 1
        for col, text in enumerate(values, start=1):
            cell = sheet.cell(row, col, text)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (34, 70, 20, 30)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
