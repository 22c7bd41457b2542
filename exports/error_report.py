"""The downloadable error report: every problem of an upload, and each affected row beside its problems."""
from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from pathlib import PurePath

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from i18n import t
from loaders.problems import ERROR, WARNING, Problem
from safetext import neutralise_formula

MAX_COPIED_ROWS = 5000  # rows of a source sheet copied beside their problems
ANNOTATED_SUFFIXES = (".xlsx", ".xlsm")
PROBLEMS_HEADER = "问题 / Problems"
ROW_HEADER = "行 / Row"  # the source row number, so a copied row is found in the original
FIRST_SOURCE_COLUMN = 3

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")  # red
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")  # amber
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
BOLD = Font(bold=True)
TOP_WRAP = Alignment(vertical="top", wrap_text=True)

# The texts of the report, export.report_* in texts/exports.py; "columns" are the headers of the problems sheet.
TEXT_KEYS = {"sheet": "report_sheet", "error": "report_error", "warning": "report_warning", "title": "report_title",
             "copy": "report_copy", "truncated": "report_truncated"}
COLUMN_KEYS = ("report_severity", "report_sheet_name", "report_row", "report_column", "report_value",
               "report_explanation")


def report_texts(lang: str) -> dict:
    """The report's texts in `lang`, placeholders unfilled."""
    texts = {name: t(f"export.{key}", lang) for name, key in TEXT_KEYS.items()}
    return {**texts, "columns": tuple(t(f"export.{key}", lang) for key in COLUMN_KEYS)}

COLUMN_WIDTHS = (10, 18, 7, 22, 24, 70)
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def error_report(file_name: str, problems: list[Problem], lang: str, source: bytes | None = None) -> bytes:
    """An .xlsx listing every problem (errors first) and, for an .xlsx/.xlsm source, each affected row annotated.

    Never raises on an odd source: a source openpyxl cannot open gives the problems sheet only.
    """
    lang = "en" if lang == "en" else "zh"
    texts = report_texts(lang)
    lang = "en" if lang == "en" else "zh"
    ordered = sort_problems(problems)
    book = Workbook()
    _write_problems_sheet(book.active, file_name, ordered, texts, lang)
    if source is not None and PurePath(file_name).suffix.lower() in ANNOTATED_SUFFIXES:
        _write_annotated_sheets(book, source, ordered, texts, lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors before warnings; within each, whole-file problems, then by sheet (as first mentioned) and row."""
    sheet_order: dict[str, int] = {"": -1}
    for problem in problems:
        sheet_order.setdefault(problem.sheet, len(sheet_order))
    return sorted(problems, key=lambda p: (
        p.severity != ERROR, sheet_order[p.sheet], -1 if p.row is None else p.row,
    ))


def _severity_label(problem: Problem, texts: dict) -> str:
    return texts["error"] if problem.severity == ERROR else texts["warning"] if problem.severity == WARNING \
        else problem.severity


def _fill_for(severity: str) -> PatternFill:
    return ERROR_FILL if severity == ERROR else WARNING_FILL


def _explanation(problem: Problem, lang: str) -> str:
    return problem.zh if lang == "zh" else problem.en


def _safe(value: object) -> object:
    """A value for a cell: numbers and dates unchanged, text without illegal characters and formula-safe.

    Text starting with = + - @ tab or CR gets a leading ' (safetext.neutralise_formula, the OWASP rule).
    """
    if value is None or isinstance(value, (int, float, bool, datetime.date, datetime.time, datetime.timedelta)):
        return value
    return neutralise_formula(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _put(sheet: Worksheet, row: int, col: int, value: object):
    """Write `value` through _safe; text is stored as text (openpyxl would take any "=…" str for a formula)."""
    cell = sheet.cell(row, col)
    value = _safe(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # shown as typed, never evaluated
    return cell


def _write_problems_sheet(sheet: Worksheet, file_name: str, problems: list[Problem], texts: dict,
                          lang: str) -> None:
    sheet.title = texts["sheet"]
    columns = texts["columns"]
    errors = sum(p.severity == ERROR for p in problems)
    title = _put(sheet, 1, 1, texts["title"].format(file=file_name, errors=errors, warnings=len(problems) - errors))
    title.font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for col, text in enumerate(columns, start=1):
        cell = sheet.cell(2, col, text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for row, problem in enumerate(problems, start=3):
        values = (_severity_label(problem, texts), problem.sheet, problem.row, problem.column, problem.value,
                  _explanation(problem, lang))
        fill = _fill_for(problem.severity)
        for col, value in enumerate(values, start=1):
            cell = _put(sheet, row, col, value)
            cell.fill = fill
            cell.alignment = TOP_WRAP
    for col, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(2, len(problems) + 2)}"


def _row_note(problems: list[Problem], texts: dict, lang: str) -> str:
    lines = []
    for problem in problems:
        where = t("export.report_where", lang, column=problem.column) if problem.column else ""
        lines.append(t("export.report_note", lang, severity=_severity_label(problem, texts), where=where,
                       text=_explanation(problem, lang)))
    return "\n".join(lines)


def _copy_name(name: str, prefix: str, taken: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub("_", f"{prefix}{name}")[:31].strip("'") or prefix
    candidate, number = base, 2
    while candidate.casefold() in taken:
        suffix = f"({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _write_annotated_sheets(book: Workbook, source: bytes, problems: list[Problem], texts: dict,
                            lang: str) -> None:
    """One sheet per affected source sheet: its rows (values only) with the row's problems in a first column."""
    by_sheet: dict[str, dict[int, list[Problem]]] = defaultdict(lambda: defaultdict(list))
    for problem in problems:
        if problem.sheet and problem.row is not None:
            by_sheet[problem.sheet][problem.row].append(problem)
    if not by_sheet:
        return
    try:
        workbook = load_workbook(io.BytesIO(source), read_only=True, data_only=True)
    except Exception:  # an odd source: the problems sheet alone still helps
        return
    taken = {name.casefold() for name in book.sheetnames}
    try:
        for name in workbook.sheetnames:
            if name not in by_sheet:
                continue
            try:
                _copy_sheet(book, workbook[name], by_sheet[name], _copy_name(name, texts["copy"], taken), texts, lang)
            except Exception:  # a sheet openpyxl cannot stream is left out, never the whole report
                continue
    finally:
        workbook.close()


def _copy_sheet(book: Workbook, source: Worksheet, rows: dict[int, list[Problem]], title: str, texts: dict,
                lang: str) -> None:
    sheet = book.create_sheet(title)
    for col, text in enumerate((PROBLEMS_HEADER, ROW_HEADER), start=1):
        header = sheet.cell(1, col, text)
        header.font = BOLD
        header.fill = HEADER_FILL
    width = FIRST_SOURCE_COLUMN - 1
    copied = 0
    for index, values in enumerate(source.iter_rows(max_row=MAX_COPIED_ROWS, values_only=True), start=1):
        copied = index
        out_row = index + 1  # row 1 holds the report's own header
        sheet.cell(out_row, 2, index)
        for col, value in enumerate(values, start=FIRST_SOURCE_COLUMN):
            if value is not None:
                _put(sheet, out_row, col, value)
        width = max(width, len(values) + FIRST_SOURCE_COLUMN - 1)
        if index in rows:
            note = _put(sheet, out_row, 1, _row_note(rows[index], texts, lang))
            note.alignment = TOP_WRAP
            fill = _fill_for(ERROR if any(p.severity == ERROR for p in rows[index]) else WARNING)
            for col in range(1, width + 1):
                sheet.cell(out_row, col).fill = fill
    # problems on rows past the copy (or past the sheet's end) still show, below the copy
    extra = sorted(r for r in rows if r > copied)
    if extra:
        row = copied + 2
        if copied >= MAX_COPIED_ROWS:
            _put(sheet, row, 1, texts["truncated"].format(rows=MAX_COPIED_ROWS)).font = Font(italic=True)
            row += 1
        for number in extra:
            sheet.cell(row, 2, number)
            note = _put(sheet, row, 1, _row_note(rows[number], texts, lang))
            note.fill = _fill_for(ERROR if any(p.severity == ERROR for p in rows[number]) else WARNING)
            note.alignment = TOP_WRAP
            row += 1
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 8
    for col in range(FIRST_SOURCE_COLUMN, min(width, 60) + 1):
        sheet.column_dimensions[get_column_letter(col)].width = 14
    sheet.freeze_panes = "C2"
