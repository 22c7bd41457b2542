"""Accounts and roles in the store (issue 10): every write takes an actor and checks its role and unit; passwords
are Argon2id hashes; failed logins lock an account; sessions, set-up links and the audit log."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from catalog import load_catalog
from store import Store, StoreError
from store.accounts import ANONYMOUS, Actor, load_roles, operator, resolve_unit
from store.arguments import ROLE_CHOICES
from store.demo import remove_demo
from store.schema import audit_log, sessions, users
from store.cli import main
from store.users import LoginRefused, PermissionRefused
from tests.commands import Ran, run_main
from tests.conftest import make_result

JULY = {"period_start": "2020-07-01", "period_end": "2020-07-31", "campaign": "flood_power", "metric": "teams"}
PASSWORD = "correct horse battery"
NANJING, GAOCHUN, WUXI = "320100", "320118", "320200"

ADMIN = Actor("boss", "省公司管理员", "admin")
NJ_REPORTER = Actor("nj", "南京填报员", "reporter", NANJING)
NJ_REPORTER_2 = Actor("nj2", "南京填报员二", "reporter", NANJING)
NJ_REVIEWER = Actor("njr", "南京审核员", "reviewer", NANJING)
GC_REPORTER = Actor("gc", "高淳填报员", "reporter", GAOCHUN)
WX_REVIEWER = Actor("wxr", "无锡审核员", "reviewer", WUXI)
PROVINCE_REPORTER = Actor("sheng", "省填报员", "reporter")
VIEWER = Actor("v", "查看员", "viewer")


@pytest.fixture
def store(store_url):
    store = Store(store_url)
    for actor in (ADMIN, NJ_REPORTER, NJ_REPORTER_2, NJ_REVIEWER, GC_REPORTER, WX_REVIEWER, PROVINCE_REPORTER, VIEWER):
        store.add_user(operator(), actor.name, actor.display_name, actor.role, actor.unit, PASSWORD)
    return store


def rows(*places: tuple[str, str]) -> list[dict]:
    return [{**JULY, "city": city, "county": county, "value": 3} for city, county in places]


NJ_CITY = rows(("南京市", ""))
GC_COUNTY = rows(("南京市", "高淳区"))
WX_CITY = rows(("无锡市", ""))
PROVINCE_LEVEL = rows(("", ""))
MIXED = rows(("南京市", ""), ("无锡市", ""))


# (actor, rows, allowed)
UPLOADS = [
    (ADMIN, MIXED, True), (ADMIN, PROVINCE_LEVEL, True),
    (PROVINCE_REPORTER, MIXED, True), (PROVINCE_REPORTER, PROVINCE_LEVEL, True),
    (NJ_REPORTER, NJ_CITY, True), (NJ_REPORTER, GC_COUNTY, True), (NJ_REPORTER, WX_CITY, False),
    (NJ_REPORTER, MIXED, False), (NJ_REPORTER, PROVINCE_LEVEL, False),
    (GC_REPORTER, GC_COUNTY, True), (GC_REPORTER, NJ_CITY, False),
    (NJ_REVIEWER, GC_COUNTY, True), (WX_REVIEWER, NJ_CITY, False),
    (VIEWER, NJ_CITY, False), (ANONYMOUS, NJ_CITY, False),
]


@pytest.mark.parametrize("actor, facts, allowed", UPLOADS,
                         ids=[f"{a.name or 'anonymous'}-{i}" for i, (a, _f, _ok) in enumerate(UPLOADS)])
def test_upload_within_role_and_unit(store, actor, facts, allowed):
    result = make_result(facts)
    if allowed:
        outcome = store.import_result(result, b"file", actor=actor)
        assert store.uploads().set_index("id").at[outcome.upload_id, "uploader"] == actor.name  # never typed text
        assert store.audit_entries(action="upload")["outcome"].tolist() == ["ok"]
    else:
        with pytest.raises(PermissionRefused) as refused:
            store.import_result(result, b"file", actor=actor)
        assert store.uploads().empty and store.active_facts().empty  # nothing stored
        assert "未作任何更改" in refused.value.zh and "nothing was changed" in refused.value.en
        assert store.audit_entries(action="upload")["outcome"].tolist() == ["refused"]


def test_an_out_of_scope_refusal_names_the_rows_and_units(store):
    with pytest.raises(PermissionRefused) as refused:
        store.import_result(make_result(MIXED), b"file", actor=NJ_REPORTER)
    assert "南京市以外" in refused.value.zh and "第 3 行（无锡市）" in refused.value.zh
    assert "outside Nanjing" in refused.value.en and "row 3 (Wuxi)" in refused.value.en


# (actor, whose upload, its rows, may undo/redo, may download)
CHANGES = [
    (NJ_REPORTER, NJ_REPORTER, NJ_CITY, True, True),  # own upload
    (NJ_REPORTER_2, NJ_REPORTER, NJ_CITY, False, False),  # a colleague's: a reporter only its own
    (NJ_REVIEWER, NJ_REPORTER, NJ_CITY, True, True),  # a reviewer: every upload within its unit
    (NJ_REVIEWER, GC_REPORTER, GC_COUNTY, True, True),  # its counties too
    (GC_REPORTER, NJ_REPORTER, NJ_CITY, False, False),
    (WX_REVIEWER, NJ_REPORTER, NJ_CITY, False, False),  # another city
    (NJ_REVIEWER, ADMIN, MIXED, False, False),  # an upload reaching beyond its unit
    (ADMIN, NJ_REPORTER, NJ_CITY, True, True),  # every upload
    (VIEWER, NJ_REPORTER, NJ_CITY, False, False),
    (ANONYMOUS, NJ_REPORTER, NJ_CITY, False, False),
]


@pytest.mark.parametrize("actor, owner, facts, may_change, may_download", CHANGES,
                         ids=[f"{a.name or 'anonymous'}-on-{o.name}-{i}" for i, (a, o, _f, _c, _d) in enumerate(CHANGES)])
def test_undo_redo_and_download_within_role_and_unit(store, actor, owner, facts, may_change, may_download):
    upload_id = store.import_result(make_result(facts), b"file", actor=owner).upload_id
    assert store.may_act_on(actor, upload_id, "undo") == may_change
    assert store.may_act_on(actor, upload_id, "download") == may_download
    if may_change:
        store.undo(upload_id, actor=actor)
        assert store.active_facts().empty
        store.redo(upload_id, actor=actor)
        assert not store.active_facts().empty
        assert store.audit_entries(user=actor.name)["action"].tolist()[:2] == ["redo", "undo"]
    else:
        with pytest.raises(PermissionRefused):
            store.undo(upload_id, actor=actor)
        assert not store.active_facts().empty  # still in effect
        assert store.audit_entries(action="undo")["outcome"].tolist() == ["refused"]
    if may_download:
        assert store.upload_content(upload_id, actor=actor) == ("test.xlsx", b"file")
        assert store.audit_entries(action="download")["outcome"].tolist() == ["ok"]
    else:
        with pytest.raises(PermissionRefused):
            store.upload_content(upload_id, actor=actor)


@pytest.mark.parametrize("actor, allowed", [(ADMIN, True), (NJ_REVIEWER, False), (NJ_REPORTER, False), (VIEWER, False)])
def test_aliases_users_and_the_demo_are_for_admins(store, actor, allowed):
    if allowed:
        store.add_alias("宣贯高压客户（户）", "customers_informed", actor=actor)
        store.remove_alias("宣贯高压客户（户）", actor=actor)
        store.add_user(actor, "new", "新人", "viewer", "", PASSWORD)
        remove_demo(store, actor=actor)
        assert {"alias_add", "alias_remove", "user_add", "demo_remove"} <= set(store.audit_entries(user=actor.name)["action"])
        return
    for attempt in (lambda: store.add_alias("宣贯高压客户（户）", "customers_informed", actor=actor),
                    lambda: store.add_user(actor, "new", "新人", "viewer", "", PASSWORD),
                    lambda: store.set_role(actor, "nj", "admin", ""),
                    lambda: remove_demo(store, actor=actor)):
        with pytest.raises(PermissionRefused):
            attempt()
    assert store.aliases().empty and "new" not in set(store.users()["name"])
    assert store.account("nj").role == "reporter"


def test_passwords_are_argon2id_hashes_never_clear(store, store_url):
    with store.engine.connect() as conn:
        hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    if store_url.startswith("sqlite"):
        assert PASSWORD.encode() not in open(store_url.split("///", 1)[1], "rb").read()
    assert "password_hash" not in store.users().columns


def test_login_right_wrong_and_unknown_names_say_the_same(store):
    assert store.authenticate("nj", PASSWORD, client="10.0.0.1") == NJ_REPORTER
    for name, password in (("nj", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(LoginRefused) as refused:
            store.authenticate(name, password)
        assert refused.value.reason == "wrong" and refused.value.en == "The account name or password is wrong."
    entries = store.audit_entries()
    assert entries["action"].tolist() == ["login_failed", "login_failed", "login", *["user_add"] * 8]
    assert entries["client"].tolist()[2] == "10.0.0.1"


def test_five_failures_in_15_minutes_lock_the_account_for_15_minutes(store):
    for _ in range(5):
        with pytest.raises(LoginRefused):
            store.authenticate("nj", "wrong password")
    with pytest.raises(LoginRefused) as refused:
        store.authenticate("nj", PASSWORD)  # even the right password, while locked
    assert refused.value.reason == "locked" and "locked" in refused.value.en
    with store.engine.begin() as conn:  # 15 minutes later
        conn.execute(update(users).where(users.c.name == "nj")
                     .values(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert store.authenticate("nj", PASSWORD).name == "nj"


def test_failures_spread_beyond_15_minutes_do_not_lock(store):
    for _ in range(4):
        with pytest.raises(LoginRefused):
            store.authenticate("nj", "wrong password")
    with store.engine.begin() as conn:  # those four were 16 minutes ago
        conn.execute(update(audit_log).values(at=datetime.now(timezone.utc) - timedelta(minutes=16)))
    with pytest.raises(LoginRefused) as refused:
        store.authenticate("nj", "wrong password")
    assert refused.value.reason == "wrong"
    assert store.authenticate("nj", PASSWORD).name == "nj"


def test_a_disabled_account_cannot_log_in_and_its_sessions_end(store):
    token = store.start_session("nj")
    assert store.session_actor(token) == NJ_REPORTER
    store.set_active(operator(), "nj", False)
    assert store.session_actor(token) is None and store.account("nj") is None
    with pytest.raises(LoginRefused) as refused:
        store.authenticate("nj", PASSWORD)
    assert refused.value.reason == "disabled"
    store.set_active(operator(), "nj", True)
    assert store.authenticate("nj", PASSWORD).name == "nj"


def test_sessions_end_on_logout_and_after_8_idle_hours(store):
    token = store.start_session("nj")
    assert store.session_actor(token) == NJ_REPORTER
    store.end_session(token)
    assert store.session_actor(token) is None
    assert store.audit_entries(action="logout")["actor"].tolist() == ["nj"]
    idle = store.start_session("nj")
    with store.engine.begin() as conn:
        conn.execute(update(sessions).values(last_seen=datetime.now(timezone.utc) - timedelta(hours=8, minutes=1)))
    assert store.session_actor(idle) is None
    assert store.session_actor("forged-token") is None
    with store.engine.connect() as conn:  # only the token's hash is kept
        assert idle not in conn.execute(select(sessions.c.token_sha256)).scalars().all()


def test_the_last_admin_cannot_be_disabled_or_demoted(store):
    with pytest.raises(StoreError):
        store.set_active(operator(), "boss", False)
    with pytest.raises(StoreError):
        store.set_role(operator(), "boss", "viewer", "")
    assert store.account("boss").role == "admin"


def test_the_first_admin_comes_from_a_one_time_setup_link(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'first.db'}")
    assert store.needs_setup()
    token = store.create_setup_token()
    admin = store.use_setup_token(token, "chief", "总管理员", PASSWORD)
    assert admin.role == "admin" and not store.needs_setup()
    with pytest.raises(StoreError):
        store.use_setup_token(token, "other", "另一个", PASSWORD)  # used
    with pytest.raises(StoreError):
        store.use_setup_token("made-up", "other", "另一个", PASSWORD)
    assert set(store.users()["name"]) == {"chief"}


def test_roles_table_and_command_line_choices_agree():
    assert tuple(load_roles()) == ROLE_CHOICES


@pytest.mark.parametrize("text, adcode", [("南京", NANJING), ("南京市", NANJING), ("320100", NANJING),
                                         ("高淳区", GAOCHUN), ("", ""), ("江苏省", "")])
def test_units_as_typed(text, adcode):
    assert resolve_unit(load_catalog(), text) == adcode


# ---- command line --------------------------------------------------------------------------------------------
def run(*args: str, stdin: str = "") -> Ran:
    """`python -m store ARGS`: its main() in process (tests/test_store_cli.py runs each command as a process)."""
    return run_main(main, *args, stdin=stdin)


def test_command_line_accounts_and_as(tmp_path, monkeypatch):
    from tests.fixtures.make_levels import PROVINCE_FILE

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert run("user", "add", "nj", "--role", "reporter", "--unit", "南京", "--password-stdin",
               stdin=PASSWORD + "\n").returncode == 0
    listed = run("user", "list", "--format", "csv").stdout
    assert "nj,nj,reporter,320100,南京市,True," in listed and "argon2" not in listed and PASSWORD not in listed
    refused = run("import", str(PROVINCE_FILE), "--as", "nj", "--lang", "en")
    assert refused.returncode == 1 and "outside Nanjing" in refused.stderr and "row 5 (Wuxi)" in refused.stderr
    assert run("import", str(PROVINCE_FILE)).returncode == 0  # the operator: an admin
    assert run("undo", "1", "--as", "nj").returncode == 1  # not its upload
    assert run("undo", "1", "--as", "nobody").returncode == 2  # no such account
    assert run("user", "disable", "nj").returncode == 0
    assert run("import", str(PROVINCE_FILE), "--as", "nj").returncode == 2  # disabled: no such active account
    audit = run("audit", "--format", "csv", "--action", "upload").stdout.splitlines()
    assert audit[0] == "at,actor,action,target,outcome,client,detail"
    assert [line.split(",")[4] for line in audit[1:]] == ["ok", "refused"]
    assert run("user", "add", "x", "--role", "viewer").returncode == 2  # no terminal for the password
