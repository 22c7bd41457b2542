"""Command line for administrators and scheduled jobs: import, history, undo/redo, totals, demo, column aliases,
reporting tasks, progress and review.

Same code path as the upload page (a bounded parse worker, loaders.isolated → Store.import_result) and the same
DATABASE_URL. Exit codes: 0 done; 1 a file or operation was refused; 2 a file could not be
found or read, the command line / store address is wrong, or the store failed (nothing half-written).
"""
from __future__ import annotations

import argparse
import csv
import getpass
import io
import json
import math
import re
import sys
import unicodedata
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from analytics import Filters, filter_facts, level_inconsistencies, metric_totals, month_end
from catalog import Catalog, load_catalog
from errors import KpiError
from i18n import both, format_counts, format_month, format_value, t
from loaders import LoaderError, Problem
from loaders.isolated import ParsePipeline
from loaders.mapping import IGNORE, header_key
from safetext import escape_terminal, neutralise_formula
from settings import get_settings
from store.arguments import LANG_CHOICES, build_parser, import_defaults
from store.accounts import ADMIN, Actor, operator, resolve_unit
from store.core import Store, StoreError, StoreFailed
from store.plausibility import history_text, reason_text
from store.preview import preview_upload
from store.cycle import SHANGHAI
from store.schema import KIND_TARGETS

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_UNREADABLE = 2
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
UPLOAD_FIELDS = ["id", "status", "file", "uploader", "uploaded_at", "added", "superseded",
                 "new", "changed", "unchanged", "left_out", "kind"]  # kind: figures or targets (目标)  # the counts of store/changes.py; none where not kept
COUNT_FIELDS = {"new": "facts_new", "changed": "facts_changed", "unchanged": "facts_unchanged", "left_out": "left_out"}
ALIAS_FIELDS = ["header", "target", "created_at", "created_by", "source"]


class UsageError(KpiError):
    """A wrong option value (unknown metric, bad month): message in both languages, exit 2."""


class Printer:
    """Writes each message in the chosen language(s): Chinese line, then English line, for 'both'.

    Every line goes through escape_terminal: file, sheet and uploader names and cell texts in it cannot
    colour, move or rewrite the terminal.
    """

    def __init__(self, lang: str, out=None, err=None):
        self.langs = ("zh", "en") if lang == "both" else (lang,)
        self.out = out or sys.stdout
        self.err = err or sys.stderr

    def say(self, zh: str, en: str, *, error: bool = False, indent: str = "") -> None:
        stream = self.err if error else self.out
        for lang in self.langs:
            print(indent + escape_terminal(zh if lang == "zh" else en), file=stream)

    def tell(self, key: str, *, error: bool = False, indent: str = "", **values: object) -> None:
        """The catalog's text for `key` (i18n.both: a (Chinese, English) value fills each language with its own)."""
        self.say(*both(key, **values), error=error, indent=indent)

    def error(self, error: KpiError, prefix: str = "") -> None:
        """Any error of the family (errors.KpiError) as the pages show it: its text, in the chosen language(s)."""
        self.say(prefix + error.text("zh"), prefix + error.text("en"), error=True)

    def problem(self, problem: Problem, *, error: bool = False, indent: str = "  ") -> None:
        stream = self.err if error else self.out
        for lang in self.langs:
            print(indent + escape_terminal(problem.message(lang)), file=stream)


# ---- import ------------------------------------------------------------------
def import_files(store: Store, pipeline: ParsePipeline, printer: Printer, *, uploader: str | None = None,
                 max_problems: int, actor: Actor | None = None, submitted_at: datetime | None = None) -> int:
    """Store each file the pipeline parsed, each in its own transaction; returns the exit code.

    A file that cannot be read, or not safely (its worker ran out of memory or time, or crashed), is
    refused with its message; the files before and after it are stored all the same.
    """
    code = EXIT_OK
    for name, path, content, result in pipeline:
        if content is None and not path.is_file():
            printer.tell("cli.file_not_found", path=path, error=True)
            code = max(code, EXIT_UNREADABLE)
            continue
        if isinstance(result, LoaderError):
            printer.tell("cli.unreadable", file=name, error=True)
            printer.problem(result.problem, error=True)
            code = max(code, EXIT_UNREADABLE)
            continue
        if not result.ok:
            errors = result.errors
            printer.tell("cli.refused_errors", file=result.file_name, errors=len(errors), error=True)
            _print_problems(printer, errors, max_problems, error=True)
            code = max(code, EXIT_REFUSED)
            continue
        try:
            checks = preview_upload(store, result.facts, result.kind).checks  # warnings only: never stop the import
            outcome = store.import_result(result, content, source="cli",
                                          actor=actor or operator_actor(uploader), submitted_at=submitted_at)
        except StoreFailed as exc:  # this file's transaction rolled back; the files before it stay stored
            printer.error(exc, "✗ ")
            code = max(code, EXIT_UNREADABLE)
            continue
        except StoreError as exc:
            printer.tell("cli.refused", file=result.file_name, message=(exc.text("zh"), exc.text("en")), error=True)
            code = max(code, EXIT_REFUSED)
            continue
        # say what was stored: targets are read apart from figures
        printer.tell("cli.stored_targets" if result.kind == KIND_TARGETS else "cli.stored", file=outcome.file_name,
                     upload_id=outcome.upload_id, counts=(format_counts(outcome, "zh"), format_counts(outcome, "en")))
        if result.dropped:
            printer.tell("cli.dropped", count=len(result.dropped), indent="  ")
            shown = result.dropped[:max_problems] if max_problems > 0 else result.dropped
            for row in shown:
                printer.tell("cli.dropped_row", sheet=row.sheet, row=row.row, text=row.text, reason=(row.zh, row.en),
                             indent="    ")
            _say_rest(printer, len(result.dropped) - len(shown))
        if result.warnings:
            printer.tell("cli.warnings", count=len(result.warnings), indent="  ")
            _print_problems(printer, result.warnings, max_problems)
        if not checks.empty:
            _print_checks(printer, checks, max_problems)
    return code


def _print_checks(printer: Printer, checks: pd.DataFrame, limit: int) -> None:
    """The figures to check (store/plausibility.py), as the preview's 需核实 table lists them."""
    catalog = load_catalog()
    printer.tell("cli.checks", count=len(checks), indent="  ")
    shown = checks if limit <= 0 else checks.head(limit)
    for row in shown.itertuples():
        printer.say(_check_line(row, catalog, "zh"), _check_line(row, catalog, "en"), indent="    ")
    _say_rest(printer, len(checks) - len(shown))


def _check_line(row, catalog: Catalog, lang: str) -> str:
    """2020年9月 南京市 服务队：30 → 5（更正幅度 83%） 近 12 个月中位数 22；近 12 个月数据 2020年6月 20 · …"""
    metric = catalog.metrics.get(row.metric)
    label = metric.label(lang) if metric else row.metric
    city = catalog.city_by_name(row.city) if row.city else None
    place = " / ".join(part for part in (city.label(lang) if city else row.city or t("province_level", lang),
                                         row.county, row.unit) if part)
    figure = format_value(row.value, row.qualifier, lang)
    if row.large_correction:
        figure = f"{format_value(row.old_value, row.old_qualifier, lang)} → {figure}"
    median = "" if pd.isna(row.median) else f"{t('check_median', lang)} {format_value(row.median, '', lang)}"
    history = f"{t('check_history', lang)} {history_text(row, lang) or '—'}"
    colon, left, right, sep = ("：", "（", "）", "；") if lang == "zh" else (": ", " (", ")", "; ")
    details = sep.join(part for part in (median, history) if part)
    return f"{format_month(row.period_start, lang)} {place} {label}{colon}{figure}{left}{reason_text(row, lang)}{right} {details}"


def _print_problems(printer: Printer, problems: list[Problem], limit: int, *, error: bool = False) -> None:
    shown = problems if limit <= 0 else problems[:limit]
    for problem in shown:
        printer.problem(problem, error=error, indent="    ")
    _say_rest(printer, len(problems) - len(shown), error=error)


def _say_rest(printer: Printer, rest: int, *, error: bool = False) -> None:
    if rest > 0:
        printer.tell("cli.more", rest=rest, error=error, indent="    ")


# ---- totals --------------------------------------------------------------------
def totals_table(facts: pd.DataFrame, catalog: Catalog, *, metric: str | None = None, campaign: str | None = None,
                 city: str | None = None, start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Active totals per metric (rates averaged), columns metric, value, qualifier, in catalog order.

    Raises UsageError for an unknown metric, campaign or city, or a month not written YYYY-MM.
    """
    filters = Filters(
        start=_month(start, "--from") if start else EARLIEST,
        end=month_end(_month(end, "--to")) if end else LATEST,
        cities=(_city_name(catalog, city),) if city else (),
        campaigns=(_code(catalog.campaign_for(campaign), campaign, "cli.kind_campaign"),) if campaign else (),
    )
    out = metric_totals(filter_facts(facts, filters), catalog) if not facts.empty else pd.DataFrame()
    if out.empty:
        return pd.DataFrame(columns=["metric", "value", "qualifier"])
    if metric:
        code = _code(catalog.metric_for(metric), metric, "cli.kind_metric")
        out = out[out["metric"] == code]
    return out[["metric", "value", "qualifier"]].reset_index(drop=True)  # metric_totals gives catalog order


INCONSISTENCY_FIELDS = ["period_start", "period_end", "city", "county", "campaign", "metric", "value", "qualifier",
                       "parts", "parts_facts"]


def inconsistencies_table(facts: pd.DataFrame, catalog: Catalog, *, start: str | None = None,
                          end: str | None = None) -> pd.DataFrame:
    """Wholes (city or county figures) whose parts add up to more, in effect now (analytics.level_inconsistencies)."""
    filters = Filters(start=_month(start, "--from") if start else EARLIEST,
                      end=month_end(_month(end, "--to")) if end else LATEST)
    return level_inconsistencies(filter_facts(facts, filters), catalog)


def render_inconsistencies(found: pd.DataFrame, fmt: str) -> str:
    """CSV (texts formula-safe) or JSON, columns INCONSISTENCY_FIELDS; dates ISO."""
    rows = [{"period_start": pd.Timestamp(r.period_start).strftime("%Y-%m-%d"),
             "period_end": pd.Timestamp(r.period_end).strftime("%Y-%m-%d"), "city": r.city, "county": r.county,
             "campaign": r.campaign, "metric": r.metric, "value": r.value, "qualifier": r.qualifier,
             "parts": r.parts, "parts_facts": int(r.parts_facts)} for r in found.itertuples()]
    if fmt == "json":
        for row in rows:
            row["value"], row["parts"] = _json_number(row["value"]), _json_number(row["parts"])
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INCONSISTENCY_FIELDS)
    for row in rows:
        writer.writerow([plain_number(row[f]) if f in ("value", "parts") else neutralise_formula(str(row[f]))
                         for f in INCONSISTENCY_FIELDS])
    return buffer.getvalue()


def plain_number(value: float) -> str:
    """184, 44.6, 1234567.5: no thousands separators, no float noise, no exponent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = round(float(value), 6)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.6f}".rstrip("0").rstrip(".")


def _empty(key: str, lang: str = "both") -> str:
    """What a listing with no rows says: '（无数据）/ (no figures)' for both languages, else the one."""
    return ("/ ".join(both(key)) if lang == "both" else t(key, lang)) + "\n"


def render_totals(table: pd.DataFrame, fmt: str, catalog: Catalog, lang: str) -> str:
    """The totals as CSV (text cells formula-safe), JSON (texts exact) or a table for the terminal."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["metric", "value", "qualifier"])
        for row in table.itertuples():  # the value is a number written as text: never prefixed, -5 stays -5
            writer.writerow([neutralise_formula(row.metric), plain_number(row.value),
                             neutralise_formula(row.qualifier)])
        return buffer.getvalue()
    if fmt == "json":  # data for programs, not a spreadsheet: texts stay exact
        rows = [
            {"metric": r.metric, "value": _json_number(r.value), "qualifier": r.qualifier}
            for r in table.itertuples()
        ]
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    langs = ("zh", "en") if lang == "both" else (lang,)
    header = ["metric", *[f"label_{x}" for x in langs], "value", "unit"]
    body = []
    for r in table.itertuples():
        known = catalog.metrics.get(r.metric)
        labels = [known.label(x) if known else r.metric for x in langs]
        unit = " / ".join(dict.fromkeys(known.unit(x) for x in langs)) if known else ""
        body.append([r.metric, *labels, format_value(float(r.value), r.qualifier, langs[0]), unit])
    if not body:
        return _empty("cli.no_figures", lang)
    return _text_table(header, body, right={len(header) - 2})


def _json_number(value: float) -> float | int:
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


def _month(text: str, option: str) -> date:
    match = MONTH_PATTERN.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise UsageError.of("cli.bad_month", option=option, text=text)
    return date(int(match.group(1)), int(match.group(2)), 1)


def _code(found, text: str, kind: str) -> str:
    if found is None:
        raise UsageError.of("cli.unknown_kind", kind=both(kind), text=text)
    return found.code


def _city_name(catalog: Catalog, text: str) -> str:
    for region in catalog.regions_for(text):
        city = catalog.city_of(region)
        if city is not None and region.level == "city":
            return city.name
    raise UsageError.of("cli.unknown_city", text=text)


# ---- uploads -------------------------------------------------------------------
def uploads_rows(store: Store) -> list[dict]:
    history = store.uploads()
    rows = []
    for r in history.itertuples():
        when = "" if pd.isna(r.uploaded_at) else r.uploaded_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        rows.append({
            "id": int(r.id), "status": r.status, "file": r.file_name, "uploader": r.uploader,
            "uploaded_at": when, "added": int(r.facts_added), "superseded": int(r.facts_superseded),
            **{field: None if pd.isna(getattr(r, column)) else int(getattr(r, column))
               for field, column in COUNT_FIELDS.items()},
            "kind": str(r.kind),
        })
    return rows


def render_uploads(rows: list[dict], fmt: str) -> str:
    """The history as JSON (texts exact), CSV (text cells formula-safe) or a table for the terminal."""
    return render_rows(rows, UPLOAD_FIELDS, fmt, empty=_empty("cli.no_uploads"),
                       right={0, *range(5, len(UPLOAD_FIELDS) - 1)})


def render_rows(rows: list[dict], fields: list[str], fmt: str, *, empty: str | None = None,
                right: set[int] = frozenset()) -> str:
    """Rows as JSON (data for programs: texts exact), CSV (text cells formula-safe) or an aligned terminal table
    (control characters shown, never obeyed; None as —); `empty` is what a table with no rows says instead."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({field: neutralise_formula(row[field]) for field in fields} for row in rows)
        return buffer.getvalue()
    if not rows and empty is not None:
        return empty
    return _text_table(fields, [["—" if row[f] is None else str(row[f]) for f in fields] for row in rows], right)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _text_table(header: list[str], body: list[list[str]], right: set[int] = frozenset()) -> str:
    """Columns aligned for a terminal; control characters in the cells are shown, never obeyed."""
    rows = [[escape_terminal(cell) for cell in row] for row in (header, *body)]
    header, body = rows[0], rows[1:]
    widths = [max(_width(str(row[i])) for row in rows) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - _width(str(cell)))
            cells.append(pad + str(cell) if i in right else str(cell) + pad)
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in body)]) + "\n"


# ---- column aliases ------------------------------------------------------------------
def alias_rows(store: Store) -> list[dict]:
    return [{"header": r.header, "target": r.target,
             "created_at": "" if pd.isna(r.created_at) else r.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
             "created_by": r.created_by, "source": r.source} for r in store.aliases().itertuples()]


def render_aliases(rows: list[dict], fmt: str) -> str:
    """The column aliases as JSON (texts exact), CSV (text cells formula-safe) or a table for the terminal."""
    return render_rows(rows, ALIAS_FIELDS, fmt, empty=_empty("cli.no_aliases"))


def change_alias(store: Store, args: argparse.Namespace, printer: Printer) -> None:
    """`alias add HEADER METRIC_CODE|ignore` or `alias remove HEADER`; StoreError when refused."""
    catalog = load_catalog()

    def meaning(target: str) -> tuple[str, str]:
        if target == IGNORE:
            return both("cli.alias_ignore")
        metric = catalog.metrics.get(target)
        return both("cli.alias_metric", metric=metric.zh, metric_en=metric.en, code=target) if metric else (target, target)

    if args.action == "add":
        before = store.add_alias(args.header, args.target, source="cli", catalog=catalog,
                                 actor=operator_actor(args.by))
        was = ("", "") if before is None else both("cli.alias_was", meaning=meaning(before))
        printer.tell("cli.alias_added", header=args.header.strip(), meaning=meaning(args.target), was=was)
    else:
        target = store.remove_alias(args.header, actor=operator_actor())
        printer.tell("cli.alias_removed", header=args.header.strip(), meaning=meaning(target))


# ---- accounts -------------------------------------------------------------------------------------------
def operator_actor(name: str | None = None) -> Actor:
    """The machine's operator (an admin), recorded as os:<OS user>, or under the name given (--uploader, --by)."""
    if name and name.strip() and name != "cli":
        return Actor(name.strip(), name.strip(), ADMIN)
    return operator()


def cli_actor(store: Store, args: argparse.Namespace) -> Actor:
    """--as NAME: that active account, within its role and unit; else the operator. UsageError for no such account."""
    name = getattr(args, "as_name", None)
    if not name:
        return operator_actor(getattr(args, "uploader", None))
    actor = store.account(name)
    if actor is None:
        raise UsageError.of("cli.no_active_account", name=name)
    return actor


def read_password(args: argparse.Namespace) -> str:
    """The new password: one line of standard input (--password-stdin), else asked for twice on the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError.of("cli.no_terminal")
    first = getpass.getpass(t("cli.password_prompt", "zh"))
    if getpass.getpass(t("cli.password_again", "zh")) != first:
        raise UsageError.of("cli.passwords_differ")
    return first


def user_command(store: Store, args: argparse.Namespace, printer: Printer) -> int:
    """`user add|list|disable|enable|passwd|set-role|set-email`, as the operator (an admin)."""
    actor, catalog = operator(), load_catalog()

    def unit_of(text: str) -> str:
        try:
            return resolve_unit(catalog, text)
        except ValueError:
            raise UsageError.of("cli.not_a_unit", text=text) from None

    if args.action == "list":
        sys.stdout.write(render_users(store.users(), catalog, args.format))
        return EXIT_OK
    if args.action == "add":
        unit = unit_of(args.unit)
        made = store.add_user(actor, args.name, args.display_name or args.name, args.role, unit, read_password(args),
                              email=args.email)
        printer.tell("cli.user_added", name=made.name, role=(made.role_label("zh"), made.role_label("en")),
                     unit=(made.unit_label(catalog, "zh"), made.unit_label(catalog, "en")))
    elif args.action in ("disable", "enable"):
        store.set_active(actor, args.name, args.action == "enable")
        printer.tell(f"cli.user_{args.action}d", name=args.name)
    elif args.action == "set-email":
        email = store.set_email(actor, args.name, args.email)
        printer.tell("remind.email_set" if email else "remind.email_cleared", name=args.name, email=email)
    elif args.action == "passwd":
        store.set_password(actor, args.name, read_password(args))
        printer.tell("cli.password_set", name=args.name)
    else:
        store.set_role(actor, args.name, args.role, unit_of(args.unit))
        changed = store.account(args.name) or Actor(args.name, args.name, args.role)
        printer.tell("cli.role_set", name=args.name, role=(changed.role_label("zh"), changed.role_label("en")),
                     unit=(changed.unit_label(catalog, "zh"), changed.unit_label(catalog, "en")))
    return EXIT_OK


USER_FIELDS = ["name", "display_name", "role", "unit", "unit_name", "active", "created_at", "email"]


def render_users(frame: pd.DataFrame, catalog: Catalog, fmt: str) -> str:
    """The accounts as CSV (formula-safe), JSON or a table; never a password or its hash."""
    rows = [{"name": r.name, "display_name": r.display_name, "role": r.role, "unit": r.unit,
             "unit_name": Actor(r.name, r.display_name, r.role, r.unit).unit_label(catalog, "zh"), "email": r.email,
             "active": bool(r.active), "created_at": pd.Timestamp(r.created_at).strftime("%Y-%m-%d %H:%M UTC")}
            for r in frame.itertuples()]
    return render_rows(rows, USER_FIELDS, fmt)


def audit_rows(store: Store, args: argparse.Namespace) -> list[dict]:
    def day(text: str | None, option: str, end: bool = False):
        if not text:
            return None
        try:
            stamp = pd.Timestamp(text).tz_localize("UTC") if pd.Timestamp(text).tzinfo is None else pd.Timestamp(text)
        except ValueError:
            raise UsageError.of("cli.bad_day", option=option, text=text) from None
        return (stamp + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)).to_pydatetime() if end else stamp.to_pydatetime()

    frame = store.audit_entries(day(args.start, "--from"), day(args.end, "--to", end=True), args.user, args.action)
    return [{**{c: getattr(r, c) for c in AUDIT_FIELDS if c != "at"}, "at": r.at.strftime("%Y-%m-%d %H:%M:%S UTC")}
            for r in frame.itertuples()]


AUDIT_FIELDS = ["at", "actor", "action", "target", "outcome", "client", "detail"]


def render_audit(rows: list[dict], fmt: str) -> str:
    return render_rows(rows, AUDIT_FIELDS, fmt)


def stored_aliases(store: Store, args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    """The stored column aliases an import applies: all but those of the headers its own --map names."""
    mapped = {header_key(header) for header, _ in args.map}
    return tuple(alias for alias in store.alias_columns() if header_key(alias[0]) not in mapped)


# ---- the reporting cycle (#12): tasks, progress, review ------------------------------------------------
TASK_FIELDS = ["id", "title", "period", "campaigns", "units", "unit_count", "deadline", "recurring", "status", "rule"]
PROGRESS_FIELDS = ["unit", "level", "status", "submitted_at", "upload", "days_late"]
DAY_PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
LIST_SEPARATORS = re.compile(r"[,，、]")


def _option_value(parse, *values):
    """What a cycle helper makes of an option's text; its refusal (a bad period, an unknown unit) is a UsageError."""
    try:
        return parse(*values)
    except StoreError as exc:
        raise UsageError(exc.zh, exc.en) from None


def _task_day(text: str, option: str) -> date:
    """--deadline YYYY-MM-DD: a real calendar day, else UsageError."""
    match = DAY_PATTERN.match(text.strip())
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:  # 2020-02-30
            pass
    raise UsageError.of("cli.bad_day", option=option, text=text)


def _parts(texts: list[str] | None) -> list[str]:
    """Repeated options, each possibly a comma list, as one list of the names given."""
    return [part.strip() for text in texts or () for part in LIST_SEPARATORS.split(text) if part.strip()]


def _campaign_codes(catalog: Catalog, texts: list[str]) -> list[str]:
    codes = [_code(catalog.campaigns.get(part) or catalog.campaign_for(part), part, "cli.kind_campaign")
             for part in _parts(texts)]
    if not codes:
        raise UsageError.of("cycle.no_campaign")
    return list(dict.fromkeys(codes))


def _metric_codes(catalog: Catalog, texts: list[str] | None) -> list[str]:
    return list(dict.fromkeys(_code(catalog.metrics.get(part) or catalog.metric_for(part), part, "cli.kind_metric")
                              for part in _parts(texts)))


def _campaign_labels(catalog: Catalog, codes) -> tuple[str, str]:
    """防汛保电、抗疫复工 / flood prevention and power supply, ...: the campaigns in each language."""
    def label(code: str, lang: str) -> str:
        campaign = catalog.campaigns.get(code)
        return campaign.label(lang) if campaign else code

    return "、".join(label(c, "zh") for c in codes), ", ".join(label(c, "en") for c in codes)


def tasks_command(store: Store, args: argparse.Namespace, printer: Printer) -> int:
    """`tasks add|list|edit|close|reopen`; as --as NAME (within its role and unit), else the operator."""
    from store.cycle import parse_task_period, resolve_units

    catalog = load_catalog()
    if args.action == "list":
        sys.stdout.write(render_rows(task_rows(store, catalog), TASK_FIELDS, args.format,
                                     empty=_empty("cli.no_tasks", args.lang), right={0, 5}))
        return EXIT_OK
    actor = cli_actor(store, args)
    if args.action == "add":
        period = _option_value(parse_task_period, args.period)
        campaigns, metrics = _campaign_codes(catalog, args.campaigns), _metric_codes(catalog, args.metrics)
        _option_value(resolve_units, catalog, args.units)
        deadline = _task_day(args.deadline, "--deadline")
        task_id = store.add_task(period, campaigns, args.units, deadline, metrics=metrics, recurring=args.recurring,
                                 title=args.title, actor=actor)
        values = dict(task_id=task_id, period=period.label, campaigns=_campaign_labels(catalog, campaigns),
                      count=len(resolve_units(catalog, store.task(task_id).units)), deadline=deadline.isoformat())
        if args.recurring:
            made = sum(1 for task in store.tasks() if task.parent_id == task_id)
            printer.tell("cli.rule_added", days=(deadline - period.end).days, made=made, **values)
        else:
            printer.tell("cli.task_added", **values)
        return EXIT_OK
    if args.action == "edit":
        changes = {}
        if args.deadline is not None:
            changes["deadline"] = _task_day(args.deadline, "--deadline")
        if args.units is not None:
            _option_value(resolve_units, catalog, args.units)
            changes["units"] = args.units
        if args.campaigns:
            changes["campaigns"] = _campaign_codes(catalog, args.campaigns)
        if args.metrics:
            changes["metrics"] = _metric_codes(catalog, args.metrics)
        if args.title is not None:
            changes["title"] = args.title
        if not changes:
            raise UsageError.of("cli.nothing_to_edit")
        store.edit_task(args.task_id, actor=actor, **changes)
        printer.tell("cli.task_edited", task_id=args.task_id)
        return EXIT_OK
    store.close_task(args.task_id, actor, reopen=args.action == "reopen")
    printer.tell("cli.task_reopened" if args.action == "reopen" else "cli.task_closed", task_id=args.task_id)
    return EXIT_OK


def task_rows(store: Store, catalog: Catalog) -> list[dict]:
    """Every task, rules and the monthly tasks they made (rule: the rule's id), by period then id."""
    from store.cycle import UNITS_ALL, UNITS_CITIES, UNITS_COUNTIES, resolve_units

    rows = []
    for r in store.tasks_frame().itertuples():
        units = r.units if r.units in (UNITS_CITIES, UNITS_COUNTIES, UNITS_ALL) else ",".join(
            u.name for u in resolve_units(catalog, r.units))
        rows.append({"id": int(r.id), "title": r.title, "period": r.period, "campaigns": r.campaigns,
                     "units": units, "unit_count": int(r.unit_count), "deadline": r.deadline.isoformat(),
                     "recurring": r.recurring, "status": r.status,
                     "rule": None if pd.isna(r.parent_id) else int(r.parent_id)})
    return rows


def progress_tasks(store: Store, catalog: Catalog, period_text: str, campaign_text: str | None) -> list:
    """The open tasks (not rules) of a period, of a campaign if given; StoreError (exit 1) when there is none."""
    from store.cycle import parse_task_period

    period = _option_value(parse_task_period, period_text)
    campaign = None
    if campaign_text:
        campaign = _code(catalog.campaigns.get(campaign_text.strip()) or catalog.campaign_for(campaign_text),
                         campaign_text, "cli.kind_campaign")
    found = store.tasks_for(period, campaign)
    if not found:
        what = both("cli.of_campaign", campaign=_campaign_labels(catalog, [campaign])) if campaign else ("", "")
        raise StoreError.of("cli.no_open_task", period=period.label, what=what, campaign=campaign or "CAMPAIGN")
    return found


def progress_rows(frame: pd.DataFrame) -> list[dict]:
    """Store.progress as PROGRESS_FIELDS: status codes, submitted_at ISO 8601 in Asia/Shanghai time."""
    from store.cycle import SHANGHAI

    def moment(value) -> str | None:
        if value is None or pd.isna(value):
            return None
        stamp = pd.Timestamp(value)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
        return stamp.tz_convert(SHANGHAI).to_pydatetime().isoformat(timespec="seconds")

    def number(value) -> int | None:
        return None if value is None or pd.isna(value) else int(value)

    return [{"unit": r.unit, "level": r.level, "status": r.status, "submitted_at": moment(r.submitted_at),
             "upload": number(r.upload), "days_late": number(r.days_late)} for r in frame.itertuples()]


def print_progress(store: Store, tasks: list, printer: Printer, fmt: str, lang: str) -> None:
    """CSV or JSON (PROGRESS_FIELDS, every task's units in one list), or per task a heading, a table and the
    count of units per status in the chosen language(s)."""
    from store.cycle import STATUSES

    frame = store.progress([task.id for task in tasks])
    if fmt in ("csv", "json"):
        sys.stdout.write(render_rows(progress_rows(frame), PROGRESS_FIELDS, fmt))
        return
    catalog = load_catalog()
    langs = ("zh", "en") if lang == "both" else (lang,)

    def label(key: str) -> str:
        return " ".join(dict.fromkeys(t(key, x) for x in langs))

    for task in tasks:
        own = frame[frame["task_id"] == task.id]
        title = both("cli.task_title", title=task.title) if task.title else ("", "")
        printer.tell("cli.progress_task", task_id=task.id, title=title, period=task.period.label,
                     campaigns=_campaign_labels(catalog, task.campaigns), deadline=task.deadline.isoformat())
        rows = progress_rows(own)
        body = [[r["unit"], label(f"cycle.level_{r['level']}"), label(f"cycle.status_{r['status']}"),
                 r["submitted_at"] or "—", "—" if r["upload"] is None else str(r["upload"]),
                 "—" if r["days_late"] is None else str(r["days_late"])] for r in rows]
        sys.stdout.write(_text_table(PROGRESS_FIELDS, body, right={4, 5}))
        counts = own["status"].value_counts()
        printer.say(*(t("cli.progress_counts", x, total=len(own)) + t("cli.count_separator", x).join(
            f"{t(f'cycle.status_{status}', x)} {int(counts.get(status, 0))}" for status in STATUSES)
            for x in ("zh", "en")))


def review_command(store: Store, args: argparse.Namespace, printer: Printer) -> int:
    """`review approve|return UPLOAD_ID [--reason TEXT]`, as --as NAME or the operator (an admin)."""
    from store.schema import REVIEW_APPROVED, REVIEW_RETURNED

    reason = args.reason.strip()
    if args.decision == "return" and not reason:
        raise UsageError.of("cli.reason_needed", upload_id=args.upload_id)
    decision = REVIEW_APPROVED if args.decision == "approve" else REVIEW_RETURNED
    store.review(args.upload_id, decision, reason, actor=cli_actor(store, args))
    if decision == REVIEW_APPROVED:
        printer.tell("cli.review_approved", upload_id=args.upload_id)
    else:
        printer.tell("cli.review_returned", upload_id=args.upload_id, reason=reason)
    return EXIT_OK


# ---- wiring ----------------------------------------------------------------------
def main(argv: list[str] | None = None, *, args: argparse.Namespace | None = None,
         pipeline: ParsePipeline | None = None) -> int:
    """Run one command; returns the exit code (never raises for a user error).

    `python -m store` passes the arguments parsed and the import's pipeline already started (store/__main__.py).
    """
    args = args or build_parser().parse_args(argv)
    printer = Printer(args.lang)
    try:
        store = Store(get_settings().database_url)
    except SQLAlchemyError as exc:
        detail = getattr(exc, "orig", None) or exc
        printer.tell("cli.cannot_open", detail=detail, error=True)
        return EXIT_UNREADABLE
    try:
        return _run(args, store, printer, pipeline)
    except (UsageError, StoreFailed) as exc:
        printer.error(exc)
        return EXIT_UNREADABLE
    except KpiError as exc:  # StoreError and the rest of the family: a refusal
        printer.error(exc)
        return EXIT_REFUSED
    except SQLAlchemyError as exc:  # locked past the timeout, disk full, server gone: the transaction rolled back
        detail = getattr(exc, "orig", None) or exc
        printer.tell("cli.database_failed", detail=detail, error=True)
        return EXIT_UNREADABLE
    except Exception as exc:  # never a traceback for an administrator either: what failed, in one line
        detail = f"{type(exc).__name__}: {exc}"[:300]
        printer.tell("cli.unexpected", detail=detail, error=True)
        return EXIT_UNREADABLE
    finally:
        store.engine.dispose()


def _run(args: argparse.Namespace, store: Store, printer: Printer, pipeline: ParsePipeline | None) -> int:
    if args.command == "import":
        stored = stored_aliases(store, args)
        if pipeline is None or stored:  # started with --map alone (before the store was open): start again with both
            if pipeline is not None:
                pipeline.close()
            pipeline = ParsePipeline(args.files, import_defaults(args, stored))
        if stored:
            printer.tell("cli.stored_aliases", count=len(stored))
        reported = getattr(args, "submitted_on", None)
        submitted_at = None if reported is None else datetime.combine(
            _task_day(reported, "--submitted-on"), time(12), tzinfo=SHANGHAI)  # the day's noon in China
        return import_files(store, pipeline, printer, max_problems=args.max_problems,
                            actor=cli_actor(store, args), submitted_at=submitted_at)
    if args.command == "aliases":
        sys.stdout.write(render_aliases(alias_rows(store), args.format))
        return EXIT_OK
    if args.command == "alias":
        change_alias(store, args, printer)
        return EXIT_OK
    if args.command == "uploads":
        sys.stdout.write(render_uploads(uploads_rows(store), args.format))
        return EXIT_OK
    if args.command == "user":
        return user_command(store, args, printer)
    if args.command == "audit":
        sys.stdout.write(render_audit(audit_rows(store, args), args.format))
        return EXIT_OK
    if args.command in ("undo", "redo"):
        actor = cli_actor(store, args)
        if args.command == "undo":
            store.undo(args.upload_id, actor=actor)
            printer.tell("cli.undone", upload_id=args.upload_id)
        else:
            store.redo(args.upload_id, actor=actor)
            printer.tell("cli.redone", upload_id=args.upload_id)
        return EXIT_OK
    if args.command == "totals":
        catalog = load_catalog()
        table = totals_table(store.active_facts(), catalog, metric=args.metric, campaign=args.campaign,
                             city=args.city, start=args.start, end=args.end)
        sys.stdout.write(render_totals(table, args.format, catalog, args.lang))
        return EXIT_OK
    if args.command == "inconsistencies":
        sys.stdout.write(render_inconsistencies(inconsistencies_table(store.active_facts(), load_catalog(),
                                                                      start=args.start, end=args.end), args.format))
        return EXIT_OK
    if args.command == "tasks":
        return tasks_command(store, args, printer)
    if args.command == "progress":
        catalog = load_catalog()
        print_progress(store, progress_tasks(store, catalog, args.period, args.campaign), printer, args.format,
                       args.lang)
        return EXIT_OK
    if args.command == "review":
        return review_command(store, args, printer)
    if args.command == "demo" and (args.remove or args.restore):
        from store.demo import remove_demo, restore_demo

        changed = (remove_demo if args.remove else restore_demo)(store, actor=operator_actor())
        if args.remove:
            printer.tell("cli.demo_removed", count=len(changed))
        else:
            printer.tell("cli.demo_restored", count=len(changed))
        return EXIT_OK
    if args.command == "demo":
        from store.demo import load_demo

        outcomes = load_demo(store)
        for o in outcomes:
            printer.tell("cli.stored", file=o.file_name, upload_id=o.upload_id,
                         counts=(format_counts(o, "zh"), format_counts(o, "en")))
        if not outcomes:
            printer.tell("cli.demo_present")
        return EXIT_OK
    raise AssertionError(args.command)
