"""The roll-up in the pages (issue 9's exact scenario): demo + the province's July flood file of city rows gives
the report's 184 teams, its correction of Nanjing 22 → 30 gives 192, on every page and on the command line."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from store.cli import main
from tests.accounts import admin_app
from tests.commands import run_main
from tests.fixtures.make_levels import CORRECTION_FILE, PROVINCE_FILE
from tests.test_pages import chart, choose_month, decode

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JULY = "2020-07"


@pytest.fixture
def app(tmp_path, monkeypatch):
    return admin_app(tmp_path, monkeypatch)


def july(at: AppTest) -> None:
    choose_month(at, JULY, JULY)


def july_teams_card(at: AppTest) -> str:
    at.switch_page("pages/overview.py").run()
    july(at)
    [value] = [m.value for m in at.metric if m.label.startswith("服务队")]
    return value


def regions_teams(at: AppTest) -> dict[str, float]:
    at.switch_page("pages/regions.py").run()
    july(at)
    at.selectbox(key="region_metric").set_value("teams").run()
    data = chart(at, 0)["data"][0]
    return dict(zip([point[0] for point in data["customdata"]], decode(data["x"])))


def preview(at: AppTest, path) -> None:
    at.switch_page("pages/upload.py").run()
    at.file_uploader(key="upload_files").upload(path.name, path.read_bytes(), XLSX).run()
    assert not at.exception


def province_change(at: AppTest) -> tuple[str, str]:
    for frame in at.dataframe:
        table = frame.value
        if {"保存前", "保存后"} <= set(table.columns):
            row = table[table["指标"] == "服务队"].iloc[0]
            return row["保存前"], row["保存后"]
    raise AssertionError("no province total change table")


def save(at: AppTest) -> None:
    [button] = [b for b in at.button if b.key and b.key.endswith("_commit")]
    button.click().run()
    assert any("已保存" in s.value for s in at.success)


def demo_note_shown(at: AppTest) -> bool:
    at.switch_page("pages/overview.py").run()
    return any("演示数据" in i.value for i in at.info)


def cli_teams(url: str) -> str:
    """`python -m store totals ...` on the store at `url` (its main() in process): the teams line."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        done = run_main(main, "totals", "--metric", "teams", "--campaign", "flood_power", "--from", JULY, "--to", JULY,
                        "--format", "csv")
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[1]


def test_province_file_over_the_demo_gives_the_reports_184_and_its_correction_192(app):
    assert july_teams_card(app) == "184" and demo_note_shown(app)
    assert regions_teams(app)["南京市"] == 25  # the demo's whole-city figure (高淳区 3 and 溧水区 2 within it)

    preview(app, PROVINCE_FILE)
    assert province_change(app) == ("184", "184")  # the preview says the province total stays
    save(app)
    assert july_teams_card(app) == "184"
    by_city = regions_teams(app)
    assert by_city["南京市"] == 22 and sum(by_city.values()) == 184  # the demo's county rows are not added on top
    assert not demo_note_shown(app)  # the totals are no longer the demo's alone
    assert cli_teams(app.url) == "teams,184,"

    preview(app, CORRECTION_FILE)
    assert province_change(app) == ("184", "192")
    save(app)
    assert july_teams_card(app) == "192"
    assert sum(regions_teams(app).values()) == 192
    assert cli_teams(app.url) == "teams,192,"


def test_the_demo_is_removed_in_one_action_and_restored(app):
    preview(app, PROVINCE_FILE)
    save(app)
    app.switch_page("pages/history.py").run()
    app.button(key="history_demo").click().run()
    assert any("已移除演示数据（3 个上传）" in s.value for s in app.success)
    assert july_teams_card(app) == "184"  # the province file alone: whole cities
    app.switch_page("pages/overview.py").run()
    [volunteers] = [m for m in app.metric if m.label.startswith("志愿者")] or [None]
    assert volunteers is None  # the demo's ledger figures are gone from the totals
    app.switch_page("pages/history.py").run()
    assert app.button(key="history_demo").label == "恢复演示数据"
    app.button(key="history_demo").click().run()
    assert any("已恢复演示数据（3 个上传）" in s.value for s in app.success)
    assert regions_teams(app)["南京市"] == 22  # the later upload still wins its keys


def test_a_file_whose_counties_exceed_their_city_is_warned_in_the_preview(app, tmp_path):
    from tests.fixtures.make_levels import write_book

    path = tmp_path / "南京县区.xlsx"
    write_book([["2020年7月防汛保电统计表"], ["城市", "县（区）", "服务队（支）"], ["南京市", "高淳区", 20],
                ["南京市", "溧水区", 9]], path)  # the demo's Nanjing figure is 25
    preview(app, path)
    [warning] = [w.value for w in app.warning if "下级之和" in w.value or "核对" in w.value]
    table = next(f.value for f in app.dataframe if "下级之和" in f.value.columns)
    assert list(table["上级数"]) == ["25"] and list(table["下级之和"]) == ["29"] and warning
    assert province_change(app) == ("184", "184")  # the city's figure counts, never both
