"""User text is never markup: a hostile upload shown on every page is escaped wherever Markdown renders, and every
table's own downloads hold it formula-safe. (The pages are driven with AppTest; tests/test_browser.py looks at the DOM.)
"""
from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import tomllib

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from settings import ROOT
from store import Store
from tests.accounts import log_in
from tests.hostile import (FILE_NAME, GARBAGE_NAME, HEADER, NOTE, SHEET_NAME, TEAMS_ADDED, UNIT_FORMULA, UNIT_MARKUP,
                           UPLOADER, hostile_workbook, markdown_texts, plotly_specs, shown, unescaped_markup)

APP = str(ROOT / "dashboard.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    log_in(monkeypatch, url, UPLOADER, "admin", display_name=UPLOADER)  # the account's name is hostile text too
    monkeypatch.setenv("KPI_DEMO", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    return at


def assert_no_markup(at: AppTest, where: str) -> list[str]:
    """No Markdown-bearing text of the page holds unescaped markup, no chart a tag; returns the texts as shown."""
    assert not at.exception, where
    texts = list(markdown_texts(at))
    assert texts, where
    found = [(kind, text, unescaped_markup(text)) for kind, text in texts if unescaped_markup(text)]
    assert not found, f"{where}: unescaped markup in {found}"
    for spec in plotly_specs(at):
        assert "<img" not in spec and "javascript:" not in spec, where
    return [shown(text) for _, text in texts]


def file_bytes(downloads: dict, key: str) -> bytes:
    _, data = downloads[key]
    return data() if callable(data) else data


def xlsx_cells(data: bytes) -> list[list]:
    return [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def column(rows: list[list], name: str) -> list:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def followed_by_downloads(at: AppTest, key: str) -> bool:
    """The buttons `{key}_xlsx` and `{key}_csv` come right after a table (a dataframe keeps no key in the tree)."""
    leaves = list(_leaves(at._tree))
    keys = [getattr(node, "key", None) for node in leaves]
    if f"{key}_xlsx" not in keys:
        return False
    at_xlsx = keys.index(f"{key}_xlsx")
    return leaves[at_xlsx - 1].type == "dataframe" and keys[at_xlsx + 1] == f"{key}_csv"


def _leaves(node):
    children = getattr(node, "children", None)
    if not children:
        yield node
        return
    for child in children.values():
        yield from _leaves(child)


def test_hostile_names_are_shown_as_text_on_every_page_and_downloaded_formula_safe(app, downloads):
    app.switch_page("pages/upload.py").run()
    app.file_uploader(key="upload_files").upload(FILE_NAME, hostile_workbook(), XLSX).run()
    texts = assert_no_markup(app, "upload preview")
    assert FILE_NAME in texts  # the file's heading, whole, as text
    assert any(SHEET_NAME in text for text in texts)  # the sheets read
    [commit] = [b for b in app.button if b.key and b.key.endswith("_commit")]
    assert not commit.disabled
    prefix = commit.key.removesuffix("_commit")
    for table in ("problems", "totals", "dropped", "facts"):
        assert followed_by_downloads(app, f"{prefix}_{table}"), table
    problems = xlsx_cells(file_bytes(downloads, f"{prefix}_problems_xlsx"))
    assert HEADER in column(problems, "列")
    facts = csv_rows(file_bytes(downloads, f"{prefix}_facts_csv"))
    assert sorted(column(facts, "服务队/单位")) == sorted(["'" + UNIT_FORMULA, UNIT_MARKUP])
    assert set(column(facts, "工作表")) == {SHEET_NAME}
    assert column(facts, "数值") == ["7.0", "5.0"]
    dropped = xlsx_cells(file_bytes(downloads, f"{prefix}_dropped_xlsx"))
    assert column(dropped, "内容") == [NOTE] and column(dropped, "行") == [4]

    commit.click().run()
    texts = assert_no_markup(app, "after saving")
    assert any(FILE_NAME in text and "已保存" in text for text in texts)

    app.file_uploader(key="upload_files").upload(GARBAGE_NAME, b"PK\x03\x04 not a workbook", XLSX).run()
    texts = assert_no_markup(app, "an unreadable file")
    assert any(GARBAGE_NAME in text and "无法读取" in text for text in texts)

    other = AppTest.from_file(APP, default_timeout=120)  # another clerk sends the same file again
    other.run()
    other.switch_page("pages/upload.py").run()
    other.file_uploader(key="upload_files").upload("again.xlsx", hostile_workbook(), XLSX).run()
    texts = assert_no_markup(other, "the same file again")
    assert any(FILE_NAME in text and "不能重复保存" in text for text in texts)

    app.switch_page("pages/overview.py").run()
    assert_no_markup(app, "overview")
    assert [m.value for m in app.metric if m.label.startswith("服务队")] == [str(185 + TEAMS_ADDED)]

    app.switch_page("pages/regions.py").run()
    app.selectbox(key="region_city").set_value("南京市").run()
    assert_no_markup(app, "regions")
    assert followed_by_downloads(app, "city_table")
    by_city = xlsx_cells(file_bytes(downloads, "city_table_xlsx"))
    assert by_city[0][0] == "城市" and all(isinstance(v, (int, float)) for row in by_city[1:] for v in row[1:] if v is not None)

    app.switch_page("pages/history.py").run()
    hostile_upload = int(Store(os.environ["DATABASE_URL"]).uploads()["id"].max())  # saved after the demo's uploads
    app.selectbox(key="history_upload").set_value(hostile_upload).run()
    texts = assert_no_markup(app, "history")
    assert followed_by_downloads(app, "history_table") and followed_by_downloads(app, "history_facts")
    [history] = [d.value for d in app.dataframe if {"上传人", "状态"} <= set(d.value.columns)]  # not the to-review list
    assert FILE_NAME in set(history["文件"]) and UPLOADER in set(history["上传人"])  # tables show the text as it is
    uploads = xlsx_cells(file_bytes(downloads, "history_table_xlsx"))
    assert "'" + UPLOADER in column(uploads, "上传人") and FILE_NAME in column(uploads, "文件")
    assert all(isinstance(n, int) for n in column(uploads, "编号"))
    figures = csv_rows(file_bytes(downloads, "history_facts_csv"))
    assert sorted(column(figures, "服务队/单位")) == sorted(["'" + UNIT_FORMULA, UNIT_MARKUP])
    assert set(column(figures, "状态")) == {"在用"}


def test_the_dataframe_toolbar_download_is_off_for_the_app():
    """Streamlit's own "download as CSV" cannot be made formula-safe: the app's config turns data export off,
    and Streamlit started from the repository (as run.sh and scripts/serve.py start it) reads it."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    shown_config = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, check=True,
                                  capture_output=True, text=True, timeout=60).stdout
    assert re.search(r"^disableDataExport = true$", shown_config, re.MULTILINE)
