"""Upload and history pages with AppTest: preview, commit, refuse, correct, undo, redo; totals follow exactly."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from settings import ROOT
from store.demo import DEMO_FILES
from tests.accounts import admin_app, commit_button, upload_text
from store import Store
from tests.hostile import shown

APP = str(ROOT / "dashboard.py")
CSV = "text/csv"
HEADER = "统计期间,地区,专项活动,指标,数值,备注\n"
AUGUST = HEADER + "2020年8月,国网南京供电公司,防汛保电,服务队,7,\n2020年8月,国网苏州供电公司,防汛保电,服务队,5,\n"
AUGUST_CORRECTED = HEADER + "2020年8月,国网南京供电公司,防汛保电,服务队,9,更正\n"
BAD = HEADER + "2020年8月,国网南京供电公司,防汛保电,服务队,待统计,\n2020年8月,上海市,防汛保电,服务队,3,\n"


@pytest.fixture
def app(tmp_path, monkeypatch):
    return admin_app(tmp_path, monkeypatch)


def teams_card(at: AppTest) -> str:
    at.switch_page("pages/overview.py").run()
    [value] = [m.value for m in at.metric if m.label.startswith("服务队")]
    return value


def upload(at: AppTest, name: str, text: str) -> None:
    upload_text(at, name, text, CSV)


def table_with(at: AppTest, *columns: str):
    """The first table shown whose columns include all of `columns`."""
    for frame in at.dataframe:
        value = frame.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def preview_counts(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_upload_preview_commit_changes_overview_by_the_files_figures(app):
    assert teams_card(app) == "185"
    upload(app, "august.csv", AUGUST)
    counts = preview_counts(app)
    assert counts["新增"] == "2" and counts["修改"] == "0" and counts["错误 / 警告"] == "0 / 0"
    assert teams_card(app) == "185"  # a preview stores nothing
    upload(app, "august.csv", AUGUST)
    commit_button(app).click().run()
    assert any("已保存" in s.value for s in app.success)
    assert teams_card(app) == "197"


def test_same_file_twice_is_refused_and_adds_nothing(app):
    upload(app, "august.csv", AUGUST)
    commit_button(app).click().run()
    other = AppTest.from_file(APP, default_timeout=120)  # a new session, as another clerk
    other.run()
    upload(other, "august-copy.csv", AUGUST)
    assert any("已于" in e.value and "august.csv" in shown(e.value) for e in other.error)
    assert not [b for b in other.button if b.key and b.key.endswith("_commit")]
    assert teams_card(other) == "197"


def test_file_with_errors_cannot_be_committed_and_names_rows_and_values(app):
    upload(app, "bad.csv", BAD)
    assert commit_button(app).disabled
    problems = table_with(app, "严重程度", "行", "数值")
    rows = set(problems["行"])
    values = set(problems["数值"])
    assert {"2", "3"} <= rows and {"待统计", "上海市"} <= values
    assert len(Store(app.url).uploads()) == len(DEMO_FILES)  # only the demo
    assert teams_card(app) == "185"


def test_correction_shows_old_to_new_and_changes_totals_by_the_difference(app):
    upload(app, "august.csv", AUGUST)
    commit_button(app).click().run()
    upload(app, "august-fix.csv", AUGUST_CORRECTED)
    counts = preview_counts(app)
    assert counts["修改"] == "1" and counts["新增"] == "0"
    changes = table_with(app, "原值", "新值")
    assert list(changes["原值"]) == ["7"] and list(changes["新值"]) == ["9"]
    commit_button(app).click().run()
    assert teams_card(app) == "199"  # 197 - 7 + 9


def test_undo_and_redo_on_the_history_page(app):
    upload(app, "august.csv", AUGUST)
    commit_button(app).click().run()
    assert teams_card(app) == "197"
    app.switch_page("pages/history.py").run()
    app.button(key="history_undo").click().run()
    assert any("已撤销" in s.value for s in app.success)
    assert teams_card(app) == "185"
    app.switch_page("pages/history.py").run()
    app.button(key="history_redo").click().run()
    assert teams_card(app) == "197"


def test_undoing_the_demo_empties_the_dashboard_without_errors(app):
    app.switch_page("pages/history.py").run()
    store = Store(app.url)
    for upload_id in store.uploads()["id"]:
        store.undo(int(upload_id))
    app.switch_page("pages/overview.py").run()
    assert not app.exception and not app.metric
    assert any("没有数据" in i.value for i in app.info)
    app.switch_page("pages/regions.py").run()
    assert not app.exception


def test_a_change_by_another_process_shows_at_once(app):
    assert teams_card(app) == "185"
    from loaders import parse_bytes

    data = AUGUST.encode("utf-8-sig")
    Store(app.url).import_result(parse_bytes(data, "cli.csv"), data, uploader="cli", source="cli")
    assert teams_card(app) == "197"


def test_missing_period_and_campaign_are_asked_for_and_the_file_reparsed(app):
    wide = "地区,服务队（支）,投入人次\n国网南京供电公司,4,60\n国网无锡供电公司,2,30\n"
    upload(app, "data.csv", wide)
    assert commit_button(app).disabled
    codes = set(table_with(app, "严重程度", "说明")["说明"])
    assert any("统计期间" in text for text in codes) and any("专项活动" in text for text in codes)
    [period] = [w for w in app.text_input if w.key.endswith("_period")]
    [campaign] = [w for w in app.selectbox if w.key and w.key.endswith("_campaign")]
    period.input("2020年8月")
    campaign.set_value("flood_power")
    app.run()
    assert not commit_button(app).disabled
    assert preview_counts(app)["新增"] == "4"
    commit_button(app).click().run()
    assert teams_card(app) == "191"  # 185 + 4 + 2


def test_a_database_failure_on_save_names_the_file_and_stores_nothing(app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def locked(conn, now):
        raise OperationalError("UPDATE meta ...", {}, Exception("database is locked"))

    upload(app, "august.csv", AUGUST)
    with monkeypatch.context() as patch:
        patch.setattr(Store, "_bump_version", staticmethod(locked))
        commit_button(app).click().run()
    assert not app.exception
    assert any("“august.csv”" in shown(e.value) and "数据库出错，未作任何更改" in shown(e.value) for e in app.error)
    assert teams_card(app) == "185"


def upload_figures(at: AppTest, upload_id: int) -> dict[str, str]:
    """The history page's figures of one upload: city → status."""
    at.switch_page("pages/history.py").run()
    at.selectbox(key="history_upload").set_value(upload_id).run()
    table = table_with(at, "统计期间", "状态")
    return dict(zip(table["城市"], table["状态"]))


def test_history_shows_what_became_of_each_figure_of_an_upload(app):
    upload(app, "august.csv", AUGUST)
    commit_button(app).click().run()
    upload(app, "august_fix.csv", AUGUST_CORRECTED)
    commit_button(app).click().run()
    first, second = len(DEMO_FILES) + 1, len(DEMO_FILES) + 2  # after the demo uploads
    assert upload_figures(app, first) == {"南京市": f"已被上传 #{second} 更正", "苏州市": "在用"}
    assert upload_figures(app, second) == {"南京市": "在用"}
    app.button(key="history_undo").click().run()
    assert upload_figures(app, second) == {"南京市": "已撤销"}
    assert upload_figures(app, first) == {"南京市": "在用", "苏州市": "在用"}
    assert teams_card(app) == "197"  # 185 + 7 + 5 again


def test_fact_tables_hold_plain_text_so_blanks_show_blank(tmp_path):
    """The store's category columns become plain text: a blank county or unit must not show as "None"."""
    import display
    from catalog import load_catalog
    from loaders import parse_path
    from settings import DEMO_DIR

    store = Store(f"sqlite:///{tmp_path / 'plain.db'}")
    store.import_result(parse_path(DEMO_DIR / "文明实践台账_2019-2020.csv"), b"demo csv")
    table = display.upload_facts_frame(store.upload_facts(1), load_catalog(), "zh")
    assert not any(isinstance(dtype, pd.CategoricalDtype) for dtype in table.dtypes)
    assert table.columns[0] == "状态" and set(table["状态"]) == {"在用"}
    assert "" in set(table["县（区）"]) and all(isinstance(v, str) for v in table["服务队/单位"])


CITIES = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市",
          "泰州市", "宿迁市"]
METRIC_LABELS = ["服务队", "投入人次", "排查重要客户", "架设照明线路", "临时配变"]


def province_csv(nanjing_teams: int) -> str:
    """The issue's file: 13 cities × 5 metrics = 65 figures for a month the demo has none of."""
    rows = [f"2020年9月,{city},防汛保电,{label},{nanjing_teams if (i, j) == (0, 0) else 10 + 5 * i + j},"
            for i, city in enumerate(CITIES) for j, label in enumerate(METRIC_LABELS)]
    return HEADER + "\n".join(rows) + "\n"


def test_a_correction_of_one_figure_counts_the_same_in_preview_save_message_and_history(app):
    upload(app, "province.csv", province_csv(22))
    counts = preview_counts(app)
    assert (counts["新增"], counts["修改"], counts["未变（重新确认）"], counts["未导入"]) == ("65", "0", "0", "0")
    commit_button(app).click().run()
    upload(app, "province_fix.csv", province_csv(30))
    counts = preview_counts(app)
    assert (counts["新增"], counts["修改"], counts["未变（重新确认）"], counts["未导入"]) == ("0", "1", "64", "0")
    changes = table_with(app, "原值", "新值")
    assert (list(changes["城市"]), list(changes["原值"]), list(changes["新值"])) == (["南京市"], ["22"], ["30"])
    commit_button(app).click().run()
    assert any("新增 0 条，修改 1 条，未变 64 条（重新确认），未导入 0 处" in s.value for s in app.success)

    app.switch_page("pages/history.py").run()
    history = table_with(app, "编号", "新增", "修改").set_index("编号")
    first, second = len(DEMO_FILES) + 1, len(DEMO_FILES) + 2  # after the demo uploads
    assert list(history.loc[second, ["新增", "修改", "未变（重新确认）", "未导入"]]) == ["0", "1", "64", "0"]
    assert list(history.loc[first, ["新增", "修改", "未变（重新确认）", "未导入"]]) == ["65", "0", "0", "0"]
    app.selectbox(key="history_upload").set_value(first).run()
    fates = list(table_with(app, "统计期间", "状态")["状态"])
    assert fates.count(f"已由上传 #{second} 重新确认（数值未变）") == 64 and fates.count(f"已被上传 #{second} 更正") == 1
    assert any("64 条已被重新确认（数值未变），1 条已被更正" in c.value for c in app.caption)


def test_figures_to_check_are_listed_with_their_history_and_do_not_block_saving(app):
    months = HEADER + "".join(f"2021年{m}月,国网南京供电公司,防汛保电,服务队,{v},\n" for m, v in ((1, 10), (2, 12), (3, 8)))
    upload(app, "q1.csv", months)
    commit_button(app).click().run()
    upload(app, "april.csv", HEADER + "2021年4月,国网南京供电公司,防汛保电,服务队,60,\n"
                                      "2021年1月,国网南京供电公司,防汛保电,服务队,1,更正\n"
                                      "2021年4月,国网无锡供电公司,防汛保电,服务队,60,\n")
    counts = preview_counts(app)
    assert counts["需核实"] == "2" and counts["错误 / 警告"] == "0 / 0"
    checks = table_with(app, "核实原因", "近 12 个月中位数", "近 12 个月数据")
    rows = {reason: (old, median, new, history) for reason, old, median, new, history in zip(
        checks["核实原因"], checks["原值"], checks["近 12 个月中位数"], checks["新值"], checks["近 12 个月数据"])}
    assert rows == {  # the demo's July 2020 (25 teams for the whole city) is in Nanjing's last 12 months too
        "为前 4 个有数据月份中位数的 6 倍": ("", "10", "60", "2020年7月 25 · 2021年1月 1 · 2021年2月 12 · 2021年3月 8"),
        "更正幅度 90%": ("10", "25", "1", "2020年7月 25"),
    }
    assert any("需核实" in m.value for m in app.markdown)
    assert not commit_button(app).disabled
    commit_button(app).click().run()
    assert any("已保存" in s.value for s in app.success)
    assert set(Store(app.url).active_facts().query("period_start >= '2021-04-01'")["value"]) == {60}
