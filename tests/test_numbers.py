"""loaders/numbers.py: Chinese number forms, qualifiers and units."""
from __future__ import annotations

import math

import pytest

from catalog import load_catalog
from loaders.numbers import MAX_NUMBER_CHARS, UnitSpec, cell_factor, parse_number, parse_unit, unit_factor

CATALOG = load_catalog()


@pytest.mark.parametrize(
    "cell, value, qualifier, multiplier, unit",
    [
        (325.0, 325, "", 1, ""),
        (7, 7, "", 1, ""),
        ("325", 325, "", 1, ""),
        ("３２５", 325, "", 1, ""),
        ("1,020", 1020, "", 1, ""),
        ("1，020", 1020, "", 1, ""),
        (" 15 ", 15, "", 1, ""),
        ("15余", 15, "over", 1, ""),
        ("8100余个", 8100, "over", 1, "个"),
        ("超1000", 1000, "over", 1, ""),
        ("逾50", 50, "over", 1, ""),
        ("120多处", 120, "over", 1, "处"),
        ("1000以上", 1000, "over", 1, ""),
        ("1000+", 1000, "over", 1, ""),
        ("约35万元", 35, "about", 10000, "元"),
        ("近3000", 3000, "about", 1, ""),
        ("100左右", 100, "about", 1, ""),
        ("3.6万元", 3.6, "", 10000, "元"),
        ("3.6万余元", 3.6, "over", 10000, "元"),
        ("2.7万余户", 2.7, "over", 10000, "户"),
        ("2万余", 2, "over", 10000, ""),
        ("1.2亿", 1.2, "", 1e8, ""),
        ("100%", 100, "", 1, "%"),
        ("１００％", 100, "", 1, "%"),
        ("7300毫升", 7300, "", 1, "毫升"),
        ("44.6公里", 44.6, "", 1, "公里"),
        ("44.6km", 44.6, "", 1000, "m"),
        ("2000余户次", 2000, "over", 1, "户次"),
        ("-5", -5, "", 1, ""),
    ],
)
def test_parse_number(cell, value, qualifier, multiplier, unit):
    parsed = parse_number(cell)
    assert parsed.error == ""
    assert parsed.value == pytest.approx(value)
    assert parsed.qualifier == qualifier
    assert parsed.unit == UnitSpec(multiplier, unit)


@pytest.mark.parametrize("cell", ["待统计", "abc", "12支防汛突击分队", "1.2.3", "约", "万元", "15（其中党员10）", True])
def test_parse_number_rejects_text(cell):
    assert parse_number(cell).error == "not_a_number"


@pytest.mark.parametrize("cell", ["", "  ", "-", "—", "/", "无", None, math.nan])
def test_parse_number_blank_marks_are_blank(cell):
    parsed = parse_number(cell)
    assert parsed.error == "" and math.isnan(parsed.value)


@pytest.mark.parametrize(
    "cell, metric, expected",
    [
        ("3.6万元", "donations", 36000),
        ("约35万元", "donations", 350000),
        ("7300毫升", "blood_donated", 7300),
        ("7.3升", "blood_donated", 7300),
        ("44.6公里", "lighting_km", 44.6),
        ("44600米", "lighting_km", 44.6),
        ("8100余个", "corridors_lit", 8100),
        ("2000余户次", "safety_inspections", 2000),
        ("12支", "teams", 12),
        ("30名", "volunteers", 30),
        ("100%", "lighting_rate", 100),
    ],
)
def test_cell_unit_scales_to_base_unit(cell, metric, expected):
    parsed = parse_number(cell)
    factor = cell_factor(parsed.unit, UnitSpec(), CATALOG.metrics[metric])
    assert parsed.value * factor == pytest.approx(expected)


@pytest.mark.parametrize("cell, metric", [("7300毫升", "donations"), ("44.6公里", "teams"), ("5户", "teams"),
                                          ("3万元", "blood_donated")])
def test_incompatible_unit_is_refused(cell, metric):
    parsed = parse_number(cell)
    assert cell_factor(parsed.unit, UnitSpec(), CATALOG.metrics[metric]) is None


@pytest.mark.parametrize(
    "header_unit, metric, cell, expected",
    [
        ("万元", "donations", 3.6, 36000),
        ("万元", "donations", "3.6", 36000),
        ("元", "donations", "3.6万", 36000),
        ("万元", "donations", "36000元", 36000),  # the cell's own unit wins
        ("CNY", "donations", 500, 500),
        ("10k CNY", "donations", 3.6, 36000),
        ("km", "lighting_km", 44.6, 44.6),
        ("米", "lighting_km", 44600, 44.6),
        ("ml", "blood_donated", 7300, 7300),
        ("teams", "teams", 12, 12),
        ("人次", "staff_deployed", 3684, 3684),
    ],
)
def test_header_unit_scales_column(header_unit, metric, cell, expected):
    header = parse_unit(header_unit)
    parsed = parse_number(cell)
    factor = cell_factor(parsed.unit, header, CATALOG.metrics[metric])
    assert parsed.value * factor == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [("万元", UnitSpec(10000, "元")), ("单位：万元", UnitSpec(10000, "元")),
                                            ("公里", UnitSpec(1, "公里")), ("", UnitSpec())])
def test_parse_unit(text, expected):
    assert parse_unit(text) == expected


def test_unit_factor_of_incompatible_header_is_none():
    assert unit_factor(parse_unit("毫升"), CATALOG.metrics["donations"]) is None


LONG = 16_000


@pytest.mark.parametrize(
    "cell",
    ["1" * LONG, "３" * LONG, "1," * 8000 + "000", "8100" + "余" * LONG, "约" + "3" * LONG + "万元", "1" + "万" * LONG,
     "1" + "元" * LONG, "1.5" + "0" * LONG, "（" * LONG + "1", "0" * MAX_NUMBER_CHARS + "5",
     pytest.param(10**400, id="int_of_401_digits")],
)
def test_long_text_is_not_a_number(cell):
    assert parse_number(cell).error == "not_a_number"


@pytest.mark.parametrize(
    "cell, value",
    [("0" * (MAX_NUMBER_CHARS - 1) + "5", 5), (" " * LONG + "8100余" + "\u3000" * LONG, 8100), ("1 000 000", 1e6)],
)
def test_white_space_does_not_count_towards_the_cap(cell, value):
    assert parse_number(cell).value == value


@pytest.mark.parametrize("unit", ["1", "３", "1,", ",000", "余", "万", "约3", "1.", "（", "8100余个", "1 ", "\u0f73"])
def test_parse_number_is_linear(assert_linear, unit):
    assert_linear(parse_number, lambda size, k: " " * k + unit * (size // len(unit)), 2000)


@pytest.mark.parametrize("text", ["万" * LONG, "单位：" * 5000, "10k " * 4000, "元" * LONG])
def test_long_text_is_no_unit(text):
    assert parse_unit(text) is None
