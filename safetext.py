"""Text from users and files, made safe for where it goes: Markdown, chart labels (HTML), CSV and Excel cells.

Every string that comes from a user or a file (file, sheet and uploader names, headers, cell texts,
unit names) passes through one of these before it is rendered or exported; numbers never change.
"""
from __future__ import annotations

import html
import re

import pandas as pd

# Every character Markdown (CommonMark + GitHub extensions) or Streamlit's own Markdown gives a meaning:
# emphasis, links and images, headings, lists, tables, code, math ($), colour and icon directives (:red[…]).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_markdown(text: object) -> str:
    """`text` as Markdown that shows exactly these characters: no link, image, HTML, heading or directive.

    Line breaks become spaces: a name or a cell text is one line wherever it is shown.
    """
    plain = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain)


def escape_label(text: object) -> str:
    """`text` for a plotly title, axis or hover label, which renders a subset of HTML: tags shown as text."""
    return html.escape(_LINE_BREAKS.sub(" ", "" if text is None else str(text)), quote=False)


def neutralise_formula(value: object) -> object:
    """A text cell beginning with =, +, -, @, tab or CR gets a leading apostrophe (OWASP CSV injection rule).

    Anything that is not text (numbers, dates, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are formula-safe; numeric columns are untouched."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        safe[column] = series.map(neutralise_formula, na_action="ignore")
    safe.columns = [neutralise_formula(c) for c in safe.columns]
    return safe
