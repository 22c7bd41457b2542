"""Reminders (催报, #12 item 5): a task's units still to report, whom to remind, the list, the message, e-mails.

A unit is reminded while its status (Store.progress) is not_reported, late or returned. Its reporters are the active
accounts with the reporter role bound to that unit; a county without any is reminded through its city's reporters
(the city company passes it on, as clerks do), marked via_city. Nothing here imports Streamlit.

E-mail goes through KPI_SMTP_URL: smtp://[user:password@]host[:port][?from=ADDRESS&starttls=1], or smtps:// for a
TLS connection (port 465 by default; smtp:// uses 25). One e-mail per unit to its reporters, Chinese above English,
plain UTF-8 text. Each unit's outcome (sent, failed, no address) is kept in the reminders table and the audit log.
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd
from babel.dates import format_date

from catalog import Catalog, load_catalog
from exports.tables import table_xlsx
from i18n import babel_locale, t
from store.accounts import REPORTER, Actor
from store.cycle import (LATE, NOT_REPORTED, RETURNED, Task, Unit, days_after, deadline_end, local_day,
                         resolve_units, unit_of, within)
from store.errors import StoreError
from store.reminding import (CHANNEL_EMAIL, CHANNEL_MESSAGE, OUTCOME_FAILED, OUTCOME_NO_ADDRESS, OUTCOME_OK,
                             ReminderRecord)
from store.users import check_email

REMIND_STATUSES = (NOT_REPORTED, LATE, RETURNED)
SMTP_TIMEOUT = 20  # seconds for connecting to and each exchange with the mail server
LANGS = ("zh", "en")


# ---- who is reminded -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reporter:
    name: str
    display_name: str
    email: str  # '' = none


@dataclass(frozen=True)
class UnitToRemind:
    unit: Unit
    status: str  # not_reported, late or returned
    days_late: int | None  # days past the deadline (now); None before the deadline's end
    deadline: date
    reason: str  # the reviewer's, for a returned unit
    reporters: tuple[Reporter, ...]
    via_city: bool  # a county without reporters of its own: these are its city's

    @property
    def addresses(self) -> list[str]:
        """The reporters' e-mail addresses, each once, in the reporters' order."""
        return list(dict.fromkeys(r.email for r in self.reporters if r.email))


def reporters_by_unit(store) -> dict[str, tuple[Reporter, ...]]:
    """The active reporter accounts of each unit (adcode), by account name."""
    accounts = store.users()
    accounts = accounts[accounts["active"] & (accounts["role"] == REPORTER)]
    found: dict[str, list[Reporter]] = {}
    for row in accounts.itertuples():
        found.setdefault(row.unit or "", []).append(Reporter(row.name, row.display_name or row.name, row.email or ""))
    return {unit: tuple(people) for unit, people in found.items()}


def units_to_remind(store, task: Task, *, actor: Actor | None = None,
                    now: datetime | None = None) -> list[UnitToRemind]:
    """The task's units not reported, late or returned at `now`, in catalog order, with whom to remind; with
    `actor`, only the units within its own (a city's account: its city and counties)."""
    catalog = load_catalog()
    now = now or datetime.now(timezone.utc)
    progress = store.progress(task.id, now=now)
    people = reporters_by_unit(store)
    past = now >= deadline_end(task.deadline)
    found = []
    for row in progress[progress["status"].isin(REMIND_STATUSES)].itertuples():
        unit = unit_of(catalog, row.adcode)
        if actor is not None and not within(actor, catalog, unit):
            continue
        reporters, via_city = people.get(unit.adcode, ()), False
        if not reporters and unit.level == "county":
            city = catalog.city_by_name(unit.city)
            reporters, via_city = (people.get(city.adcode, ()) if city else ()), True
        found.append(UnitToRemind(unit, row.status, days_after(now, task.deadline) if past else None,
                                  task.deadline, row.reason or "", reporters, via_city and bool(reporters)))
    return found


def unit_count(task: Task, actor: Actor | None = None) -> int:
    """How many units the task asks to report (those within the actor's own, with an actor)."""
    catalog = load_catalog()
    return sum(actor is None or within(actor, catalog, unit) for unit in resolve_units(catalog, task.units))


def reminders_kept(store, task: Task, actor: Actor | None = None) -> pd.DataFrame:
    """The reminders kept for a task (Store.reminders_sent), newest first; with `actor`, of units within its own."""
    catalog = load_catalog()
    sent = store.reminders_sent(task.id)
    if actor is None or not actor.scoped:
        return sent
    keep = [code in catalog.regions and within(actor, catalog, unit_of(catalog, code)) for code in sent["unit"]]
    return sent[keep].reset_index(drop=True)


# ---- how a task, a unit and a day are named ----------------------------------------------------------------------
def unit_name(catalog: Catalog, unit: Unit, lang: str) -> str:
    """南京市, 南京市高淳区 (a county with its city: two cities have a 鼓楼区); Nanjing, Nanjing · Gaochun District."""
    region = catalog.regions[unit.adcode]
    if unit.level != "county":
        return region.label(lang)
    city = catalog.city_by_name(unit.city)
    city_text = city.label(lang) if city else unit.city
    return f"{city_text}{region.label(lang)}" if lang == "zh" else f"{city_text} · {region.label(lang)}"


def day_text(day: date, lang: str) -> str:
    """2020年8月7日 / 7 August 2020."""
    return format_date(day, t("remind.day_pattern", lang), locale=babel_locale(lang))


def task_title(task: Task, catalog: Catalog, lang: str) -> str:
    """2020年7月防汛保电 / July 2020 flood prevention and power supply (a quarter: 2020年第3季度…)."""
    start, end = task.period.start, task.period.end
    if start.month == end.month:
        period = format_date(start, t("remind.month_pattern", lang), locale=babel_locale(lang))
    else:
        period = t("remind.quarter", lang, year=start.year, quarter=(start.month - 1) // 3 + 1)
    names = [catalog.campaigns[c].label(lang) if c in catalog.campaigns else c for c in task.campaigns]
    names_text = t("remind.separator", lang).join(names)
    return f"{period}{names_text}" if lang == "zh" else f"{period} {names_text}"


def timing_text(task: Task, now: datetime, lang: str, owed: bool = True) -> str:
    """（已逾期 3 天） / （今天截止） / （距截止还有 5 天）; a past deadline nobody owes anything for: （已过 3 天）."""
    days = days_after(now, task.deadline)
    if days > 0:
        return t("remind.timing_late" if owed else "remind.timing_past", lang, days=days)
    return t("remind.timing_today", lang) if days == 0 else t("remind.timing_left", lang, days=-days)


# ---- the list ----------------------------------------------------------------------------------------------------
def reminders_frame(items: Sequence[UnitToRemind], catalog: Catalog, lang: str) -> pd.DataFrame:
    """The units to remind as a table with labelled columns: unit, level, city, status, days late, deadline,
    reason, reporters (display names), their addresses and a note (reminded through the city; no address)."""
    def note(item: UnitToRemind) -> str:
        notes = []
        if item.via_city:
            city = catalog.city_by_name(item.unit.city)
            notes.append(t("remind.note_via_city", lang, city=city.label(lang) if city else item.unit.city))
        if not item.reporters:
            notes.append(t("remind.note_no_reporter", lang))
        elif not item.addresses:
            notes.append(t("remind.note_no_address", lang))
        return t("store.list_separator", lang).join(notes) if notes else ""

    city_labels = {r.name: r.label(lang) for r in catalog.cities}
    return pd.DataFrame({
        t("remind.col_unit", lang): [catalog.regions[i.unit.adcode].label(lang) for i in items],
        t("remind.col_level", lang): [t(f"cycle.level_{i.unit.level}", lang) for i in items],
        t("remind.col_city", lang): [city_labels.get(i.unit.city, i.unit.city) for i in items],
        t("remind.col_status", lang): [t(f"cycle.status_{i.status}", lang) for i in items],
        t("remind.col_days_late", lang): pd.array([i.days_late for i in items], dtype="Int64"),
        t("remind.col_deadline", lang): [i.deadline for i in items],
        t("remind.col_reason", lang): [i.reason for i in items],
        t("remind.col_reporters", lang): [t("remind.separator", lang).join(r.display_name for r in i.reporters)
                                          for i in items],
        t("remind.col_emails", lang): [", ".join(i.addresses) for i in items],
        t("remind.col_note", lang): [note(i) for i in items],
    })


def about_rows(task: Task, items: Sequence[UnitToRemind], catalog: Catalog, lang: str,
               now: datetime) -> list[tuple[str, str]]:
    """The heading of the downloaded list: the task, its deadline, when the list was made, how many units."""
    as_of = pd.Timestamp(now).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
    return [(t("remind.about_task", lang), f"#{task.id} {task_title(task, catalog, lang)}"),
            (t("remind.about_deadline", lang), day_text(task.deadline, lang) + timing_text(task, now, lang)),
            (t("remind.about_as_of", lang), as_of), (t("remind.about_count", lang), str(len(items)))]


def reminders_xlsx(task: Task, items: Sequence[UnitToRemind], lang: str, now: datetime | None = None) -> bytes:
    """The list as an .xlsx (exports.tables.table_xlsx: headed, formula-safe)."""
    catalog = load_catalog()
    now = now or datetime.now(timezone.utc)
    return table_xlsx(reminders_frame(items, catalog, lang), t("remind.file_name", lang),
                      about_rows(task, items, catalog, lang, now))


# ---- the message to paste ----------------------------------------------------------------------------------------
def reminder_message(task: Task, items: Sequence[UnitToRemind], lang: str, *, sender: str = "",
                     now: datetime | None = None) -> str:
    """A 催报通知 naming the units not reported and the returned ones (with the reasons) and the deadline, as plain
    text to paste into a chat or an e-mail; `sender` signs it (联系人)."""
    catalog = load_catalog()
    now = now or datetime.now(timezone.utc)
    title, today = task_title(task, catalog, lang), day_text(local_day(now), lang)
    if not items:
        return t("remind.msg_nothing", lang, title=title)
    pending = [i for i in items if i.status != RETURNED]
    returned = [i for i in items if i.status == RETURNED]
    lines = [t("remind.msg_greeting", lang),
             t("remind.msg_deadline", lang, title=title, deadline=day_text(task.deadline, lang),
               timing=timing_text(task, now, lang))]
    if pending:
        lines.append(t("remind.msg_pending", lang, today=today, count=len(pending),
                       units=units_text(pending, catalog, lang)))
    if returned:
        reasons: dict[str, list[UnitToRemind]] = {}
        for item in returned:  # one upload returned for many units: its reason once
            reasons.setdefault(_one_line(item.reason), []).append(item)
        named = [units_text(group, catalog, lang) + (t("remind.msg_reason", lang, reason=reason) if reason else "")
                 for reason, group in reasons.items()]
        lines.append(t("remind.msg_returned", lang, count=len(returned),
                       units=t("store.list_separator", lang).join(named)))
    lines.append(t("remind.msg_how", lang))
    if sender:
        lines += ["", t("remind.msg_contact", lang, name=sender)]
    lines.append(today)
    return "\n".join(lines)


def units_text(items: Sequence[UnitToRemind], catalog: Catalog, lang: str) -> str:
    """The units of a message: cities by name, then counties under their city (南京市：玄武区、秦淮区；无锡市：锡山区)."""
    separator = t("remind.separator", lang)
    cities = [catalog.regions[i.unit.adcode].label(lang) for i in items if i.unit.level != "county"]
    counties: dict[str, list[str]] = {}
    for item in items:
        if item.unit.level == "county":
            counties.setdefault(item.unit.city, []).append(catalog.regions[item.unit.adcode].label(lang))
    parts = [separator.join(cities)] if cities else []
    for city, names in counties.items():
        region = catalog.city_by_name(city)
        parts.append(t("remind.city_counties", lang, city=region.label(lang) if region else city,
                       counties=separator.join(names)))
    return t("store.list_separator", lang).join(parts)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# ---- e-mail ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    user: str
    password: str
    sender: str  # the From address
    tls: bool  # smtps://: TLS from the start
    starttls: bool  # smtp:// upgraded with STARTTLS

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"SmtpServer({self.host}:{self.port}, user={self.user!r}, from={self.sender!r})"


def parse_smtp_url(url: str) -> SmtpServer:
    """KPI_SMTP_URL → SmtpServer. StoreError (never quoting the URL, which may hold a password) for anything else
    than smtp:// or smtps:// with a host, a port number, and a usable from address."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
        query = parse_qs(parts.query)
    except ValueError:
        raise StoreError.of("remind.smtp_url_bad") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise StoreError.of("remind.smtp_url_bad")
    tls = parts.scheme == "smtps"
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    sender = (query.get("from") or [""])[0].strip() or (user if "@" in user else f"kpi-dashboard@{parts.hostname}")
    try:
        if "@" in user or query.get("from"):
            sender = check_email(sender)
    except StoreError:
        raise StoreError.of("remind.smtp_url_bad") from None
    starttls = (query.get("starttls") or ["0"])[0].strip().lower() in ("1", "true", "yes", "on")
    return SmtpServer(parts.hostname, port or (465 if tls else 25), user, password, sender, tls, starttls and not tls)


def reminder_email(task: Task, item: UnitToRemind, server: SmtpServer, *, actor: Actor, reply_to: str = "",
                   now: datetime | None = None) -> EmailMessage:
    """One unit's e-mail to its reporters: subject and body in Chinese, then English; plain text in UTF-8."""
    catalog = load_catalog()
    now = now or datetime.now(timezone.utc)
    subjects, bodies = [], []
    for lang in LANGS:
        title, unit = task_title(task, catalog, lang), unit_name(catalog, item.unit, lang)
        deadline = day_text(task.deadline, lang)
        if item.status == RETURNED:
            state, sentence = t("remind.subject_returned", lang), t("remind.mail_returned", lang, unit=unit,
                                                                     reason=_one_line(item.reason))
        elif item.days_late is not None and item.days_late > 0:
            state = t("remind.subject_late", lang, days=item.days_late)
            sentence = t("remind.mail_late", lang, unit=unit, days=item.days_late)
        else:
            state, sentence = (t("remind.subject_pending", lang, deadline=deadline),
                               t("remind.mail_pending", lang, unit=unit))
        subjects.append(t("remind.mail_subject", lang, unit=unit, title=title, state=state))
        names = t("remind.separator", lang).join(r.display_name for r in item.reporters) or unit
        lines = [t("remind.mail_greeting", lang, names=names), "",
                 t("remind.msg_deadline", lang, title=title, deadline=deadline, timing=timing_text(task, now, lang)),
                 sentence]
        if item.via_city:
            city = catalog.city_by_name(item.unit.city)
            lines.append(t("remind.mail_via_city", lang, unit=unit, city=city.label(lang) if city else item.unit.city))
        lines += [t("remind.msg_how", lang), "", t("remind.msg_contact", lang, name=actor.display_name or actor.name),
                  day_text(local_day(now), lang), "", t("remind.mail_footer", lang)]
        bodies.append("\n".join(lines))
    message = EmailMessage()
    message["Subject"] = " / ".join(subjects)
    message["From"] = Address(t("remind.mail_sender", "zh"), addr_spec=server.sender)
    message["To"] = [Address(_display(item, address), addr_spec=address) for address in item.addresses]
    if reply_to:
        message["Reply-To"] = Address(actor.display_name or actor.name, addr_spec=reply_to)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("kpi-remind", domain=server.sender.rpartition("@")[2] or "localhost")
    message.set_content(bodies[0] + "\n\n" + "-" * 40 + "\n\n" + bodies[1] + "\n", charset="utf-8", cte="base64")
    return message


def _display(item: UnitToRemind, address: str) -> str:
    """The name shown beside an address: the reporters' display names having it."""
    return "、".join(r.display_name for r in item.reporters if r.email == address)


@dataclass(frozen=True)
class SendOutcome:
    item: UnitToRemind
    recipients: tuple[str, ...]
    outcome: str  # ok, failed or no_address (store.reminding)
    error: str = ""  # what the mail server or the connection said, for a failure

    def text(self, lang: str) -> str:
        return t(f"remind.outcome_{self.outcome}", lang)


class _Mailer:
    """One connection to the mail server, opened on the first message; a failed connection is not tried again."""

    def __init__(self, server: SmtpServer):
        self.server = server
        self.connection: smtplib.SMTP | None = None
        self.broken: str = ""

    def send(self, message: EmailMessage) -> None:
        if self.broken:
            raise ConnectionError(self.broken)
        if self.connection is None:
            try:
                self.connection = self._connect()
            except (OSError, smtplib.SMTPException) as failure:
                self.broken = _failure_text(failure)
                raise
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.connection = None  # the next message connects again
            raise

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        context = ssl.create_default_context()
        if server.tls:
            connection = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
        try:
            if server.starttls:
                connection.starttls(context=context)
            if server.user:
                connection.login(server.user, server.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


def _failure_text(failure: BaseException) -> str:
    """What went wrong, in one line: the exception's kind and message (no traceback, never the password)."""
    text = " ".join(str(failure).split()) or type(failure).__name__
    return f"{type(failure).__name__}: {text}"[:300]


def send_reminders(store, task: Task, actor: Actor, smtp_url: str, units: Sequence[str] | None = None, *,
                   client: str = "", now: datetime | None = None) -> list[SendOutcome]:
    """E-mail each unit to remind (or those of `units`, adcodes, among them) to its reporters; returns each unit's
    outcome, every one kept in the reminders table and the audit log.

    A unit whose reporters have no address is not e-mailed (outcome no_address); a unit the mail server refuses,
    or that cannot be sent because the server cannot be reached, fails (outcome failed, with the error) and the
    others still go. Raises PermissionRefused unless the actor may manage tasks for every unit, StoreError for a
    KPI_SMTP_URL that cannot be read.
    """
    server = parse_smtp_url(smtp_url)
    now = now or datetime.now(timezone.utc)
    items = units_to_remind(store, task, now=now)
    if units is not None:
        wanted = set(units)
        items = [i for i in items if i.unit.adcode in wanted]
    store.check_remind(actor, task.id, [i.unit.adcode for i in items], client)
    reply_to = _address_of(store, actor)
    mailer, outcomes = _Mailer(server), []
    try:
        for item in items:
            recipients = tuple(item.addresses)
            if not recipients:
                outcome = SendOutcome(item, recipients, OUTCOME_NO_ADDRESS)
            else:
                try:
                    mailer.send(reminder_email(task, item, server, actor=actor, reply_to=reply_to, now=now))
                    outcome = SendOutcome(item, recipients, OUTCOME_OK)
                except (OSError, smtplib.SMTPException, ValueError, MessageError) as failure:
                    # ValueError, MessageError: an address stored before addresses were checked, unusable in a header
                    outcome = SendOutcome(item, recipients, OUTCOME_FAILED, _failure_text(failure))
            store.record_reminders(task.id, [ReminderRecord(item.unit.adcode, CHANNEL_EMAIL, ", ".join(recipients),
                                                            outcome.outcome, outcome.error)], actor, client)
            outcomes.append(outcome)
    finally:
        mailer.close()
    return outcomes


def record_message(store, task: Task, items: Sequence[UnitToRemind], actor: Actor, client: str = "") -> None:
    """Keep that the message was sent to these units (pasted into a chat or a mail by hand)."""
    store.record_reminders(task.id, [ReminderRecord(i.unit.adcode, CHANNEL_MESSAGE,
                                                    ", ".join(r.display_name for r in i.reporters), OUTCOME_OK)
                                     for i in items], actor, client)


def _address_of(store, actor: Actor) -> str:
    accounts = store.users()
    found = accounts.loc[accounts["name"] == actor.name, "email"]
    return str(found.iloc[0]) if len(found) and found.iloc[0] else ""


def outcomes_frame(outcomes: Sequence[SendOutcome], catalog: Catalog, lang: str) -> pd.DataFrame:
    """Each unit's outcome with labelled columns: unit, recipients, outcome, error."""
    return pd.DataFrame({
        t("remind.col_unit", lang): [unit_name(catalog, o.item.unit, lang) for o in outcomes],
        t("remind.col_recipients", lang): [", ".join(o.recipients) for o in outcomes],
        t("remind.col_outcome", lang): [o.text(lang) for o in outcomes],
        t("remind.col_error", lang): [o.error for o in outcomes],
    })


def sent_frame(sent: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """The reminders kept (Store.reminders_sent) with labelled columns, times in China Standard Time."""
    def unit_text(adcode: str) -> str:
        return unit_name(catalog, unit_of(catalog, adcode), lang) if adcode in catalog.regions else adcode

    return pd.DataFrame({
        t("remind.col_at", lang): [pd.Timestamp(s).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")
                                   for s in sent["at"]],
        t("remind.col_unit", lang): [unit_text(u) for u in sent["unit"]],
        t("remind.col_channel", lang): [t(f"remind.channel_{c}", lang) for c in sent["channel"]],
        t("remind.col_recipients", lang): sent["recipients"],
        t("remind.col_actor", lang): sent["actor"],
        t("remind.col_outcome", lang): [t(f"remind.outcome_{o}", lang) for o in sent["outcome"]],
    })
