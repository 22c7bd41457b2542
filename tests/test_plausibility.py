"""Plausibility warnings (store/plausibility.py): a jump against the unit's last 12 months, a large correction."""
from __future__ import annotations

import pandas as pd
import pytest

from store.changes import classify_changes
from store.plausibility import HISTORY_COLUMNS, history_text, plausibility_checks, reason_text
from store.preview import preview_upload
from tests.conftest import facts_frame, make_result

NANJING = {"city": "南京市", "campaign": "flood_power", "metric": "teams"}


def month(number: int, year: int = 2020) -> dict:
    start = pd.Timestamp(year=year, month=number, day=1)
    return {"period_start": start, "period_end": start + pd.offsets.MonthEnd(0)}


def in_effect(rows: list[dict]) -> pd.DataFrame:
    return facts_frame(rows).assign(upload_id=1)


def checks_of(history: list[tuple[int, float]], value: float, at: int = 12, **key) -> pd.DataFrame:
    """The checks of one figure for month `at` of 2020, with the unit's figures (month, value) in effect."""
    current = in_effect([{**month(m), **NANJING, "value": v} for m, v in history])
    incoming = facts_frame([{**month(at), **NANJING, **key, "value": value}])
    return plausibility_checks(current, classify_changes(current, incoming), factor=5, change=0.8)


HISTORY = [(3, 8), (5, 10), (9, 12)]  # three reported months of the last 12, median 10


@pytest.mark.parametrize("history, value, warned", [
    (HISTORY, 50, True),  # 5 × the median
    (HISTORY, 49, False),  # 4.9 ×
    (HISTORY, 500, True),
    (HISTORY[:2], 500, False),  # fewer than 3 reported months: no median to trust
    ([(1, 8), (3, 10), (11, 12)], 60, True),
    ([(1, 0), (2, 0), (3, 0)], 7, False),  # a median of 0 says nothing about scale
    ([(1, 10), (2, 10), (3, 10), (4, 200), (5, 200)], 60, True),  # median 10: two large months do not move it
])
def test_a_figure_at_least_5_times_the_median_of_its_last_12_months_is_to_check(history, value, warned):
    checks = checks_of(history, value)
    assert len(checks) == int(warned)
    if warned:
        assert bool(checks.at[0, "jump"]) and not checks.at[0, "large_correction"]


def test_the_history_is_the_12_months_before_and_the_same_campaign_and_unit():
    older = [(m, 10) for m in (1, 2, 3)]
    current = in_effect([{**month(m, 2019), **NANJING, "value": v} for m, v in older])  # 21 months before
    incoming = facts_frame([{**month(12), **NANJING, "value": 100}])
    assert plausibility_checks(current, classify_changes(current, incoming)).empty
    for other in ({"campaign": "covid_resumption"}, {"county": "高淳区"}, {"unit": "供电所"}, {"metric": "volunteers"}):
        assert checks_of(HISTORY, 100, **other).empty, other


@pytest.mark.parametrize("period, warned", [
    ({"period_start": "2020-12-01", "period_end": "2020-12-31"}, True),
    ({"period_start": "2020-12-15", "period_end": "2020-12-15"}, False),  # a day
    ({"period_start": "2020-10-01", "period_end": "2020-12-31"}, False),  # a quarter
    ({"period_start": "2020-01-01", "period_end": "2020-12-31"}, False),  # a year
])
def test_only_a_months_figure_is_compared_with_months(period, warned):
    current = in_effect([{**month(m), **NANJING, "value": v} for m, v in HISTORY])
    incoming = facts_frame([{**NANJING, **period, "value": 500}])
    assert len(plausibility_checks(current, classify_changes(current, incoming))) == int(warned)


def test_the_files_own_earlier_months_are_history_and_win_over_the_store():
    current = in_effect([{**month(m), **NANJING, "value": 100} for m in (1, 2, 3)])
    rows = [{**month(m), **NANJING, "value": v} for m, v in ((1, 10), (2, 12), (3, 8), (4, 50))]
    checks = plausibility_checks(current, classify_changes(current, facts_frame(rows)), factor=5, change=5)
    assert list(checks["period_start"].dt.month) == [4] and checks.at[0, "median"] == 10
    assert [checks.at[0, column] for column in HISTORY_COLUMNS[-3:]] == [10, 12, 8]


@pytest.mark.parametrize("old, new, warned", [
    (30, 5, True),  # by 83%
    (30, 20, False),  # by 33%
    (30, 6, False),  # by 80%: not more than
    (30, 60, True),  # by 100%
    (0, 5, True),
    (30, 30, False),  # unchanged
])
def test_a_correction_by_more_than_80_percent_is_to_check(old, new, warned):
    current = in_effect([{**month(7), **NANJING, "value": old}])
    incoming = facts_frame([{**month(7), **NANJING, "value": new}])
    checks = plausibility_checks(current, classify_changes(current, incoming), factor=5, change=0.8)
    assert len(checks) == int(warned)
    if warned:
        assert bool(checks.at[0, "large_correction"]) and (checks.at[0, "old_value"], checks.at[0, "value"]) == (old, new)


def test_the_settings_move_both_thresholds(monkeypatch):
    monkeypatch.setenv("KPI_PLAUSIBLE_FACTOR", "6")
    monkeypatch.setenv("KPI_CORRECTION_CHANGE", "0.9")
    current = in_effect([*[{**month(m), **NANJING, "value": v} for m, v in HISTORY], {**month(12), **NANJING, "value": 30}])
    incoming = facts_frame([{**month(12), **NANJING, "value": 55}])  # 5.5 × the median; a correction by 83%
    assert plausibility_checks(current, classify_changes(current, incoming)).empty
    monkeypatch.setenv("KPI_PLAUSIBLE_FACTOR", "5")
    assert len(plausibility_checks(current, classify_changes(current, incoming))) == 1


def test_each_check_says_why_and_shows_the_old_value_or_median_and_the_history():
    current = in_effect([*[{**month(m), **NANJING, "value": v} for m, v in HISTORY], {**month(12), **NANJING, "value": 2}])
    incoming = facts_frame([{**month(12), **NANJING, "value": 60}])  # 6 × the median 10, and 2 → 60
    [row] = plausibility_checks(current, classify_changes(current, incoming)).itertuples()
    assert reason_text(row, "en") == "6× the median of the 3 months before; changes the figure by 2,900%"
    assert reason_text(row, "zh") == "为前 3 个有数据月份中位数的 6 倍；更正幅度 2,900%"
    assert history_text(row, "en") == "2020-03 8 · 2020-05 10 · 2020-09 12"
    assert (row.old_value, row.median, row.value) == (2, 10, 60)


def test_preview_of_a_store_reads_the_12_months_before_the_file(store):
    store.import_result(make_result([{**month(m), **NANJING, "value": v} for m, v in HISTORY]), b"history")
    store.import_result(make_result([{**month(12), **NANJING, "value": 30}]), b"december")
    fix = make_result([{**month(12), **NANJING, "value": 5}, {**month(12), **NANJING, "city": "无锡市", "value": 1}])
    preview = preview_upload(store, fix.facts)
    assert list(preview.changes["change"]) == ["changed", "new"]
    [row] = preview.checks.itertuples()
    assert (row.city, row.old_value, row.value, row.median) == ("南京市", 30, 5, 10)
    assert row.large_correction and not row.jump


def test_a_large_file_is_checked_without_a_loop_per_figure(assert_linear):
    """12 months × n units: checking 8n units takes about 8 times as long (and never per-row Python)."""
    def make(units: int, k: int):
        rows = [{**month(m), **NANJING, "unit": f"队{u}", "value": 10 + (u + k) % 7 + (90 if m == 12 and u % 50 == 0 else 0)}
                for u in range(units) for m in range(1, 13)]
        frame = facts_frame(rows)
        return in_effect([]).iloc[:0], classify_changes(in_effect([]).iloc[:0], frame)

    checked = plausibility_checks(*make(200, 0), factor=5, change=0.8)
    assert len(checked) == 4 and set(checked["period_start"].dt.month) == {12}
    assert_linear(lambda pair: plausibility_checks(*pair, factor=5, change=0.8), make, 400)


def test_hash_lookups_beyond_the_grid_find_the_same(monkeypatch):
    """A file over many years and series is looked up by hash instead of a dense grid: same checks."""
    import store.plausibility as plausibility

    current = in_effect([{**month(m), **NANJING, "value": 100} for m in (1, 2, 3)])
    rows = [{**month(m), **NANJING, "value": v} for m, v in ((1, 10), (2, 12), (3, 8), (4, 50), (5, 9))]
    changes = classify_changes(current, facts_frame(rows))
    dense = plausibility_checks(current, changes, factor=5, change=0.8)
    monkeypatch.setattr(plausibility, "GRID_CELLS", 0)
    hashed = plausibility_checks(current, changes, factor=5, change=0.8)
    pd.testing.assert_frame_equal(dense, hashed)
    assert list(hashed["period_start"].dt.month) == [1, 2, 3, 4] and list(hashed["jump"]) == [False] * 3 + [True]
