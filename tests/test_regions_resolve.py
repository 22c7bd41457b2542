"""loaders/regions.py: region names as reports write them → canonical city, county, sub-unit."""
from __future__ import annotations

import pytest

from catalog import load_catalog
from loaders.regions import MAX_REGION_CHARS, find_city, resolve_region

CATALOG = load_catalog()


@pytest.mark.parametrize(
    "text, city, county, unit",
    [
        ("南京", "南京市", "", ""),
        ("南京市", "南京市", "", ""),
        ("Nanjing", "南京市", "", ""),
        ("NANJING", "南京市", "", ""),
        ("国网南京供电公司", "南京市", "", ""),
        ("南京公司", "南京市", "", ""),
        ("南京供电公司", "南京市", "", ""),
        ("国网江苏省电力有限公司南京供电分公司", "南京市", "", ""),
        ("国网宜兴市供电公司", "无锡市", "宜兴市", ""),
        ("宜兴市公司", "无锡市", "宜兴市", ""),
        ("宜兴", "无锡市", "宜兴市", ""),
        ("如皋", "南通市", "如皋市", ""),
        ("国网如皋市供电公司", "南通市", "如皋市", ""),
        ("国网南京市高淳区供电公司", "南京市", "高淳区", ""),
        ("南京高淳", "南京市", "高淳区", ""),
        ("国网金湖县供电公司", "淮安市", "金湖县", ""),
        ("Gaochun", "南京市", "高淳区", ""),
        ("国网江苏电力", "", "", ""),
        ("省公司", "", "", ""),
        ("全省", "", "", ""),
        ("江苏省", "", "", ""),
        ("国网连云港供电公司开山岛共产党员服务队", "连云港市", "", "开山岛共产党员服务队"),
        ("国网江苏省电力有限公司党建部", "", "", "党建部"),
        ("３２０１００", "南京市", "", ""),
    ],
)
def test_resolve_region(text, city, county, unit):
    match = resolve_region(CATALOG, text)
    assert match.error == ""
    assert (match.city, match.county, match.unit) == (city, county, unit)


def test_ambiguous_region_names_candidates():
    match = resolve_region(CATALOG, "鼓楼区")
    assert match.error == "ambiguous_region"
    assert set(match.candidates) == {"南京市鼓楼区", "徐州市鼓楼区"}


@pytest.mark.parametrize("hint, city", [("南京市", "南京市"), ("徐州市", "徐州市")])
def test_city_hint_settles_ambiguity(hint, city):
    match = resolve_region(CATALOG, "鼓楼区", hint)
    assert (match.error, match.city, match.county) == ("", city, "鼓楼区")


@pytest.mark.parametrize("text", ["上海市", "国网上海市电力公司", "浙江杭州", "Shanghai"])
def test_outside_jiangsu(text):
    assert resolve_region(CATALOG, text).error == "outside_jiangsu"


@pytest.mark.parametrize("text, suggestion", [("南亰", "南京市"), ("宜兴x", "宜兴市")])
def test_unknown_region_has_suggestions(text, suggestion):
    match = resolve_region(CATALOG, text)
    assert match.error == "unknown_region"
    assert suggestion in match.candidates


@pytest.mark.parametrize("text, city", [("南京", "南京市"), ("南京市2020年7月统计", "南京市"), ("Sheet1", None)])
def test_find_city_in_sheet_names_and_titles(text, city):
    found = find_city(CATALOG, text)
    assert (found.city if found else None) == city


LONG = 16_000


@pytest.mark.parametrize(
    "text",
    ["南" * LONG, "国网南京供电公司" * 2000, "南京" + "1" * LONG, "宜兴市公司" + "（" * LONG, "Nanjing " * 2000,
     "国网连云港供电公司" + "开山岛共产党员服务队" * 1600, "南京" + "\u3000" * LONG + "x" * 100,
     "南" * (MAX_REGION_CHARS + 1)],
)
def test_long_text_is_an_unknown_region(text):
    match = resolve_region(CATALOG, text)
    assert (match.error, match.candidates) == ("unknown_region", ())


@pytest.mark.parametrize("text, city", [("南京" + " " * LONG, "南京市"), ("国网南京供电公司" + "开" * 40, "南京市")])
def test_white_space_and_sub_units_within_the_cap_still_resolve(text, city):
    assert resolve_region(CATALOG, text).city == city


@pytest.mark.parametrize("unit", ["南", "国网南京供电公司", "1", "年", "（", " a", "Nanjing", "鼓楼区", "\u0f73"])
def test_resolve_region_is_linear(assert_linear, unit):
    # the search for the longest leading region name was quadratic: 16,000 characters took 5 s
    assert_linear(lambda text: resolve_region(CATALOG, text), lambda size, k: " " * k + unit * (size // len(unit)),
                  1000)


@pytest.mark.parametrize("unit", ["南", "南京市2020年7月", "1"])
def test_find_city_is_linear(assert_linear, unit):
    assert_linear(lambda text: find_city(CATALOG, text), lambda size, k: " " * k + unit * (size // len(unit)), 1000)


def test_region_lookups_see_at_most_the_cap(monkeypatch):
    import loaders.regions as regions

    seen = []
    lookup = regions._lookup
    monkeypatch.setattr(regions, "_lookup", lambda catalog, text: seen.append(len(text)) or lookup(catalog, text))
    resolve_region(CATALOG, "国网连云港供电公司" + "开" * 5000)
    assert max(seen, default=0) <= MAX_REGION_CHARS
