"""safetext: user text shown as text (Markdown, chart labels, terminals) and exported without formulas."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from safetext import WORD_JOINER, escape_label, escape_markdown, escape_terminal, neutralise_formula, neutralise_frame


def shown(markdown: str) -> str:
    """What a browser shows for escaped text: backslash escapes resolved, word joiners invisible."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


@pytest.mark.parametrize("text", [
    "![x](http://host/x.png) 报表.xlsx", "[link](javascript:alert(1))", "<img src=x onerror=alert(1)>",
    "# heading", "- item", "1. item", "**bold** _it_", "`code`", ":red[colour] :material/home:", "$x^2$",
    "a | b", "~~gone~~", "line\nbreak", "back\\slash", "&amp; &lt;", ":material_home: :streamlit: :smile:",
    "http://127.0.0.1:9/x.png www.example.com me@example.com", "a -> b <- c -- d >= e", "<https://x.y>",
])
def test_escape_markdown_leaves_no_unescaped_markup(text):
    escaped = escape_markdown(text)
    assert "\n" not in escaped
    # every special character is preceded by an odd run of backslashes, i.e. escaped
    for match in re.finditer(r"[`*_\[\]()<>#!|~$:&]", escaped):
        run = len(escaped[: match.start()]) - len(escaped[: match.start()].rstrip("\\"))
        assert run % 2 == 1, (text, escaped, match.start())
    assert shown(escaped) == text.replace("\n", " ")


@pytest.mark.parametrize("text, pattern", [
    # Streamlit rewrites these in text already parsed (escapes no longer count); a word joiner breaks each
    ("http://127.0.0.1:9/x.png", r"https?://"), ("www.example.com", r"(?i)www\."), ("me@example.com", r"@\w"),
    (":material_home:", r":material_\w+:"), (":material/home:", r":material/"), (":streamlit:", r":streamlit:"),
    (":smile:", r":[\w+-]+:"), ("a -> b", r"->"), ("a <-> b", r"<-|->"), ("c -- d", r"--"), ("x >= 1", r">="),
])
def test_escape_markdown_breaks_what_streamlit_rewrites_after_parsing(text, pattern):
    parsed_text = re.sub(r"\\(.)", r"\1", escape_markdown(text))  # the text node the renderer sees
    assert not re.search(pattern, parsed_text)
    assert parsed_text.replace(WORD_JOINER, "") == text


def test_escape_markdown_of_none_and_numbers():
    assert escape_markdown(None) == ""
    assert escape_markdown(12.5) == r"12\.5"


def test_escape_label_shows_tags_as_text():
    assert escape_label("<a href='javascript:x'>南京</a>") == "&lt;a href='javascript:x'&gt;南京&lt;/a&gt;"


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+1", "'+1"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("南京市", "南京市"), ("", ""), (5, 5), (-5.5, -5.5), (None, None),
])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_neutralise_frame_touches_text_only():
    frame = pd.DataFrame({"=name": ["=1+1", "ok", None], "n": [-1, 2, 3],
                          "cat": pd.Categorical(["@x", "y", "@x"])})
    safe = neutralise_frame(frame)
    assert list(safe.columns) == ["'=name", "n", "cat"]
    assert safe["'=name"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(safe["'=name"].iloc[2])
    assert safe["n"].tolist() == [-1, 2, 3]
    assert safe["cat"].tolist() == ["'@x", "y", "'@x"]
    assert frame["=name"].iloc[0] == "=1+1"  # the original is not changed


@pytest.mark.parametrize("text, expected", [
    ("\x1b[31m红色\x1b[0m.xlsx", "\u241b[31m红色\u241b[0m.xlsx"),  # colour
    ("\x1b]0;title\x07", "\u241b]0;title\u2407"),  # window title, bell
    ("ok\rFAKE", "ok\u240dFAKE"), ("a\nb", "a\u240ab"), ("a\tb", "a\u2409b"), ("back\bspace", "back\u2408space"),
    ("\x00", "\u2400"), ("del\x7f", "del\u2421"), ("\x9b31m", "\\x9b31m"), ("\x85next", "\\x85next"),
    ("abc\u202edcba", "abc\\u202edcba"), ("line\u2028sep", "line\\u2028sep"),
    ("南京市 国网 ① ｘ", "南京市 国网 ① ｘ"), ("", ""), (None, ""), (12.5, "12.5"),
])
def test_escape_terminal_shows_controls_instead_of_obeying_them(text, expected):
    escaped = escape_terminal(text)
    assert escaped == expected
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in escaped)
