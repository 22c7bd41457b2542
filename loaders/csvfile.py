"""CSV and text files: encoding detected (UTF-8, UTF-8 with BOM, UTF-16, GB18030/GBK), delimiter sniffed."""
from __future__ import annotations

import codecs
import csv
import io
import re

from loaders.messages import loader_error
from loaders.grid import Grid

DELIMITERS = (",", "\t", ";", "|")  # in order of preference when two split equally well
SNIFF_MAX_CHARS = 64 * 1024  # the delimiter is judged on at most this much text from the start…
SNIFF_MAX_RECORDS = 50  # …and on at most this many non-empty records


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
    # linear in the text: csv.Sniffer's regex was quadratic, 100 KB of ,"a,"a,… took 30 s holding the GIL
    records = _delimiter_counts(text)
    best, best_score = ",", (0.0, 0)
    for delim in DELIMITERS:
        counts = [record[delim] for record in records]
        used = [c for c in counts if c]
        if not used:
            continue
        mode = max(set(used), key=lambda c: (used.count(c), c))
        score = (counts.count(mode) / len(counts), mode)  # share of records with the usual count, then that count
        if score > best_score:
            best, best_score = delim, score
    return best


def _delimiter_counts(text: str) -> list[dict[str, int]]:
    """Per non-empty record of the text's start: each delimiter's count outside double quotes."""
    sample = text[:SNIFF_MAX_CHARS]
    lines = sample.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(text) > len(sample) and len(lines) > 1:
        lines.pop()  # cut off in the middle
    records: list[dict[str, int]] = []
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = pending = False
    for line in lines:
        if not quoted and (not line or line.isspace()):
            continue  # a blank line between records
        # split on quotes, pieces alternate outside / inside; a doubled quote "" leaves an empty outside piece
        pieces = line.split('"')
        outside = "".join(pieces[1 if quoted else 0::2])
        for delim in DELIMITERS:
            counts[delim] += outside.count(delim)
        quoted ^= len(pieces) % 2 == 0  # an odd number of quotes: a quoted field goes on on the next line
        pending = quoted
        if not quoted:
            records.append(counts)
            if len(records) >= SNIFF_MAX_RECORDS:
                break
            counts = dict.fromkeys(DELIMITERS, 0)
    if pending and not records:  # one record, its quote never closed within the sample
        records.append(counts)
    return records


def read_csv(data: bytes, file_name: str, max_cells: int) -> list[Grid]:
    """A CSV as one Grid (all cells text); the sheet is named after the file."""
    text = decode_text(data, file_name)
    if "\x00" in text:
        raise loader_error("unreadable", file_name, detail="binary data")
    head = text[:2000].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<table", "<?xml")) or "<table" in head[:500]:
        raise loader_error("html_as_xls", file_name)
    delimiter = sniff_delimiter(text)
    rows, cells = [], 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            cells += len(row)
            if cells > max_cells:  # refused while reading: a file of commas would otherwise fill memory first
                raise loader_error("too_many_cells", file_name, cells=cells, limit=max_cells)
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
