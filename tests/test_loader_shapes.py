"""Every shape of spreadsheet that arrives loads; each messy fixture gives the same facts as its clean twin."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders import Defaults, parse_bytes, parse_path
from model import FACT_COLUMNS, KEY_COLUMNS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
from make_fixtures import FLOOD, TWINS  # noqa: E402


def canonical(facts: pd.DataFrame) -> pd.DataFrame:
    """Keys, value and qualifier, sorted, for comparing two loads."""
    out = facts[[*KEY_COLUMNS, "value", "qualifier"]].copy()
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    out["value"] = out["value"].round(6)
    return out.astype({c: str for c in [*KEY_COLUMNS, "qualifier"] if c not in ("period_start", "period_end")}) \
        .sort_values(KEY_COLUMNS).reset_index(drop=True)


def load_clean(name: str):
    result = parse_path(FIXTURES / name)
    assert result.ok, [p.bilingual() for p in result.errors]
    return result


@pytest.mark.parametrize("messy, clean", sorted(TWINS.items()))
def test_messy_twin_loads_into_clean_facts(messy, clean):
    got = load_clean(messy)
    want = load_clean(clean)
    assert len(got.facts) > 0
    pd.testing.assert_frame_equal(canonical(got.facts), canonical(want.facts))


def test_wide_clean_holds_the_flood_facts():
    facts = canonical(load_clean("wide_clean.xlsx").facts)
    expected = pd.DataFrame(
        [("2020-07-01", "2020-07-31", city, county, unit, "flood_power", metric, float(value), qualifier)
         for city, county, unit, metric, value, qualifier in FLOOD],
        columns=[*KEY_COLUMNS, "value", "qualifier"],
    )
    pd.testing.assert_frame_equal(facts, canonical(expected))


def test_fact_frame_contract():
    facts = load_clean("wide_title_two_level_header.xlsx").facts
    assert list(facts.columns) == FACT_COLUMNS
    assert str(facts["period_start"].dtype) == "datetime64[ns]"
    assert (facts["period_start"] == facts["period_start"].dt.normalize()).all()
    assert facts["value"].dtype == "float64" and facts["row"].dtype == "int64"
    assert set(facts["qualifier"]) <= {"", "over", "about"}
    assert facts["sheet"].eq("防汛保电").all()


def test_two_level_header_rows_dropped_and_sheets_reported():
    result = load_clean("wide_title_two_level_header.xlsx")
    assert [(s.name, s.status, s.layout) for s in result.sheets] == [
        ("防汛保电", "loaded", "wide"), ("Sheet2", "skipped", ""), ("填表说明", "skipped", "")]
    dropped = {d.row: d.en for d in result.dropped}
    assert dropped == {9: "total row, not loaded as data", 10: "note line, ignored", 11: "note line, ignored"}
    assert {p.code for p in result.warnings} == {"empty_sheet", "instruction_sheet"}
    gaochun = result.facts[(result.facts["county"] == "高淳区") & (result.facts["metric"] == "lighting_km")]
    assert gaochun["row"].tolist() == [6] and gaochun["remarks"].tolist() == ["典型事迹"]


def test_header_unit_and_cell_forms():
    facts = load_clean("wide_title_two_level_header.xlsx").facts.set_index(["city", "county", "metric"])
    assert facts.loc[("南京市", "", "donations"), "value"] == 36000  # 捐款（万元） 3.6
    assert facts.loc[("无锡市", "宜兴市", "donations"), ["value", "qualifier"]].tolist() == [350000, "about"]
    assert facts.loc[("无锡市", "宜兴市", "staff_deployed"), "value"] == 325  # ３２５
    assert facts.loc[("苏州市", "", "staff_deployed"), "value"] == 1020  # "1,020"
    assert facts.loc[("苏州市", "", "customers_assisted"), ["value", "qualifier"]].tolist() == [1000, "over"]


@pytest.mark.parametrize("name", ["gbk_long.csv", "semicolon_long.csv"])
def test_gbk_csv_has_no_mojibake(name):
    facts = load_clean(name).facts
    assert set(facts["city"]) == {"南京市", "无锡市", "苏州市"}


def test_sheet_names_give_city_and_period():
    city = load_clean("sheet_per_city.xlsx").facts
    assert set(city["city"]) == {"南京市", "苏州市"} and set(city["sheet"]) == {"南京", "苏州"}
    month = load_clean("sheet_per_month.xlsx").facts
    assert sorted(month["period_start"].dt.month.unique()) == [7, 8]
    assert set(month["campaign"]) == {"flood_power"}  # from the title 防汛保电专项统计


def test_defaults_fill_what_the_file_lacks():
    data = "地区,服务队\n南京,3\n宜兴,2\n".encode("utf-8")
    missing = parse_bytes(data, "no_period.csv")
    assert {p.code for p in missing.errors} == {"missing_period", "missing_campaign"}
    result = parse_bytes(data, "no_period.csv", Defaults(campaign="防汛", period="2020年7月"))
    assert result.ok
    assert set(result.facts["campaign"]) == {"flood_power"}
    assert result.facts["period_end"].dt.strftime("%Y-%m-%d").unique().tolist() == ["2020-07-31"]


def test_default_city_is_used_only_without_a_region_column():
    data = "统计期间,专项活动,服务队\n2020年7月,防汛,3\n".encode("utf-8")
    assert parse_bytes(data, "x.csv").errors[0].code == "missing_region"
    result = parse_bytes(data, "x.csv", Defaults(city="南京"))
    assert result.facts["city"].tolist() == ["南京市"]
    with_column = "统计期间,地区,专项活动,服务队\n2020年7月,苏州,防汛,3\n".encode("utf-8")
    assert parse_bytes(with_column, "x.csv", Defaults(city="南京")).facts["city"].tolist() == ["苏州市"]


def test_default_city_settles_ambiguous_county():
    data = "统计期间,地区,专项活动,服务队\n2020年7月,鼓楼区,防汛,3\n".encode("utf-8")
    result = parse_bytes(data, "x.csv", Defaults(city="徐州"))
    assert result.ok and result.facts[["city", "county"]].values.tolist() == [["徐州市", "鼓楼区"]]


def test_bad_default_is_an_error():
    data = "统计期间,地区,专项活动,服务队\n2020年7月,南京,防汛,3\n".encode("utf-8")
    result = parse_bytes(data, "x.csv", Defaults(period="下个月"))
    assert [p.code for p in result.errors] == ["bad_default"]


def test_province_rows_belong_to_no_city():
    data = "统计期间,地区,专项活动,爱心大使馆\n2020年8月,国网江苏电力,文明实践阵地,26\n".encode("utf-8")
    facts = parse_bytes(data, "x.csv").facts
    assert facts[["city", "county", "value"]].values.tolist() == [["", "", 26.0]]


def test_subunit_column_fills_unit():
    data = "统计期间,地区,服务队/单位,专项活动,志愿者人数\n2020年7月,国网南京市高淳区供电公司,国际慢城共产党员服务队,防汛,30\n"
    facts = parse_bytes(data.encode("utf-8"), "x.csv").facts
    assert facts[["city", "county", "unit"]].values.tolist() == [["南京市", "高淳区", "国际慢城共产党员服务队"]]


def test_progress_is_reported():
    seen = []
    parse_path(FIXTURES / "wide_title_two_level_header.xlsx", progress=lambda f, label: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_sheet_filter():
    result = parse_path(FIXTURES / "sheet_per_city.xlsx", sheets=["苏州"])
    assert set(result.facts["sheet"]) == {"苏州"}


def test_percent_cells_stored_as_fractions_are_scaled():
    from openpyxl import Workbook
    import io

    book = Workbook()
    book.active.append(["统计期间", "地区", "专项活动", "亮化率"])
    book.active.append(["2020年8月", "宜兴", "点亮行动", 1.0])
    book.active.append(["2020年8月", "南京", "点亮行动", 0.95])
    book.active["D2"].number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    result = parse_bytes(out.getvalue(), "rate.xlsx")
    assert result.facts["value"].tolist() == [100.0, 95.0]
    assert [p.code for p in result.warnings] == ["rate_as_fraction"]
    text = parse_bytes("统计期间,地区,专项活动,亮化率\n2020年8月,宜兴,点亮行动,100%\n".encode(), "rate.csv")
    assert text.facts["value"].tolist() == [100.0] and not text.warnings


def test_hidden_sheet_without_a_table_is_skipped_silently():
    from openpyxl import Workbook
    import io

    book = Workbook()
    book.active.append(["统计期间", "地区", "专项活动", "服务队"])
    book.active.append(["2020年7月", "南京", "防汛", 3])
    lists = book.create_sheet("lists")
    for city in ("南京市", "无锡市"):
        lists.append([city])
    lists.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    result = parse_bytes(out.getvalue(), "hidden.xlsx")
    assert result.ok and not result.warnings
    assert [(s.name, s.status) for s in result.sheets] == [("Sheet", "loaded"), ("lists", "skipped")]
