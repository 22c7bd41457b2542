"""The store command line's arguments; standard library only, so that `import` starts parsing before pandas loads."""
from __future__ import annotations

import argparse

from loaders.options import Defaults, add_map_option

LANG_CHOICES = ("both", "zh", "en")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m store",
        description="新时代文明实践 KPI 数据存储 / Civic-practice KPI store (uses DATABASE_URL).",
    )
    parser.add_argument("--lang", choices=LANG_CHOICES, default="both", help="message language (default both)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    imp = commands.add_parser("import", help="parse and store files, one transaction per file")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--campaign", help="campaign for files that do not name one, e.g. 防汛保电")
    imp.add_argument("--period", help="period for files that do not name one, e.g. 2020年7月")
    imp.add_argument("--city", help="city for files that do not name one, e.g. 南京")
    add_map_option(imp)
    imp.add_argument("--uploader", default=None,
                     help="without --as: the name recorded for the operator (default os:<OS user>)")
    imp.add_argument("--max-problems", type=int, default=50, help="problems listed per file (0 = all)")
    imp.add_argument("--submitted-on", metavar="YYYY-MM-DD",
                     help="when the unit reported these figures (Asia/Shanghai), for records carried over from an "
                          "earlier system; admins only (default: now)")

    hist = commands.add_parser("uploads", help="the upload history, newest first")
    hist.add_argument("--format", choices=("table", "csv", "json"), default="table")

    for name, text in (("undo", "take an upload's figures out of every total"),
                       ("redo", "put an undone upload's figures back")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("upload_id", type=int, metavar="ID")
        add_as_option(sub)
    add_as_option(imp)

    user = commands.add_parser("user", help="accounts: add, list, disable, enable, passwd, set-role, set-email")
    verbs = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    made = verbs.add_parser("add", help="create an account (the password is asked for, or read from stdin)")
    made.add_argument("name", metavar="NAME")
    made.add_argument("--role", required=True, choices=ROLE_CHOICES)
    made.add_argument("--unit", default="", help="the account's unit: a city, a county or its adcode (default the province)")
    made.add_argument("--display-name", default="", help="the name shown (default NAME)")
    made.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    made.add_argument("--email", default="", help="the address reminders (催报) are e-mailed to")
    listed_users = verbs.add_parser("list", help="every account (never its password)")
    listed_users.add_argument("--format", choices=("table", "csv", "json"), default="table")
    for verb, text in (("disable", "the account can no longer log in"), ("enable", "the account can log in again")):
        verbs.add_parser(verb, help=text).add_argument("name", metavar="NAME")
    secret = verbs.add_parser("passwd", help="set an account's password (asked for, or read from stdin)")
    secret.add_argument("name", metavar="NAME")
    secret.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    role = verbs.add_parser("set-role", help="change an account's role and unit")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", choices=ROLE_CHOICES)
    role.add_argument("--unit", default="", help="a city, a county or its adcode (default the province)")
    mail = verbs.add_parser("set-email", help="set the address reminders are e-mailed to ('' clears it)")
    mail.add_argument("name", metavar="NAME")
    mail.add_argument("email", metavar="ADDR")
    for sub in verbs.choices.values():
        sub.add_argument("--lang", choices=LANG_CHOICES, default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    audit = commands.add_parser("audit", help="the audit log: logins, uploads, undo/redo, downloads, changes")
    audit.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day (UTC)")
    audit.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day (UTC)")
    audit.add_argument("--user", help="only this actor")
    audit.add_argument("--action", help="only this action, e.g. upload, undo, login_failed")
    audit.add_argument("--format", choices=("table", "csv", "json"), default="table")

    tot = commands.add_parser("totals", help="active totals per metric (rates averaged)")
    tot.add_argument("--metric", help="metric code or name, e.g. teams or 服务队")
    tot.add_argument("--campaign", help="campaign code or name, e.g. flood_power or 防汛保电")
    tot.add_argument("--city", help="city, e.g. 南京 (province-level figures drop out)")
    tot.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month (of period end)")
    tot.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month (of period end)")
    tot.add_argument("--format", choices=("table", "csv", "json"), default="table")

    demo = commands.add_parser("demo", help="load the demo files as uploads (skips those already stored)")
    what = demo.add_mutually_exclusive_group()
    what.add_argument("--remove", action="store_true", help="undo every demo upload in one action")
    what.add_argument("--restore", action="store_true", help="redo every demo upload in one action")

    odd = commands.add_parser("inconsistencies", help="cities and counties whose parts add up to more than their figure")
    odd.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month (of period end)")
    odd.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month (of period end)")
    odd.add_argument("--format", choices=("csv", "json"), default="csv")

    listed = commands.add_parser("aliases", help="the column aliases every later file is read with")
    listed.add_argument("--format", choices=("table", "csv", "json"), default="table")
    alias = commands.add_parser("alias", help="add or remove a column alias (a header the catalog does not know)")
    actions = alias.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="read HEADER as METRIC_CODE (or leave it out: ignore) in every later file")
    add.add_argument("header", metavar="HEADER")
    add.add_argument("target", metavar="METRIC_CODE|ignore")
    add.add_argument("--by", default=None, help="name recorded as who added it (default the operator, os:<OS user>)")
    remove = actions.add_parser("remove", help="forget the alias of HEADER (any spelling of it)")
    remove.add_argument("header", metavar="HEADER")
    for sub in actions.choices.values():
        sub.add_argument("--lang", choices=LANG_CHOICES, default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    add_cycle_commands(commands)

    for sub in commands.choices.values():  # accept --lang after the command too
        sub.add_argument("--lang", choices=LANG_CHOICES, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def add_cycle_commands(commands) -> None:
    """The reporting cycle (#12): tasks add|list|edit|close|reopen, progress, review approve|return."""
    task = commands.add_parser("tasks", help="reporting tasks (填报任务): add, list, edit, close, reopen")
    verbs = task.add_subparsers(dest="action", required=True, metavar="ACTION")
    made = verbs.add_parser("add", help="define a task: who must report which campaign for which period by when")
    made.add_argument("--period", required=True, help="a month or quarter, e.g. 2020-07 or 2020-Q3")
    made.add_argument("--campaign", required=True, action="append", dest="campaigns", metavar="CAMPAIGN",
                      help="campaign code or name, e.g. flood_power or 防汛保电 (repeat, or join with commas)")
    made.add_argument("--units", required=True,
                      help="cities, counties, all, or unit names joined by commas, e.g. 南京市,高淳区")
    made.add_argument("--deadline", required=True, metavar="YYYY-MM-DD", help="the last day (Asia/Shanghai)")
    made.add_argument("--metric", action="append", dest="metrics", metavar="METRIC",
                      help="only these metrics (code or name; repeat, or join with commas)")
    made.add_argument("--recurring", choices=("monthly",), default="",
                      help="a rule making this task every month from --period on (the deadline as many days after "
                           "each month's end)")
    made.add_argument("--title", default="", help="the task's name (default none)")
    listed = verbs.add_parser("list", help="every task: rules and the monthly tasks they made, open and closed")
    listed.add_argument("--format", choices=("table", "csv", "json"), default="table")
    edit = verbs.add_parser("edit", help="change a task's deadline, units, campaigns, metrics or title")
    edit.add_argument("task_id", type=int, metavar="ID")
    edit.add_argument("--deadline", metavar="YYYY-MM-DD")
    edit.add_argument("--units")
    edit.add_argument("--campaign", action="append", dest="campaigns", metavar="CAMPAIGN")
    edit.add_argument("--metric", action="append", dest="metrics", metavar="METRIC")
    edit.add_argument("--title")
    for verb, text in (("close", "close a task: no longer chased (a closed rule makes no more months)"),
                       ("reopen", "reopen a closed task")):
        verbs.add_parser(verb, help=text).add_argument("task_id", type=int, metavar="ID")
    for sub in verbs.choices.values():
        if sub is not listed:
            add_as_option(sub)
        sub.add_argument("--lang", choices=LANG_CHOICES, default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    progress = commands.add_parser("progress", help="each unit's status for the open tasks of a period")
    progress.add_argument("--period", required=True, help="the tasks' period, e.g. 2020-07 or 2020-Q3")
    progress.add_argument("--campaign", help="only the tasks asking for this campaign (code or name)")
    progress.add_argument("--format", choices=("table", "csv", "json"), default="table")

    review = commands.add_parser("review", help="approve or return (with a reason) an upload of figures")
    review.add_argument("decision", choices=("approve", "return"))
    review.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    review.add_argument("--reason", default="", help="why it is returned (required for return)")
    add_as_option(review)


ROLE_CHOICES = ("viewer", "reporter", "reviewer", "admin")  # data/catalog/roles.yaml (a test checks they agree)


def add_as_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--as", dest="as_name", metavar="NAME",
                     help="act as this account, within its role and unit (default: the operator, an admin)")


def import_defaults(args: argparse.Namespace, stored: tuple[tuple[str, str], ...] = ()) -> Defaults:
    """What `import` says for files that do not name their campaign, period or city, and how to read headers:
    the stored column aliases (`stored`), each --map replacing the alias of its header."""
    if not stored:
        return Defaults(campaign=args.campaign, period=args.period, city=args.city, columns=tuple(args.map))
    from loaders.mapping import merged_columns  # imports pandas: only once the store is open, never at start

    columns = merged_columns(stored, args.map)
    return Defaults(campaign=args.campaign, period=args.period, city=args.city, columns=columns)
