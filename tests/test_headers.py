"""loaders/headers.py: header texts → roles and metrics; header rows found and flattened."""
from __future__ import annotations

import pytest

from catalog import load_catalog
from loaders.headers import MAX_HEADER_CHARS, find_header, match_header, role_for, split_unit, suggest_metrics
from loaders.numbers import UnitSpec

CATALOG = load_catalog()


@pytest.mark.parametrize(
    "parts, metric, unit",
    [
        (("服务队",), "teams", UnitSpec()),
        (("服务队（支）",), "teams", UnitSpec(1, "支")),
        (("服务队(支)",), "teams", UnitSpec(1, "支")),
        ((" 服务队 （支） ",), "teams", UnitSpec(1, "支")),
        (("队伍情况", "服务队（支）"), "teams", UnitSpec(1, "支")),
        (("队伍情况", "投入人次"), "staff_deployed", UnitSpec()),
        (("捐款（万元）",), "donations", UnitSpec(10000, "元")),
        (("捐款(单位：万元)",), "donations", UnitSpec(10000, "元")),
        (("捐款万元",), "donations", UnitSpec(10000, "元")),
        (("金额（万元）", "捐款"), "donations", UnitSpec(10000, "元")),
        (("Donations (CNY)",), "donations", UnitSpec(1, "cny")),
        (("DONATIONS",), "donations", UnitSpec()),
        (("Service teams (teams)",), "teams", UnitSpec(1, "teams")),
        (("照明架设长度（公里）",), "lighting_km", UnitSpec(1, "公里")),
        (("亮化率（%）",), "lighting_rate", UnitSpec(1, "%")),
        (("献血量【毫升】",), "blood_donated", UnitSpec(1, "毫升")),
    ],
)
def test_metric_headers(parts, metric, unit):
    match = match_header(CATALOG, parts)
    assert match.role == "metric_column"
    assert match.metric.code == metric
    assert match.unit == unit


@pytest.mark.parametrize(
    "text, role",
    [
        ("统计期间", "period"), ("月份", "period"), ("Period", "period"),
        ("地区", "region"), ("单位", "region"), ("单位名称", "region"), ("Region", "region"),
        ("地市", "city"), ("县区", "county"),
        ("服务队/单位", "subunit"), ("班组", "subunit"), ("Team", "subunit"),
        ("专项活动", "campaign"), ("Campaign", "campaign"),
        ("指标", "metric"), ("数值", "value"), ("Value", "value"),
        ("备注", "remarks"), ("序号", "ignore"), ("计量单位", "measure"),
    ],
)
def test_role_headers(text, role):
    assert role_for(text) == role
    assert match_header(CATALOG, (text,)).role == role


def test_campaign_parent_header_names_the_campaign():
    match = match_header(CATALOG, ("抗疫复工", "捐款（元）"))
    assert match.metric.code == "donations" and match.campaign == "covid_resumption"


@pytest.mark.parametrize("text, suggestion", [("服务对", "服务队"), ("献血数量", "献血量"), ("亮化比例", "亮化率"),
                                              ("Donation amount", "捐款")])
def test_unknown_header_has_suggestions(text, suggestion):
    match = match_header(CATALOG, (text,))
    assert match.role == "" and match.metric is None
    assert any(suggestion in s for s in match.suggestions), match.suggestions


@pytest.mark.parametrize("text, name, unit", [("服务队（支）", "服务队", UnitSpec(1, "支")), ("服务队", "服务队", None),
                                              ("Donations (10k CNY)", "Donations", UnitSpec(10000, "cny"))])
def test_split_unit(text, name, unit):
    assert split_unit(text) == (name, unit)


def test_find_header_below_title_with_two_levels():
    rows = [
        ["2020年7月防汛保电统计表", "", "", "", ""],
        ["填报单位：国网江苏省电力有限公司党建部", "", "", "填报日期：2020年7月31日", ""],
        ["序号", "单位", "队伍情况", "", "备注"],
        ["", "", "服务队（支）", "投入人次", ""],
        [1.0, "国网南京供电公司", 20.0, 420.0, ""],
    ]
    merges = [(0, 0, 0, 4), (1, 0, 1, 2), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 2, 3), (2, 4, 3, 4)]
    block = find_header(CATALOG, rows, merges)
    assert (block.first, block.last) == (2, 3)
    assert block.parts == [("序号",), ("单位",), ("队伍情况", "服务队（支）"), ("队伍情况", "投入人次"), ("备注",)]


def test_find_header_single_row_after_blank_lines():
    rows = [["", "", ""], ["地区", "服务队", "投入人次"], ["南京", 1.0, 2.0]]
    block = find_header(CATALOG, rows, [])
    assert (block.first, block.last) == (1, 1)


def test_no_header_in_instructions():
    rows = [["填表说明"], ["1. 数值栏填写数字。"]]
    assert find_header(CATALOG, rows, []) is None


def test_suggestions_can_wait_until_a_message_needs_them():
    match = match_header(CATALOG, ("队伍情况", "服务对"), suggest=False)
    assert (match.suggestions, match.lowest) == ((), "服务对")
    assert any("服务队" in s for s in suggest_metrics(CATALOG, match.lowest))


LONG = 16_000


@pytest.mark.parametrize(
    "parts",
    [("服务队（" + "支" * 200 + "）",), ("服务队" * 40,), ("队伍情况" * 4000, "服务对" * 4000), ("（" * LONG,),
     ("服务队 " + " " * MAX_HEADER_CHARS + "x",), ("Donations " * 2000,), ("捐款" + "万元" * LONG,)],
)
def test_long_header_names_nothing(parts):
    match = match_header(CATALOG, parts)
    assert (match.role, match.metric, match.suggestions) == ("", None, ())


@pytest.mark.parametrize("unit", ["服务队", "（", "(a)", "【", "服务队（支）", "万元", "1", " ", "Donations (CNY) ",
                                  "\u0f73"])
def test_match_header_is_linear(assert_linear, unit):
    assert_linear(lambda text: match_header(CATALOG, (text,)), lambda size, k: " " * k + unit * (size // len(unit)),
                  2000)


@pytest.mark.parametrize("unit", ["（", "(a", "(a)", "[a]  ", "服务队（", "）", "\u0f73"])
def test_split_unit_is_linear(assert_linear, unit):
    assert_linear(split_unit, lambda size, k: " " * k + unit * (size // len(unit)), 2000)


def test_suggestions_compare_at_most_the_cap(monkeypatch):
    import difflib

    seen = []
    close_matches = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches",
                        lambda word, *args, **kwargs: seen.append(len(word)) or close_matches(word, *args, **kwargs))
    match_header(CATALOG, ("服务对" * 5000,))
    suggest_metrics(CATALOG, "献血数量" * 5000)
    assert max(seen, default=0) <= MAX_HEADER_CHARS
