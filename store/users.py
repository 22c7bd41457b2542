"""The store's accounts, sessions, set-up links and audit log (issue 10), as methods of Store (AccountsMixin).

Passwords: Argon2id hashes (argon2-cffi's PasswordHasher, whose default type is Argon2id); a wrong name costs
the same verification as a wrong password. Lockout: lockout_attempts failed logins within lockout_minutes lock
the account for lockout_minutes. The audit log is append-only: nothing here updates or deletes its rows.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, insert, select, update

from catalog import load_catalog
from i18n import both
from settings import get_settings
from store.accounts import ADMIN, NAME_MAX, PROVINCE_UNIT, Actor, load_roles
from store.errors import LoginRefused, PermissionRefused, StoreError
from store.errors import database_failure as _database_failure
from store.schema import AUDIT_TARGET_MAX, EMAIL_MAX, audit_log, sessions, setup_tokens, users

HASHER = PasswordHasher()  # Argon2id, argon2-cffi's recommended parameters


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against for unknown names (equal timing); hashed on the first login, not at import (a server start)."""
    return HASHER.hash("not a password of anyone")


PASSWORD_MIN = 8
SESSION_TOUCH = timedelta(minutes=1)  # a session's last_seen is written at most this often
AUDIT_COLUMNS = ["at", "actor", "action", "target", "outcome", "client", "detail"]
USER_COLUMNS = ["name", "display_name", "role", "unit", "active", "created_at", "changed_at", "locked_until", "email"]
# one address: a local part of RFC 5322 atext (dots between), @, a domain of letter/digit/hyphen labels. No space,
# comma, semicolon, angle bracket, quote or line break can pass, so an address never adds a header or a recipient.
_EMAIL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _utc(value) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def check_password(password: str) -> None:
    """Raises StoreError unless the password is usable: at least PASSWORD_MIN characters, no NUL."""
    if len(password) < PASSWORD_MIN or "\x00" in password:
        raise StoreError.of("store.password_short", minimum=PASSWORD_MIN)


def check_name(name: str, what: str = "store.name_account") -> str:
    """An account or display name (`what`: store.name_account or store.name_display), stripped; StoreError when
    empty, too long or holding control characters."""
    text = name.strip()
    if not text or len(text) > NAME_MAX or any(ord(ch) < 32 for ch in text) or text.startswith("os:"):
        raise StoreError.of("store.name_unusable", what=both(what), name=text[:40], limit=NAME_MAX)
    return text


def check_email(address: str) -> str:
    """One e-mail address as stored: stripped, its domain lower-cased ('' stays '': no address). StoreError for
    anything else than one plain address (two addresses, a display name, a space, a line break, a comma)."""
    text = (address or "").strip()
    if not text:
        return ""
    if len(text) > EMAIL_MAX or not _EMAIL.fullmatch(text) or len(text.partition("@")[0]) > 64:
        shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text[:60])  # a line break visible
        raise StoreError.of("remind.email_unusable", address=shown)
    local, _, domain = text.partition("@")
    return f"{local}@{domain.lower()}"


def refuse(actor: Actor, action: str, en: str | None = None, **values: object) -> PermissionRefused:
    """The refusal of an action the actor may not take: `action` a store.act_* key filled with `values` or, with
    `en`, the action in Chinese."""
    named = (action, en) if en is not None else both(action, **values)
    who = (actor.display_name, actor.display_name) if actor.display_name else both("store.anonymous")
    return PermissionRefused.of("store.refused", who=who, role=(actor.role_label("zh"), actor.role_label("en")),
                                action=named)


class AccountsMixin:
    """Accounts, login sessions, set-up links and the audit log; mixed into store.core.Store (self.engine)."""

    # ---- audit -------------------------------------------------------------------------------------------
    def record(self, actor: Actor, action: str, target: str = "", outcome: str = "ok", client: str = "",
               detail: str = "", conn=None) -> None:
        """Append one entry to the audit log (in `conn`'s transaction when given, else in its own)."""
        values = dict(at=_now(), actor=actor.name[:NAME_MAX], action=action[:40], target=str(target)[:AUDIT_TARGET_MAX],
                      outcome=outcome[:20], client=(client or "")[:100], detail=detail)
        if conn is not None:
            conn.execute(insert(audit_log).values(**values))
            return
        with _database_failure("store.what_audit"), self.engine.begin() as own:
            own.execute(insert(audit_log).values(**values))

    def audit_entries(self, start: datetime | None = None, end: datetime | None = None, user: str | None = None,
                      action: str | None = None) -> pd.DataFrame:
        """The audit log, newest first, filtered by time (UTC), actor name and action."""
        query = select(*[audit_log.c[name] for name in AUDIT_COLUMNS]).order_by(audit_log.c.id.desc())
        if start is not None:
            query = query.where(audit_log.c.at >= start)
        if end is not None:
            query = query.where(audit_log.c.at <= end)
        if user:
            query = query.where(audit_log.c.actor == user)
        if action:
            query = query.where(audit_log.c.action == action)
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        return frame

    # ---- accounts ----------------------------------------------------------------------------------------
    def users(self) -> pd.DataFrame:
        """Every account (never its password hash), by name."""
        query = select(*[users.c[name] for name in USER_COLUMNS]).order_by(users.c.name)
        with self.engine.connect() as conn:
            frame = pd.read_sql(query, conn)
        for column in ("created_at", "changed_at", "locked_until"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        frame["active"] = frame["active"].astype(bool)
        return frame

    def account(self, name: str) -> Actor | None:
        """The active account of that name as an Actor, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users.c.name, users.c.display_name, users.c.role, users.c.unit)
                               .where((users.c.name == name) & users.c.active)).first()
        return None if row is None else Actor(row.name, row.display_name or row.name, row.role, row.unit)

    def needs_setup(self) -> bool:
        """Whether no active admin exists (the first start: a set-up link creates one)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users)
                                .where((users.c.role == ADMIN) & users.c.active)).scalar_one() == 0

    def add_user(self, actor: Actor, name: str, display_name: str, role: str, unit: str, password: str,
                 client: str = "", email: str = "") -> Actor:
        """Create an account (admins only). unit: an adcode ('' = the province); email: its address for reminders
        ('' = none). Returns the new account."""
        if not actor.can("manage_users"):
            self.record(actor, "user_add", name, "refused", client)
            raise refuse(actor, "store.act_add_user")
        new = self._checked_account(name, display_name, role, unit)
        email = check_email(email)
        check_password(password)
        digest = HASHER.hash(password)
        with _database_failure("store.what_account", name=new.name), self.engine.begin() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == new.name)).first() is not None:
                raise StoreError.of("store.account_exists", name=new.name)
            conn.execute(insert(users).values(name=new.name, display_name=new.display_name, role=new.role,
                                              unit=new.unit, active=True, password_hash=digest, created_at=_now(),
                                              email=email))
            self.record(actor, "user_add", new.name, client=client, conn=conn,
                        detail=f"role={new.role} unit={new.unit}" + (f" email={email}" if email else ""))
        return new

    def set_active(self, actor: Actor, name: str, active: bool, client: str = "") -> None:
        """Disable or enable an account (admins only); a disabled account cannot log in, its sessions end."""
        action = "user_enable" if active else "user_disable"
        self._change_user(actor, name, action, client, active=active)
        if not active:
            with self.engine.begin() as conn:
                conn.execute(update(sessions).where((sessions.c.user_name == name) & sessions.c.ended_at.is_(None))
                             .values(ended_at=_now()))

    def set_password(self, actor: Actor, name: str, password: str, client: str = "") -> None:
        """Set an account's password (admins, or the account itself); clears a lockout."""
        check_password(password)
        self._change_user(actor, name, "user_password", client, own_allowed=True,
                          password_hash=HASHER.hash(password), locked_until=None)

    def set_email(self, actor: Actor, name: str, email: str, client: str = "") -> str:
        """Set (or, with '', clear) an account's e-mail address (admins, or the account itself); returns it stored."""
        email = check_email(email)
        self._change_user(actor, name, "user_email", client, own_allowed=True, detail=f"email={email}", email=email)
        return email

    def set_role(self, actor: Actor, name: str, role: str, unit: str, client: str = "") -> None:
        """Change an account's role and unit (admins only)."""
        checked = self._checked_account(name, name, role, unit)
        self._change_user(actor, name, "user_role", client, detail=f"role={checked.role} unit={checked.unit}",
                          role=checked.role, unit=checked.unit)

    def _change_user(self, actor: Actor, name: str, action: str, client: str, own_allowed: bool = False,
                     detail: str = "", **values) -> None:
        if not (actor.can("manage_users") or (own_allowed and actor.name == name and actor.name)):
            self.record(actor, action, name, "refused", client)
            raise refuse(actor, "store.act_change_user")
        with _database_failure("store.what_account", name=name), self.engine.begin() as conn:
            was = conn.execute(select(users.c.role, users.c.active).where(users.c.name == name)).first()
            if was is None:
                raise StoreError.of("store.no_account", name=name)
            conn.execute(update(users).where(users.c.name == name).values(changed_at=_now(), **values))
            demoted = values.get("role") not in (None, ADMIN) or values.get("active") is False
            if was.role == ADMIN and was.active and demoted:
                admins = conn.execute(select(func.count()).select_from(users)
                                      .where((users.c.role == ADMIN) & users.c.active)).scalar_one()
                if admins == 0:  # rolled back with the change
                    raise StoreError.of("store.last_admin")
            self.record(actor, action, name, client=client, detail=detail, conn=conn)

    @staticmethod
    def _checked_account(name: str, display_name: str, role: str, unit: str) -> Actor:
        text = check_name(name)
        display = check_name(display_name or text, "store.name_display")
        if role not in load_roles():
            raise StoreError.of("store.no_role", role=role, roles="、".join(load_roles()),
                                roles_en=", ".join(load_roles()))
        if unit != PROVINCE_UNIT and unit not in load_catalog().regions:
            raise StoreError.of("store.no_unit", unit=unit)
        return Actor(text, display, role, unit)

    # ---- login -------------------------------------------------------------------------------------------
    def authenticate(self, name: str, password: str, client: str = "") -> Actor:
        """The account, if the password is right; raises LoginRefused (wrong, locked, disabled), audited either way."""
        settings = get_settings()
        now = _now()
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name.strip())).first()
        anyone = Actor(name.strip()[:NAME_MAX], name.strip()[:NAME_MAX], "viewer")
        locked_until = _utc(row.locked_until) if row is not None else None
        if locked_until is not None and locked_until > now:
            HASHER.verify(_dummy_hash(), "not a password of anyone")  # the same cost as any other attempt
            self.record(anyone, "login_locked", anyone.name, "refused", client)
            minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
            raise LoginRefused.of("store.login_locked", "locked", minutes=minutes)
        try:
            HASHER.verify(row.password_hash if row is not None else _dummy_hash(), password)
            good = row is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            good = False
        if not good:
            self._failed_login(anyone, row, client, settings)
            raise LoginRefused.of("store.login_wrong", "wrong")
        if not row.active:
            self.record(anyone, "login_failed", anyone.name, "refused", client, "disabled")
            raise LoginRefused.of("store.login_disabled", "disabled")
        actor = Actor(row.name, row.display_name or row.name, row.role, row.unit)
        if HASHER.check_needs_rehash(row.password_hash):
            with self.engine.begin() as conn:
                conn.execute(update(users).where(users.c.id == row.id).values(password_hash=HASHER.hash(password)))
        self.record(actor, "login", actor.name, client=client)
        return actor

    def _failed_login(self, anyone: Actor, row, client: str, settings) -> None:
        window = _now() - timedelta(minutes=settings.lockout_minutes)
        with self.engine.begin() as conn:
            self.record(anyone, "login_failed", anyone.name, "refused", client, conn=conn)
            if row is None:
                return
            last_login = conn.execute(select(func.max(audit_log.c.at)).where(
                (audit_log.c.action == "login") & (audit_log.c.target == row.name))).scalar()
            since = max(window, _utc(last_login)) if last_login is not None else window
            failures = conn.execute(select(func.count()).select_from(audit_log).where(
                (audit_log.c.action == "login_failed") & (audit_log.c.target == row.name)
                & (audit_log.c.at >= since))).scalar_one()
            if failures >= settings.lockout_attempts:
                until = _now() + timedelta(minutes=settings.lockout_minutes)
                conn.execute(update(users).where(users.c.id == row.id).values(locked_until=until))
                self.record(anyone, "account_locked", row.name, "ok", client, f"until={until.isoformat()}", conn=conn)

    # ---- sessions ----------------------------------------------------------------------------------------
    def start_session(self, name: str, client: str = "") -> str:
        """A new login session of an account: a random token (only its SHA-256 is kept)."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with _database_failure("store.what_login"), self.engine.begin() as conn:
            conn.execute(insert(sessions).values(token_sha256=_sha(token), user_name=name, created_at=now,
                                                 last_seen=now, client=(client or "")[:100]))
        return token

    def session_actor(self, token: str) -> Actor | None:
        """The account of a live session (not ended, not idle past session_hours, still active), else None."""
        if not token:
            return None
        now = _now()
        with self.engine.connect() as conn:
            row = conn.execute(select(sessions.c.id, sessions.c.user_name, sessions.c.last_seen, sessions.c.ended_at)
                               .where(sessions.c.token_sha256 == _sha(token))).first()
        if row is None or row.ended_at is not None:
            return None
        last = _utc(row.last_seen)
        if now - last > timedelta(hours=get_settings().session_hours):
            return None
        actor = self.account(row.user_name)
        if actor is not None and now - last > SESSION_TOUCH:
            with self.engine.begin() as conn:
                conn.execute(update(sessions).where(sessions.c.id == row.id).values(last_seen=now))
        return actor

    def end_session(self, token: str, client: str = "") -> None:
        """Log out: the session ends (audited as logout)."""
        with self.engine.begin() as conn:
            row = conn.execute(select(sessions.c.id, sessions.c.user_name).where(
                (sessions.c.token_sha256 == _sha(token)) & sessions.c.ended_at.is_(None))).first()
            if row is None:
                return
            conn.execute(update(sessions).where(sessions.c.id == row.id).values(ended_at=_now()))
            self.record(Actor(row.user_name, row.user_name, "viewer"), "logout", row.user_name, client=client, conn=conn)

    # ---- first admin -------------------------------------------------------------------------------------
    def create_setup_token(self) -> str:
        """A one-time set-up link's token for the first admin (valid until used; only its SHA-256 is kept)."""
        token = secrets.token_urlsafe(24)
        with _database_failure("store.what_setup"), self.engine.begin() as conn:
            conn.execute(insert(setup_tokens).values(token_sha256=_sha(token), created_at=_now()))
        return token

    def use_setup_token(self, token: str, name: str, display_name: str, password: str, client: str = "") -> Actor:
        """Create the first admin with a set-up token; raises StoreError if the token is unknown or used."""
        new = self._checked_account(name, display_name, ADMIN, PROVINCE_UNIT)
        check_password(password)
        digest = HASHER.hash(password)
        with _database_failure("store.what_setup"), self.engine.begin() as conn:
            row = conn.execute(select(setup_tokens.c.id, setup_tokens.c.used_at)
                               .where(setup_tokens.c.token_sha256 == _sha(token or ""))).first()
            if row is None or row.used_at is not None:
                self.record(Actor(new.name, new.name, "viewer"), "setup", new.name, "refused", client, conn=None)
                raise StoreError.of("store.setup_link_used")
            if conn.execute(select(users.c.id).where(users.c.name == new.name)).first() is not None:
                raise StoreError.of("store.account_exists", name=new.name)
            conn.execute(update(setup_tokens).where(setup_tokens.c.id == row.id).values(used_at=_now(), used_by=new.name))
            conn.execute(insert(users).values(name=new.name, display_name=new.display_name, role=ADMIN,
                                              unit=PROVINCE_UNIT, active=True, password_hash=digest, created_at=_now()))
            self.record(new, "setup", new.name, client=client, detail="first admin", conn=conn)
        return new
