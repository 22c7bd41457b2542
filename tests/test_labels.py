"""One way to name a region (labels.py): cities, counties, where a figure comes from, and an account's unit."""
from __future__ import annotations

import pytest

from catalog import load_catalog
from labels import adcode_label, city_label, county_label, region_label
from model import OWN_UNIT


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize(("lang", "expected"), [("zh", "南京市"), ("en", "Nanjing")])
def test_a_city_in_either_language(catalog, lang, expected):
    assert city_label(catalog, "南京市", lang) == expected


@pytest.mark.parametrize(("lang", "expected"), [("zh", "省公司层面"), ("en", "Province level")])
def test_the_province_has_no_city_and_is_named_as_the_province_level(catalog, lang, expected):
    assert city_label(catalog, "", lang) == expected
    assert region_label(catalog, "", "", "", lang) == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_names_the_catalog_does_not_know_are_kept_as_given(catalog, lang):
    assert city_label(catalog, "火星市", lang) == "火星市"
    assert county_label(catalog, "火星区", lang) == "火星区"
    assert county_label(catalog, "火星区", lang, city="南京市") == "火星区"
    assert region_label(catalog, "火星市", "火星区", "某服务队", lang) == "火星市 · 火星区 · 某服务队"


def test_a_county_of_its_city_and_a_name_two_cities_share(catalog):
    assert county_label(catalog, "高淳区", "en") == "Gaochun"  # one 高淳区 in the province
    assert county_label(catalog, "高淳区", "zh") == "高淳区"
    assert county_label(catalog, "鼓楼区", "en") == "鼓楼区"  # Nanjing's or Xuzhou's: without the city, as given
    assert county_label(catalog, "鼓楼区", "en", city="徐州市") == "Gulou"
    assert county_label(catalog, "高淳区", "en", city="徐州市") == "高淳区"  # not a county of that city


@pytest.mark.parametrize(("lang", "county", "own", "unit"), [
    ("zh", "南京市 · 高淳区", "南京市 · 市公司本级", "南京市 · 高淳区 · 国际慢城<b>服务队</b>"),
    ("en", "Nanjing · Gaochun", "Nanjing · City company itself", "Nanjing · Gaochun · 国际慢城<b>服务队</b>"),
])
def test_where_a_figure_comes_from(catalog, lang, county, own, unit):
    assert region_label(catalog, "南京市", "", "", lang) == city_label(catalog, "南京市", lang)
    assert region_label(catalog, "南京市", "高淳区", "", lang) == county
    assert region_label(catalog, "南京市", "", OWN_UNIT, lang) == own
    # a unit's name is the user's text, kept whole: escaping is for the caller (a chart escapes at its boundary)
    assert region_label(catalog, "南京市", "高淳区", "国际慢城<b>服务队</b>", lang) == unit


@pytest.mark.parametrize(("lang", "province", "city", "county"), [
    ("zh", "江苏省", "南京市", "南京市 · 高淳区"),
    ("en", "Jiangsu", "Nanjing", "Nanjing · Gaochun"),
])
def test_an_accounts_unit_by_its_adcode(catalog, lang, province, city, county):
    assert adcode_label(catalog, "", lang) == province
    assert adcode_label(catalog, "999999", lang) == province  # not a region: the province, as an account reads it
    assert adcode_label(catalog, "320100", lang) == city
    assert adcode_label(catalog, "320118", lang) == county


def test_charts_escape_the_label_at_their_boundary(catalog):
    from charts import _unit_label

    assert _unit_label(catalog, "南京市", "高淳区", "国际慢城<b>服务队</b>", "en") == "Nanjing · Gaochun · 国际慢城&lt;b&gt;服务队&lt;/b&gt;"
    assert _unit_label(catalog, "", "", "", "zh") == "省公司层面"
