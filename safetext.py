"""Text from users and files, made safe for where it goes: Markdown, chart labels (HTML), CSV and Excel cells.

Every string that comes from a user or a file (file, sheet and uploader names, headers, cell texts,
unit names) passes through one of these before it is rendered or exported; numbers never change.
"""
from __future__ import annotations

import html
import re

import pandas as pd

# Every character Markdown (CommonMark + GitHub extensions) or Streamlit's own Markdown gives a meaning:
# emphasis, links and images, headings, lists, tables, code, math ($), colour and icon directives (:red[…]),
# and "/" because Streamlit rewrites ":material/" in the source before parsing.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%/])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# Streamlit 1.67 rewrites text nodes after parsing, where backslash escapes no longer count: bare URLs and
# e-mail addresses become links (GFM autolink literals), :material_x:, :streamlit: and :emoji: become icons or
# images, and -> -- >= <= ~= become arrows and signs. An invisible word joiner inside each pattern breaks it.
WORD_JOINER = "\u2060"
_JOIN_AFTER = re.compile(r"(?<=[:@])")
_JOIN_WWW = re.compile(r"(?i)(?<=www)(?=\.)")
_JOIN_ARROWS = re.compile(r"(?<=[<>\-=~])(?=[<>\-=~])")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_markdown(text: object) -> str:
    """`text` as Markdown that shows exactly these characters: no link, image, HTML, heading or directive.

    Line breaks become spaces: a name or a cell text is one line wherever it is shown. Invisible word joiners
    (WORD_JOINER) follow every ":" and "@" and split "www." and arrows, which Streamlit would otherwise rewrite.
    """
    plain = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    for pattern in (_JOIN_AFTER, _JOIN_WWW, _JOIN_ARROWS):
        plain = pattern.sub(WORD_JOINER, plain)
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
