"""A workbook parsed in a background thread while its process imports pandas; no state outside the object.

python-calamine parses a sheet without holding the GIL. A parse worker started before pandas is
imported (the command lines' first file) hands its bytes to a BookAhead first, so the workbook is
parsed during the ~0.6 s of imports. Nothing here judges a file: read_workbook does that as always,
handed the sheets ready. Only the standard library and python-calamine are imported.
"""
from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import python_calamine

from loaders.containers import OLE_MAGIC, ZIP_MAGIC, is_encrypted_ole, workbook_problem, zip_problem


@dataclass
class ReadyBook:
    """A workbook opened, and its sheets parsed, from exactly these bytes."""

    data: bytes
    book: python_calamine.CalamineWorkbook
    sheets: dict[str, python_calamine.CalamineSheet]


class BookAhead:
    """Parses one workbook in a thread of its own; `claim` waits for it. A file read_workbook would refuse is never opened."""

    def __init__(self, data: bytes, max_upload_mb: int, max_cells: int):
        self.data = data
        self._ready: ReadyBook | None = None
        self._thread = None
        if _may_open(data, max_upload_mb, max_cells):
            self._thread = threading.Thread(target=self._read, args=(max_cells,), name="book-ahead", daemon=True)
            self._thread.start()

    def claim(self, data: bytes) -> ReadyBook | None:
        """The book parsed from these bytes (waiting for the thread), or None: not read ahead, or it failed."""
        if self._thread is None or data is not self.data and data != self.data:
            return None
        self._thread.join()
        ready, self._ready = self._ready, None
        return ready

    def _read(self, max_cells: int) -> None:
        try:
            self._ready = _parse(self.data, max_cells)
        except BaseException:  # noqa: BLE001 - read_workbook reads the file again and reports what is wrong with it
            self._ready = None


def _may_open(data: bytes, max_upload_mb: int, max_cells: int) -> bool:
    """Only what read_workbook itself would open: within the limits, not encrypted, not a bomb, declaring no huge sheet."""
    if len(data) > max_upload_mb * 1024 * 1024 or is_encrypted_ole(data):
        return False
    if data.startswith(ZIP_MAGIC):
        return zip_problem(data, max_upload_mb) is None and workbook_problem(data, max_cells) is None
    return data.startswith(OLE_MAGIC)


def _parse(data: bytes, max_cells: int) -> ReadyBook | None:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = {}
    cells = 0
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        cells += sheet.width * sheet.height
        if cells > max_cells:  # read_workbook refuses it: keep nothing
            return None
        sheets[name] = sheet
    return ReadyBook(data, book, sheets)
