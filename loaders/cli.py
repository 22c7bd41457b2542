"""`python -m loaders parse|check FILE`: canonical rows to stdout, problems to stderr; exit 0, 1 or 2.
`python -m loaders template [--targets] [--lang zh|en] --out FILE`: the reporting (or targets) template.

The file is parsed in a bounded worker process (loaders/isolated.py), started before pandas is imported
here: pandas comes in on first use, while the worker reads the workbook.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from loaders.isolated import ParsePipeline
from loaders.options import Defaults, add_map_option

from safetext import escape_terminal, neutralise_frame

if TYPE_CHECKING:
    import pandas as pd

    from loaders.problems import ParseResult

OUTPUT_COLUMNS = ["period_start", "period_end", "city", "county", "unit", "campaign", "metric", "value", "qualifier",
                  "sheet", "row"]
EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Read a KPI report into canonical facts.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("parse", "write the canonical rows to stdout, problems to stderr"),
                       ("check", "print the report only")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("file")
        sub.add_argument("--sheet", action="append", help="only this sheet (repeatable)")
        sub.add_argument("--campaign", help="campaign when the file names none, e.g. 防汛")
        sub.add_argument("--period", help="period when the file names none, e.g. 2020年7月")
        sub.add_argument("--city", help="city when the file names none, e.g. 南京")
        add_map_option(sub)
        if name == "parse":
            sub.add_argument("--format", choices=["csv", "json"], default="csv")
    template = commands.add_parser("template", help="write the reporting template (.xlsx), or with --targets the "
                                                    "targets template (目标模板)")
    template.add_argument("--targets", action="store_true", help="the targets template: metric, campaign, region, "
                                                                  "period, target")
    template.add_argument("--lang", choices=["zh", "en"], default="zh", help="header language (default zh)")
    template.add_argument("--out", required=True, metavar="FILE", help="where to write the .xlsx")
    return parser


def write_template(targets: bool, lang: str, out: str) -> int:
    """Write the reporting (or targets) template to `out`; 0, or 2 when the file cannot be written."""
    from catalog import load_catalog

    catalog = load_catalog()
    if targets:
        from exports.targets_template import targets_template

        data = targets_template(catalog, lang)
    else:
        from exports.template import reporting_template

        data = reporting_template(catalog, lang)
    try:
        with open(out, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        from i18n import both

        sys.stderr.write("".join(f"ERROR: {text}\n" for text in both(
            "cli.cannot_write", path=escape_terminal(out), detail=escape_terminal(exc.strerror or ""))))
        return EXIT_UNREADABLE
    from i18n import t

    what = "export.template_what_targets" if targets else "export.template_what_report"
    sys.stdout.write("\n".join(t("export.template_written", lang, what=t(what, lang), path=escape_terminal(out))
                               for lang in ("zh", "en")) + "\n")
    return EXIT_OK


def canonical_rows(result: ParseResult) -> pd.DataFrame:
    """The facts as the CLI prints them: ISO dates, OUTPUT_COLUMNS in order."""
    import pandas as pd

    rows = result.facts[OUTPUT_COLUMNS].copy()
    for column in ("period_start", "period_end"):
        rows[column] = pd.to_datetime(rows[column]).dt.strftime("%Y-%m-%d")
    return rows


def _number(value: float) -> float | int:
    return int(value) if math.isfinite(value) and value.is_integer() and abs(value) < 2**53 else value


def write_rows(rows: pd.DataFrame, fmt: str, out) -> None:
    """Rows as CSV (UTF-8, header line, text cells formula-safe) or a JSON array of objects (texts exact)."""
    import pandas as pd

    if fmt == "json":
        # JSON is data for programs, not a spreadsheet: no program evaluates "=…", so texts stay exactly as read.
        records = [
            {c: (_number(v) if c == "value" else int(v) if c == "row" else v) for c, v in zip(OUTPUT_COLUMNS, rec)}
            for rec in rows.itertuples(index=False, name=None)
        ]
        json.dump(records, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    # CSV opens in a spreadsheet: a text cell starting with = + - @ tab or CR gets a leading ' (numbers untouched)
    safe = neutralise_frame(rows)
    # object dtype: 20 stays "20" beside 44.6 (a float column would print "20.0")
    values = pd.Series([_number(v) for v in rows["value"]], index=rows.index, dtype=object)
    text = safe.assign(value=values).to_csv(index=False, lineterminator="\n")
    out.write(text)


def report_text(result: ParseResult) -> str:
    """The human report: sheets, dropped rows and problems, both languages."""
    kind = " — targets file / 目标文件" if result.kind == "targets" else ""
    lines = [f"{result.file_name}{kind}: {result.fact_count} facts / 条数据, "
             f"{len(result.errors)} errors / 个错误, {len(result.warnings)} warnings / 个警告"]
    for sheet in result.sheets:
        lines.append(f"  sheet {sheet.name!r}: {sheet.status} {sheet.layout} rows={sheet.rows} facts={sheet.facts}")
    for dropped in result.dropped:
        lines.append(f"  dropped row {dropped.row} ({dropped.sheet}): {dropped.en} / {dropped.zh}: {dropped.text}")
    for problem in result.problems:
        lines.append(f"{problem.severity.upper()}: {problem.message('zh')}")
        lines.append(f"{problem.severity.upper()}: {problem.message('en')}")
    return "\n".join(escape_terminal(line) for line in lines) + "\n"  # names and cell texts cannot drive the terminal


def import_pandas_once_read(fraction: float, _label: str) -> None:
    """Import pandas here once the worker has read the workbook (progress 0.5): the worker imports its own while
    python-calamine reads in a thread, then parses on one core while this process imports on the other."""
    if fraction >= 0.5 and "pandas" not in sys.modules:
        import pandas  # noqa: F401


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 clean, 1 validation errors, 2 unreadable file)."""
    args = _parser().parse_args(argv)
    if args.command == "template":
        return write_template(args.targets, args.lang, args.out)
    defaults = Defaults(campaign=args.campaign, period=args.period, city=args.city, columns=tuple(args.map))
    pipeline = ParsePipeline([args.file], defaults, sheets=args.sheet or None, progress=import_pandas_once_read,
                             facts=args.command == "parse")  # check prints the report only
    [(_name, _path, _data, result)] = list(pipeline)
    from loaders.problems import LoaderError

    if isinstance(result, LoaderError):
        for lang in ("zh", "en"):  # an error of the family (errors.KpiError): its text, as the pages show it
            sys.stderr.write(f"ERROR: {escape_terminal(result.text(lang))}\n")
        return EXIT_UNREADABLE
    try:
        if args.command == "parse":
            write_rows(canonical_rows(result), args.format, sys.stdout)
            if result.problems or result.dropped:
                sys.stderr.write(report_text(result))
        else:
            sys.stdout.write(report_text(result))
    except BrokenPipeError:  # `| head` closed the pipe: not an error of the file
        pass
    return EXIT_OK if result.ok else EXIT_INVALID
