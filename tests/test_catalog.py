"""The catalog holds every code of the domain contract, and aliases resolve to them."""
from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from catalog import _PIECE_START, NFKC_PIECE, fold_width, normalize_text, read_catalog
from settings import CATALOG_DIR

DOMAIN_METRICS = [
    "teams", "volunteers", "staff_deployed", "key_customers_checked", "customers_assisted",
    "customers_informed", "remote_services", "lighting_lines", "lighting_km", "temp_transformers",
    "drainage_installs", "exam_sites_secured", "corridors_lit", "lighting_rate", "safety_inspections",
    "problems_solved", "donations", "blood_donated", "face_shields", "love_embassies", "love_consulates",
]
DOMAIN_CAMPAIGNS = ["covid_resumption", "flood_power", "light_up", "aid_fund", "practice_network"]
DOMAIN_CITIES = {
    "320100": "南京市", "320200": "无锡市", "320300": "徐州市", "320400": "常州市", "320500": "苏州市",
    "320600": "南通市", "320700": "连云港市", "320800": "淮安市", "320900": "盐城市", "321000": "扬州市",
    "321100": "镇江市", "321200": "泰州市", "321300": "宿迁市",
}


def test_every_domain_metric_is_in_the_catalog_with_labels_and_unit(catalog):
    assert list(catalog.metrics) == DOMAIN_METRICS
    for metric in catalog.metrics.values():
        assert metric.zh and metric.en and metric.unit_zh and metric.unit_en
        assert metric.aggregation in {"sum", "mean"}


def test_rates_average_and_counts_sum(catalog):
    assert catalog.metrics["lighting_rate"].aggregation == "mean"
    assert {m.aggregation for c, m in catalog.metrics.items() if c != "lighting_rate"} == {"sum"}


def test_every_domain_campaign_is_in_the_catalog(catalog):
    assert list(catalog.campaigns) == DOMAIN_CAMPAIGNS


def test_cities_and_counties(catalog):
    assert {r.adcode: r.name for r in catalog.cities} == DOMAIN_CITIES
    counties = [r for r in catalog.regions.values() if r.level == "county"]
    assert len(counties) == 95
    assert all(r.parent_adcode in DOMAIN_CITIES for r in counties)
    assert len({r.adcode for r in counties}) == 95


@pytest.mark.parametrize(("text", "code"), [
    ("服务队", "teams"), ("服务队 ", "teams"), ("Service Teams", "teams"), ("投入人次", "staff_deployed"),
    ("排查重要客户", "key_customers_checked"), ("黑楼道改造", "corridors_lit"), ("亮化率", "lighting_rate"),
    ("捐款", "donations"), ("Donations", "donations"), ("献血量", "blood_donated"), ("ＴＥＡＭＳ", "teams"),
])
def test_metric_aliases(catalog, text, code):
    assert catalog.metric_for(text).code == code


@pytest.mark.parametrize(("text", "code"), [
    ("疫情防控", "covid_resumption"), ("抗疫", "covid_resumption"), ("复工复产", "covid_resumption"),
    ("防汛", "flood_power"), ("防汛抢险", "flood_power"), ("Flood prevention", "flood_power"),
    ("黑楼道整治", "light_up"), ("居民用电安检", "light_up"), ("金蜜蜂帮扶基金", "aid_fund"),
    ("爱心募捐", "aid_fund"), ("文明实践阵地", "practice_network"), ("light_up", "light_up"),
])
def test_campaign_aliases(catalog, text, code):
    assert catalog.campaign_for(text).code == code


@pytest.mark.parametrize(("text", "city", "county"), [
    ("南京", "南京市", ""), ("南京市", "南京市", ""), ("Nanjing", "南京市", ""), ("国网南京供电公司", "南京市", ""),
    ("南京公司", "南京市", ""), ("国网宜兴市供电公司", "无锡市", "宜兴市"), ("宜兴市公司", "无锡市", "宜兴市"),
    ("如皋", "南通市", "如皋市"), ("金湖县", "淮安市", "金湖县"), ("国网南京市高淳区供电公司", "南京市", "高淳区"),
    ("溧水区", "南京市", "溧水区"), ("国网连云港供电公司", "连云港市", ""),
])
def test_region_aliases(catalog, text, city, county):
    [region] = catalog.regions_for(text)
    assert catalog.city_of(region).name == city
    assert (region.name if region.level == "county" else "") == county


def test_province_names_belong_to_no_city(catalog):
    for text in ("国网江苏电力", "省公司", "江苏省"):
        [region] = catalog.regions_for(text)
        assert region.level == "province" and catalog.city_of(region) is None


def test_gulou_is_ambiguous_and_kept_apart(catalog):
    cities = sorted(catalog.city_of(r).name for r in catalog.regions_for("鼓楼区"))
    assert cities == ["南京市", "徐州市"]


def catalog_with_metric(folder: Path, metric_yaml: str) -> Path:
    """A copy of the catalog in `folder` with one more metric entry appended to metrics.yaml."""
    for name in ("metrics.yaml", "campaigns.yaml", "regions.csv"):
        (folder / name).write_bytes((CATALOG_DIR / name).read_bytes())
    with (folder / "metrics.yaml").open("a", encoding="utf-8") as handle:
        handle.write(metric_yaml)
    return folder


def test_adding_a_metric_is_a_data_change(tmp_path):
    extended = read_catalog(catalog_with_metric(tmp_path, "- code: trees_planted\n  zh: 植树\n  en: trees planted\n"
                                                          "  unit_zh: 棵\n  unit_en: trees\n  aggregation: sum\n"
                                                          "  aliases: [植树数量]\n"))
    assert extended.metric_for("植树数量").code == "trees_planted"


def test_an_alias_naming_two_metrics_is_refused(tmp_path):
    catalog_with_metric(tmp_path, "- code: other\n  zh: 其他\n  en: other\n  unit_zh: 个\n  unit_en: x\n"
                                  "  aggregation: sum\n  aliases: [服务队]\n")
    with pytest.raises(ValueError, match="服务队"):
        read_catalog(tmp_path)


def test_normalize_text_folds_width_case_and_spaces():
    assert normalize_text(" Ｔｅａｍｓ\u3000(支) ") == "teams(支)"


@pytest.mark.parametrize("unit", ["\u0f73", "\u0301\u0316", "\u0316\u0301", "a\u0301", "南", "\u1100\u1161\u11a8", "\ufdfa",
                                  "\u0f73a", "ｶﾞ"])
def test_normalize_text_is_linear(assert_linear, unit):
    # NFKC sorts a run of combining marks by insertion: 16,000 ཱི (each two marks) took 1 s, in C, holding the GIL
    assert_linear(normalize_text, lambda size, k: " " * k + unit * (size // len(unit)), 2000)


def test_fold_width_is_nfkc():
    marks = [chr(c) for c in range(0x300, 0x370)] + list("\u0f71\u0f72\u0f73\u0f75\u0f81\u3099\u0345\u0344\u0e48")
    others = list("aZé南京ｶﾞß İ\u3000\u00a0\u1100\u1161\u11a8\uac00\u304b\ufdfa\u3300\u0b47\u0b3e\u09c7\u09be"
                  "\u0dd9\u0dcf\u1025\u102e\u0e33\u1e9b") + ["\U0001d15f", "\U0001d165"]
    pick = random.Random(7)
    for _ in range(500):
        chars = []
        for i in range(pick.randint(4 * NFKC_PIECE, 3000)):
            chars.append(pick.choice(marks if pick.random() < 0.5 else others))
            if i % (NFKC_PIECE - 2) == 0:  # a piece can start at least every NFKC_PIECE characters
                chars.append(pick.choice("a 3南\uac00\u304b\u30ab\u3400"))
        text = "".join(chars)
        assert fold_width(text) == unicodedata.normalize("NFKC", text)


def test_pieces_start_where_nothing_before_combines():
    # a piece may start at a character whose decomposition starts with a starter no composition has second
    seconds = {0x1161 + k for k in range(21)} | {0x11A8 + k for k in range(27)}  # Hangul vowels and finals
    for code in range(0x30000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    for code in range(0x10000):
        if _PIECE_START.match(chr(code)):
            first = unicodedata.normalize("NFKD", chr(code))[0]
            assert unicodedata.combining(first) == 0 and ord(first) not in seconds, hex(code)
