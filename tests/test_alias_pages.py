"""Mapping an unknown column on the upload page and the column aliases page (#9, item 5), with AppTest: choose,
re-read at once, save, remembered for the next file, removed, unrecognised again; hostile headers stay text."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.accounts import admin_app
from store import Store
from tests.hostile import HEADER as HOSTILE_HEADER
from tests.hostile import markdown_texts, shown, unescaped_markup

CSV = "text/csv"
UNKNOWN = "宣贯高压客户（户）"


def report(month: int, informed: int, header: str = UNKNOWN) -> bytes:
    return (f"统计期间,地市,专项活动,服务队,{header}\n"
            f"2020年{month}月,徐州市,抗疫复工,2,{informed}\n").encode("utf-8-sig")


@pytest.fixture
def app(tmp_path, monkeypatch):
    return admin_app(tmp_path, monkeypatch)


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_files").upload(name, data, CSV).run()
    assert not at.exception


def commit_button(at: AppTest):
    [button] = [b for b in at.button if b.key and b.key.endswith("_commit")]
    return button


def column_boxes(at: AppTest) -> list:
    return [s for s in at.selectbox if s.key and "_map_" in s.key]


def errors_and_warnings(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["错误 / 警告"]


def file_totals(at: AppTest) -> dict[str, str]:
    for frame in at.dataframe:
        value = frame.value
        if {"指标", "数值", "单位"} <= set(value.columns):
            return dict(zip(value["指标"], value["数值"]))
    raise AssertionError("no totals table")


def aliases_shown(at: AppTest) -> list[tuple[str, str]]:
    at.switch_page("pages/aliases.py").run()
    assert not at.exception
    for frame in at.dataframe:
        if "文件中的列名" in frame.value.columns:
            return list(zip(frame.value["文件中的列名"], frame.value["读作"]))
    return []


def test_choose_a_metric_save_it_is_remembered_next_file_loads_clean_removed_unknown_again(app):
    upload(app, "xuzhou_march.csv", report(3, 27000))
    assert commit_button(app).disabled and errors_and_warnings(app) == "1 / 0"
    [box] = column_boxes(app)
    assert UNKNOWN in shown(box.label) and box.value is None
    assert box.options[0] == "政策宣贯客户（户）· 推荐"  # the best suggestion first
    assert "不导入此列" in box.options and len(box.options) == 21 + 1  # every metric, and ignore
    assert any(s.key.endswith("_remember") and s.value for s in app.checkbox)

    box.set_value("customers_informed").run()  # read again at once
    assert not app.exception and errors_and_warnings(app) == "0 / 0"
    assert not commit_button(app).disabled
    assert file_totals(app) == {"服务队": "2", "政策宣贯客户": "27,000"}
    assert [b.value for b in column_boxes(app)] == ["customers_informed"]  # still offered, as chosen
    assert Store(app.url).aliases().empty  # nothing remembered before the file is saved

    commit_button(app).click().run()
    assert any("已保存" in s.value and "已记住 1 个列名对应" in s.value for s in app.success)
    assert aliases_shown(app) == [(UNKNOWN, "政策宣贯客户")]

    upload(app, "xuzhou_april.csv", report(4, 31000, header="宣贯高压客户(户)"))  # next month, typed a little differently
    assert not column_boxes(app) and errors_and_warnings(app) == "0 / 0"
    assert not commit_button(app).disabled
    assert file_totals(app) == {"服务队": "2", "政策宣贯客户": "31,000"}

    app.switch_page("pages/aliases.py").run()
    app.button(key="alias_remove").click().run()
    assert any("已删除" in s.value for s in app.success)
    assert aliases_shown(app) == [] and any("还没有" in i.value for i in app.info)

    upload(app, "xuzhou_may.csv", report(5, 12000))
    assert commit_button(app).disabled and errors_and_warnings(app) == "1 / 0"
    assert len(column_boxes(app)) == 1


def test_ignore_this_column_and_unticked_remember_stores_no_alias(app):
    upload(app, "spare.csv", report(6, 5, header="备用列"))
    [box] = column_boxes(app)
    box.set_value("ignore").run()
    assert errors_and_warnings(app) == "0 / 0" and file_totals(app) == {"服务队": "2"}
    [remember] = [c for c in app.checkbox if c.key.endswith("_remember")]
    remember.uncheck().run()
    commit_button(app).click().run()
    assert any("已保存" in s.value and "已记住" not in s.value for s in app.success)
    assert Store(app.url).aliases().empty


def test_a_hostile_unknown_header_is_shown_as_text_and_remembered_exactly(app):
    assert "," not in HOSTILE_HEADER
    upload(app, "hostile.csv", report(7, 9, header=HOSTILE_HEADER))
    [box] = column_boxes(app)
    assert HOSTILE_HEADER in shown(box.label)
    box.set_value("ignore").run()
    for when in ("chosen", "saved"):
        found = [(kind, text) for kind, text in markdown_texts(app) if unescaped_markup(text)]
        assert not found, (when, found)
        if when == "chosen":
            commit_button(app).click().run()
    [(header, target)] = aliases_shown(app)
    assert header == HOSTILE_HEADER and target == "不导入此列"
    found = [(kind, text) for kind, text in markdown_texts(app) if unescaped_markup(text)]
    assert not found, found


def test_the_choice_reads_in_english_too(app):
    app.sidebar.radio(key="lang").set_value("en").run()
    upload(app, "report.csv", report(8, 40))
    [box] = column_boxes(app)
    assert UNKNOWN in shown(box.label) and shown(box.label).startswith("Column")
    assert box.options[0] == "customers informed (customers) · suggested"
    assert "Ignore this column (leave it out)" in box.options
    box.set_value("customers_informed").run()
    assert {m.label: m.value for m in app.metric}["Errors / Warnings"] == "0 / 0"
