"""The .xlsx targets template (目标模板): one target per row, dropdowns for metric, campaign, city, county and period.

The loader reads a filled-in copy as a targets file (its 目标值 / Target column, loaders/sheets.py kind 'targets').
"""
from __future__ import annotations

import io
from copy import copy
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.worksheet.datavalidation import DataValidation

from catalog import Catalog
from i18n import LANGUAGES, pair, t
from exports.template import BORDER, FIXED_FILL, HEADER_FONT, METRIC_FILL, NUMBER_ERROR, WRAP_CENTER, _list_validation, write_rules
from loaders.headers import HEADER_SCAN_ROWS
from model import OWN_UNIT

TARGET_ROWS = 500  # prepared rows, each with validation
TITLE_ROW, HEADER_ROW = 1, 3
FIRST_DATA_ROW = HEADER_ROW + 1
LAST_DATA_ROW = FIRST_DATA_ROW + TARGET_ROWS - 1
FIRST_YEAR = 2019  # the period dropdown runs from this year to the end of next year

DATA_SHEET = dict(zip(LANGUAGES, pair("export.targets_data_sheet")))  # texts in texts/exports.py
INSTRUCTIONS_SHEET = dict(zip(LANGUAGES, pair("export.instructions_sheet")))
LISTS_SHEET = "target_lists"  # hidden: the dropdown sources
LISTS_FIRST_ROW = HEADER_SCAN_ROWS + 2
# The loader knows this title (data/catalog/columns.yaml, template_instructions): skipped without a warning.
TARGETS_INSTRUCTIONS_TITLE = "填表说明 / Instructions（国网江苏电力新时代文明实践目标模板）"
TITLE = dict(zip(LANGUAGES, pair("export.targets_title")))
PROVINCE = dict(zip(LANGUAGES, pair("export.targets_province")))  # the province's own target (blank means the same)

# (key, width): header texts (export.targets_column_KEY) the loader knows (data/catalog/columns.yaml roles)
COLUMNS = (("metric", 22), ("campaign", 14), ("city", 12), ("county", 12), ("period", 14), ("target", 12),
           ("remarks", 36))
RULES = tuple(pair(f"export.targets_rule_{number}") for number in range(1, 5))


def period_choices(today: date | None = None) -> list[str]:
    """Years, quarters and months from FIRST_YEAR to the end of next year, as the loader reads them (2020年第三季度)."""
    last = (today or date.today()).year + 1
    quarters = ("第一季度", "第二季度", "第三季度", "第四季度")
    out = []
    for year in range(FIRST_YEAR, last + 1):
        out.append(f"{year}年")
        out += [f"{year}年{q}" for q in quarters]
        out += [f"{year}年{month}月" for month in range(1, 13)]
    return out


def metric_choice(catalog: Catalog, code: str, lang: str) -> str:
    """A metric as the dropdown offers it: its name only (the loader reads catalog names in either language)."""
    metric = catalog.metrics[code]
    return metric.zh if lang == "zh" else metric.en


def targets_template(catalog: Catalog, lang: str = "zh", today: date | None = None) -> bytes:
    """The targets template as .xlsx bytes; lang 'zh' or 'en' picks header texts and dropdown labels."""
    lang = "en" if lang == "en" else "zh"
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET[lang]
    lists = _write_lists(book.create_sheet(LISTS_SHEET), catalog, lang, today)
    _write_data_sheet(sheet, lang, lists)
    _write_instructions(book.create_sheet(INSTRUCTIONS_SHEET[lang], 1), catalog)
    book.active = 0
    book.properties.title = TITLE[lang]
    book.properties.creator = "国网江苏电力 新时代文明实践 KPI"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_lists(sheet: Worksheet, catalog: Catalog, lang: str, today: date | None) -> dict[str, str]:
    """Columns A metrics, B campaigns, C cities (the province first), D counties grouped by city, E their city,
    F every county once, G periods; returns each list's range (without '=')."""
    own = OWN_UNIT if lang == "zh" else "Own part"
    grouped = [(label, city) for city in catalog.cities
               for label in (own, *[county.label(lang) for county in catalog.counties_of(city.name)])]
    columns = {
        "A": [metric_choice(catalog, code, lang) for code in catalog.metrics],
        "B": [c.label(lang) for c in catalog.campaigns.values()],
        "C": [PROVINCE[lang], *[c.label(lang) for c in catalog.cities]],
        "D": [label for label, _ in grouped],
        "E": [city.label(lang) for _, city in grouped],
        "F": list(dict.fromkeys(label for label, _ in grouped)),
        "G": period_choices(today),
    }
    # the lists start below the rows the loader looks for a header in, so that a list of metric names is never read
    # as a header (the sheet is then skipped without a word, as a hidden sheet without a table)
    sheet["A1"] = "下拉列表（请勿修改） / Dropdown lists (do not edit)"
    for letter, values in columns.items():
        for row, value in enumerate(values, start=LISTS_FIRST_ROW):
            sheet[f"{letter}{row}"] = value
    sheet.sheet_state = "hidden"
    return {letter: f"{LISTS_SHEET}!${letter}${LISTS_FIRST_ROW}:${letter}${LISTS_FIRST_ROW + max(1, len(values)) - 1}"
            for letter, values in columns.items()}


def _write_data_sheet(sheet: Worksheet, lang: str, lists: dict[str, str]) -> None:
    width = len(COLUMNS)
    last_col = get_column_letter(width)
    sheet.merge_cells(f"A{TITLE_ROW}:{last_col}{TITLE_ROW}")
    title = sheet.cell(TITLE_ROW, 1, TITLE[lang])
    title.font = Font(bold=True, size=16)
    title.alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[TITLE_ROW].height = 30
    col_of = {}
    for col, (key, column_width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, t(f"export.targets_column_{key}", lang))
        cell.font = HEADER_FONT
        cell.alignment = WRAP_CENTER
        cell.border = BORDER
        cell.fill = METRIC_FILL if key == "target" else FIXED_FILL
        sheet.column_dimensions[get_column_letter(col)].width = column_width
        col_of[key] = col
    text_proto = sheet.cell(FIRST_DATA_ROW, 1)
    text_proto.border = BORDER
    text_proto.number_format = "@"  # keeps 2020-07 a text, not a date Excel guesses
    number_proto = sheet.cell(FIRST_DATA_ROW, col_of["target"])
    number_proto.border = BORDER
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_row=LAST_DATA_ROW, max_col=width):
        for cell in row:
            cell._style = copy(number_proto._style if cell.column == col_of["target"] else text_proto._style)

    def span(key: str) -> str:
        letter = get_column_letter(col_of[key])
        return f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"

    city_cell = f"${get_column_letter(col_of['city'])}{FIRST_DATA_ROW}"
    county_formula = (f"IFERROR(OFFSET({lists['D'].split(':')[0]},MATCH({city_cell},{lists['E']},0)-1,0,"
                      f"COUNTIF({lists['E']},{city_cell}),1),{lists['F']})")
    period = _list_validation(lists["G"], "期间 / Period", span("period"))
    period.errorStyle = "warning"  # other spellings (2020-07, 2020Q3) are read too
    for validation in (
        _list_validation(lists["A"], "指标 / Metric", span("metric")),
        _list_validation(lists["B"], "专项活动 / Campaign", span("campaign")),
        _list_validation(lists["C"], "市 / City", span("city")),
        _list_validation(county_formula, "县（区）/ County", span("county")),
        period,
        DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                       showErrorMessage=True, errorStyle="warning", errorTitle="目标值 / Target", error=NUMBER_ERROR,
                       sqref=span("target")),
    ):
        sheet.add_data_validation(validation)
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"


def _write_instructions(sheet: Worksheet, catalog: Catalog) -> None:
    """Bilingual whatever the header language: the rules, then each metric with its unit."""
    sheet.merge_cells("A1:C1")
    sheet["A1"] = TARGETS_INSTRUCTIONS_TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    row = write_rules(sheet, RULES, first_row=3, last_column=3, height=48) + 1
    for metric in catalog.metrics.values():  # "name / unit" in one cell: no row reads like a data header
        sheet.cell(row, 2, f"{metric.zh}（{metric.unit_zh}） / {metric.en} ({metric.unit_en})")
        row += 1
    for letter, width in zip("ABC", (6, 80, 20)):
        sheet.column_dimensions[letter].width = width
