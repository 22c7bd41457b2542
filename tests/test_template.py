"""The reporting template: headers, dropdowns, number checks, instructions, and a filled-in round trip."""
from __future__ import annotations

import datetime
import io
import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from exports.template import (
    DATA_SHEET, FIRST_DATA_ROW, HEADER_ROW, INSTRUCTIONS_SHEET, LAST_DATA_ROW, LISTS_SHEET, TEMPLATE_ROWS,
    reporting_template, template_headers,
)
from model import FACT_COLUMNS

RANGE = re.compile(r"(\w+)!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)")


@pytest.fixture(scope="module")
def books(catalog_module):
    return {lang: load_workbook(io.BytesIO(reporting_template(catalog_module, lang))) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def catalog_module():
    from catalog import load_catalog

    return load_catalog()


def header_row(sheet) -> list[str]:
    return [c.value for c in sheet[HEADER_ROW]]


def column_of(sheet, header: str) -> str:
    return sheet.cell(HEADER_ROW, header_row(sheet).index(header) + 1).column_letter


def range_values(book, formula: str) -> list:
    sheet_name, c0, r0, c1, r1 = RANGE.fullmatch(formula).groups()
    assert c0 == c1
    return [book[sheet_name][f"{c0}{r}"].value for r in range(int(r0), int(r1) + 1)]


def validation_for(sheet, letter: str):
    found = [v for v in sheet.data_validations.dataValidation
             if f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}" in str(v.sqref).split()]
    assert len(found) == 1, f"one validation on column {letter}"
    return found[0]


def test_chinese_headers_follow_the_catalog(books, catalog_module):
    sheet = books["zh"][DATA_SHEET["zh"]]
    headers = header_row(sheet)
    assert headers[:5] == ["统计期间", "城市", "县（区）", "服务队/单位", "专项活动"]
    assert headers[5:-1] == [f"{m.zh}（{m.unit_zh}）" for m in catalog_module.metrics.values()]
    assert headers[-1] == "备注"
    assert "服务队（支）" in headers and "捐款/募款（元）" in headers and "亮化率（%）" in headers
    assert headers == template_headers(catalog_module, "zh")
    assert sheet["A1"].value == "新时代文明实践工作统计表"
    assert any(str(r) == f"A1:{get_column_letter(len(headers))}1" for r in sheet.merged_cells.ranges)
    assert sheet["A2"].value == "填报单位：" and "填报日期：" in [c.value for c in sheet[2]]
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert all(sheet.column_dimensions[get_column_letter(c)].width >= 10 for c in range(1, len(headers) + 1))


def test_english_headers_use_the_english_labels(books, catalog_module):
    sheet = books["en"][DATA_SHEET["en"]]
    headers = header_row(sheet)
    assert headers[:5] == ["Period", "City", "County", "Unit name", "Campaign"]
    assert headers[5:-1] == [f"{m.en} ({m.unit_en})" for m in catalog_module.metrics.values()]
    assert headers[-1] == "Remarks"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_header_is_one_the_loader_understands(lang, catalog_module):
    from loaders.headers import match_header

    headers = template_headers(catalog_module, lang)
    matches = [match_header(catalog_module, (h,)) for h in headers]
    assert [m.role for m in matches[:5]] == ["period", "city", "county", "subunit", "campaign"]
    assert [m.metric.code for m in matches[5:-1]] == list(catalog_module.metrics)
    assert matches[-1].role == "remarks"


def test_dropdowns_list_the_canonical_cities_counties_and_campaigns(books, catalog_module):
    book = books["zh"]
    sheet = book[DATA_SHEET["zh"]]
    city = validation_for(sheet, column_of(sheet, "城市"))
    assert city.type == "list" and city.allow_blank
    assert range_values(book, city.formula1) == [c.name for c in catalog_module.cities]
    assert len(catalog_module.cities) == 13

    campaign = validation_for(sheet, column_of(sheet, "专项活动"))
    assert range_values(book, campaign.formula1) == [c.zh for c in catalog_module.campaigns.values()]

    county = validation_for(sheet, column_of(sheet, "县（区）"))
    assert county.type == "list"
    counties = [r.name for r in catalog_module.regions.values() if r.level == "county"]
    assert len(counties) == 95
    # IFERROR(OFFSET(first, MATCH(city, cities)-1, 0, COUNTIF(cities, city), 1), every county)
    parts = RANGE.findall(county.formula1)
    assert f"${column_of(sheet, '城市')}{FIRST_DATA_ROW}" in county.formula1
    fallback = range_values(book, "{}!${}${}:${}${}".format(*parts[-1]))
    assert set(fallback) == {"本级", *counties} and len(fallback) == len(set(fallback))  # 本级: the city company itself
    county_cities = range_values(book, "{}!${}${}:${}${}".format(*parts[0]))  # each county's city
    lists_name, city_col = parts[0][0], parts[0][1]
    anchor = re.search(r"OFFSET\((\w+)!\$([A-Z]+)\$1,", county.formula1)
    assert anchor and anchor.group(2) != city_col  # the OFFSET walks the county column beside the city column
    county_col = book[lists_name][anchor.group(2)]
    for city_name in ("南京市", "无锡市", "徐州市"):
        # what the formula shows for a row whose city is city_name
        first = county_cities.index(city_name)
        shown = [county_col[first + k].value for k in range(county_cities.count(city_name))]
        assert shown == ["本级", *[r.name for r in catalog_module.counties_of(city_name)]]
    assert "宜兴市" in [county_col[county_cities.index("无锡市") + k].value for k in range(county_cities.count("无锡市"))]


def test_lists_sheet_is_hidden_and_instructions_are_visible(books):
    for lang, book in books.items():
        assert book[LISTS_SHEET].sheet_state == "hidden"
        instructions = book[INSTRUCTIONS_SHEET[lang]]
        assert instructions.sheet_state == "visible"
        text = "\n".join(str(c.value) for row in instructions.iter_rows() for c in row if c.value is not None)
        for needle in ("8100余", "约35万", "合计", "One row per unit", "服务队（支）", "service teams (teams)", "亮化率"):
            assert needle in text
    assert books["zh"].sheetnames[:2] == ["填报表", "填表说明"]


def test_metric_cells_take_numbers_of_at_least_zero(books, catalog_module):
    sheet = books["zh"][DATA_SHEET["zh"]]
    for metric in catalog_module.metrics.values():
        rule = validation_for(sheet, column_of(sheet, f"{metric.zh}（{metric.unit_zh}）"))
        assert (rule.type, rule.operator, rule.formula1) == ("decimal", "greaterThanOrEqual", "0")
        assert rule.showErrorMessage and "数字" in rule.error and "number" in rule.error
        # a warning, not a stop: 8100余 and 约35万 are texts the loader reads
        assert rule.errorStyle == "warning"


def test_period_cells_are_text_with_a_prompt(books):
    sheet = books["zh"][DATA_SHEET["zh"]]
    letter = column_of(sheet, "统计期间")
    rule = validation_for(sheet, letter)
    assert rule.showInputMessage and "2020年7月" in rule.prompt and "2020-07" in rule.prompt
    assert sheet[f"{letter}{FIRST_DATA_ROW}"].number_format == "@"
    assert sheet[f"{letter}{LAST_DATA_ROW}"].number_format == "@"
    assert LAST_DATA_ROW - FIRST_DATA_ROW + 1 == TEMPLATE_ROWS == 1000


def fill(book, lang: str, rows: list[dict]) -> bytes:
    sheet = book[DATA_SHEET[lang]]
    headers = header_row(sheet)
    for offset, values in enumerate(rows):
        for header, value in values.items():
            sheet.cell(FIRST_DATA_ROW + offset, headers.index(header) + 1, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def expected_facts(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=FACT_COLUMNS)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["value"] = frame["value"].astype(float)
    return frame


def comparable(frame: pd.DataFrame) -> list[tuple]:
    frame = frame[FACT_COLUMNS].copy()
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["value"] = frame["value"].astype(float)
    frame["row"] = frame["row"].astype(int)
    return sorted(tuple(r) for r in frame.itertuples(index=False))


def test_filled_chinese_template_loads_with_no_warning(catalog_module):
    from loaders import parse_bytes

    book = load_workbook(io.BytesIO(reporting_template(catalog_module, "zh")))
    data = fill(book, "zh", [
        {"统计期间": "2020年7月", "城市": "南京市", "县（区）": "高淳区", "服务队/单位": "国际慢城共产党员服务队",
         "专项活动": "防汛保电", "服务队（支）": 3, "投入人次（人次）": 90},
        {"统计期间": "2020-07", "城市": "苏州市", "专项活动": "防汛保电", "协助客户（户）": "超1000"},
        {"统计期间": "2019年1月至2020年12月", "城市": "无锡市", "县（区）": "宜兴市", "专项活动": "点亮行动",
         "黑楼道改造（个）": "8100余", "亮化率（%）": 100, "备注": "小区黑楼道整治"},
    ])
    result = parse_bytes(data, "新时代文明实践工作统计表.xlsx", catalog=catalog_module)
    assert result.ok, [p.message("en") for p in result.errors]
    assert [p.message("en") for p in result.warnings] == []
    jul, jul_end = datetime.date(2020, 7, 1), datetime.date(2020, 7, 31)
    start, end = datetime.date(2019, 1, 1), datetime.date(2020, 12, 31)
    sheet = DATA_SHEET["zh"]
    expected = expected_facts([
        (jul, jul_end, "南京市", "高淳区", "国际慢城共产党员服务队", "flood_power", "teams", 3, "", "", sheet, 4),
        (jul, jul_end, "南京市", "高淳区", "国际慢城共产党员服务队", "flood_power", "staff_deployed", 90, "", "", sheet, 4),
        (jul, jul_end, "苏州市", "", "", "flood_power", "customers_assisted", 1000, "over", "", sheet, 5),
        (start, end, "无锡市", "宜兴市", "", "light_up", "corridors_lit", 8100, "over", "小区黑楼道整治", sheet, 6),
        (start, end, "无锡市", "宜兴市", "", "light_up", "lighting_rate", 100, "", "小区黑楼道整治", sheet, 6),
    ])
    assert comparable(result.facts) == comparable(expected)


def test_filled_english_template_loads_with_no_warning(catalog_module):
    from loaders import parse_bytes

    book = load_workbook(io.BytesIO(reporting_template(catalog_module, "en")))
    data = fill(book, "en", [
        {"Period": "2020-07", "City": "Nanjing", "County": "Gaochun", "Unit name": "国际慢城共产党员服务队",
         "Campaign": "flood prevention and power supply", "service teams (teams)": 3, "staff deployed (person-times)": 90},
        # Gulou is a district of both Nanjing and Xuzhou: the city column settles it
        {"Period": "2020-07", "City": "Xuzhou", "County": "Gulou", "Campaign": "light-up action",
         "lighting rate (%)": 100, "dark corridors relit (corridors)": "约120"},
    ])
    result = parse_bytes(data, "template_en.xlsx", catalog=catalog_module)
    assert result.ok, [p.message("en") for p in result.errors]
    assert [p.message("en") for p in result.warnings] == []
    jul, jul_end = datetime.date(2020, 7, 1), datetime.date(2020, 7, 31)
    sheet = DATA_SHEET["en"]
    expected = expected_facts([
        (jul, jul_end, "南京市", "高淳区", "国际慢城共产党员服务队", "flood_power", "teams", 3, "", "", sheet, 4),
        (jul, jul_end, "南京市", "高淳区", "国际慢城共产党员服务队", "flood_power", "staff_deployed", 90, "", "", sheet, 4),
        (jul, jul_end, "徐州市", "鼓楼区", "", "light_up", "corridors_lit", 120, "about", "", sheet, 5),
        (jul, jul_end, "徐州市", "鼓楼区", "", "light_up", "lighting_rate", 100, "", "", sheet, 5),
    ])
    assert comparable(result.facts) == comparable(expected)


def test_empty_template_loads_nothing_and_no_error(catalog_module):
    from loaders import parse_bytes

    result = parse_bytes(reporting_template(catalog_module, "zh"), "template.xlsx", catalog=catalog_module)
    assert result.ok and result.facts.empty


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_cell_is_a_formula_and_every_text_is_text(books, lang):
    """The template holds catalog texts only (no user text); none may turn into a formula when opened."""
    cells = [cell for sheet in books[lang] for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and {cell.data_type for cell in cells} <= {"s", "n"}
    assert all(cell.data_type == "s" for cell in cells if isinstance(cell.value, str))
    assert not [cell.value for cell in cells if isinstance(cell.value, str) and cell.value.startswith("=")]
