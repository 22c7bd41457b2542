"""Workbooks (.xlsx, .xlsm, .xls, .ods) read with python-calamine into grids; macros never run."""
from __future__ import annotations

import io
from collections.abc import Callable

import python_calamine

from loaders.containers import ZIP_MAGIC, error_cells, is_encrypted_ole, workbook_problem, zip_problem
from loaders.messages import loader_error
from loaders.readahead import BookAhead
from loaders.grid import Grid


def check_zip(data: bytes, file_name: str, max_upload_mb: int, max_cells: int) -> None:
    """Refuse a zip container that would unpack too far (a bomb), cannot be unpacked, or declares a huge sheet."""
    found = zip_problem(data, max_upload_mb) or workbook_problem(data, max_cells)
    if found is not None:
        raise loader_error(found[0], file_name, **found[1])


def _error_cells(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """Excel error cells per sheet (none found in .xls/.ods); a part that cannot be read here: none."""
    if not data.startswith(ZIP_MAGIC):
        return {}
    try:
        return error_cells(data)
    except Exception:  # noqa: BLE001 - the zip was checked before; a part that fails here is calamine's to report
        return {}


def read_workbook(data: bytes, file_name: str, max_cells: int, sheets: list[str] | None = None,
                  progress: Callable[[float, str], None] | None = None, ahead: BookAhead | None = None) -> list[Grid]:
    """Every sheet of a workbook as a Grid (rows padded, merges relative); LoaderError if unreadable.

    `ahead` may hold the book already parsed from these bytes (a worker that read it while importing pandas).
    """
    if is_encrypted_ole(data):
        raise loader_error("encrypted", file_name)
    errors = _error_cells(data)  # first: a book read ahead is still being parsed in its thread meanwhile
    ready = ahead.claim(data) if ahead is not None else None
    try:
        book = ready.book if ready else python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise loader_error("encrypted", file_name) from None
    except BaseException as exc:  # calamine raises its own types and, on some damage, panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise loader_error("unreadable", file_name, detail=f"{type(exc).__name__}: {exc}"[:200]) from None
    names = list(book.sheet_names)
    try:
        hidden = {m.name for m in book.sheets_metadata if m.visible != python_calamine.SheetVisibleEnum.Visible}
    except Exception:  # metadata is a nicety; a workbook without it is read all the same
        hidden = set()
    if sheets:
        missing = [s for s in sheets if s not in names]
        if missing:
            raise loader_error("sheet_not_found", file_name, name=missing[0], names="、".join(names))
        names = [n for n in names if n in sheets]
    grids = []
    cells = 0
    for k, name in enumerate(names):
        try:
            sheet = ready.sheets.get(name) if ready else None
            sheet = sheet or book.get_sheet_by_name(name)
            width, height = sheet.width, sheet.height
            cells += width * height
            if cells > max_cells:
                raise loader_error("too_many_cells", file_name, cells=cells, limit=max_cells)
            rows = sheet.to_python(skip_empty_area=True)
            merges = sheet.merged_cell_ranges or []
            start = sheet.start
        except python_calamine.PasswordError:
            raise loader_error("encrypted", file_name) from None
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            if exc.__class__.__name__ == "LoaderError":
                raise
            raise loader_error("unreadable", file_name, detail=f"{type(exc).__name__}: {exc}"[:200]) from None
        first_row, first_col = (start if start else (0, 0))
        lengths = set(map(len, rows))
        width = max(lengths, default=0)
        if len(lengths) > 1:  # calamine rows are rectangular; pad anyway if one is short
            for row in rows:
                if len(row) < width:
                    row.extend([""] * (width - len(row)))
        for r, c, text in errors.get(name, ()):  # calamine reads an error cell as empty: put its error back
            if 0 <= r - first_row < len(rows) and 0 <= c - first_col < width and rows[r - first_row][c - first_col] == "":
                rows[r - first_row][c - first_col] = text
        rel = []
        for (r0, c0), (r1, c1) in merges:
            r0, r1, c0, c1 = r0 - first_row, r1 - first_row, c0 - first_col, c1 - first_col
            if r1 < 0 or c1 < 0 or r0 >= len(rows) or c0 >= width:
                continue
            rel.append((max(r0, 0), max(c0, 0), min(r1, len(rows) - 1), min(c1, width - 1)))
        grids.append(Grid(name=name, rows=rows, first_row=first_row + 1, first_col=first_col, merges=rel,
                          hidden=name in hidden))
        if progress is not None:
            progress(0.1 + 0.4 * (k + 1) / max(len(names), 1), f"已读取工作表“{name}” / read sheet {name!r}")
    return grids
