"""A table the app shows, as a file to download (.xlsx or .csv) in which no text cell can become a formula."""
from __future__ import annotations

import datetime
import io
import math
import re

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from safetext import neutralise_frame

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET_NAME = 31  # characters Excel allows in a sheet name
MAX_COLUMN_WIDTH = 60
_BOLD = Font(bold=True)


def table_xlsx(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """`frame` as one .xlsx sheet: a bold header row, then its rows (the index is not written).

    Numbers, dates and booleans stay typed cells. Text is neutralised first (safetext.neutralise_frame: a leading
    = + - @ tab or CR gets a ') and then written as a text cell, so a spreadsheet never reads a formula from it;
    control characters XML cannot hold are dropped.
    """
    safe = neutralise_frame(frame)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(sheet_name))
    header = [_text(str(name)) for name in safe.columns]
    for index, name in enumerate(header, start=1):
        longest = max([len(name), *(len(str(v)) for v in safe.iloc[:200, index - 1] if v is not None)])
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_COLUMN_WIDTH, max(8, longest * 1.6 + 2))
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, bold=True) for name in header])
    for row in safe.itertuples(index=False, name=None):
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_csv(frame: pd.DataFrame) -> bytes:
    """`frame` as CSV in UTF-8 with a BOM (Excel on Chinese Windows then reads the Chinese right); text neutralised.

    The index is not written; rows end with CRLF.
    """
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no [ ] : * ? / \\, no quote at either end, at most 31 characters."""
    title = _SHEET_NAME_FORBIDDEN.sub(" ", _text(name)).strip().strip("'")[:MAX_SHEET_NAME].strip()
    return title or "Sheet1"


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet, value: object, bold: bool = False) -> WriteOnlyCell:
    """One cell: numbers, dates and booleans typed; anything else text, forced to the string type."""
    value = _plain(value)
    cell = WriteOnlyCell(sheet, value=_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise take a text starting with "=" for a formula
    if bold:
        cell.font = _BOLD
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
