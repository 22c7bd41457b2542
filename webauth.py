"""Log-in over HTTP: the signed session cookie, the server's secret key, and the /auth routes (starlette).

The cookie holds a session's random token (Store.start_session), signed with the server's secret (KPI_SECRET_KEY,
or a key generated once into var/secret_key); the store keeps only the token's SHA-256 and ends idle sessions.
The Streamlit script reads the cookie (ui.current_actor) and asks the store whose session it is.

The forms are small self-contained pages (no outside resources, every text HTML-escaped, both languages). They
are CSRF-safe by a double submit: a random nonce in a SameSite=Strict cookie and, signed and dated, in the form;
a cross-site POST carries no such cookie. This module does not import Streamlit: webapp.py mounts the routes.
"""
from __future__ import annotations

import hashlib
import html
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from i18n import t
from settings import Settings, get_settings

COOKIE_NAME = "kpi_session"
FORM_COOKIE = "kpi_form"  # the CSRF nonce of the forms (double submit)
SECRET_FILE = "secret_key"
FORM_MAX_AGE = 3600  # seconds a form may stay open before it must be reloaded
FIELD_MAX = 200  # characters of a name or password taken from a form
_SESSION_SALT = "kpi-session"
_FORM_SALT = "kpi-form"
# No script, no outside resource, no framing: the pages are static forms posting to themselves.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


# ---- the secret key and the signed cookie ------------------------------------------------------------------
def secret_key(settings: Settings | None = None) -> str:
    """KPI_SECRET_KEY, or else the key in var/secret_key, generated on first use (mode 0600).

    The file appears whole or not at all (written beside it, then hard-linked into place), so two servers
    starting on one disk end up with the same key: the second one's link fails and it reads the first one's.
    """
    settings = settings or get_settings()
    if settings.secret_key:
        return settings.secret_key
    folder = Path(settings.var_dir)
    path = folder / SECRET_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        draft = folder / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(secrets.token_urlsafe(48))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another server made it first: use that one
        finally:
            draft.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SESSION_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def sign_session(token: str, secret: str) -> str:
    """The cookie value for a session token: the token and its HMAC-SHA256 signature."""
    return _serializer(secret).dumps(token)


def session_token(cookie: str | None, secret: str) -> str | None:
    """The session token of a cookie value, or None when it is missing, malformed or its signature is wrong."""
    if not cookie:
        return None
    try:
        token = _serializer(secret).loads(cookie)
    except BadSignature:
        return None
    return token if isinstance(token, str) and token else None


def cookie_token(cookies: Mapping[str, str], secret: str) -> str | None:
    """The session token in a request's cookies (see session_token)."""
    return session_token(cookies.get(COOKIE_NAME), secret)


# ---- CSRF: a nonce in a cookie and, signed and dated, in the form ------------------------------------------
def _form_serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_FORM_SALT, signer_kwargs={"digest_method": hashlib.sha256})


def form_token(nonce: str, secret: str) -> str:
    return _form_serializer(secret).dumps(nonce)


def form_token_ok(token: str | None, nonce: str | None, secret: str) -> bool:
    """Whether a form's token is ours, recent, and made for the nonce in this browser's form cookie."""
    if not token or not nonce:
        return False
    try:
        signed = _form_serializer(secret).loads(token, max_age=FORM_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return False
    return isinstance(signed, str) and secrets.compare_digest(signed, nonce)


# ---- pages --------------------------------------------------------------------------------------------------
def both(key: str, **fields: object) -> str:
    """A text in both languages, '中文 / English', HTML-escaped."""
    zh, en = t(key, "zh", **fields), t(key, "en", **fields)
    return html.escape(zh if zh == en else f"{zh} / {en}")


_STYLE = ("body{font-family:system-ui,'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;background:#f6f7f9;"
          "margin:0;color:#1f2933}main{max-width:26rem;margin:8vh auto;background:#fff;padding:2rem;border-radius:8px;"
          "box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.25rem;margin-top:0}label{display:block;"
          "margin:.9rem 0 .3rem;font-size:.9rem}input[type=text],input[type=password]{width:100%;box-sizing:border-box;"
          "padding:.5rem;font-size:1rem;border:1px solid #b8c0cc;border-radius:4px}button{margin-top:1.2rem;"
          "padding:.55rem 1.2rem;font-size:1rem;background:#00706b;color:#fff;border:0;border-radius:4px;"
          "cursor:pointer}.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px}"
          ".note{background:#eef6ff;padding:.6rem;border-radius:4px;font-size:.9rem}a{color:#00706b}")


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    document = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<meta name="referrer" content="no-referrer"><title>{title}</title><style>{_STYLE}</style></head>'
                f'<body><main><h1>{title}</h1>{body}</main></body></html>')
    return HTMLResponse(document, status_code=status, headers=_HEADERS)


def _field(name: str, label_key: str, kind: str = "text", value: str = "", autocomplete: str = "off") -> str:
    return (f'<label for="{name}">{both(label_key)}</label><input id="{name}" name="{name}" type="{kind}" '
            f'value="{html.escape(value)}" maxlength="{FIELD_MAX}" autocomplete="{autocomplete}" required>')


def _form(action: str, token: str, fields: str, button_key: str, extra_hidden: Mapping[str, str] = {}) -> str:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in {"csrf": token, **extra_hidden}.items())
    return f'<form method="post" action="{html.escape(action)}">{hidden}{fields}<button type="submit">{both(button_key)}</button></form>'


def _message(text: str, kind: str = "error") -> str:
    return f'<p class="{kind}" role="alert">{text}</p>' if text else ""


def _with_form_cookie(response: Response, nonce: str, request: Request) -> Response:
    response.set_cookie(FORM_COOKIE, nonce, max_age=FORM_MAX_AGE, path="/auth", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def _set_session_cookie(response: Response, token: str, secret: str, request: Request) -> None:
    """The signed session cookie: HttpOnly, SameSite=Lax, for the whole site, ended with the browser session."""
    response.set_cookie(COOKIE_NAME, sign_session(token, secret), path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def _clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def _text(form: Mapping, name: str) -> str:
    value = form.get(name)
    return value[:FIELD_MAX] if isinstance(value, str) else ""


# ---- the routes ---------------------------------------------------------------------------------------------
def auth_routes(get_store: Callable[[], object], get_secret: Callable[[], str] = secret_key) -> list[Route]:
    """GET/POST /auth/login, GET/POST /auth/logout, GET/POST /auth/setup, on the store `get_store()` returns."""

    def login_page(request: Request, secret: str, error: str = "", name: str = "", status: int = 200) -> Response:
        nonce = secrets.token_urlsafe(16)
        store = get_store()
        note = _message(both("login_first_start"), "note") if store.needs_setup() else ""
        fields = (_field("name", "login_name", value=name, autocomplete="username")
                  + _field("password", "login_password", "password", autocomplete="current-password"))
        body = f'{_message(error)}{note}{_form("/auth/login", form_token(nonce, secret), fields, "login_button")}' \
               f'<p><a href="/">{both("login_back")}</a></p>'
        return _with_form_cookie(_page(both("login_title"), body, status), nonce, request)

    async def login(request: Request) -> Response:
        from store.errors import StoreError  # imported on first use: not at server start
        secret = get_secret()
        if request.method == "GET":
            return await run_in_threadpool(login_page, request, secret)
        form = await request.form()
        name, password = _text(form, "name").strip(), _text(form, "password")
        if not form_token_ok(_text(form, "csrf"), request.cookies.get(FORM_COOKIE), secret):
            return await run_in_threadpool(login_page, request, secret, both("form_expired"), name, 400)
        store = get_store()
        client = client_of(request)
        try:
            actor = await run_in_threadpool(store.authenticate, name, password, client)
        except StoreError as refused:  # store.accounts.LoginRefused
            # a locked account says so; otherwise never whether the name exists (a disabled one reads as wrong)
            locked = getattr(refused, "reason", "") == "locked"
            text = html.escape(f"{refused.zh} / {refused.en}") if locked else both("login_wrong")
            return await run_in_threadpool(login_page, request, secret, text, name, 401)
        earlier = cookie_token(request.cookies, secret)
        if earlier:  # logging in again (maybe as someone else) ends this browser's earlier session
            await run_in_threadpool(store.end_session, earlier, client)
        token = await run_in_threadpool(store.start_session, actor.name, client)
        response = RedirectResponse("/", status_code=303)
        _set_session_cookie(response, token, secret, request)
        response.delete_cookie(FORM_COOKIE, path="/auth")
        return response

    async def logout(request: Request) -> Response:
        secret = get_secret()
        if request.method == "GET":  # a confirming form: a link from another site cannot log anyone out
            nonce = secrets.token_urlsafe(16)
            body = _form("/auth/logout", form_token(nonce, secret), "", "logout_button") + \
                f'<p><a href="/">{both("login_back")}</a></p>'
            return _with_form_cookie(_page(both("logout_title"), body), nonce, request)
        form = await request.form()
        if not form_token_ok(_text(form, "csrf"), request.cookies.get(FORM_COOKIE), secret):
            return RedirectResponse("/auth/logout", status_code=303)
        token = cookie_token(request.cookies, secret)
        if token:
            await run_in_threadpool(get_store().end_session, token, client_of(request))
        response = RedirectResponse("/", status_code=303)
        _clear_session_cookie(response, request)
        response.delete_cookie(FORM_COOKIE, path="/auth")
        return response

    def setup_page(request: Request, secret: str, token: str, error: str = "", values: Mapping[str, str] = {},
                   status: int = 200) -> Response:
        nonce = secrets.token_urlsafe(16)
        fields = (_field("name", "setup_name", value=values.get("name", ""), autocomplete="username")
                  + _field("display_name", "setup_display_name", value=values.get("display_name", ""))
                  + _field("password", "login_password", "password", autocomplete="new-password")
                  + _field("password2", "setup_password_again", "password", autocomplete="new-password"))
        body = (f'{_message(error)}<p class="note">{both("setup_intro")}</p>'
                + _form("/auth/setup", form_token(nonce, secret), fields, "setup_button", {"token": token}))
        return _with_form_cookie(_page(both("setup_title"), body, status), nonce, request)

    async def setup(request: Request) -> Response:
        from store.errors import StoreError  # imported on first use: not at server start
        secret = get_secret()
        store = get_store()
        if request.method == "GET":
            token = request.query_params.get("token", "")[:FIELD_MAX]
            if not token or not await run_in_threadpool(store.needs_setup):
                return _page(both("setup_title"), _message(both("setup_not_needed"), "note") +
                             f'<p><a href="/auth/login">{both("login_title")}</a></p>', 404 if token else 400)
            return await run_in_threadpool(setup_page, request, secret, token)
        form = await request.form()
        token = _text(form, "token")
        values = {"name": _text(form, "name").strip(), "display_name": _text(form, "display_name").strip()}
        password = _text(form, "password")
        if not form_token_ok(_text(form, "csrf"), request.cookies.get(FORM_COOKIE), secret):
            return await run_in_threadpool(setup_page, request, secret, token, both("form_expired"), values, 400)
        if password != _text(form, "password2"):
            return await run_in_threadpool(setup_page, request, secret, token, both("setup_mismatch"), values, 400)
        client = client_of(request)
        try:
            actor = await run_in_threadpool(store.use_setup_token, token, values["name"],
                                            values["display_name"] or values["name"], password, client)
        except StoreError as refused:
            return await run_in_threadpool(setup_page, request, secret, token,
                                           html.escape(f"{refused.message('zh')} / {refused.message('en')}"),
                                           values, 400)
        session = await run_in_threadpool(store.start_session, actor.name, client)
        response = RedirectResponse("/", status_code=303)
        _set_session_cookie(response, session, secret, request)
        response.delete_cookie(FORM_COOKIE, path="/auth")
        return response

    return [
        Route("/auth/login", login, methods=["GET", "POST"], name="login"),
        Route("/auth/logout", logout, methods=["GET", "POST"], name="logout"),
        Route("/auth/setup", setup, methods=["GET", "POST"], name="setup"),
    ]


def setup_link(token: str, address: str | None, port: int) -> str:
    """The one-time set-up link printed to the console: http://ADDRESS:PORT/auth/setup?token=…"""
    host = address if address and address not in ("0.0.0.0", "::") else "localhost"
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{port}/auth/setup?token={quote(token)}"
