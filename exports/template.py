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
from model import OWN_UNIT

TEMPLATE_ROWS = 1000  # prepared rows, each with validation
TITLE_ROW, HINT_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
LAST_DATA_ROW = FIRST_DATA_ROW + TEMPLATE_ROWS - 1

DATA_SHEET = {"zh": "填报表", "en": "Report"}
INSTRUCTIONS_SHEET = {"zh": "填表说明", "en": "Instructions"}
# The loader knows this title (data/catalog/columns.yaml, template_instructions): our own instructions sheet
# is skipped without the warning other instruction sheets get, so a filled-in template loads with none.
TEMPLATE_INSTRUCTIONS_TITLE = "填表说明 / Instructions（国网江苏电力新时代文明实践统计模板）"
LISTS_SHEET = "lists"  # hidden: the dropdown sources (a list over 255 characters must be a range)
TITLE = {"zh": "新时代文明实践工作统计表", "en": "New Era civic practice: work statistics"}
HINTS = {"zh": ("填报单位：", "填报日期："), "en": ("Reporting unit:", "Reporting date:")}


@dataclass(frozen=True)
class FixedColumn:
    key: str
    zh: str
    en: str
    width: int
    zh_help: str
    en_help: str
    example: str

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# Header texts the loader knows (data/catalog/columns.yaml roles); the metric columns sit between these.
FIXED_COLUMNS = (
    FixedColumn("period", "统计期间", "Period", 14, "数据所属月份，每行一个月", "The month the figures belong to, one month a row",
                "2020年7月 / 2020-07"),
    FixedColumn("city", "城市", "City", 11, "地市，从下拉列表选择", "The city, picked from the dropdown", "南京市"),
    FixedColumn("county", "县（区）", "County", 12, "县（市、区），从下拉列表选择；全市数留空，市公司本级填“本级”",
                "The county-level unit, from the dropdown; blank for the whole city, 'Own part' for the city company itself", "高淳区"),
    FixedColumn("unit", "服务队/单位", "Unit name", 28, "服务队或基层单位名称；本公司数据可留空",
                "The team or sub-unit; blank for the company's own figures", "国际慢城共产党员服务队"),
    FixedColumn("campaign", "专项活动", "Campaign", 14, "专项活动，从下拉列表选择", "The campaign, picked from the dropdown",
                "防汛保电"),
)
REMARKS = FixedColumn("remarks", "备注", "Remarks", 40, "文字说明，可留空", "Free text, may be blank",
                      "30名队员3天完成44.6公里圩堤照明架设")

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
    book.properties.title = TITLE[lang]
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
    title = sheet.cell(TITLE_ROW, 1, TITLE[lang])
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 30
    sheet.cell(HINT_ROW, 1, HINTS[lang][0])
    sheet.cell(HINT_ROW, first_metric, HINTS[lang][1])

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
    rows = [(f"{c.zh}\n{c.en}", f"{c.zh_help}\n{c.en_help}", "", c.example) for c in FIXED_COLUMNS]
    examples = {"corridors_lit": "8100余", "donations": "约35万", "lighting_rate": "100", "lighting_km": "44.6"}
    for metric in catalog.metrics.values():
        zh_help, en_help = f"{metric.zh}，单位：{metric.unit_zh}", f"{metric.en}, in {metric.unit_en}"
        if metric.aggregation == "mean":
            zh_help += "（比率，0–100，汇总时取平均，不相加）"
            en_help += " (a rate, 0–100: averaged, never summed)"
        rows.append((f"{metric_header(metric, 'zh')}\n{metric_header(metric, 'en')}", f"{zh_help}\n{en_help}",
                     f"{metric.unit_zh} / {metric.unit_en}", examples.get(metric.code, "")))
    rows.append((f"{REMARKS.zh}\n{REMARKS.en}", f"{REMARKS.zh_help}\n{REMARKS.en_help}", "", REMARKS.example))
    return rows


RULES = (
    ("每行填写一个单位（服务队）一个月的数据。", "One row per unit (team) and month."),
    ("统计期间写作 2020年7月 或 2020-07；季度写作 2020年第三季度。",
     "Write the period as 2020-07 or 2020年7月; a quarter as 2020年第三季度 (2020Q3)."),
    ("城市、县（区）、专项活动请从下拉列表选择；先选城市，县（区）列表随之筛选。县（区）留空的行是全市数（含所属县（区）），"
     "不与县（区）行相加；只报市公司自身的数请选“本级”。",
     "Pick city, county and campaign from the dropdowns; choose the city first and the county list narrows to it. "
     "A row with the county blank is the whole city (its counties included) and is never added to the county rows; "
     "choose 'Own part' for the city company's own figures only."),
    ("指标按表头中的单位填写数字，例如 捐款/募款（元）填 350000。",
     "Enter each figure in the unit shown in its header, e.g. 350000 under donations (CNY)."),
    ("约数可直接写在单元格中：8100余、超1000 表示“多于”，约35万、近50 表示“约”；可使用 万、亿。",
     "Approximate figures may be written as they are: 8100余 or 超1000 mean 'more than', 约35万 or 近50 mean "
     "'about'; 万 (10,000) and 亿 (100,000,000) are understood."),
    ("没有数据的指标请留空；0 表示确实为零。", "Leave a figure blank when there is none to report; 0 means zero."),
    ("不要添加合计、小计行：上传时这些行会被剔除，不计入数据。",
     "Do not add 合计 (total) or 小计 (subtotal) rows: they are dropped on upload and never counted."),
    ("请勿修改表头文字、插入合并单元格或在数据区下方写注释以外的内容。",
     "Do not change the header texts, merge cells, or write anything but notes below the data."),
)


def _write_instructions(sheet: Worksheet, catalog: Catalog) -> None:
    """Bilingual whatever the header language: rules, then one row per column of the data sheet."""
    sheet.merge_cells("A1:D1")
    sheet["A1"] = TEMPLATE_INSTRUCTIONS_TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A3"] = "填写规则 / Rules"
    sheet["A3"].font = HEADER_FONT
    row = 4
    for number, (zh, en) in enumerate(RULES, start=1):
        sheet.cell(row, 1, number)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        cell = sheet.cell(row, 2, f"{zh}\n{en}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 36
        row += 1
    row += 1
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
