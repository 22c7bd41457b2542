"""Reminders (催报, #12 item 5): accounts' e-mail addresses, the units to remind and their reporters, the message and
the .xlsx list, e-mails received by a local SMTP server (aiosmtpd), what is kept of them, and the Reminders page."""
from __future__ import annotations

import email
import io
import os
import shutil
import socket
import subprocess
import sys
from datetime import date, datetime, timezone
from email import policy

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook
from sqlalchemy import text

import reminders
from catalog import load_catalog
from settings import ROOT
from store import Store, StoreError
from store.accounts import SYSTEM, Actor
from store.demo import load_demo
from store.errors import PermissionRefused
from store.legacy import add_column, add_email_column, add_kind_column
from store.users import check_email
from tests.accounts import PASSWORD, log_in

NOW = datetime(2020, 8, 10, 4, tzinfo=timezone.utc)  # 2020-08-10 in Shanghai: 3 days after the demo task's deadline
ADMIN = Actor("chief", "王主任", "admin")
CATALOG = load_catalog()


def adcode(name: str, city: str | None = None) -> str:
    region = CATALOG.county_by_name(city, name) if city else CATALOG.city_by_name(name)
    return region.adcode


NANJING, WUXI, XUZHOU, CHANGZHOU = (adcode(n) for n in ("南京市", "无锡市", "徐州市", "常州市"))


# ---- fixtures -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """A store with the demo loaded, made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    made = Store(f"sqlite:///{path}")
    load_demo(made)
    made.engine.dispose()  # the last connection closed: SQLite writes its WAL back into the file
    return path


@pytest.fixture
def store(demo_file, tmp_path):
    shutil.copy(demo_file, tmp_path / "demo.db")
    return Store(f"sqlite:///{tmp_path / 'demo.db'}")


def flood_upload(store: Store) -> int:
    history = store.uploads()
    return int(history.loc[history["file_name"].str.startswith("2020年7月防汛保电"), "id"].iloc[0])


def returned(store: Store) -> Store:
    """The demo's flood workbook (all 13 cities) returned by the province."""
    store.review(flood_upload(store), "returned", "合计行与各市之和不符", actor=ADMIN)
    return store


def reporter(store: Store, name: str, unit: str, email: str = "", display_name: str | None = None) -> None:
    store.add_user(SYSTEM, name, display_name or name, "reporter", unit, PASSWORD, email=email)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler keeping every message it receives: (envelope sender, recipients, parsed message)."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.mail_from, sorted(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    """A local SMTP server on a free port: (its collector, the KPI_SMTP_URL for it)."""
    collector, port = Collector(), free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield collector, f"smtp://127.0.0.1:{port}?from=kpi@example.com"
    finally:
        controller.stop()


def demo_task(store: Store):
    [task] = store.tasks_for(start=date(2020, 7, 1), end=date(2020, 7, 31), campaign="flood_power")
    return task


# ---- e-mail addresses -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, stored", [
    ("zhangsan@js.sgcc.com.cn", "zhangsan@js.sgcc.com.cn"),
    ("  Zhang.San@JS.SGCC.com.CN ", "Zhang.San@js.sgcc.com.cn"),  # the domain lower-cased, the local part kept
    ("o'brien+kpi@example.org", "o'brien+kpi@example.org"),
    ("", ""),
])
def test_usable_addresses(typed, stored):
    assert check_email(typed) == stored


@pytest.mark.parametrize("typed", [
    "a@example.com, b@example.com", "a@example.com;b@example.com", "a@example.com\nBcc: x@example.com",
    "a@example.com\r\nSubject: x", "张三 <a@example.com>", '"a b"@example.com', "a b@example.com", "a@example",
    "@example.com", "a@", "a..b@example.com", "a@-example.com", "a@exa_mple.com", "a" * 65 + "@example.com",
])
def test_unusable_addresses_are_refused(typed):
    with pytest.raises(StoreError) as refused:
        check_email(typed)
    assert "\n" not in refused.value.text("en")


def test_accounts_keep_an_address(store):
    made = store.add_user(SYSTEM, "wx", "无锡填报员", "reporter", WUXI, PASSWORD, email="WX@Example.COM")
    assert made.name == "wx"
    assert store.users().set_index("name").loc["wx", "email"] == "WX@example.com"
    assert store.set_email(SYSTEM, "wx", "new@js.sgcc.com.cn") == "new@js.sgcc.com.cn"
    wuxi = Actor("wx", "无锡填报员", "reporter", WUXI)
    assert store.set_email(wuxi, "wx", "") == ""  # an account may change its own
    with pytest.raises(PermissionRefused):
        store.set_email(wuxi, "chief", "x@example.com")
    with pytest.raises(StoreError):
        store.set_email(SYSTEM, "wx", "a@example.com, b@example.com")
    with pytest.raises(StoreError):
        store.add_user(SYSTEM, "bad", "bad", "reporter", WUXI, PASSWORD, email="a@example.com\nBcc: b@example.com")
    assert "bad" not in set(store.users()["name"])
    audit = store.audit_entries(action="user_email")
    assert audit["outcome"].tolist() == ["refused", "ok", "ok"] and "new@js.sgcc.com.cn" in audit["detail"].iloc[-1]


def test_an_older_store_gets_the_email_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    store.add_user(SYSTEM, "old", "old", "viewer", "", PASSWORD)
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE users DROP COLUMN email"))
        conn.execute(text("ALTER TABLE uploads DROP COLUMN kind"))
    assert add_kind_column(store.engine) and not add_kind_column(store.engine)
    reopened = Store(url)  # adds the email column
    assert reopened.users().set_index("name").loc["old", "email"] == ""
    assert not add_email_column(reopened.engine)
    assert not add_column(reopened.engine, "users", "email", "VARCHAR(254) NOT NULL DEFAULT ''")
    reopened.set_email(SYSTEM, "old", "old@example.com")
    assert reopened.users()["email"].tolist() == ["old@example.com"]


def run(tmp_path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "store", *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          input=stdin)


def test_command_line_sets_addresses(tmp_path):
    assert run(tmp_path, "user", "add", "nj", "--role", "reporter", "--unit", "南京", "--email", "NJ@JS.SGCC.COM.CN",
               "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    changed = run(tmp_path, "user", "set-email", "nj", "clerk@Example.com", "--lang", "en")
    assert changed.returncode == 0 and "clerk@example.com" in changed.stdout
    refused = run(tmp_path, "user", "set-email", "nj", "a@example.com,b@example.com", "--lang", "en")
    assert refused.returncode != 0 and "not a usable e-mail address" in refused.stderr
    assert "Traceback" not in refused.stderr
    listed = run(tmp_path, "user", "list", "--format", "csv").stdout
    assert listed.splitlines()[0].endswith(",email") and listed.splitlines()[1].endswith(",clerk@example.com")


# ---- the units to remind -----------------------------------------------------------------------------------------
def test_nobody_to_remind_while_every_city_has_reported(store):
    assert reminders.units_to_remind(store, demo_task(store), now=NOW) == []
    assert "无需催报" in reminders.reminder_message(demo_task(store), [], "zh", now=NOW)


def test_the_units_to_remind_after_a_return(store):
    task = demo_task(returned(store))
    reporter(store, "wx1", WUXI, "wx1@example.com", "钱一")
    reporter(store, "wx2", WUXI, "", "钱二")
    store.add_user(SYSTEM, "wx-review", "审核", "reviewer", WUXI, PASSWORD, email="r@example.com")  # not a reporter
    reporter(store, "gone", WUXI, "gone@example.com")
    store.set_active(SYSTEM, "gone", False)  # disabled: not reminded
    items = reminders.units_to_remind(store, task, now=NOW)
    # 南京市 reported again in the ledger (still pending): its latest submission is not the returned one
    assert [i.unit.name for i in items] == [r.name for r in CATALOG.cities if r.name != "南京市"]
    assert {i.status for i in items} == {"returned"} and {i.reason for i in items} == {"合计行与各市之和不符"}
    assert {i.days_late for i in items} == {3}
    wuxi = items[0]
    assert [r.display_name for r in wuxi.reporters] == ["钱一", "钱二"] and wuxi.addresses == ["wx1@example.com"]
    assert not wuxi.via_city and items[1].reporters == ()


def test_the_counties_to_remind_and_their_city_reporters(store):
    task = store.task(store.add_task("2020-07", "flood_power", "counties", date(2020, 8, 7)))
    reporter(store, "nj", NANJING, "nj@example.com", "南京填报员")
    reporter(store, "jn", adcode("江宁区", "南京市"), "jn@example.com", "江宁填报员")
    items = {(i.unit.city, i.unit.name): i for i in reminders.units_to_remind(store, task, now=NOW)}
    assert ("南京市", "高淳区") not in items  # reported in the demo workbook
    assert items[("南京市", "江宁区")].addresses == ["jn@example.com"] and not items[("南京市", "江宁区")].via_city
    xuanwu = items[("南京市", "玄武区")]
    assert xuanwu.status == "late" and xuanwu.via_city and xuanwu.addresses == ["nj@example.com"]
    assert items[("徐州市", "鼓楼区")].reporters == () and not items[("徐州市", "鼓楼区")].via_city
    nanjing_reviewer = Actor("njr", "南京审核", "reviewer", NANJING)
    mine = reminders.units_to_remind(store, task, actor=nanjing_reviewer, now=NOW)
    assert {i.unit.city for i in mine} == {"南京市"} and len(mine) == sum(k[0] == "南京市" for k in items)
    message = reminders.reminder_message(task, list(items.values()), "zh", now=NOW)
    assert "南京市：玄武区、秦淮区" in message and "徐州市：鼓楼区" in message


def test_the_message_names_the_units_and_the_deadline(store):
    task = demo_task(returned(store))
    chinese_sample = "2020年7月防汛保电数据填报截止日期为2020年8月7日（已逾期 3 天）。"
    items = reminders.units_to_remind(store, task, now=NOW)
    zh = reminders.reminder_message(task, items, "zh", sender="王主任", now=NOW)
    assert zh.startswith("各单位：\n" + chinese_sample)
    assert "以下12个单位报送的数据已被退回，请按审核意见修改后重新报送：无锡市、徐州市" in zh
    assert "宿迁市（退回原因：合计行与各市之和不符）。" in zh and "联系人：王主任" in zh and zh.endswith("2020年8月10日")
    assert "南京市" not in zh
    en = reminders.reminder_message(task, items, "en", sender="Wang", now=NOW)
    assert "7 August 2020 (3 days overdue)" in en and "Wuxi, Xuzhou" in en and "Contact: Wang" in en
    # a unit not yet reported, before the deadline
    early = datetime(2020, 8, 5, 4, tzinfo=timezone.utc)
    store.undo(flood_upload(store), actor=ADMIN)
    pending = reminders.units_to_remind(store, task, now=early)
    assert {i.status for i in pending} == {"not_reported"} and {i.days_late for i in pending} == {None}
    zh = reminders.reminder_message(task, pending, "zh", now=early)
    assert "（距截止还有 2 天）" in zh and "截至2020年8月5日，以下12个单位尚未报送：无锡市、" in zh and "请尽快报送。" in zh


def test_the_list_downloads_formula_safe(store):
    task = demo_task(returned(store))
    reporter(store, "evil", WUXI, "evil@example.com", '=HYPERLINK("http://example.com/x","点击")')
    items = reminders.units_to_remind(store, task, now=NOW)
    book = load_workbook(io.BytesIO(reminders.reminders_xlsx(task, items, "zh", now=NOW)))
    sheet = book.active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["填报任务", f"#{task.id} 2020年7月防汛保电", None]
    assert rows[1][:2] == ["截止日期", "2020年8月7日（已逾期 3 天）"] and rows[3][:2] == ["待催报单位数", "12"]
    header = rows[5]
    assert header[:5] == ["单位", "层级", "所属地市", "状态", "逾期天数"]
    wuxi = dict(zip(header, rows[6]))
    assert wuxi["单位"] == "无锡市" and wuxi["状态"] == "已退回" and wuxi["逾期天数"] == 3
    assert wuxi["填报员"] == "'" + '=HYPERLINK("http://example.com/x","点击")' and wuxi["电子邮箱"] == "evil@example.com"
    assert sheet.cell(row=7, column=header.index("填报员") + 1).data_type == "s"
    assert not any(str(v).startswith("=") for row in rows for v in row if v is not None)
    assert len(rows) == 6 + 12


# ---- e-mail ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("url, host, port, user, password, sender, tls, starttls", [
    ("smtp://mail.example.com", "mail.example.com", 25, "", "", "kpi-dashboard@mail.example.com", False, False),
    ("smtps://kpi%40example.com:p%40ss%3Aword@mail.example.com", "mail.example.com", 465, "kpi@example.com",
     "p@ss:word", "kpi@example.com", True, False),
    ("smtp://u:pw-secret@10.0.0.5:587?from=Notice@JS.SGCC.com.cn&starttls=1", "10.0.0.5", 587, "u", "pw-secret",
     "Notice@js.sgcc.com.cn", False, True),
])
def test_smtp_urls(url, host, port, user, password, sender, tls, starttls):
    server = reminders.parse_smtp_url(url)
    assert (server.host, server.port, server.user, server.password, server.sender, server.tls, server.starttls) == (
        host, port, user, password, sender, tls, starttls)
    assert password == "" or password not in repr(server)


@pytest.mark.parametrize("url", ["", "http://mail.example.com", "smtp://", "smtp://u:secret@mail.example.com:99999",
                                 "smtp://u:secret@mail.example.com:port", "smtp://h?from=a@example.com,b@example.com",
                                 "smtp://h?from=x%0d%0aBcc:%20a@example.com"])
def test_unusable_smtp_urls(url):
    with pytest.raises(StoreError) as refused:
        reminders.parse_smtp_url(url)
    assert "secret" not in refused.value.text("zh") + refused.value.text("en")


def test_reminders_are_emailed_to_each_units_reporters(store, smtp):
    collector, url = smtp
    task = demo_task(returned(store))
    reporter(store, "wx1", WUXI, "wx1@example.com", "钱一")
    reporter(store, "wx2", WUXI, "WX2@Example.com", "钱二")
    reporter(store, "xz", XUZHOU, "xz@example.com", "徐州填报员")
    reporter(store, "cz", CHANGZHOU, "", "常州填报员")  # no address
    store.add_user(SYSTEM, "chief", "王主任", "admin", "", PASSWORD, email="chief@example.com")
    outcomes = reminders.send_reminders(store, task, ADMIN, url, client="test", now=NOW)
    by_unit = {o.item.unit.name: o for o in outcomes}
    assert len(outcomes) == 12
    assert by_unit["无锡市"].outcome == "ok" and by_unit["无锡市"].recipients == ("wx1@example.com", "WX2@example.com")
    assert by_unit["徐州市"].outcome == "ok"
    assert by_unit["常州市"].outcome == "no_address" and by_unit["苏州市"].outcome == "no_address"
    assert len(collector.received) == 2
    (wuxi_from, wuxi_to, wuxi), (_, xuzhou_to, xuzhou) = collector.received
    assert wuxi_from == "kpi@example.com" and wuxi_to == ["WX2@example.com", "wx1@example.com"]
    assert xuzhou_to == ["xz@example.com"]
    assert wuxi["Subject"].startswith("【催报】无锡市：2020年7月防汛保电数据已退回") and "Reminder: Wuxi" in wuxi["Subject"]
    assert "钱一" in str(wuxi["To"]) and wuxi["Reply-To"].addresses[0].addr_spec == "chief@example.com"
    body = wuxi.get_body().get_content()
    assert wuxi.get_content_type() == "text/plain" and wuxi.get_content_charset() == "utf-8"
    assert body.startswith("钱一、钱二：") and "截止日期为2020年8月7日（已逾期 3 天）" in body
    assert "退回原因：合计行与各市之和不符" in body and "联系人：王主任" in body
    assert body.index("截止日期") < body.index("The deadline") and "7 August 2020" in body
    assert "徐州市" in xuzhou["Subject"] and "徐州填报员" in xuzhou.get_body().get_content()
    kept = store.reminders_sent(task.id)
    assert len(kept) == 12 and set(kept["channel"]) == {"email"} and set(kept["actor"]) == {"chief"}
    assert kept.set_index("unit").loc[WUXI, "recipients"] == "wx1@example.com, WX2@example.com"
    assert kept["outcome"].value_counts().to_dict() == {"no_address": 10, "ok": 2}
    audit = store.audit_entries(action="remind")
    assert len(audit) == 12 and audit["outcome"].value_counts().to_dict() == {"failed": 10, "ok": 2}
    assert set(audit["client"]) == {"test"} and f"#{task.id} 无锡市" in set(audit["target"])


def test_a_mail_server_that_cannot_be_reached_fails_each_unit(store):
    task = demo_task(returned(store))
    reporter(store, "wx1", WUXI, "wx1@example.com")
    reporter(store, "xz", XUZHOU, "xz@example.com")
    closed = f"smtp://127.0.0.1:{free_port()}?from=kpi@example.com"  # nobody listens there
    outcomes = {o.item.unit.name: o for o in reminders.send_reminders(store, task, ADMIN, closed, now=NOW)}
    for name in ("无锡市", "徐州市"):
        assert outcomes[name].outcome == "failed" and "ConnectionRefusedError" in outcomes[name].error
        assert "Traceback" not in outcomes[name].error
    assert outcomes["常州市"].outcome == "no_address"
    kept = store.reminders_sent(task.id).set_index("unit")
    assert kept.loc[WUXI, "outcome"] == "failed" and kept.loc[CHANGZHOU, "outcome"] == "no_address"
    assert (store.audit_entries(action="remind")["outcome"] == "failed").all()


def test_one_refused_unit_does_not_stop_the_others(store, smtp):
    collector, url = smtp
    task = demo_task(returned(store))
    reporter(store, "wx1", WUXI, "wx1@example.com")
    reporter(store, "xz", XUZHOU, "xz@example.com")

    async def refuse_wuxi(server, session, envelope, address, rcpt_options):
        if address.startswith("wx1"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    collector.handle_RCPT = refuse_wuxi
    outcomes = {o.item.unit.name: o for o in reminders.send_reminders(store, task, ADMIN, url, now=NOW)}
    assert outcomes["无锡市"].outcome == "failed" and "550" in outcomes["无锡市"].error
    assert outcomes["徐州市"].outcome == "ok" and [to for _, to, _ in collector.received] == [["xz@example.com"]]


def test_only_those_who_manage_tasks_within_scope_may_remind(store, smtp):
    collector, url = smtp
    task = demo_task(returned(store))
    reporter(store, "wx1", WUXI, "wx1@example.com")
    with pytest.raises(PermissionRefused):
        reminders.send_reminders(store, task, Actor("wx1", "钱一", "reporter", WUXI), url, now=NOW)
    wuxi_reviewer = Actor("wxr", "无锡审核", "reviewer", WUXI)
    with pytest.raises(PermissionRefused):  # the task's other cities are not its own
        reminders.send_reminders(store, task, wuxi_reviewer, url, now=NOW)
    assert collector.received == [] and store.reminders_sent(task.id).empty
    assert (store.audit_entries(action="remind")["outcome"] == "refused").all()
    outcomes = reminders.send_reminders(store, task, wuxi_reviewer, url, [WUXI], now=NOW)
    assert [(o.item.unit.name, o.outcome) for o in outcomes] == [("无锡市", "ok")]
    reminders.record_message(store, task, reminders.units_to_remind(store, task, actor=wuxi_reviewer, now=NOW),
                             wuxi_reviewer)
    kept = reminders.reminders_kept(store, task, wuxi_reviewer)
    assert kept["channel"].tolist() == ["message", "email"] and set(kept["unit"]) == {WUXI}


# ---- the page ----------------------------------------------------------------------------------------------------
def frame_with(at, column: str):
    """The page's table that has this column (AppTest does not give a dataframe's key)."""
    return next(f.value for f in at.dataframe if column in f.value.columns)


def remind_page(at, task_id: int):
    at.query_params["task"] = str(task_id)
    at.switch_page("pages/remind.py").run()
    assert not at.exception
    return at


def test_the_page_lists_copies_and_sends(tmp_path, monkeypatch, smtp):
    from tests.accounts import admin_app

    collector, url = smtp
    at = admin_app(tmp_path, monkeypatch, name="chief")
    store = Store(at.url)
    task = demo_task(returned(store))
    reporter(store, "wx1", WUXI, "wx1@example.com", "钱一")
    remind_page(at, task.id)
    assert at.title[0].value == "催报"
    message = at.text_area(key=f"remind_message_zh_{task.id}").value
    assert "2020年8月7日" in message and "无锡市、徐州市" in message and "南京市" not in message
    assert "Wuxi" in at.text_area(key=f"remind_message_en_{task.id}").value
    assert [b.key for b in at.button if b.key == "remind_send"] == []  # no mail server configured
    table = frame_with(at, "填报员")
    assert table["单位"].tolist()[:2] == ["无锡市", "徐州市"] and table["填报员"].tolist()[0] == "钱一"

    monkeypatch.setenv("KPI_SMTP_URL", url)
    remind_page(at, task.id)
    at.button(key="remind_send").click().run()
    assert not at.exception
    assert [to for _, to, _ in collector.received] == [["wx1@example.com"]]
    assert any("已发送 1 个单位" in w.value and "11 个单位无电子邮箱" in w.value for w in at.warning)
    outcome = frame_with(at, "错误")
    assert outcome.set_index("单位").loc["无锡市", "结果"] == "已发送"
    assert outcome.set_index("单位").loc["徐州市", "结果"] == "无电子邮箱，未发送"
    history = frame_with(at, "催报人")
    assert len(history) == 12 and set(history["催报人"]) == {"chief"}

    counties = store.add_task("2020-07", "flood_power", "counties", date(2020, 8, 7))  # a link to another task
    remind_page(at, counties)
    assert at.selectbox(key="remind_task").value == counties
    assert "南京市：玄武区、秦淮区" in at.text_area(key=f"remind_message_zh_{counties}").value
    remind_page(at, 999)
    assert any("999" in w.value for w in at.warning) and at.query_params["task"] == str(counties)


def test_the_send_button_is_for_those_who_manage_tasks(tmp_path, monkeypatch, smtp):
    from streamlit.testing.v1 import AppTest

    _, url = smtp
    db = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", db)
    monkeypatch.setenv("KPI_DEMO", "1")
    monkeypatch.setenv("KPI_SMTP_URL", url)
    log_in(monkeypatch, db, "wx1", "reporter", WUXI)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.context["locale"] = "zh-CN"
    at.run()
    store = Store(db)
    task = demo_task(returned(store))
    remind_page(at, task.id)
    assert at.title[0].value == "催报"
    assert frame_with(at, "填报员")["单位"].tolist() == ["无锡市"]  # its own unit only
    assert not [b for b in at.button if b.key in ("remind_send", "remind_record_message")]


def test_the_users_page_keeps_addresses(tmp_path, monkeypatch):
    from tests.accounts import admin_app

    at = admin_app(tmp_path, monkeypatch, name="chief")
    at.switch_page("pages/users.py").run()
    at.text_input(key="user_add_name").input("sz")
    at.selectbox(key="user_add_unit").set_value("320500")
    at.text_input(key="user_add_password").input(PASSWORD)
    at.text_input(key="user_add_email").input("SZ@JS.SGCC.com.cn")
    at.button(key="user_add_submit").click().run()
    assert not at.exception and not at.error
    assert Store(at.url).users().set_index("name").at["sz", "email"] == "SZ@js.sgcc.com.cn"
    assert "SZ@js.sgcc.com.cn" in set(frame_with(at, "电子邮箱")["电子邮箱"])

    at.selectbox(key="user_choice").set_value("sz").run()
    assert at.text_input(key="user_new_email_sz").value == "SZ@js.sgcc.com.cn"
    at.text_input(key="user_new_email_sz").input("sz@example.com\nBcc: all@example.com")
    at.button(key="user_set_email").click().run()
    assert any("不是可用的电子邮箱地址" in e.value for e in at.error)
    at.text_input(key="user_new_email_sz").input("suzhou@example.com")
    at.button(key="user_set_email").click().run()
    assert not at.exception and not at.error
    assert Store(at.url).users().set_index("name").at["sz", "email"] == "suzhou@example.com"


def test_an_address_stored_unchecked_fails_its_unit_only(store, smtp):
    collector, url = smtp
    task = demo_task(returned(store))
    reporter(store, "wx1", WUXI, "wx1@example.com")
    reporter(store, "xz", XUZHOU, "xz@example.com")
    with store.engine.begin() as conn:  # as an older version or a hand edit might have left it
        conn.execute(text("UPDATE users SET email = 'a@b.com, c@d.com' WHERE name = 'wx1'"))
    outcomes = {o.item.unit.name: o for o in reminders.send_reminders(store, task, ADMIN, url, now=NOW)}
    assert outcomes["无锡市"].outcome == "failed" and outcomes["徐州市"].outcome == "ok"
    assert [to for _, to, _ in collector.received] == [["xz@example.com"]]


@pytest.mark.parametrize("now, owed, zh", [
    ("2020-08-10T09:00+08:00", True, "（已逾期 3 天）"),
    ("2020-08-10T09:00+08:00", False, "（已过 3 天）"),  # nobody owes anything: the deadline passed, no one is late
    ("2020-08-07T23:59+08:00", True, "（今天截止）"),
    ("2020-08-05T09:00+08:00", True, "（距截止还有 2 天）"),
])
def test_the_deadline_is_told_as_overdue_only_while_units_owe(now, owed, zh):
    from store.cycle import Task, parse_task_period

    task = Task(1, "", parse_task_period("2020-07"), ("flood_power",), (), "cities", date(2020, 8, 7), "", None, "",
                "open")
    assert reminders.timing_text(task, datetime.fromisoformat(now), "zh", owed=owed) == zh
