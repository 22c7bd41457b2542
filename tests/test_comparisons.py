"""KPI comparisons (issue 11, item 2): 环比 against the previous window, 同比 against the same window a year
earlier (like-for-like year to date), blank where the base is missing, a 12-month sparkline."""
from __future__ import annotations

from datetime import date

import pytest

from analytics import Filters, kpi_table, year_ago_window
from i18n import format_change, format_window
from tests.accounts import admin_app, upload_text
from tests.conftest import facts_frame
from tests.test_pages import choose_month


def teams(month: str, value: float, city: str = "南京市") -> dict:
    year, number = map(int, month.split("-"))
    end = date(year + number // 12, number % 12 + 1, 1).toordinal() - 1
    return {"period_start": f"{month}-01", "period_end": date.fromordinal(end).isoformat(), "city": city,
            "campaign": "flood_power", "metric": "teams", "value": value}


JULY_2020 = Filters(date(2020, 7, 1), date(2020, 7, 31))


def test_month_on_month_and_year_on_year_with_their_windows(catalog):
    facts = facts_frame([teams("2019-07", 160), teams("2020-06", 200), teams("2020-07", 184)])
    [kpi] = kpi_table(facts, JULY_2020, catalog, ["teams"])
    assert kpi.value == 184
    mom, yoy = kpi.month_on_month, kpi.year_on_year
    assert (mom.start, mom.end, mom.value) == (date(2020, 6, 1), date(2020, 6, 30), 200)
    assert (yoy.start, yoy.end, yoy.value) == (date(2019, 7, 1), date(2019, 7, 31), 160)
    assert mom.delta(kpi.value) == -16 and mom.ratio(kpi.value) == pytest.approx(-0.08)
    assert yoy.delta(kpi.value) == 24 and yoy.ratio(kpi.value) == pytest.approx(0.15)
    assert format_change(yoy.delta(kpi.value), yoy.ratio(kpi.value), "zh") == "+24 (+15.0%)"
    assert format_window(yoy.start, yoy.end, "en") == "2019-07" and not kpi.like_for_like


def test_a_missing_base_is_blank_never_zero_percent(catalog):
    [kpi] = kpi_table(facts_frame([teams("2020-07", 184)]), JULY_2020, catalog, ["teams"])
    for base in (kpi.month_on_month, kpi.year_on_year):
        assert base.value is None and base.delta(kpi.value) is None and base.ratio(kpi.value) is None
    assert format_change(None, None, "zh") is None


def test_a_zero_base_has_a_change_but_no_percentage(catalog):
    [kpi] = kpi_table(facts_frame([teams("2020-06", 0), teams("2020-07", 5)]), JULY_2020, catalog, ["teams"])
    assert format_change(kpi.month_on_month.delta(kpi.value), kpi.month_on_month.ratio(kpi.value), "en") == "+5"


def test_year_to_date_compares_like_for_like(catalog):
    facts = facts_frame([teams("2019-03", 10), teams("2019-11", 99), teams("2020-02", 12), teams("2020-07", 3)])
    this_year = Filters(date(2020, 1, 1), date(2020, 12, 31))
    [kpi] = kpi_table(facts, this_year, catalog, ["teams"])
    yoy = kpi.year_on_year
    assert kpi.like_for_like and (yoy.start, yoy.end) == (date(2019, 1, 1), date(2019, 7, 31))
    assert (kpi.value, yoy.value) == (15, 10)  # 2019-11 lies beyond the months reported this year
    assert year_ago_window(facts, date(2019, 8, 1), date(2020, 7, 31))[2] is False  # not a year to date


def test_sparkline_is_the_12_months_to_the_window_end(catalog):
    facts = facts_frame([teams("2019-08", 1), teams("2019-07", 99), teams("2020-01", 4), teams("2020-07", 7),
                         teams("2020-07", 3, city="无锡市")])
    [kpi] = kpi_table(facts, JULY_2020, catalog, ["teams"])
    assert kpi.sparkline == (1, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 10)


def test_overview_cards_say_what_they_compare(tmp_path, monkeypatch):
    app = admin_app(tmp_path, monkeypatch)
    upload_text(app, "去年同期.csv", "统计期间,地区,专项活动,指标,数值\n2019年7月,国网南京供电公司,防汛保电,服务队,160\n"
                                  "2020年6月,国网南京供电公司,防汛保电,服务队,200\n")
    [button] = [b for b in app.button if b.key and b.key.endswith("_commit")]
    button.click().run()
    app.switch_page("pages/overview.py").run()
    choose_month(app, "2020-07", "2020-07")
    [card] = [m for m in app.metric if m.label.startswith("服务队")]
    assert card.value == "184" and card.proto.delta == "-16 (-8.0%)"
    assert card.proto.delta_description == "环比 · 较2020年6月"
    assert "同比 · 较2019年7月：+24 (+15.0%)" in [c.value for c in app.caption]
    assert list(card.proto.chart_data)[-2:] == [200.0, 184.0]
