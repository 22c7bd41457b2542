"""Column mappings (#9, item 5): the unknown headers of a parse and the metrics to offer for each; which headers
may be mapped at all; stored aliases merged with the ones chosen now.

A mapping is (header as written, metric code or IGNORE); the loader reads them from Defaults.columns and matches
a header through catalog.normalize_text, with or without its bracketed unit (loaders/sheets.py `_mapped`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from catalog import Catalog, normalize_text
from i18n import both
from loaders.headers import match_header, split_unit, suggest_metrics
from loaders.messages import MAX_SHOWN_CHARS
from loaders.numbers import load_columns
from loaders.problems import Problem

IGNORE = "ignore"
UNKNOWN_COLUMN = "unknown_column"  # the problem of a header the catalog does not know, over figures
HEADER_SEPARATOR = " / "  # how a problem names a two-level header: upper / lower
_COLUMN_LETTERS = re.compile(r"^[A-Z]{1,3}$")  # a column without a header is named by its letter


@dataclass(frozen=True)
class UnknownHeader:
    """A header a parse could not read, as its problem names it, and the metric codes closest to it, best first."""

    header: str
    suggestions: tuple[str, ...]


def header_key(header: str) -> str:
    """The form two spellings of one header share: 宣贯高压客户（户） and '宣贯高压客户(户)' give the same key."""
    return normalize_text(header)


def unknown_headers(catalog: Catalog, problems: Iterable[Problem]) -> list[UnknownHeader]:
    """The headers of the file's unknown_column problems, once each (a header on several sheets is one), in order.

    Left out: a column without a header (named by its letter) and a header cut short in its message (over
    MAX_SHOWN_CHARS): neither can be named in a mapping.
    """
    found: dict[str, UnknownHeader] = {}
    for problem in problems:
        header = problem.column
        if problem.code != UNKNOWN_COLUMN or not header.strip() or _COLUMN_LETTERS.match(header):
            continue
        if len(header) >= MAX_SHOWN_CHARS and header.endswith("..."):
            continue
        key = header_key(header)
        if key not in found:
            found[key] = UnknownHeader(header, suggested_codes(catalog, header))
    return list(found.values())


def suggested_codes(catalog: Catalog, header: str) -> tuple[str, ...]:
    """The metric codes the loader's message suggests for `header` (its lowest part), best first."""
    lowest = header.split(HEADER_SEPARATOR)[-1]
    by_label = {f"{m.zh} / {m.en}": m.code for m in catalog.metrics.values()}
    return tuple(dict.fromkeys(by_label[label] for label in suggest_metrics(catalog, lowest) if label in by_label))


def known_header(catalog: Catalog, header: str) -> tuple[str, str] | None:
    """Why `header` may not be mapped, (Chinese, English), or None when it may.

    The catalog already reads it (a metric, or a role such as 地区 or 统计期间: a mapping would override the catalog
    for every later file), or it is a total's label (合计: a total column is left out, never loaded as a metric).
    """
    parts = tuple(p for p in header.split(HEADER_SEPARATOR) if p.strip())
    if not parts:
        return both("loader.alias_header_empty")
    name, _ = split_unit(parts[-1])
    if header_key(parts[-1]) in _total_labels() or header_key(name) in _total_labels():
        return both("loader.alias_total", header=header)
    match = match_header(catalog, parts, suggest=False)
    if match.metric is not None:
        return both("loader.alias_metric", header=header, metric=match.metric.zh, metric_en=match.metric.en)
    if match.role:
        return both("loader.alias_role", header=header, role=match.role)
    return None


def merged_columns(*mappings: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One mapping per header key, a later one replacing an earlier one (stored aliases first, the choices of now last).

    Sorted by key, so that the same mappings always give the same Defaults (parse caches key on them).
    """
    merged: dict[str, tuple[str, str]] = {}
    for mapping in mappings:
        for header, target in mapping:
            merged[header_key(header)] = (header, target)
    return tuple(merged[key] for key in sorted(merged))


@lru_cache(maxsize=1)
def _total_labels() -> frozenset[str]:
    return frozenset(header_key(text) for text in load_columns()["total_labels"])
