"""Views in the URL (issue 11, item 5): the filters live in the query string, so a copied link (or a reload)
opens the same view; values that name nothing are left out, never an error."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from settings import ROOT

APP = str(ROOT / "dashboard.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("KPI_DEMO", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    return at


def param(at: AppTest, name: str) -> list[str] | None:
    """A query parameter as a list of its values (AppTest gives one value as a plain string)."""
    value = at.query_params.get(name)
    return None if value is None else (value if isinstance(value, list) else [value])


def card(at: AppTest, prefix: str) -> str:
    [value] = [m.value for m in at.metric if m.label.startswith(prefix)]
    return value


def test_a_link_opens_its_view(app):
    app.query_params["from"] = "2020-07"
    app.query_params["to"] = "2020-07"
    app.query_params["city"] = ["南京市", "淮安"]
    app.query_params["campaign"] = "flood_power"
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.selectbox(key="period_preset").value == "custom"
    assert (app.selectbox(key="period_from").value, app.selectbox(key="period_to").value) == ("2020-07", "2020-07")
    assert app.multiselect(key="cities").value == ["南京市", "淮安市"]
    assert app.multiselect(key="campaigns").value == ["flood_power"]
    assert card(app, "service teams") == "40"  # 南京 25 + 淮安 15, July, flood
    assert param(app, "city") == ["南京市", "淮安市"] and param(app, "lang") == ["en"]


def test_the_address_follows_the_filters(app):
    app.run()
    assert param(app, "from") is None and param(app, "lang") == ["zh"]  # the default view: the last 12 months
    app.selectbox(key="period_preset").set_value("custom").run()
    app.selectbox(key="period_from").set_value("2020-07").run()
    app.selectbox(key="period_to").set_value("2020-07").run()
    app.multiselect(key="campaigns").set_value(["flood_power"]).run()
    assert (param(app, "from"), param(app, "to"), param(app, "campaign")) == (["2020-07"], ["2020-07"], ["flood_power"])
    app.selectbox(key="period_preset").set_value("year:2020").run()
    assert param(app, "period") == ["2020"] and param(app, "from") is None


@pytest.mark.parametrize("name, value", [("from", "July"), ("city", "上海市"), ("campaign", "no such"),
                                         ("lang", "fr"), ("period", "=cmd|' /C calc'!A0")])
def test_values_that_name_nothing_are_left_out(app, name, value):
    app.query_params[name] = value
    app.run()
    assert not app.exception and not app.error
    assert card(app, "服务队") == "185"  # the default view
