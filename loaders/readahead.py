"""Workbooks read ahead in a background thread, for the command lines.

python-calamine parses a sheet without holding the GIL. A command line that names its files before
it imports pandas has its first workbook parsed meanwhile (the imports take about 0.6 s), and each
next file parsed while the current one is checked and stored. Nothing here judges a file:
read_workbook does that as always, handed the sheets ready; a file read ahead and never claimed is
dropped. Only the standard library and python-calamine are imported, so that this can start first.
"""
from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from loaders.containers import OLE_MAGIC, WORKBOOK_SUFFIXES, ZIP_MAGIC, is_encrypted_ole, zip_problem
from settings import get_settings


@dataclass
class ReadyBook:
    """A workbook opened, and its sheets parsed, from exactly these bytes."""

    data: bytes
    book: python_calamine.CalamineWorkbook
    sheets: dict[str, python_calamine.CalamineSheet]


_changed = threading.Condition()
_ready: list[ReadyBook] = []  # at most one waits to be claimed, so that memory holds one book ahead
_reading: list[bytes] = []  # the bytes being parsed now, if any


def read_ahead(paths: Sequence[str], max_upload_mb: int | None = None,
               max_cells: int | None = None) -> threading.Thread | None:
    """Start parsing, in order and one ahead of the caller, the workbooks among `paths` (other names are ignored).

    The limits are the settings' unless given.
    """
    files = [Path(p) for p in paths if p.lower().endswith(WORKBOOK_SUFFIXES) and Path(p).is_file()]
    if not files:
        return None
    settings = get_settings()
    max_upload_mb = settings.max_upload_mb if max_upload_mb is None else max_upload_mb
    max_cells = settings.max_cells if max_cells is None else max_cells
    thread = threading.Thread(target=_read_all, args=(files, max_upload_mb, max_cells), name="readahead", daemon=True)
    thread.start()
    return thread


def claim(data: bytes) -> ReadyBook | None:
    """The book read ahead from these bytes (waiting while it is being parsed), or None if there is none."""
    with _changed:
        while True:
            for ready in _ready:
                if ready.data == data:
                    _ready.remove(ready)
                    _changed.notify_all()
                    return ready
            if _ready:  # read ahead for a file the caller passed over: dropped
                _ready.clear()
                _changed.notify_all()
            if not (_reading and _reading[0] == data):
                return None
            _changed.wait()


def _read_all(files: list[Path], max_upload_mb: int, max_cells: int) -> None:
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not _may_open(data, max_upload_mb):
            continue
        with _changed:
            _reading[:] = [data]
        ready = None
        try:
            ready = _parse(data, max_cells)
        except BaseException:  # noqa: BLE001 - the caller's own read reports whatever is wrong with the file
            ready = None
        finally:
            with _changed:
                _changed.wait_for(lambda: not _ready)
                if ready is not None:
                    _ready.append(ready)
                _reading.clear()
                _changed.notify_all()


def _may_open(data: bytes, max_upload_mb: int) -> bool:
    """Only what read_workbook itself would open: within the size limits, not encrypted, not a zip bomb."""
    if len(data) > max_upload_mb * 1024 * 1024 or is_encrypted_ole(data):
        return False
    if data.startswith(ZIP_MAGIC):
        return zip_problem(data, max_upload_mb) is None
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
