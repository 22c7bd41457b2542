"""`python -m exports briefing [--from YYYY-MM --to YYYY-MM --city X --campaign C --lang zh|en] --out FILE.pptx|.xlsx`

The one-click briefing (exports/briefing.py) from the command line, for the store `python -m store` uses (DATABASE_URL,
else the default embedded store, with the demo loaded into it when it has never had an upload and KPI_DEMO is on, as
the app does). Without --from/--to the window is the dashboard's default (the 12 months to the latest with data);
with only --from it runs to the latest month with data, with only --to it is the 12 months to --to. --city (Chinese or
English name) and --campaign (code or name) may be repeated. Exit codes: 0 written; 2 a wrong argument, an unreadable
store or an unwritable file (a message in Chinese and English, never a traceback).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import date
from pathlib import Path

from i18n import t

EXIT_OK, EXIT_USAGE = 0, 2
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class Usage(Exception):
    """A wrong command line: the i18n key and its fields, said in both languages."""

    def __init__(self, key: str, **fields: object):
        super().__init__(key)
        self.key, self.fields = key, fields


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print its own English usage and exit
        raise Usage("brief_bad_arguments", detail=message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m exports", description="Files made from the dashboard's data.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    brief = commands.add_parser("briefing", help="the one-click briefing (简报) as .pptx or .xlsx")
    brief.add_argument("--from", dest="first", metavar="YYYY-MM", help="first month (default: the dashboard's window)")
    brief.add_argument("--to", dest="last", metavar="YYYY-MM", help="last month")
    brief.add_argument("--city", action="append", default=[], help="a city, Chinese or English name (repeatable)")
    brief.add_argument("--campaign", action="append", default=[], help="a campaign, code or name (repeatable)")
    brief.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the briefing (default zh)")
    brief.add_argument("--out", required=True, metavar="FILE", help="FILE.pptx (a deck) or FILE.xlsx (a workbook)")
    return parser


def say_both(key: str, stream, **fields: object) -> None:
    from safetext import escape_terminal

    for lang in ("zh", "en"):
        print(escape_terminal(t(key, lang, **fields)), file=stream)


def parse_month(text: str) -> date:
    found = MONTH.match(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise Usage("brief_bad_month", value=text)
    return date(int(found.group(1)), int(found.group(2)), 1)


def resolve(args: argparse.Namespace, catalog) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Cities (canonical names), campaigns (codes) and the output kind, or Usage."""
    cities = []
    for text in args.city:
        found = [r for r in catalog.regions_for(text) if r.level == "city"]
        if len(found) != 1:
            raise Usage("brief_bad_city", value=text)
        cities.append(found[0].name)
    campaigns = []
    for text in args.campaign:
        campaign = catalog.campaign_for(text)
        if campaign is None:
            raise Usage("brief_bad_campaign", value=text)
        campaigns.append(campaign.code)
    kind = Path(args.out).suffix.lower().lstrip(".")
    if kind not in ("pptx", "xlsx"):
        raise Usage("brief_bad_out", value=args.out)
    return tuple(dict.fromkeys(cities)), tuple(dict.fromkeys(campaigns)), kind


def window(args: argparse.Namespace, facts) -> tuple[date, date]:
    from analytics import add_months, default_window, month_end, month_start

    default_start, default_end = default_window(facts)
    first = parse_month(args.first) if args.first else None
    last = parse_month(args.last) if args.last else None
    if first and last and first > last:
        raise Usage("brief_bad_order", start=args.first, end=args.last)
    if first is None and last is None:
        return default_start, default_end
    if last is None:
        last = max(first, month_start(default_end))
    if first is None:
        first = add_months(last, -11)
    return first, month_end(last)


def main(argv: list[str] | None = None, out=None, err=None) -> int:
    """Run one command; returns the exit code (never raises for a user's mistake or a failing store)."""
    out, err = out or sys.stdout, err or sys.stderr
    started = time.perf_counter()
    try:
        args = build_parser().parse_args(argv)
    except Usage as usage:
        say_both(usage.key, err, **usage.fields)
        say_both("brief_usage", err)
        return EXIT_USAGE
    except SystemExit as done:  # --help
        return int(done.code or 0)
    from analytics import Filters
    from catalog import load_catalog

    catalog = load_catalog()
    try:
        cities, campaigns, kind = resolve(args, catalog)
        if args.first:
            parse_month(args.first)
        if args.last:
            parse_month(args.last)
    except Usage as usage:
        say_both(usage.key, err, **usage.fields)
        say_both("brief_usage", err)
        return EXIT_USAGE
    store = None
    try:
        from settings import get_settings
        from store import Store
        from store.demo import ensure_demo

        settings = get_settings()
        store = Store(settings.database_url)
        if settings.load_demo:
            ensure_demo(store)
        facts = store.active_facts()
        as_of = store.latest_upload_time()
    except Exception as exc:  # noqa: BLE001 - an unreachable or broken store: one line, never a traceback
        say_both("brief_store_failed", err, detail=_detail(exc))
        return EXIT_USAGE
    finally:
        if store is not None:
            store.engine.dispose()
    try:
        start, end = window(args, facts)
    except Usage as usage:
        say_both(usage.key, err, **usage.fields)
        say_both("brief_usage", err)
        return EXIT_USAGE
    try:
        from analytics import briefing_figures
        from exports.briefing import briefing_file

        figures = briefing_figures(facts, Filters(start, end, cities, campaigns), catalog)
        colors = None
        if kind == "pptx":  # campaigns in their colours, as on every page (charts imports plotly: only for the deck)
            from charts import campaign_colors

            colors = campaign_colors(catalog)
        data = briefing_file(figures, catalog, args.lang, as_of, kind, colors)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the person at the terminal
        say_both("brief_failed", err, detail=_detail(exc))
        return EXIT_USAGE
    try:
        Path(args.out).write_bytes(data)
    except OSError as exc:
        say_both("brief_write_failed", err, path=args.out, detail=_detail(exc))
        return EXIT_USAGE
    from safetext import escape_terminal

    print(escape_terminal(t("brief_written", args.lang, path=args.out, seconds=time.perf_counter() - started)),
          file=out)
    return EXIT_OK


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {getattr(exc, 'orig', None) or exc}"[:300]


if __name__ == "__main__":
    from shortlived import run_and_exit

    run_and_exit(main)
