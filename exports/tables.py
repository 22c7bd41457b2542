"""A table the app shows, as a file to download (.xlsx or .csv) in which no text cell can become a formula."""
from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Sequence

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from safetext import neutralise_frame

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

# openpyxl (with lxml and PIL, 0.2 s) is imported when a file is made, not with the pages that offer one: a server's
# first page after a start does not wait for it.

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31  # characters Excel allows in a sheet name
MAX_COLUMN_WIDTH = 60


def table_xlsx(frame: pd.DataFrame, sheet_name: str, about: Sequence[tuple[str, str]] = ()) -> bytes:
    """`frame` as one .xlsx sheet: a bold header row, then its rows (the index is not written).

    `about` (label, text) pairs, such as the filters and the data-as-of of the view, are written first as a block
    of two-cell rows, then an empty row, then the table; the panes freeze under the table's header.

    Numbers, dates and booleans stay typed cells. Text is neutralised first (safetext.neutralise_frame: a leading
    = + - @ tab or CR gets a ') and then written as a text cell, so a spreadsheet never reads a formula from it;
    control characters XML cannot hold are dropped.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    safe = neutralise_frame(frame)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_name))
    header = [_text(str(name)) for name in safe.columns]
    block = _about_rows(about)
    for index, name in enumerate(header, start=1):
        longest = max([len(name), *(len(str(v)) for v in safe.iloc[:200, index - 1] if v is not None)])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_COLUMN_WIDTH, max(8, longest * 1.6 + 2))
    sheet.freeze_panes = f"A{len(block) + 2}"
    for label, text in block:
        sheet.append([_cell(sheet, label, bold=True), _cell(sheet, text)])
    if block:
        sheet.append([])
    sheet.append([_cell(sheet, name, bold=True) for name in header])
    for row in safe.itertuples(index=False, name=None):
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_csv(frame: pd.DataFrame, about: Sequence[tuple[str, str]] = ()) -> bytes:
    """`frame` as CSV in UTF-8 with a BOM (Excel on Chinese Windows then reads the Chinese right); text neutralised.

    The index is not written; rows end with CRLF. `about` (label, text) pairs come first as two-field rows, then
    one empty line, then the table's header and rows: Excel shows the block above the table, and a program finds
    the table after the first empty line (pandas: read_csv(..., skiprows=len(about) + 1)).
    """
    table = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    block = _about_rows(about)
    if not block:
        return table.encode("utf-8-sig")
    head = pd.DataFrame(block).to_csv(index=False, header=False, lineterminator="\r\n")
    return (head + "\r\n" + table).encode("utf-8-sig")


def _about_rows(about: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (label, text) pairs of a header block, neutralised like the table's text and on one line each."""
    rows = pd.DataFrame([(str(label), str(text)) for label, text in about], columns=["label", "text"], dtype=object)
    rows = rows.replace({r"[\r\n]+": " "}, regex=True)
    return list(neutralise_frame(rows).itertuples(index=False, name=None))


def _sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no [ ] : * ? / \\, no quote at either end, at most 31 characters."""
    title = _SHEET_NAME_FORBIDDEN.sub(" ", _text(name)).strip().strip("'")[:MAX_SHEET_NAME].strip()
    return title or "Sheet1"


def _text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet, value: object, bold: bool = False) -> WriteOnlyCell:
    """One cell: numbers, dates and booleans typed; anything else text, forced to the string type."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    value = _plain(value)
    cell = WriteOnlyCell(sheet, value=_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise take a text starting with "=" for a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def _plain(value: object) -> object:
    """A value openpyxl writes as it is: None for missing, Python numbers and naive datetimes, else text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value) if math.isfinite(value) else str(value)
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, (datetime.date, datetime.time, str)):
        return value
    return str(value)
