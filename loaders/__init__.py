"""Loaders: spreadsheet bytes → canonical facts (model.FACT_COLUMNS) plus a bilingual problem report.

    from loaders import parse_bytes, parse_path, Defaults, ParseResult, Problem, LoaderError

The names are imported on first use (PEP 562), so `python -m loaders` can set up the process
(no cyclic GC for a short-lived CLI) before pandas is imported.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from lazy import lazy_exports

_EXPORTS = {
    "parse_bytes": "loaders.files", "parse_path": "loaders.files", "Defaults": "loaders.options",
    "ParseLimits": "loaders.options", "parse_isolated": "loaders.isolated", "ParseJob": "loaders.isolated",
    "ParseResult": "loaders.problems", "Problem": "loaders.problems", "LoaderError": "loaders.problems",
    "DroppedRow": "loaders.problems", "SheetReport": "loaders.problems",
}
__all__ = list(_EXPORTS)

if TYPE_CHECKING:
    from loaders.files import parse_bytes, parse_path
    from loaders.isolated import ParseJob, parse_isolated
    from loaders.options import Defaults, ParseLimits
    from loaders.problems import DroppedRow, LoaderError, ParseResult, Problem, SheetReport

__getattr__ = lazy_exports(__name__, _EXPORTS)
