"""A valid workbook whose names and texts are hostile Markdown/HTML/formulas, and how to look for them unescaped.

Shared by the AppTest page test (tests/test_hostile_text.py) and the browser test (tests/test_browser.py).
"""
from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import quoteattr

from google.protobuf.message import Message
from openpyxl import Workbook

from safetext import WORD_JOINER

OUTSIDE = "127.0.0.1:9"  # nothing listens on port 9: a request to it shows up in the browser's log and fails
FILE_NAME = f"![x](http://{OUTSIDE}/x.png) [a](javascript:alert(1)) <img src=http://{OUTSIDE}/y.png> :red[x] $x$ 报表.xlsx"
SHEET_NAME = f"![s](http://{OUTSIDE}/s.png) <img src=http://{OUTSIDE}/t.png> :red[s] $s$"
HEADER = f"[h](javascript:alert(1)) <img src=http://{OUTSIDE}/h.png> $h$"
UNIT_FORMULA = "=cmd|' /C calc'!A0"
UNIT_MARKUP = f"![u](http://{OUTSIDE}/u.png) <img src=http://{OUTSIDE}/u2.png> :red[u] $u$"
REMARKS = f'=HYPERLINK("http://{OUTSIDE}/r","r") ![r](http://{OUTSIDE}/r.png)'
NOTE = f"注：![n](http://{OUTSIDE}/n.png) <img src=http://{OUTSIDE}/n2.png> :red[n]"
UPLOADER = f'=HYPERLINK("http://{OUTSIDE}/p","p") <img src=http://{OUTSIDE}/p.png> :red[p] $p$'
GARBAGE_NAME = f"![g](http://{OUTSIDE}/g.png) <img src=http://{OUTSIDE}/g2.png> :red[g] $g$.xlsx"
TEAMS_ADDED = 12  # 7 in Nanjing + 5 in Suzhou, flood teams in August 2020

# What must never reach a Markdown element unescaped: images, links, raw HTML, directives, math, bare URLs.
RAW_MARKUP = ("![", "](", "<img", "javascript:", ":red[", "$x$", "$s$", "$u$", "$h$", "http://")
# Fields of Streamlit's protobuf messages the browser renders as Markdown (Radio's options too).
MARKDOWN_FIELDS = {"body", "label", "labels", "help", "text", "delta", "placeholder", "captions"}
MARKDOWN_OPTIONS = {"Radio"}


@functools.cache  # the same bytes every time: a second upload of it is the same file
def hostile_workbook() -> bytes:
    """A long-layout .xlsx that loads with warnings only: two figures, a hostile sheet name, header, units, note."""
    book = Workbook()
    sheet = book.active
    sheet.title = "PLACEHOLDER"
    sheet.append(["统计期间", "地区", "服务队/单位", "专项活动", "指标", "数值", "备注", HEADER])
    sheet.append(["2020年8月", "国网南京供电公司", UNIT_FORMULA, "防汛保电", "服务队", 7, REMARKS, "@SUM(x)"])
    sheet.append(["2020年8月", "国网苏州供电公司", UNIT_MARKUP, "防汛保电", "服务队", 5, "", "说明文字"])
    sheet.append([NOTE])
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # the clerk typed this text: not a formula (openpyxl would make "=…" one)
    out = io.BytesIO()
    book.save(out)
    return _rename_sheet(out.getvalue(), "PLACEHOLDER", SHEET_NAME)


def _rename_sheet(data: bytes, old: str, new: str) -> bytes:
    """Excel refuses [ ] : / in sheet names, but a file can carry them: write the name into workbook.xml directly."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content = content.replace(f'name="{old}"'.encode(), f"name={quoteattr(new)}".encode())
            target.writestr(item, content)
    return out.getvalue()


def shown(markdown: str) -> str:
    """The text a browser shows for Markdown made by safetext.escape_markdown."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def unescaped_markup(markdown: str) -> list[str]:
    """The RAW_MARKUP pieces found in `markdown` once its backslash-escaped characters are taken out."""
    bare = re.sub(r"\\.", "", markdown)
    return [piece for piece in RAW_MARKUP if piece in bare]


def markdown_texts(at) -> Iterator[tuple[str, str]]:
    """(element type, text) for every Markdown-bearing string in an AppTest's element tree: bodies, labels, help…"""
    def walk(node) -> Iterator[tuple[str, str]]:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            yield from _strings(proto)
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at._tree)


def plotly_specs(at) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def _strings(message: Message) -> Iterator[tuple[str, str]]:
    kind = message.DESCRIPTOR.name
    for field, value in message.ListFields():
        values = list(value) if _repeated(value) else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str) and (field.name in MARKDOWN_FIELDS
                                            or (field.name == "options" and kind in MARKDOWN_OPTIONS)):
                yield f"{kind}.{field.name}", item


def _repeated(value: object) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message))
