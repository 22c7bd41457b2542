"""CSV and text files: encoding detected (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK), delimiter sniffed."""
from __future__ import annotations

import codecs
import csv
import io
import re

from loaders.messages import loader_error
from loaders.sheets import Grid

DELIMITERS = (",", "\t", ";", "|")


def decode_text(data: bytes, file_name: str) -> str:
    """Text of a CSV: BOMs honoured, then strict UTF-8, then strict GB18030; never mojibake (LoaderError)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError:
            raise loader_error("undecodable", file_name) from None
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise loader_error("undecodable", file_name) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise loader_error("undecodable", file_name) from None
    # GB18030 decodes almost any byte soup; text that is mostly rare CJK or symbols is not a Chinese CSV
    common = sum(1 for ch in text if ch.isascii() or "\u4e00" <= ch <= "\u9fa5" or ch in "，。：；（）、“”《》％　")
    if common < 0.9 * len(text):
        raise loader_error("undecodable", file_name)
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first lines: the one splitting them most consistently (comma by default)."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    best, best_score = ",", 0
    for delim in DELIMITERS:
        counts = [line.count(delim) for line in lines]
        score = min(counts) if counts else 0
        if score > best_score:
            best, best_score = delim, score
    return best


def read_csv(data: bytes, file_name: str, max_cells: int) -> list[Grid]:
    """A CSV as one Grid (all cells text); the sheet is named after the file."""
    text = decode_text(data, file_name)
    if "\x00" in text:
        raise loader_error("unreadable", file_name, detail="binary data")
    head = text[:2000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<table", "<?xml")) or "<table" in head[:500]:
        raise loader_error("html_as_xls", file_name)
    delimiter = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise loader_error("unreadable", file_name, detail=f"csv: {exc}") from None
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    if width * len(rows) > max_cells:
        raise loader_error("too_many_cells", file_name, cells=width * len(rows), limit=max_cells)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    name = re.sub(r"\.(csv|txt|tsv)$", "", file_name.rsplit("/", 1)[-1], flags=re.I) or "csv"
    return [Grid(name=name, rows=rows, first_row=1, first_col=0, merges=[])]
