"""What a caller tells the loader about a file and how much a parse may use; standard library only.

Importable before pandas, so that a command line can start parsing its first file at once.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass

from settings import get_settings


@dataclass(frozen=True)
class Defaults:
    """What the uploader says for the whole file, as typed ('防汛', '2020年7月', '南京').

    Used only where the file itself has no column, sheet name or title naming it.
    """

    campaign: str | None = None
    period: str | None = None
    city: str | None = None
    columns: tuple[tuple[str, str], ...] = ()  # (header, metric code or "ignore") for headers the catalog lacks


def parse_mapping(text: str) -> tuple[str, str]:
    """'HEADER=METRIC_CODE' or 'HEADER=ignore' → (header, code); ValueError when there is no '=' or a side is empty."""
    header, sep, code = text.rpartition("=")
    if not sep or not header.strip() or not code.strip():
        raise ValueError(f"expected HEADER=METRIC_CODE or HEADER=ignore, not {text!r}")
    return header.strip(), code.strip()


@dataclass(frozen=True)
class ParseLimits:
    """What one file's parse may use: the file and cell caps, and its worker's memory and time."""

    max_upload_mb: int = 50
    max_cells: int = 5_000_000
    memory_mb: int = 1024  # address space the worker may add to what it starts with
    seconds: float = 60.0  # CPU time and wall-clock time

    @classmethod
    def from_settings(cls) -> ParseLimits:
        settings = get_settings()
        return cls(settings.max_upload_mb, settings.max_cells, settings.parse_memory_mb, settings.parse_seconds)


def add_map_option(parser: argparse.ArgumentParser) -> None:
    """The command lines' repeatable --map HEADER=METRIC_CODE (or HEADER=ignore), giving (header, code) pairs."""
    def mapping(text: str) -> tuple[str, str]:
        try:
            return parse_mapping(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{exc} / 应写成“表头=指标代码”或“表头=ignore”") from None

    parser.add_argument("--map", action="append", type=mapping, default=[], metavar="HEADER=METRIC_CODE",
                        help="read a header the catalog does not know as this metric, or HEADER=ignore (repeatable)")
