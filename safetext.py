"""Text from users and files, made safe for where it goes: Markdown, chart labels (HTML), CSV and Excel cells,
terminals.

Every string that comes from a user or a file (file, sheet and uploader names, headers, cell texts,
unit names) passes through one of these before it is rendered or exported; numbers never change.
"""
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: the command lines load this before pandas
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
# What a terminal obeys instead of showing: C0 controls (ESC starts colour, cursor and title sequences; CR and BS
# overwrite what was printed), DEL, C1 controls (U+009B is a one-character CSI), and the invisible characters
# that reorder or break a line (bidirectional overrides and isolates, Unicode line and paragraph separators).
_TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


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
    import pandas as pd

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


def _visible_control(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ESC → ␛, CR → ␍, LF → ␊, TAB → ␉
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def escape_terminal(text: object) -> str:
    """`text` for a terminal line: every control character shown as a visible stand-in, never obeyed.

    C0 controls become their Control Pictures (ESC → ␛, CR → ␍, a line break → ␊), DEL becomes ␡, C1 controls
    and bidirectional or line-separator characters become \\x9b / \\u202e escapes. Apply it to one line (or one
    name, one cell text) at a time: a line break inside it is shown, not followed.
    """
    return _TERMINAL_CONTROLS.sub(_visible_control, "" if text is None else str(text))
