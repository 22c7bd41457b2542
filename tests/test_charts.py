"""charts: names put in a figure (labels, hover, titles) are shown as text; plotly renders a subset of HTML there."""
from __future__ import annotations

import pandas as pd

from catalog import load_catalog
from charts import county_chart, trend_chart

TAG = "<img src=http://127.0.0.1:9/x.png>"


def test_an_unknown_county_name_is_escaped_in_the_bars():
    breakdown = pd.DataFrame({"county": ["", f"{TAG}县"], "value": [3.0, 2.0], "qualifier": ["", "over"]})
    figure = county_chart(breakdown, "南京市", "teams", load_catalog(), "zh")
    assert list(figure.data[0].x) == ["市公司本级", "&lt;img src=http://127.0.0.1:9/x.png&gt;县"]
    assert "<img" not in figure.to_json()


def test_an_unknown_campaign_is_escaped_in_the_legend_and_hover():
    trend = pd.DataFrame({"month": pd.to_datetime(["2020-07-01"]), "campaign": [TAG], "value": [5.0], "qualifier": [""]})
    figure = trend_chart(trend, "teams", load_catalog(), "en")
    assert figure.data[0].name == "&lt;img src=http://127.0.0.1:9/x.png&gt;"
    assert "<img" not in figure.to_json()
