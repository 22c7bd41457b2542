"""Levels and roll-up: one rule (analytics.level_masks) behind totals, rankings, breakdowns and inconsistencies.

A city's figure is the whole city; its counties (and its own part, 本级, and sub-units) are its breakdown and
count only where no city figure is in effect. Province-level figures are always added.
"""
from __future__ import annotations

import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import city_ranking, county_breakdown, level_inconsistencies, metric_totals
from loaders import parse_bytes
from store import Store
from tests.conftest import facts_frame, make_result
from tests.test_loader_errors import _xlsx
from tests.test_store_cli import cli  # noqa: F401 - the fixture

JULY = {"period_start": "2020-07-01", "period_end": "2020-07-31", "campaign": "flood_power"}
AUGUST = {"period_start": "2020-08-01", "period_end": "2020-08-31", "campaign": "flood_power"}


def fact(city: str = "", county: str = "", unit: str = "", value: float = 1, metric: str = "teams",
         qualifier: str = "", period: dict = JULY) -> dict:
    return {**period, "city": city, "county": county, "unit": unit, "metric": metric, "value": value,
            "qualifier": qualifier}


def teams(facts, catalog) -> float:
    totals = metric_totals(facts, catalog)
    return float(totals.loc[totals["metric"] == "teams", "value"].sum())


# (case, facts, province total of teams, {city: its total})
CASES = [
    ("a city figure alone", [fact("南京市", value=25)], 25, {"南京市": 25}),
    ("counties alone add up", [fact("南京市", "高淳区", value=3), fact("南京市", "溧水区", value=2)], 5, {"南京市": 5}),
    ("a city figure hides its counties", [fact("南京市", value=25), fact("南京市", "高淳区", value=3),
                                          fact("南京市", "溧水区", value=2)], 25, {"南京市": 25}),
    ("own part and counties add up", [fact("南京市", unit="本级", value=20), fact("南京市", "高淳区", value=3)],
     23, {"南京市": 23}),
    ("a city figure hides its own part too", [fact("南京市", value=22), fact("南京市", unit="本级", value=20),
                                              fact("南京市", "高淳区", value=3)], 22, {"南京市": 22}),
    ("a city sub-unit is a part", [fact("连云港市", unit="开山岛服务队", value=1), fact("连云港市", "东海县", value=2)],
     3, {"连云港市": 3}),
    ("a county figure hides its sub-units", [fact("南京市", "高淳区", value=5),
                                             fact("南京市", "高淳区", "国际慢城服务队", value=2)], 5, {"南京市": 5}),
    ("a county's sub-units add up without it", [fact("南京市", "高淳区", "甲队", value=2),
                                                fact("南京市", "高淳区", "乙队", value=1)], 3, {"南京市": 3}),
    ("province-level figures are added, belong to no city", [fact(value=4), fact("南京市", value=25),
                                                             fact("南京市", "高淳区", value=3)], 29, {"南京市": 25}),
    ("counties over the city figure: the city's figure, never both", [fact("南京市", value=4),
                                                                      fact("南京市", "高淳区", value=3),
                                                                      fact("南京市", "溧水区", value=2)], 4, {"南京市": 4}),
    ("each city on its own", [fact("南京市", value=25), fact("南京市", "高淳区", value=3),
                              fact("无锡市", "宜兴市", value=7)], 32, {"南京市": 25, "无锡市": 7}),
    ("another month is another key", [fact("南京市", value=25), fact("南京市", "高淳区", value=3, period=AUGUST)],
     28, {"南京市": 28}),
    ("another metric is another key", [fact("南京市", value=25, metric="staff_deployed"),
                                       fact("南京市", "高淳区", value=3)], 3, {"南京市": 3}),
]


@pytest.mark.parametrize("case, rows, province, cities", CASES, ids=[c[0] for c in CASES])
def test_roll_up_rule(case, rows, province, cities, catalog):
    facts = facts_frame(rows)
    assert teams(facts, catalog) == province
    ranking = city_ranking(facts, "teams", catalog)
    assert dict(zip(ranking["city"], ranking["value"])) == cities


def test_rates_are_averaged_at_every_level_never_summed(catalog):
    rows = [fact("无锡市", value=90, metric="lighting_rate"), fact("无锡市", "宜兴市", value=100, metric="lighting_rate"),
            fact("南京市", "高淳区", value=80, metric="lighting_rate"), fact("南京市", "溧水区", value=100, metric="lighting_rate")]
    totals = metric_totals(facts_frame(rows), catalog).set_index("metric")
    assert totals.at["lighting_rate", "value"] == pytest.approx((90 + 80 + 100) / 3)  # 宜兴市 is within 无锡市's 90
    assert level_inconsistencies(facts_frame(rows), catalog).empty  # a rate is never compared with a sum


def test_breakdown_shows_counties_own_part_and_the_unallocated_rest(catalog):
    rows = [fact("南京市", value=25), fact("南京市", unit="本级", value=12), fact("南京市", "高淳区", value=3),
            fact("南京市", "溧水区", "和凤供电所", value=2), fact("南京市", "溧水区", "白马供电所", value=1)]
    parts = county_breakdown(facts_frame(rows), "南京市", "teams", catalog)
    assert {(k, c): v for k, c, v in zip(parts["kind"], parts["county"], parts["value"])} == {
        ("own", ""): 12, ("county", "高淳区"): 3, ("county", "溧水区"): 3, ("unallocated", ""): 7}
    assert parts["value"].sum() == 25


@pytest.mark.parametrize("whole, qualifier, parts, flagged", [
    (4, "", [3, 2], True),
    (5, "", [3, 2], False),
    (4, "over", [3, 2], False),  # 4余: a floor, more in its parts is no contradiction
    (4.6, "about", [3, 2], False),  # 约4.6: within 10%
    (4, "about", [3, 2], True),
])
def test_parts_over_their_whole_are_listed(whole, qualifier, parts, flagged, catalog):
    rows = [fact("南京市", value=whole, qualifier=qualifier),
            *[fact("南京市", county, value=v) for county, v in zip(("高淳区", "溧水区"), parts)]]
    found = level_inconsistencies(facts_frame(rows), catalog)
    assert len(found) == int(flagged)
    if flagged:
        row = found.iloc[0]
        assert (row["city"], row["county"], row["metric"], row["value"], row["parts"], row["parts_facts"]) == (
            "南京市", "", "teams", whole, sum(parts), 2)


def test_a_county_with_sub_units_over_its_figure_is_listed(catalog):
    rows = [fact("南京市", "高淳区", value=2), fact("南京市", "高淳区", "甲队", value=2), fact("南京市", "高淳区", "乙队", value=1)]
    found = level_inconsistencies(facts_frame(rows), catalog)
    assert list(zip(found["city"], found["county"], found["parts"])) == [("南京市", "高淳区", 3)]


@pytest.mark.parametrize("city, county, unit", [
    ("南京市", "本级", "本级"),
    ("南京市", "市本级", "本级"),
    ("南京市", "市公司本部", "本级"),
    ("南京市本级", "", "本级"),
    ("国网南京供电公司本部", "", "本级"),
    ("南京市", "", ""),
])
def test_the_loader_keeps_the_own_part_as_the_unit_benji(city, county, unit):
    data = _xlsx([["2020年7月防汛保电统计表"], ["城市", "县（区）", "服务队（支）"], [city, county, 7]])
    result = parse_bytes(data, "本级.xlsx")
    assert result.ok, [p.message("en") for p in result.problems]
    assert list(zip(result.facts["city"], result.facts["county"], result.facts["unit"])) == [("南京市", "", unit)]


# ---- against a plain model -------------------------------------------------------------------------------
# Every place a figure can be reported for, in two cities: the city, its own part, a sub-unit, two counties,
# a county's sub-unit; and the province.
PLACES = [("", "", ""), ("", "", "省公司团委"),
          ("南京市", "", ""), ("南京市", "", "本级"), ("南京市", "", "机关服务队"),
          ("南京市", "高淳区", ""), ("南京市", "高淳区", "国际慢城服务队"), ("南京市", "溧水区", ""),
          ("无锡市", "", ""), ("无锡市", "宜兴市", ""), ("无锡市", "宜兴市", "蜜蜂行动队"), ("无锡市", "江阴市", "")]
PERIODS = [JULY, AUGUST]


def model_totals(figures: dict) -> tuple[float, dict]:
    """The rule written plainly: figures maps (period index, city, county, unit) → value. Province and city totals."""
    def county_total(p, city, county):
        if (p, city, county, "") in figures:
            return figures[(p, city, county, "")]
        return sum(v for (q, c, k, u), v in figures.items() if (q, c, k) == (p, city, county) and u)

    def city_total(p, city):
        if (p, city, "", "") in figures:
            return figures[(p, city, "", "")]
        own = sum(v for (q, c, k, u), v in figures.items() if (q, c, k) == (p, city, "") and u)
        counties = {k for (q, c, k, _u) in figures if (q, c) == (p, city) and k}
        return own + sum(county_total(p, city, k) for k in counties)

    cities = {c for (_p, c, _k, _u) in figures if c}
    by_city = {c: sum(city_total(p, c) for p in range(len(PERIODS)) if any(k[:2] == (p, c) for k in figures))
               for c in cities}
    province = sum(v for (_p, c, _k, _u), v in figures.items() if not c) + sum(by_city.values())
    return province, by_city


def as_rows(figures: dict) -> list[dict]:
    return [fact(city, county, unit, value, period=PERIODS[p]) for (p, city, county, unit), value in figures.items()]


FIGURES = st.dictionaries(st.tuples(st.integers(0, len(PERIODS) - 1), st.sampled_from(PLACES)).map(
    lambda pair: (pair[0], *pair[1])), st.integers(0, 50), max_size=len(PLACES) * len(PERIODS))


@settings(max_examples=150, deadline=None)
@given(FIGURES)
def test_totals_follow_the_plain_model(figures):
    from catalog import load_catalog

    catalog = load_catalog()
    facts = facts_frame(as_rows(figures)) if figures else facts_frame([])
    province, by_city = model_totals(figures)
    assert teams(facts, catalog) == province
    ranking = city_ranking(facts, "teams", catalog)
    assert dict(zip(ranking["city"], ranking["value"])) == {c: v for c, v in by_city.items()}
    for city, value in by_city.items():
        parts = county_breakdown(facts, city, "teams", catalog)
        consistent = level_inconsistencies(facts, catalog).query("city == @city and county == ''").empty
        if consistent:  # the bars add up to the city's total wherever its parts do not exceed its figure
            assert parts["value"].sum() == pytest.approx(value)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(FIGURES, st.booleans()), min_size=1, max_size=4))
def test_store_totals_follow_the_plain_model(uploads):
    """Uploads of random mixes of city, county, own-part and sub-unit figures (some undone): the totals of the
    figures in effect are the plain model's over the newest figure per key."""
    from catalog import load_catalog

    catalog = load_catalog()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/levels.db")
        in_effect: dict = {}
        for number, (figures, undo) in enumerate(uploads):
            if not figures:
                continue
            outcome = store.import_result(make_result(as_rows(figures)), f"upload {number}".encode())
            if undo:
                store.undo(outcome.upload_id)
            else:
                in_effect.update(figures)
        province, by_city = model_totals(in_effect)
        facts = store.active_facts()
        assert teams(facts, catalog) == province
        ranking = city_ranking(facts, "teams", catalog)
        assert dict(zip(ranking["city"], ranking["value"])) == by_city



# ---- command line ----------------------------------------------------------------------------------------
def test_cli_lists_inconsistencies_and_removes_and_restores_the_demo(cli, tmp_path):
    from tests.fixtures.make_levels import PROVINCE_FILE, write_book

    assert cli("demo").returncode == 0
    odd = tmp_path / "南京县区.xlsx"
    write_book([["2020年7月防汛保电统计表"], ["城市", "县（区）", "服务队（支）"], ["南京市", "高淳区", 20],
                ["南京市", "溧水区", 9]], odd)
    assert cli("import", str(odd)).returncode == 0
    listed = cli("inconsistencies", "--from", "2020-07", "--to", "2020-07").stdout.splitlines()
    assert listed == ["period_start,period_end,city,county,campaign,metric,value,qualifier,parts,parts_facts",
                      "2020-07-01,2020-07-31,南京市,,flood_power,teams,25,,29,2"]
    assert cli("totals", "--metric", "teams", "--from", "2020-07", "--to", "2020-07", "--format", "csv").stdout \
        == "metric,value,qualifier\nteams,184,\n"  # Nanjing's whole figure counts, never its counties on top

    assert cli("import", str(PROVINCE_FILE)).returncode == 0
    removed = cli("demo", "--remove", "--lang", "en")
    assert removed.returncode == 0 and "3 upload(s) undone" in removed.stdout  # figures, ledger, demo targets
    teams_only = cli("totals", "--from", "2020-07", "--to", "2020-07", "--format", "csv").stdout
    assert "teams,184," in teams_only and "volunteers" not in teams_only  # the demo's ledger is out
    assert cli("inconsistencies", "--format", "json").stdout.strip() != "[]"  # 高淳区 20 + 溧水区 9 > 南京市 22
    restored = cli("demo", "--restore", "--lang", "en")
    assert restored.returncode == 0 and "3 upload(s) back in effect" in restored.stdout
    assert "volunteers,30," in cli("totals", "--from", "2020-07", "--to", "2020-07", "--format", "csv").stdout


def test_several_uploads_change_status_in_one_transaction_or_not_at_all(tmp_path):
    from store import StoreError

    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    ids = [store.import_result(make_result([fact("南京市", value=v)]), f"f{v}".encode()).upload_id for v in (1, 2)]
    with pytest.raises(StoreError):
        store.set_statuses([*ids, 99], "undone")  # one missing: nothing changes
    assert set(store.uploads()["status"]) == {"active"}
    assert store.set_statuses(ids, "undone") == ids and store.active_facts().empty
    assert store.set_statuses(ids, "undone") == []  # already undone: nothing to change
    assert store.set_statuses(ids, "active") == ids and store.active_facts()["value"].tolist() == [2]
