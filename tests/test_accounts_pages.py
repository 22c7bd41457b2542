"""Pages by role with AppTest: anonymous, viewer, reporter, reviewer and admin each see what they may; the signed
cookie (a tampered or ended one is anonymous); a reporter's out-of-scope file refused in the preview, naming rows;
the uploader is the account; the Users and Audit pages."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import webauth
from i18n import t
from settings import ROOT
from store import Store
from store.accounts import Actor
from tests.accounts import started, GAOCHUN, NANJING, PASSWORD, SECRET, commit_button, log_in, send_cookie, upload_text

APP = str(ROOT / "dashboard.py")
CSV = "text/csv"
HEADER = "统计期间,地区,专项活动,指标,数值,备注\n"
NANJING_AND_SUZHOU = HEADER + "2020年8月,国网南京供电公司,防汛保电,服务队,7,\n2020年8月,国网苏州供电公司,防汛保电,服务队,5,\n"
NANJING_ONLY = HEADER + "2020年8月,国网南京供电公司,防汛保电,服务队,7,\n"
PAGES = ["overview", "regions", "data", "upload", "history", "aliases", "users", "audit"]
SEES = {
    None: {"overview", "regions", "data"},
    "viewer": {"overview", "regions", "data"},
    "reporter": {"overview", "regions", "data", "upload", "history"},
    "reviewer": {"overview", "regions", "data", "upload", "history"},
    "admin": set(PAGES),
}


@pytest.fixture
def url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "1")
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "1")
    send_cookie(monkeypatch, None)
    return url


TITLES = {"overview": "app_title", "regions": "page_regions", "data": "page_data", "upload": "page_upload", "history": "page_history",
          "aliases": "page_aliases", "users": "page_users", "audit": "page_audit"}


def pages_shown(at: AppTest) -> set[str]:
    """The pages that run when asked for: st.navigation runs its default page (the overview) for a page it was
    not given, and AppTest may refuse to switch to one at all."""
    shown = set()
    for page in PAGES:
        try:
            at.switch_page(f"pages/{page}.py").run()
        except ValueError:
            continue
        assert not at.exception, page
        if at.title and at.title[0].value == t(TITLES[page], "zh"):
            shown.add(page)
    return shown


def sidebar_texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption])


def link_buttons(at: AppTest) -> list[tuple[str, str]]:
    return [(e.proto.label, e.proto.url) for e in at.sidebar.get("link_button")]


def upload(at: AppTest, name: str, text: str) -> None:
    upload_text(at, name, text, CSV)


@pytest.mark.parametrize("role, unit", [(None, ""), ("viewer", ""), ("reporter", NANJING), ("reviewer", GAOCHUN),
                                        ("admin", "")])
def test_each_role_sees_the_pages_it_may(url, monkeypatch, role, unit):
    if role:
        log_in(monkeypatch, url, f"u_{role}", role, unit, display_name=f"张三{role}")
    at = started()
    assert pages_shown(at) == SEES[role]
    if role is None:
        assert "访客" in sidebar_texts(at) and link_buttons(at) == [("登录", "/auth/login")]
    else:
        assert f"张三{role}" in sidebar_texts(at) and link_buttons(at) == [("退出登录", "/auth/logout")]


def test_the_sidebar_names_the_role_and_unit(url, monkeypatch):
    log_in(monkeypatch, url, "gc", "reporter", GAOCHUN, display_name="高淳填报员")
    texts = sidebar_texts(started())
    assert "高淳填报员" in texts and "填报员" in texts and "南京市 · 高淳区" in texts


@pytest.mark.parametrize("tamper", [
    lambda value: value[:-2] + ("AA" if not value.endswith("AA") else "BB"),  # another signature
    lambda value: webauth.sign_session(webauth.session_token(value, SECRET), "another-key"),  # another server's key
    lambda value: webauth.sign_session("not-a-session", SECRET),  # signed, but no such session
])
def test_a_tampered_or_unknown_cookie_is_an_anonymous_visitor(url, monkeypatch, tamper):
    cookie = log_in(monkeypatch, url, "boss", "admin")
    send_cookie(monkeypatch, tamper(cookie))
    at = started()
    assert pages_shown(at) == SEES[None] and "访客" in sidebar_texts(at)


def test_an_ended_session_is_anonymous_and_a_restart_keeps_a_live_one(url, monkeypatch):
    cookie = log_in(monkeypatch, url, "boss", "admin")
    assert pages_shown(started()) == SEES["admin"]  # a new AppTest: a reload, as after a server restart
    Store(url).end_session(webauth.session_token(cookie, SECRET))
    assert pages_shown(started()) == SEES[None]


def test_without_public_view_an_anonymous_visitor_sees_only_the_login_prompt(url, monkeypatch):
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "0")
    at = started()
    assert any("请先登录" in i.value for i in at.info) and not at.metric
    with pytest.raises(ValueError):
        at.switch_page("pages/overview.py")
    log_in(monkeypatch, url, "looker", "viewer")
    assert pages_shown(started()) == SEES["viewer"]


def test_a_reporters_file_with_rows_outside_its_unit_is_refused_in_the_preview(url, monkeypatch):
    log_in(monkeypatch, url, "nj", "reporter", NANJING)
    at = started()
    upload(at, "august.csv", NANJING_AND_SUZHOU)
    [error] = [e.value for e in at.error if "不属于您的单位" in e.value]
    assert "1 行" in error and "南京市" in error
    outside = next(f.value for f in at.dataframe if "工作表" in f.value.columns and "城市" in f.value.columns
                   and len(f.value) == 1)
    assert list(outside["行"]) == [3] and list(outside["城市"]) == ["苏州市"]
    assert commit_button(at).disabled


def test_a_reporter_uploads_within_its_unit_as_itself_and_may_undo_only_its_own(url, monkeypatch):
    log_in(monkeypatch, url, "nj", "reporter", NANJING, display_name="南京填报员")
    at = started()
    upload(at, "nanjing.csv", NANJING_ONLY)
    assert not any(t.key == "uploader" for t in at.text_input)  # no typed uploader name
    commit_button(at).click().run()
    assert any("已保存" in s.value for s in at.success)
    history = Store(url).uploads()
    assert history.iloc[0]["uploader"] == "nj"
    at.switch_page("pages/history.py").run()
    table = next(f.value for f in at.dataframe if "上传人" in f.value.columns)
    assert "nj" in set(table["上传人"])
    own = int(history.iloc[0]["id"])
    at.selectbox(key="history_upload").set_value(own).run()
    assert [b.key for b in at.button if b.key == "history_undo"]
    assert [d for d in at.get("download_button") if d.proto.label == t("download_original", "zh")]
    demo = int(history[history["source"] == "demo"].iloc[0]["id"])
    at.selectbox(key="history_upload").set_value(demo).run()
    assert not [b for b in at.button if b.key in ("history_undo", "history_redo", "history_demo")]
    assert not [d for d in at.get("download_button") if d.proto.label == t("download_original", "zh")]
    actions = Store(url).audit_entries(user="nj")
    assert list(actions["action"]) == ["upload"]


def test_the_admin_adds_a_user_and_finds_it_in_the_audit(url, monkeypatch):
    log_in(monkeypatch, url, "boss", "admin", display_name="管理员甲")
    at = started()
    at.switch_page("pages/users.py").run()
    at.text_input(key="user_add_name").input("sz")
    at.text_input(key="user_add_display").input("苏州填报员")
    at.selectbox(key="user_add_unit").set_value("320500")
    at.text_input(key="user_add_password").input(PASSWORD)
    at.button(key="user_add_submit").click().run()
    assert not at.exception and any("已添加用户" in s.value for s in at.success)
    users = Store(url).users().set_index("name")
    assert users.at["sz", "role"] == "reporter" and users.at["sz", "unit"] == "320500"
    table = next(f.value for f in at.dataframe if "用户名" in f.value.columns)
    assert "sz" in set(table["用户名"])

    at.selectbox(key="user_choice").set_value("sz").run()
    at.selectbox(key="user_new_role_sz").set_value("reviewer")
    at.selectbox(key="user_new_unit_sz").set_value(GAOCHUN)
    at.button(key="user_set_role").click().run()
    at.text_input(key="user_new_password").input("another password 2")
    at.button(key="user_set_password").click().run()
    assert not at.exception and not at.error
    assert Store(url).authenticate("sz", "another password 2") == Actor("sz", "苏州填报员", "reviewer", GAOCHUN)
    at.button(key="user_disable").click().run()
    assert not Store(url).users().set_index("name").at["sz", "active"]

    at.switch_page("pages/audit.py").run()
    audit = next(f.value for f in at.dataframe if "操作" in f.value.columns)
    assert {"user_add", "user_role", "user_password", "user_disable", "login"} <= set(audit["操作"]) and set(audit["操作人"]) >= {"boss"}


def test_only_the_admin_may_remove_the_demo(url, monkeypatch):
    log_in(monkeypatch, url, "boss", "admin")
    at = started()
    at.switch_page("pages/history.py").run()
    at.button(key="history_demo").click().run()
    assert any("已移除演示数据" in s.value for s in at.success)
    [entry] = Store(url).audit_entries(action="demo_remove")["actor"]
    assert entry == "boss"


def test_a_reviewer_may_undo_and_download_uploads_within_its_unit_but_not_beyond(url, monkeypatch):
    from loaders import parse_bytes

    from tests.accounts import add_account

    clerk = add_account(url, "nj", "reporter", NANJING)
    data = NANJING_ONLY.encode("utf-8-sig")
    own = Store(url).import_result(parse_bytes(data, "nanjing.csv"), data, actor=clerk).upload_id
    both = NANJING_AND_SUZHOU.encode("utf-8-sig")  # a province file: Nanjing's row and Suzhou's
    beyond = Store(url).import_result(parse_bytes(both, "province.csv"), both, uploader="省公司").upload_id
    log_in(monkeypatch, url, "nj_review", "reviewer", NANJING)
    at = started()
    at.switch_page("pages/history.py").run()
    at.selectbox(key="history_upload").set_value(own).run()
    assert [b for b in at.button if b.key == "history_undo"]
    assert [d for d in at.get("download_button") if d.proto.label == t("download_original", "zh")]
    at.button(key="history_undo").click().run()
    assert Store(url).uploads().set_index("id").at[own, "status"] == "undone"
    assert list(Store(url).audit_entries(user="nj_review")["action"]) == ["undo"]
    at.selectbox(key="history_upload").set_value(beyond).run()  # listed (it has Nanjing figures), not undoable
    assert not [b for b in at.button if b.key in ("history_undo", "history_redo", "history_demo")]
    assert not [d for d in at.get("download_button") if d.proto.label == t("download_original", "zh")]
