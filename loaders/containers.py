"""What kind of container a file is, and whether it may be opened at all; stdlib only, no judgement messages.

Everything here runs before python-calamine sees the bytes: calamine allocates a sheet's whole bounding
rectangle at once (one cell at XFD1048576 asks for 550 GB), so a workbook is refused on what it
declares before it is parsed, and its parse runs in a bounded worker (loaders/isolated.py) besides.
"""
from __future__ import annotations

import io
import re
import zipfile

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UNCOMPRESSED_FACTOR = 20  # a zip may unpack to at most this many times the upload limit
MAX_RATIO = 200  # and no member may be compressed more than this (bombs reach 1000:1)
MAX_MEMBERS = 10_000  # a workbook of 13 city sheets has a few dozen parts
HEAD_BYTES = 4096  # of each XML part: where a DTD or a sheet's <dimension> stands
MAX_SMALL_PART = 1 << 20  # workbook.xml and its relationships are read whole up to this size
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]{1,3})?(\d+)?(?::([A-Za-z]{1,3})(\d+))?\"")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"[^>]*?\b(?:\w+:)?id=\"([^\"]*)\"")
_RELATION = re.compile(rb"<Relationship\b[^>]*?\bId=\"([^\"]*)\"[^>]*?\bTarget=\"([^\"]*)\"|"
                       rb"<Relationship\b[^>]*?\bTarget=\"([^\"]*)\"[^>]*?\bId=\"([^\"]*)\"")
Found = tuple[str, dict]  # a message code and its fields


def zip_problem(data: bytes, max_upload_mb: int) -> Found | None:
    """Why a zip container must not be opened (a message code and its fields), or None when it may be."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - zipfile raises many kinds on damaged or hostile archives
        return "unreadable", {"detail": f"zip: {type(exc).__name__}: {exc}"[:200]}
    if len(infos) > MAX_MEMBERS:
        return "unreadable", {"detail": f"zip: {len(infos)} parts"}
    total = sum(i.file_size for i in infos)
    limit = max_upload_mb * UNCOMPRESSED_FACTOR * 1024 * 1024
    if total > limit:
        return "uncompressed_too_large", {"size_mb": total / 2**20, "limit_mb": limit // 2**20}
    for info in infos:
        if info.file_size > 10 * 2**20 and info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            return "compression_ratio", {"ratio": info.file_size / info.compress_size}
    return None


def workbook_problem(data: bytes, max_cells: int) -> Found | None:
    """Why a zipped workbook (.xlsx, .xlsm, .ods) must not be parsed, judged on its parts' heads; None if it may be.

    A part that cannot be unpacked (an unsupported zip version or method, broken data), XML with a
    DTD (entity expansion), or sheets whose declared dimensions hold more than `max_cells` cells.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            heads = {}
            for info in archive.infolist():
                if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(info) as part:
                    heads[info.filename] = part.read(HEAD_BYTES)
            names = _sheet_names(archive, heads)
    except Exception as exc:  # noqa: BLE001 - NotImplementedError for zip version 7.3, zlib.error, BadZipFile ...
        return "unreadable", {"detail": f"zip: {type(exc).__name__}: {exc}"[:200]}
    total = 0
    for part, head in heads.items():
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            return "unreadable", {"detail": f"{part}: XML with a document type declaration"}
        found = _DIMENSION.search(head)
        if found is None:
            continue
        cells = _cells_in(found)
        total += cells
        if cells > max_cells or total > max_cells:
            ref = found.group(0).split(b'"')[1].decode("ascii", "replace")
            return "sheet_too_large", {"name": names.get(part, part), "ref": ref, "cells": cells, "limit": max_cells}
    return None


def error_cells(data: bytes) -> dict[str, list[tuple[int, int, str]]]:
    """Cells holding an Excel error (#REF!, #DIV/0! …) per sheet name of a zipped workbook: (row, column, text), 0-based.

    python-calamine reads an error cell as empty, which would lose a figure without a word; this finds them in the
    sheets' XML (`<c r="D7" t="e"><v>#REF!</v></c>`), streaming each part once. Only .xlsx/.xlsm parts are read.
    """
    found: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [i.filename for i in archive.infolist()
                 if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
        if not parts:
            return found
        names = _sheet_names(archive, {p: b"" for p in parts})
        for part in parts:
            with archive.open(part) as stream:
                cells = _error_cells_in(stream)
            if cells:
                found[names.get(part, part)] = cells
    return found


_ERROR_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*>(?:(?!</c>).){0,4096}?<v>([^<]{1,32})</v>', re.S)
_CHUNK = 1 << 22


def _error_cells_in(stream) -> list[tuple[int, int, str]]:
    """Error cells of one sheet part read in chunks: only the text around each t="e" is matched (linear)."""
    cells, tail = [], b""
    while True:
        chunk = stream.read(_CHUNK)
        buffer = tail + chunk
        start = 0
        while True:
            at = buffer.find(b't="e"', start)
            if at < 0:
                break
            begin = buffer.rfind(b"<c ", max(0, at - 512), at)
            end = buffer.find(b"</c>", at, at + 4096)
            if begin < 0 or end < 0:
                if chunk and end < 0 and len(buffer) - at < 4096:
                    break  # the cell goes on in the next chunk
                start = at + 5
                continue
            match = _ERROR_CELL.match(buffer, begin, end + 4)
            if match:
                cells.append((int(match.group(2)) - 1, _column_number(match.group(1)) - 1,
                              match.group(3).decode("utf-8", "replace")))
            start = end + 4
        if not chunk:
            return cells
        keep = max(start, len(buffer) - 4608)
        tail = buffer[keep:]


def _cells_in(found: re.Match) -> int:
    """Cells in a dimension reference such as A1:XFD1048576 (a single cell: 1)."""
    col0, row0, col1, row1 = found.groups()
    if col1 is None:
        return 1
    first_col, last_col = _column_number(col0 or "A"), _column_number(col1)
    first_row, last_row = int(row0 or 1), int(row1)
    return max(last_col - first_col + 1, 1) * max(last_row - first_row + 1, 1)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _sheet_names(archive: zipfile.ZipFile, heads: dict[str, bytes]) -> dict[str, str]:
    """Worksheet part → the sheet's name as the workbook shows it (empty when the workbook does not say)."""
    try:
        book = _small_part(archive, "xl/workbook.xml")
        relations = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for match in _RELATION.finditer(relations):
        rel_id, target = (match.group(1), match.group(2)) if match.group(1) is not None else (match.group(4), match.group(3))
        target = target.decode("utf-8", "replace").lstrip("/")
        targets[rel_id] = target if target.startswith("xl/") else f"xl/{target}"
    names = {}
    for name, rel_id in _SHEET.findall(book):
        if rel_id in targets and targets[rel_id] in heads:
            names[targets[rel_id]] = _unescape(name.decode("utf-8", "replace"))
    return names


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(MAX_SMALL_PART)


def _unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def is_encrypted_ole(data: bytes) -> bool:
    """An OOXML file saved with a password is an OLE container holding an EncryptedPackage stream."""
    head = data[: 1 << 20]
    return data.startswith(OLE_MAGIC) and ("EncryptedPackage".encode("utf-16-le") in head
                                           or "EncryptionInfo".encode("utf-16-le") in head)
