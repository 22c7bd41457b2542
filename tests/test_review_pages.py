"""Review in the pages (#12, item 3): approve and return on the history page (buttons only where the store allows),
the reviewers' to-review list, the reporter's notice of returned uploads with the reason, the dashboards' note on
unreviewed figures (KPI_REQUIRE_APPROVAL) and their totals, the data page's review column; reasons shown as text."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from i18n import t
from loaders import parse_bytes
from settings import ROOT
from store import Store, StoreError
from store.accounts import SYSTEM, Actor
from store.demo import ensure_demo
from tests.accounts import started, GAOCHUN, NANJING, add_account, admin_app, log_in, send_cookie
from tests.hostile import shown
from tests.test_pages import card

APP = str(ROOT / "dashboard.py")
HEADER = "统计期间,地区,专项活动,指标,数值,备注\n"
NANJING_TEAMS = 7  # Nanjing's flood teams in August 2020, the figure the returned upload brings
NANJING_ONLY = HEADER + f"2020年8月,国网南京供电公司,防汛保电,服务队,{NANJING_TEAMS},\n"
GAOCHUN_ONLY = HEADER + "2020年8月,国网高淳供电公司,防汛保电,服务队,3,\n"  # a Nanjing county
KUNSHAN_ONLY = HEADER + "2020年8月,国网昆山市供电公司,防汛保电,服务队,4,\n"  # a Suzhou county
HOSTILE_REASON = "**bold** <b>x</b> =SUM(A1)"
SUZHOU = "320500"


@pytest.fixture
def url(tmp_path, monkeypatch):
    """A store with the demo loaded (before any test upload, so that the demo is not skipped), nobody logged in."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KPI_DEMO", "1")
    monkeypatch.setenv("KPI_PUBLIC_VIEW", "1")
    send_cookie(monkeypatch, None)
    ensure_demo(Store(url))
    return url


def uploaded(url: str, text: str, name: str, actor: Actor) -> int:
    """A file saved through the loader, as that account's upload; its id."""
    data = text.encode("utf-8-sig")
    return Store(url).import_result(parse_bytes(data, name), data, actor=actor).upload_id


def flood_upload(url: str) -> int:
    [found] = Store(url).uploads().query("file_name.str.startswith('2020年7月防汛保电')", engine="python")["id"]
    return int(found)


def table_with(at: AppTest, *columns: str):
    """The one table shown with these columns (AppTest gives a dataframe no key), as a DataFrame."""
    [found] = [d.value for d in at.dataframe if all(c in d.value.columns for c in columns)]
    return found


def history_row(at: AppTest, upload_id: int) -> dict:
    """The history table's row of an upload, as {column: cell}."""
    frame = table_with(at, t("status", "zh"), t("review.column_state", "zh"))
    [row] = frame[frame[t("upload_id", "zh")] == upload_id].to_dict("records")
    return row


def review_buttons(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key in ("history_approve", "history_return")}


def teams_2020(at: AppTest) -> float:
    """The Overview's 服务队 card for the year 2020, as a number."""
    at.switch_page("pages/overview.py").run()
    at.selectbox(key="period_preset").set_value("year:2020").run()
    assert not at.exception
    return float(re.sub(r"[^\d.]", "", card(at, "服务队")))


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_an_admin_approves_the_demo_flood_upload_on_the_history_page(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch, name="boss")
    flood = flood_upload(at.url)
    at.switch_page("pages/history.py").run()
    assert at.subheader[0].value == t("review.to_review_header", "zh", count=2)  # the demo's two files of figures
    at.selectbox(key="history_upload").set_value(flood).run()
    assert review_buttons(at) == {"history_approve", "history_return"}
    assert history_row(at, flood)[t("review.column_state", "zh")] == "待审"
    at.button(key="history_approve").click().run()
    assert not at.exception and not at.error
    assert any(t("review.approved_done", "zh", id=flood) in s.value for s in at.success)
    row = history_row(at, flood)
    assert row[t("review.column_state", "zh")] == "已通过" and row[t("review.column_reviewer", "zh")] == "boss"
    assert any(shown(c).startswith("审核：已通过（boss，") for c in captions(at))
    assert review_buttons(at) == {"history_return"}  # approved already: it can still be returned
    assert Store(at.url).uploads().set_index("id").at[flood, "review"] == "approved"
    [entry] = Store(at.url).audit_entries(action="review_approve").to_dict("records")
    assert (entry["actor"], entry["target"], entry["outcome"]) == ("boss", f"#{flood}", "ok")
    assert at.subheader[0].value == t("review.to_review_header", "zh", count=1)


def test_a_province_reviewer_returns_a_nanjing_upload_its_reporter_sees_why(url, monkeypatch):
    clerk = add_account(url, "nj_clerk", "reporter", NANJING)
    upload = uploaded(url, NANJING_ONLY, "nanjing.csv", clerk)
    log_in(monkeypatch, url, "province_review", "reviewer", "")
    at = started()
    with_upload = teams_2020(at)
    at.switch_page("pages/history.py").run()
    at.selectbox(key="history_upload").set_value(upload).run()
    at.text_input(key=f"history_reason_{upload}").input("南京市8月服务队数与台账不符，请核对").run()
    at.button(key="history_return").click().run()
    assert not at.exception and not at.error
    assert Store(url).uploads().set_index("id").at[upload, "review"] == "returned"
    row = history_row(at, upload)
    assert row[t("review.column_state", "zh")] == "已退回"
    assert row[t("review.column_reason", "zh")] == "南京市8月服务队数与台账不符，请核对"
    assert review_buttons(at) == {"history_approve"}
    [entry] = Store(url).audit_entries(action="review_return").to_dict("records")
    assert (entry["actor"], entry["detail"]) == ("province_review", "南京市8月服务队数与台账不符，请核对")
    assert teams_2020(at) == with_upload - NANJING_TEAMS  # the returned figures left the totals

    log_in(monkeypatch, url, "nj_clerk", "reporter", NANJING)  # the reporter logs in (a page loaded anew)
    at = started()
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    assert at.warning[0].value == t("review.returned_notice", "zh", count=1)
    notice = table_with(at, t("review.column_returned_at", "zh"))
    [returned] = notice.to_dict("records")
    assert returned[t("upload_id", "zh")] == upload and returned[t("file_name", "zh")] == "nanjing.csv"
    assert returned[t("review.column_reviewer", "zh")] == "province_review"
    assert returned[t("review.column_reason", "zh")] == "南京市8月服务队数与台账不符，请核对"
    at.switch_page("pages/history.py").run()
    assert history_row(at, upload)[t("review.column_reason", "zh")] == "南京市8月服务队数与台账不符，请核对"
    assert not review_buttons(at)  # a reporter reviews nothing

    uploaded(url, NANJING_ONLY.replace(f",{NANJING_TEAMS},", ",6,"), "nanjing_fixed.csv", clerk)
    at.switch_page("pages/upload.py").run()  # the corrected upload replaced every figure: the notice goes
    assert not [w for w in at.warning if w.value == t("review.returned_notice", "zh", count=1)]


def test_a_nanjing_reviewer_may_review_its_counties_only(url, monkeypatch):
    gaochun = uploaded(url, GAOCHUN_ONLY, "gaochun.csv", add_account(url, "gc_clerk", "reporter", GAOCHUN))
    kunshan = uploaded(url, KUNSHAN_ONLY, "kunshan.csv", add_account(url, "sz_clerk", "reporter", SUZHOU))
    city = uploaded(url, NANJING_ONLY, "nanjing.csv", add_account(url, "nj_clerk", "reporter", NANJING))
    reviewer = Actor("nj_review", "nj_review", "reviewer", NANJING)
    own = uploaded(url, GAOCHUN_ONLY.replace(",3,", ",2,"), "mine.csv", reviewer)
    log_in(monkeypatch, url, "nj_review", "reviewer", NANJING)
    at = started()
    at.switch_page("pages/history.py").run()
    listed = table_with(at, t("review.column_units", "zh"))
    assert list(listed[t("upload_id", "zh")]) == [gaochun]  # not its own, not the city's, not Suzhou's
    assert list(listed[t("review.column_units", "zh")]) == ["南京市 · 高淳区"]
    options = at.selectbox(key="history_upload").options
    assert f"#{kunshan} · kunshan.csv" not in options  # a Suzhou county's upload: not even listed
    assert not Store(url).may_review(reviewer, kunshan)
    for upload, buttons in ((gaochun, {"history_approve", "history_return"}), (city, set()), (own, set())):
        at.selectbox(key="history_upload").set_value(upload).run()
        assert review_buttons(at) == buttons, upload
    at.toggle(key="history_only_to_review").set_value(True).run()
    assert at.selectbox(key="history_upload").options == [f"#{gaochun} · gaochun.csv"]


def test_return_without_a_reason_says_so_in_either_language_and_changes_nothing(tmp_path, monkeypatch):
    at = admin_app(tmp_path, monkeypatch)
    flood = flood_upload(at.url)
    at.switch_page("pages/history.py").run()
    at.selectbox(key="history_upload").set_value(flood).run()
    at.text_input(key=f"history_reason_{flood}").input("   ").run()
    at.button(key="history_return").click().run()
    assert [shown(e.value) for e in at.error] == [t("cycle.reason_needed", "zh")]
    at.radio(key="lang").set_value("en").run()
    at.button(key="history_return").click().run()
    assert [shown(e.value) for e in at.error] == [t("cycle.reason_needed", "en")]
    store = Store(at.url)
    assert store.uploads().set_index("id").at[flood, "review"] == "pending"
    assert store.review_history().empty and store.audit_entries(action="review_return").empty


@pytest.mark.parametrize("require", ["1", "0"])
def test_the_overview_says_whether_unreviewed_figures_count(url, monkeypatch, require):
    monkeypatch.setenv("KPI_REQUIRE_APPROVAL", require)
    store = Store(url)
    for upload in store.uploads().query("kind == 'figures'")["id"]:
        store.review(int(upload), "approved", actor=SYSTEM)
    at = started()
    approved = teams_2020(at)
    assert approved > 0
    if require == "1":
        assert t("review.approved_only_all", "zh") in captions(at)
    else:
        assert not [c for c in captions(at) if "待审" in c]  # nothing awaits review: nothing to say
    uploaded(url, NANJING_ONLY, "nanjing.csv", add_account(url, "nj_clerk", "reporter", NANJING))
    shown_now = teams_2020(at)
    if require == "1":
        assert t("review.approved_only", "zh", count=1) in captions(at)
        assert shown_now == approved  # the pending upload is not counted
    else:
        assert t("review.includes_pending", "zh", count=1) in captions(at)
        assert shown_now == approved + NANJING_TEAMS
    for page in ("regions", "campaigns", "data"):  # every dashboard says it, once
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        expected = t("review.approved_only" if require == "1" else "review.includes_pending", "zh", count=1)
        assert captions(at).count(expected) == 1, page
    at.switch_page("pages/upload.py").run()  # not a dashboard
    assert not [c for c in captions(at) if "待审" in c]


def test_the_data_page_shows_each_figures_review(url, monkeypatch):
    upload = uploaded(url, NANJING_ONLY, "nanjing.csv", add_account(url, "nj_clerk", "reporter", NANJING))
    Store(url).review(flood_upload(url), "approved", actor=SYSTEM)
    at = started()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="period_preset").set_value("year:2020").run()
    facts = table_with(at, t("data_upload_no", "zh"), t("review.column_state", "zh"))
    states = dict(zip(facts[t("data_upload_no", "zh")], facts[t("review.column_state", "zh")]))
    assert states[upload] == "待审" and states[flood_upload(url)] == "已通过"


def test_a_reason_is_shown_as_the_text_it_is(url, monkeypatch):
    clerk = add_account(url, "nj_clerk", "reporter", NANJING)
    upload = uploaded(url, NANJING_ONLY, "nanjing.csv", clerk)
    Store(url).review(upload, "returned", HOSTILE_REASON, actor=Actor("rv", "rv", "reviewer", ""))
    log_in(monkeypatch, url, "nj_clerk", "reporter", NANJING)
    at = started()
    at.switch_page("pages/upload.py").run()
    notice = table_with(at, t("review.column_returned_at", "zh"))
    assert list(notice[t("review.column_reason", "zh")]) == [HOSTILE_REASON]
    at.switch_page("pages/history.py").run()
    at.selectbox(key="history_upload").set_value(upload).run()
    assert history_row(at, upload)[t("review.column_reason", "zh")] == HOSTILE_REASON
    [line] = [c for c in captions(at) if shown(c).startswith("退回原因：")]
    assert shown(line) == f"退回原因：{HOSTILE_REASON}"
    bare = re.sub(r"\\.", "", line)  # what Markdown would read as markup: nothing of the reason
    assert "**" not in bare and "<b>" not in bare and "=SUM" not in bare


# ---- the store's side of the pages ------------------------------------------------------------------------------
def test_may_review_agrees_with_review(url):
    """Store.may_review says yes exactly where review() acts (refuses nothing), for each actor and upload."""
    gaochun = uploaded(url, GAOCHUN_ONLY, "gaochun.csv", add_account(url, "gc_clerk", "reporter", GAOCHUN))
    kunshan = uploaded(url, KUNSHAN_ONLY, "kunshan.csv", add_account(url, "sz_clerk", "reporter", SUZHOU))
    nanjing = uploaded(url, NANJING_ONLY, "nanjing.csv", add_account(url, "nj_clerk", "reporter", NANJING))
    store = Store(url)
    undone = uploaded(url, GAOCHUN_ONLY.replace(",3,", ",1,"), "undone.csv", Actor("x", "x", "reporter", GAOCHUN))
    store.undo(undone)
    targets = int(store.uploads().query("kind == 'targets'")["id"].iloc[0])
    cities_and_counties = {gaochun, kunshan, nanjing}
    cases = [  # actor, the uploads it may review
        (Actor("nj_review", "", "reviewer", NANJING), {gaochun}),  # its counties, not the city's own figures
        (Actor("gc_clerk", "", "reporter", GAOCHUN), set()),  # no review permission
        (Actor("gc_review", "", "reviewer", GAOCHUN), set()),  # nothing lies below a county
        (Actor("sz_review", "", "reviewer", SUZHOU), {kunshan}),
        (Actor("province", "", "reviewer", ""), cities_and_counties),
        (Actor("boss", "", "admin", ""), cities_and_counties),
        (Actor("gc_clerk", "", "admin", ""), {kunshan, nanjing}),  # never its own upload
    ]
    for actor, allowed in cases:
        for upload in (gaochun, kunshan, nanjing, undone, targets):
            assert store.may_review(actor, upload) == (upload in allowed), (actor, upload)
            try:
                store.review(upload, "approved", actor=actor)
            except StoreError:
                acted = False
            else:
                acted = True
                store.review(upload, "returned", "back", actor=actor)  # so that the next actor's approval is new
            assert acted == (upload in allowed), (actor, upload)
    assert not store.may_review(Actor("boss", "", "admin", ""), 999)


def test_a_returned_upload_is_listed_until_a_later_upload_reports_all_its_figures(url):
    clerk = add_account(url, "nj_clerk", "reporter", NANJING)
    two = HEADER + "2020年8月,国网南京供电公司,防汛保电,服务队,7,\n2020年8月,国网南京供电公司,防汛保电,投入人次,70,\n"
    upload = uploaded(url, two, "two.csv", clerk)
    store = Store(url)
    store.review(upload, "returned", "请核对", actor=SYSTEM)
    [listed] = store.returned_uploads("nj_clerk").to_dict("records")
    assert (listed["id"], listed["reviewer"], listed["reason"], listed["figures"], listed["replaced"]) == (
        upload, "system", "请核对", 2, 0)
    assert store.returned_uploads("someone_else").empty
    uploaded(url, HEADER + "2020年9月,国网南京供电公司,防汛保电,服务队,7,\n", "september.csv", clerk)  # another month
    assert list(store.returned_uploads("nj_clerk")["replaced"]) == [0]
    uploaded(url, HEADER + "2020年8月,国网南京供电公司,防汛保电,服务队,8,\n", "teams.csv", clerk)
    assert list(store.returned_uploads("nj_clerk")["replaced"]) == [1]  # half of it replaced: still listed
    later = uploaded(url, HEADER + "2020年8月,国网南京供电公司,防汛保电,投入人次,71,\n", "staff.csv", clerk)
    assert store.returned_uploads("nj_clerk").empty
    store.undo(later)  # the replacement withdrawn: the return is open again
    assert list(store.returned_uploads("nj_clerk")["id"]) == [upload]
    store.undo(upload)  # the returned upload withdrawn itself: nothing left to correct
    assert store.returned_uploads("nj_clerk").empty


def test_awaiting_review_counts_pending_figures_in_effect(url):
    store = Store(url)
    assert store.awaiting_review() == 2  # the demo's two files of figures (its targets are not reviewed)
    flood = flood_upload(url)
    store.review(flood, "approved", actor=SYSTEM)
    upload = uploaded(url, NANJING_ONLY, "nanjing.csv", add_account(url, "nj_clerk", "reporter", NANJING))
    assert store.awaiting_review() == 2
    store.review(upload, "returned", "x", actor=SYSTEM)
    assert store.awaiting_review() == 1
    [ledger] = store.uploads().query("file_name.str.startswith('文明实践台账')", engine="python")["id"]
    store.undo(int(ledger))
    assert store.awaiting_review() == 0
