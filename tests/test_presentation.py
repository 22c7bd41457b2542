"""Presentation (#11, item 8, and Babel formats of item 9): numbers and months per locale, value axes in 万/亿,
bar labels with room, month-wide bars, one bar colour, blank table cells, filters only where they apply, and an
empty store that says 'upload data'."""
from __future__ import annotations

import base64
import json
import locale
from datetime import date

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import display
import ui
from catalog import load_catalog
from charts import BAR_COLOR, MONTH_BAR_MS, county_chart, ranking_chart, trend_chart, value_ticks
from i18n import (
    format_axis_number, format_change, format_delta, format_month, format_number, format_value, format_window, t,
)
from settings import ROOT
from tests.accounts import log_in

APP = str(ROOT / "dashboard.py")
DAY_MS = 86_400_000


def decode(array):
    """A plotly array: a plain list, or plotly 7's base64 {dtype, bdata}."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def spec(figure) -> dict:
    return json.loads(figure.to_json())


# ---- numbers and months, through Babel --------------------------------------------------------------------
@pytest.mark.parametrize("value, qualifier, lang, expected", [
    (3684, "", "zh", "3,684"),
    (3684.0, "", "en", "3,684"),
    (350000, "about", "zh", "约350,000"),
    (350000, "about", "en", "≈350,000"),
    (8100, "over", "zh", "8,100+"),
    (8100, "over", "en", "8,100+"),
    (1234.567, "", "zh", "1,234.57"),
    (0.5, "", "en", "0.5"),
    (1_234_567, "", "en", "1,234,567"),
    (None, "over", "zh", "—"),
    (float("nan"), "", "en", "—"),
])
def test_values_are_formatted_per_locale(value, qualifier, lang, expected):
    assert format_value(value, qualifier, lang) == expected


@pytest.mark.parametrize("call, expected", [
    (lambda: format_month(date(2020, 7, 31), "zh"), "2020年7月"),
    (lambda: format_month(pd.Timestamp("2020-07-01"), "en"), "2020-07"),
    (lambda: format_window(date(2019, 8, 1), date(2020, 7, 31), "zh"), "2019年8月–2020年7月"),
    (lambda: format_window(date(2020, 7, 1), date(2020, 7, 31), "en"), "2020-07"),
    (lambda: format_change(24, 0.15, "zh"), "+24 (+15.0%)"),
    (lambda: format_change(-1234.5, -0.065, "en"), "-1,234.5 (-6.5%)"),
    (lambda: format_change(0, 0.0, "en"), "0 (+0.0%)"),
    (lambda: format_change(5, None, "en"), "+5"),
    (lambda: format_delta(12000, "zh"), "+12,000"),
    (lambda: format_number(-3), "-3"),
])
def test_months_windows_and_changes(call, expected):
    assert call() == expected


@pytest.mark.parametrize("value, lang, expected", [
    (0, "zh", "0"), (5000, "zh", "5,000"), (12_000, "zh", "1.2万"), (350_000, "zh", "35万"),
    (250_000_000, "zh", "2.5亿"), (5000, "en", "5,000"), (12_000, "en", "12K"), (1_500_000, "en", "1.5M"),
])
def test_axis_numbers_use_wan_and_yi_in_chinese(value, lang, expected):
    assert format_axis_number(value, lang) == expected


def test_formatting_leaves_the_process_locale_alone():
    before = locale.setlocale(locale.LC_ALL)  # a query, changes nothing
    format_value(1234.5, "about", "en"), format_month(date(2020, 7, 1), "zh"), format_axis_number(12000, "zh")
    assert locale.setlocale(locale.LC_ALL) == before


def test_value_ticks_are_round_and_in_the_user_language():
    values, texts = value_ticks(455_000, "zh")
    assert values == [0, 100_000, 200_000, 300_000, 400_000]
    assert texts == ["0", "10万", "20万", "30万", "40万"]
    assert value_ticks(455_000, "en")[1][-1] == "400K"
    assert value_ticks(0.5, "zh")[0] == [0, 0.1, 0.2, 0.3, 0.4]  # no 0.30000000000000004


# ---- charts (figure JSON) ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def ranking(values, qualifiers):
    return pd.DataFrame({"city": ["南京市", "苏州市", "无锡市"][:len(values)], "value": values, "qualifier": qualifiers})


def test_ranking_labels_keep_their_qualifier_and_fit_the_plot_area(catalog):
    figure = spec(ranking_chart(ranking([350_000.0, 8_100.0], ["about", "over"]), "staff_deployed", catalog, "zh"))
    bars = figure["data"][0]
    assert list(bars["text"]) == ["8,100+", "约350,000"]  # smallest at the bottom
    assert bars["cliponaxis"] is False and bars["textposition"] == "auto"  # inside where it fits, else past the end
    axis = figure["layout"]["xaxis"]
    assert axis["range"][0] == 0 and axis["range"][1] >= 350_000 * 1.15  # room for a label past the longest bar
    assert axis["ticktext"] and not any(text.endswith(("k", "K", "M")) for text in axis["ticktext"])
    assert "35万" not in axis["ticktext"] and "30万" in axis["ticktext"]
    assert "%{text}" in bars["hovertemplate"]  # hover shows 约350,000, not 350000


def test_english_axes_keep_k_and_m(catalog):
    axis = spec(ranking_chart(ranking([350_000.0], ["about"]), "staff_deployed", catalog, "en"))["layout"]["xaxis"]
    assert "300K" in axis["ticktext"]


def test_county_chart_uses_the_city_chart_colour_and_has_room_above(catalog):
    breakdown = pd.DataFrame({"county": ["", "高淳区"], "value": [20.0, 3.0], "qualifier": ["", "over"]})
    figure = spec(county_chart(breakdown, "南京市", "teams", catalog, "zh"))
    city = spec(ranking_chart(ranking([25.0], [""]), "teams", catalog, "zh"))
    assert figure["data"][0]["marker"]["color"] == city["data"][0]["marker"]["color"] == BAR_COLOR
    assert figure["data"][0]["cliponaxis"] is False and figure["data"][0]["textposition"] == "outside"
    assert figure["layout"]["yaxis"]["range"][1] >= 20 * 1.1


def test_titles_sit_below_the_toolbar_row(catalog):
    layout = spec(ranking_chart(ranking([25.0], [""]), "teams", catalog, "zh"))["layout"]
    assert layout["title"]["yref"] == "container" and layout["title"]["pad"]["t"] >= 30
    assert layout["margin"]["t"] >= layout["title"]["pad"]["t"] + 30


def test_months_without_data_are_gaps_not_one_wide_bar(catalog):
    trend = pd.DataFrame({"month": pd.to_datetime(["2019-07-01", "2020-07-01"]), "campaign": ["flood_power"] * 2,
                          "value": [3_000.0, 350_000.0], "qualifier": ["", "about"]})
    figure = spec(trend_chart(trend, "staff_deployed", catalog, "zh"))
    bars = figure["data"][0]
    width = bars["width"] if not isinstance(bars["width"], (dict, list)) else decode(bars["width"])[0]
    assert 20 * DAY_MS <= width <= 31 * DAY_MS  # a month wide: the eleven months between stay empty
    first, last = (pd.Timestamp(x) for x in figure["layout"]["xaxis"]["range"])
    assert first < pd.Timestamp("2019-07-01") and last > pd.Timestamp("2020-07-01")
    assert list(bars["text"]) == ["3,000", "约350,000"]
    assert "万" in "".join(figure["layout"]["yaxis"]["ticktext"])
    assert figure["layout"]["yaxis"]["range"][1] >= 350_000


# ---- tables ------------------------------------------------------------------------------------------------
def test_tables_show_blanks_not_none_or_nan():
    frame = pd.DataFrame({"text": ["a", None, float("nan")], "row": [3, None, 12], "figure": [1.5, None, 2.0],
                          "flag": [True, False, True]})
    shown = display.shown_frame(frame)
    assert list(shown["text"]) == ["a", "", ""]
    assert list(shown["row"]) == ["3", "", "12"]  # a whole number stays whole, not 3.0
    assert list(shown["figure"]) == ["1.5", "", "2"]
    assert list(shown["flag"]) == [True, False, True]
    assert not shown.isna().any().any()


def test_city_table_keeps_qualifiers_and_separators(catalog):
    table = pd.DataFrame({"staff_deployed": [350_000.0, 8_100.0], "teams": [25.0, None]}, index=["南京市", "苏州市"])
    qualifiers = pd.DataFrame({"staff_deployed": ["about", "over"], "teams": ["", None]}, index=["南京市", "苏州市"])
    shown = display.city_table_frame(table, catalog, "zh", qualifiers)
    assert list(shown.iloc[:, 1]) == ["约350,000", "8,100+"]
    assert list(shown.iloc[:, 2]) == ["25", ""]
    numbers = display.city_table_frame(table, catalog, "zh", qualifiers, numbers=True)
    assert numbers.iloc[0, 1] == 350_000.0


def test_upload_counts_have_thousands_separators():
    history = pd.DataFrame({"id": [1], "file_name": ["a.csv"], "status": ["active"], "uploader": [None],
                            "uploaded_at": [pd.Timestamp("2020-07-01", tz="UTC")], "source": ["upload"],
                            "facts_added": [12_345], "facts_new": [12_000], "facts_changed": [None],
                            "facts_unchanged": [0], "left_out": [0], "warnings": [0]})
    shown = display.shown_frame(display.uploads_frame(history, "en"))
    assert shown.at[0, t("added", "en")] == "12,345" and shown.at[0, t("count_new", "en")] == "12,000"
    assert shown.at[0, t("uploaded_by", "en")] == ""


# ---- pages (AppTest) ---------------------------------------------------------------------------------------
@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    """The dashboard on an empty store (no demo)."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "0")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.url = url
    return at


def texts(at: AppTest) -> str:
    return " ".join(e.value for kind in ("info", "warning", "error", "caption", "markdown") for e in getattr(at, kind))


def test_an_empty_store_says_upload_data_with_a_link(empty_app, monkeypatch):
    log_in(monkeypatch, empty_app.url, "clerk", "admin")
    empty_app.run()
    assert not empty_app.exception
    shown = texts(empty_app)
    assert t("empty_store_upload", "zh") in shown and t("nothing_in_window", "zh") not in shown
    links = empty_app.get("page_link")
    assert [link.proto.page for link in links] == ["pages/upload.py"] or any(
        "upload" in (link.proto.page or "") for link in links)
    empty_app.switch_page("pages/regions.py").run()
    assert t("empty_store_upload", "zh") in texts(empty_app) and len(empty_app.get("page_link")) == 1


def test_an_empty_store_tells_a_viewer_whom_to_ask(empty_app):
    empty_app.run()  # an anonymous visitor (public view): no upload page to link to
    shown = texts(empty_app)
    assert t("empty_store_ask", "zh") in shown and t("nothing_in_window", "zh") not in shown
    assert len(empty_app.get("page_link")) == 0


def test_a_filtered_empty_view_still_says_adjust_the_filters(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    at.multiselect(key="campaigns").set_value(["covid_resumption"]).run()  # its figures are of 2020-05 only
    at.selectbox(key="period_preset").set_value("custom").run()
    at.selectbox(key="period_from").set_value("2020-07").run()
    at.selectbox(key="period_to").set_value("2020-07").run()
    shown = texts(at)
    assert t("nothing_in_window", "zh") in shown and t("empty_store_upload", "zh") not in shown


@pytest.mark.parametrize("page", ["pages/upload.py", "pages/history.py", "pages/users.py", "pages/audit.py",
                                  "pages/aliases.py"])
def test_pages_the_filters_do_not_affect_show_none(tmp_path, monkeypatch, page):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "1")
    log_in(monkeypatch, url, "clerk", "admin")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    assert [s.key for s in at.sidebar.selectbox] == ["period_preset"]  # the overview has them
    at.switch_page(page).run()
    assert not at.exception
    keys = {w.key for kind in ("selectbox", "multiselect") for w in getattr(at.sidebar, kind)}
    assert not keys & {"period_preset", "period_from", "period_to", "cities", "campaigns"}
    assert t("filters", "zh") not in [h.value for h in at.sidebar.subheader]
    at.switch_page("pages/overview.py").run()
    assert "period_preset" in {s.key for s in at.sidebar.selectbox}


def test_filters_chosen_survive_a_visit_to_a_page_without_them(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "1")
    log_in(monkeypatch, url, "clerk", "admin")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    at.multiselect(key="cities").set_value(["南京市"]).run()
    at.switch_page("pages/upload.py").run()
    at.switch_page("pages/overview.py").run()
    assert at.multiselect(key="cities").value == ["南京市"]


def test_english_kpi_labels_are_short_and_the_unit_is_in_the_help(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "en-US"
    at.run()
    labels = [m.label for m in at.metric]
    assert "staff deployed" in labels and not any("(" in label for label in labels)
    staff = next(m for m in at.metric if m.label == "staff deployed")
    assert staff.help.startswith("Unit: person-times.")
    at.radio(key="lang").set_value("zh").run()
    assert "投入人次（人次）" in [m.label for m in at.metric]


def test_kpi_card_labels(catalog):
    assert display.kpi_label(catalog, "temp_transformers", "en") == ("temp. transformers", "Unit: units. ")
    assert display.kpi_label(catalog, "teams", "en") == ("service teams", "Unit: teams. ")
    assert display.kpi_label(catalog, "teams", "zh") == ("服务队（支）", "")
