"""webauth.py: the signed session cookie, the secret key file, and the /auth routes (a fake store, TestClient)."""
from __future__ import annotations

import os
import re
import stat

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import webauth
from settings import get_settings
from store import StoreError

SECRET = "test-secret"


class Refused(StoreError):
    def __init__(self, reason: str):
        super().__init__("用户名或密码错误", "wrong user name or password" if reason != "locked" else "locked for 15 minutes")
        self.reason = reason


class FakeActor:
    def __init__(self, name: str):
        self.name = name


class FakeStore:
    """What the routes ask of Store: authenticate, sessions, set-up tokens."""

    def __init__(self, setup: bool = False):
        self.setup = setup
        self.passwords = {"nj": "right-password", "gone": "right-password"}
        self.sessions: dict[str, str] = {}
        self.ended: list[str] = []
        self.tokens = {"T0KEN"} if setup else set()

    def authenticate(self, name, password, client=""):
        if name == "locked":
            raise Refused("locked")
        if name == "gone":
            raise Refused("disabled")
        if self.passwords.get(name) != password:
            raise Refused("wrong")
        return FakeActor(name)

    def start_session(self, name, client=""):
        token = f"session-{len(self.sessions)}"
        self.sessions[token] = name
        return token

    def end_session(self, token, client=""):
        self.ended.append(token)

    def needs_setup(self):
        return self.setup

    def use_setup_token(self, token, name, display_name, password, client=""):
        if token not in self.tokens:
            raise StoreError("设置链接无效", "unknown set-up link")
        self.tokens.discard(token)
        self.setup = False
        self.passwords[name] = password
        return FakeActor(name)


def client_for(store: FakeStore) -> TestClient:
    app = Starlette(routes=webauth.auth_routes(lambda: store, lambda: SECRET))
    return TestClient(app, follow_redirects=False)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def login(client: TestClient, name: str, password: str):
    form = client.get("/auth/login")
    return client.post("/auth/login", data={"csrf": csrf_of(form.text), "name": name, "password": password})


# ---- the cookie -----------------------------------------------------------------------------------------
def test_a_signed_session_cookie_gives_back_its_token():
    assert webauth.session_token(webauth.sign_session("abc", SECRET), SECRET) == "abc"


@pytest.mark.parametrize("cookie", [
    None, "", "abc", "abc.def",
    webauth.sign_session("abc", "another-secret"),
    webauth.sign_session("abc", SECRET)[:-1] + "x",
    "ImFiZCI." + webauth.sign_session("abc", SECRET).split(".")[1],  # another token under abc's signature
    webauth.sign_session("abc", SECRET).replace(webauth.sign_session("abc", SECRET).split(".")[0], "ImFkbWluIg"),
])
def test_a_tampered_or_foreign_cookie_gives_no_token(cookie):
    assert webauth.session_token(cookie, SECRET) is None


def test_the_secret_comes_from_kpi_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("KPI_SECRET_KEY", "from-env")
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path))
    assert webauth.secret_key(get_settings()) == "from-env"
    assert not (tmp_path / webauth.SECRET_FILE).exists()


def test_without_kpi_secret_key_one_is_generated_once_into_var_with_mode_0600(monkeypatch, tmp_path):
    monkeypatch.delenv("KPI_SECRET_KEY", raising=False)
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path / "var"))
    first = webauth.secret_key(get_settings())
    path = tmp_path / "var" / webauth.SECRET_FILE
    assert len(first) >= 40 and path.read_text() == first
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert webauth.secret_key(get_settings()) == first  # a restart keeps the key, so logins survive it
    assert [p.name for p in (tmp_path / "var").iterdir()] == [webauth.SECRET_FILE]  # no draft left behind


def test_a_key_made_by_another_server_meanwhile_is_kept(monkeypatch, tmp_path):
    """The file is linked into place: a second server starting at once reads the first one's key."""
    monkeypatch.delenv("KPI_SECRET_KEY", raising=False)
    monkeypatch.setenv("KPI_VAR_DIR", str(tmp_path))
    real_link = os.link

    def racing_link(source, target):
        (tmp_path / webauth.SECRET_FILE).write_text("the-other-servers-key")
        return real_link(source, target)

    monkeypatch.setattr(os, "link", racing_link)
    assert webauth.secret_key(get_settings()) == "the-other-servers-key"


# ---- the routes -----------------------------------------------------------------------------------------
def test_the_login_form_is_self_contained_and_bilingual():
    page = client_for(FakeStore()).get("/auth/login")
    assert page.status_code == 200
    assert "登录 / Log in" in page.text and "用户名 / User name" in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text)  # nothing from outside
    assert "<script" not in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert "首次使用" not in page.text


def test_the_login_page_points_to_the_console_while_no_admin_exists():
    page = client_for(FakeStore(setup=True)).get("/auth/login")
    assert "首次使用：请查看服务器控制台中的设置链接 / First start: see the set-up link in the server console" in page.text


def test_a_right_password_sets_a_signed_httponly_samesite_lax_cookie_and_goes_home():
    store = FakeStore()
    client = client_for(store)
    response = login(client, "nj", "right-password")
    assert response.status_code == 303 and response.headers["location"] == "/"
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith(webauth.COOKIE_NAME + "=")]
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes and "path=/" in attributes
    value = cookie.split(";")[0].split("=", 1)[1].strip('"')
    token = webauth.session_token(value, SECRET)
    assert store.sessions[token] == "nj"
    assert token not in value.split(".")[-1]  # the signature is not the token


def test_logging_in_again_ends_the_browsers_earlier_session():
    store = FakeStore()
    client = client_for(store)
    login(client, "nj", "right-password")
    [first] = store.sessions
    login(client, "nj", "right-password")
    assert store.ended == [first] and len(store.sessions) == 2


@pytest.mark.parametrize("name, password", [("nj", "wrong"), ("nobody", "right-password"), ("gone", "right-password")])
def test_a_refused_login_says_the_same_whatever_the_name(name, password):
    response = login(client_for(FakeStore()), name, password)
    assert response.status_code == 401
    assert "用户名或密码不正确。 / Wrong user name or password." in response.text
    assert webauth.COOKIE_NAME + "=" not in response.headers.get("set-cookie", "")


def test_a_locked_account_is_told_so():
    response = login(client_for(FakeStore()), "locked", "x")
    assert response.status_code == 401 and "locked for 15 minutes" in response.text


def test_the_name_typed_is_shown_back_escaped():
    response = login(client_for(FakeStore()), '"><script>alert(1)</script>', "x")
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text


@pytest.mark.parametrize("csrf", ["", "forged", None])
def test_a_post_without_the_forms_token_is_refused(csrf):
    store = FakeStore()
    client = client_for(store)
    client.get("/auth/login")
    data = {"name": "nj", "password": "right-password"} | ({} if csrf is None else {"csrf": csrf})
    response = client.post("/auth/login", data=data)
    assert response.status_code == 400 and not store.sessions


def test_a_token_from_another_browser_is_refused():
    """A cross-site form can copy a token but not the form cookie it belongs to (SameSite=Strict)."""
    store = FakeStore()
    token = csrf_of(client_for(store).get("/auth/login").text)
    other = client_for(store)
    other.get("/auth/login")  # its own form cookie, another nonce
    response = other.post("/auth/login", data={"csrf": token, "name": "nj", "password": "right-password"})
    assert response.status_code == 400 and not store.sessions


def test_logout_asks_then_ends_the_session_and_clears_the_cookie():
    store = FakeStore()
    client = client_for(store)
    login(client, "nj", "right-password")
    [token] = store.sessions
    page = client.get("/auth/logout")
    assert page.status_code == 200 and not store.ended  # a link alone logs nobody out
    response = client.post("/auth/logout", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert store.ended == [token]
    cleared = [c for c in response.headers.get_list("set-cookie") if c.startswith(webauth.COOKIE_NAME + "=")]
    assert cleared and ("max-age=0" in cleared[0].lower() or "expires=thu, 01 jan 1970" in cleared[0].lower())


def test_the_setup_link_creates_the_first_admin_and_logs_in():
    store = FakeStore(setup=True)
    client = client_for(store)
    page = client.get("/auth/setup", params={"token": "T0KEN"})
    assert page.status_code == 200 and "创建第一个管理员" in page.text
    response = client.post("/auth/setup", data={"csrf": csrf_of(page.text), "token": "T0KEN", "name": "admin",
                                                 "display_name": "管理员", "password": "s3cret-pass",
                                                 "password2": "s3cret-pass"})
    assert response.status_code == 303 and list(store.sessions.values()) == ["admin"]
    again = client.get("/auth/setup", params={"token": "T0KEN"})
    assert again.status_code == 404 and "已使用" in again.text


def test_the_setup_form_refuses_differing_passwords_and_unknown_tokens():
    store = FakeStore(setup=True)
    client = client_for(store)
    page = client.get("/auth/setup", params={"token": "T0KEN"})
    base = {"csrf": csrf_of(page.text), "name": "admin", "display_name": "", "password": "a-password"}
    assert client.post("/auth/setup", data={**base, "token": "T0KEN", "password2": "other"}).status_code == 400
    page = client.get("/auth/setup", params={"token": "T0KEN"})
    refused = client.post("/auth/setup", data={**base, "csrf": csrf_of(page.text), "token": "guess",
                                               "password2": "a-password"})
    assert refused.status_code == 400 and "unknown set-up link" in refused.text and not store.sessions


@pytest.mark.parametrize("address, link", [
    ("localhost", "http://localhost:8501/auth/setup?token=a%2Bb"),
    ("", "http://localhost:8501/auth/setup?token=a%2Bb"),
    ("0.0.0.0", "http://localhost:8501/auth/setup?token=a%2Bb"),
    ("10.0.0.5", "http://10.0.0.5:8501/auth/setup?token=a%2Bb"),
    ("fe80::1", "http://[fe80::1]:8501/auth/setup?token=a%2Bb"),
])
def test_the_setup_link(address, link):
    assert webauth.setup_link("a+b", address, 8501) == link


def test_the_console_shows_the_setup_link_in_both_languages(capsys):
    from webapp import announce_setup_link

    class NewStore:
        def needs_setup(self):
            return True

        def create_setup_token(self):
            return "a+b"

    assert announce_setup_link(NewStore(), "localhost", 8501) == "http://localhost:8501/auth/setup?token=a%2Bb"
    assert capsys.readouterr().out == ("\n  首次使用：打开此链接创建第一个管理员（仅可使用一次）\n"
                                       "  First start: open this link to create the first administrator (works once):\n\n"
                                       "  http://localhost:8501/auth/setup?token=a%2Bb\n\n")  # print ends the line too
