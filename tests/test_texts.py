"""One text catalog (i18n.TEXTS for the pages, the texts package for the rest) and one error family (errors.KpiError)."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import i18n
import texts
from errors import KpiError, error_text
from safetext import escape_markdown

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Where bilingual texts may be written out: the catalog itself. Scripts that make demo data and fixtures, and
# benchmarks, are no part of what a user sees.
CATALOG_FILES = {"i18n.py"}
# Pairs that are no translation: the words a unit cell may start with (parsed, never shown), and each language's
# name in itself on the language switch.
NOT_TRANSLATIONS = {("numbers.py", "单位："), ("ui.py", "中文")}
LEFT_OUT = {"texts", "tests", "data", "scripts", "bench", ".venv", ".git"}


def catalog() -> dict[str, tuple[str, str]]:
    every = {key: pair for key, pair in i18n.TEXTS.items()}
    for section, entries in texts.SECTIONS.items():
        every.update({f"{section}.{name}": pair for name, pair in entries.items()})
    return every


def fields(text: str) -> set[str]:
    """The placeholders of a text, a NAME_en counted as NAME (the English form of the same value)."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return {name.removesuffix("_en") for name in names}


@pytest.mark.parametrize("key", sorted(catalog()))
def test_every_text_has_chinese_and_english_with_the_same_placeholders(key):
    pair = catalog()[key]
    assert isinstance(pair, tuple) and len(pair) == 2, key
    zh, en = pair
    assert zh.strip() and en.strip(), key
    assert fields(zh) == fields(en), key


def test_section_keys_never_shadow_page_keys():
    assert not any("." in key for key in i18n.TEXTS)
    assert set(texts.SECTIONS) == {"problem", "loader", "store", "cli", "export", "cycle", "progress", "remind",
                                   "review"}


def test_every_problem_code_has_a_severity_and_a_text():
    from loaders.messages import SEVERITY

    assert set(SEVERITY) == set(texts.SECTIONS["problem"])


def test_t_and_both_look_up_every_section():
    assert i18n.t("store.no_upload", "zh", upload_id=7) == "没有编号为 7 的上传记录。"
    assert i18n.t("store.no_upload", "en", upload_id=7) == "There is no upload number 7."
    assert i18n.t("app_title", "en") == "Civic-practice KPI dashboard"
    assert i18n.both("store.refused", who=("张三", "Zhang San"), role=("管理员", "admin"), action=i18n.both("store.act_upload")) == (
        "张三（管理员）无权上传数据，未作任何更改。", "Zhang San (admin) may not upload figures; nothing was changed.")
    with pytest.raises(KeyError):
        i18n.t("store.no_such_text", "zh")
    with pytest.raises(KeyError):
        i18n.t("nowhere.no_upload", "zh")


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, (ast.Constant, ast.JoinedStr)) and (
        not isinstance(node, ast.Constant) or isinstance(node.value, str))


def _words(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))


def _is_pair(first: ast.AST, second: ast.AST) -> bool:
    """A Chinese text followed by an English one: the old inline (zh, en) pair."""
    if not (_is_text(first) and _is_text(second)):
        return False
    zh, en = _words(first), _words(second)
    return bool(CJK.search(zh)) and not CJK.search(en) and bool(LATIN_WORD.search(en))


def _is_lines_pair(node: ast.AST) -> bool:
    """One text holding a Chinese line and then an English one ("…无法写入…\\n" "…cannot write…\\n")."""
    if not _is_text(node):
        return False
    lines = [line for line in _words(node).split("\n") if line.strip()]
    return any(CJK.search(zh) and not CJK.search(en) and LATIN_WORD.search(en)
               for index, zh in enumerate(lines) for en in lines[index + 1:])


def inline_pairs(path: Path) -> list[str]:
    """Where a module spells out a bilingual text itself: a (zh, en) call or tuple, a {"zh": …, "en": …} dict, or
    a Chinese text chosen by `lang == "zh"`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = []
        if isinstance(node, ast.Call):
            items = node.args
        elif isinstance(node, (ast.Tuple, ast.List)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            if {"zh", "en"} <= set(keys):
                found.append(f"{path.name}:{node.lineno} a {{'zh': …, 'en': …}} dict")
            continue
        elif isinstance(node, ast.IfExp) and _is_text(node.body) and CJK.search(_words(node.body)):
            test = ast.unparse(node.test)
            if "zh" in test or "lang" in test:
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:80]}")
            continue
        for first, second in zip(items, items[1:]):
            if _is_pair(first, second):
                found.append(f"{path.name}:{first.lineno} {_words(first)[:40]!r}, {_words(second)[:40]!r}")
        if isinstance(node, ast.Call):
            found += [f"{path.name}:{item.lineno} {_words(item)[:80]!r}" for item in items if _is_lines_pair(item)]
    return found


def source_files() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py")
                  if not set(p.relative_to(ROOT).parts) & LEFT_OUT and p.name not in CATALOG_FILES)


def test_no_module_holds_inline_bilingual_pairs():
    found = [hit for path in source_files() for hit in inline_pairs(path)
             if not any(hit.startswith(f"{name}:") and words in hit for name, words in NOT_TRANSLATIONS)]
    assert not found, "bilingual texts outside the catalog (move them to i18n.TEXTS or texts/):\n" + "\n".join(found)


def test_the_scan_finds_each_old_pattern(tmp_path):
    sample = tmp_path / "old.py"
    sample.write_text('raise StoreError(f"没有编号为 {n} 的上传记录。", f"There is no upload number {n}.")\n'
                      'zh, en = "注释行，已忽略", "note line, ignored"\n'
                      'TITLE = {"zh": "统计表", "en": "Statistics"}\n'
                      'label = "省公司层面" if lang == "zh" else "province level"\n'
                      'sys.stderr.write(f"ERROR: 无法写入“{out}”\\n"\n'
                      '                 f"ERROR: cannot write {out}\\n")\n', encoding="utf-8")
    assert len(inline_pairs(sample)) == 5


def test_every_error_of_the_family_shows_one_way():
    from loaders.messages import loader_error
    from loaders.problems import LoaderError
    from store.cli import UsageError
    from store.errors import LoginRefused, PermissionRefused, StoreError, StoreFailed

    assert all(issubclass(c, KpiError) for c in (StoreError, StoreFailed, LoginRefused, PermissionRefused,
                                                  LoaderError, UsageError))
    refused = LoginRefused.of("store.login_locked", "locked", minutes=5)
    assert refused.reason == "locked" and refused.text("en").endswith("try again in 5 minute(s).")
    assert refused.message("zh") == refused.zh == "登录失败次数过多，账号已锁定，请 5 分钟后再试。"
    assert str(refused) == f"{refused.zh}\n{refused.en}"
    unreadable = loader_error("encrypted", "a.xlsx")
    assert unreadable.text("en") == unreadable.problem.message("en") == (
        "a.xlsx: The file is encrypted (password-protected); remove the password and upload it again.")
    assert str(unreadable) == unreadable.problem.bilingual()
    assert error_text(unreadable, "zh").startswith("a.xlsx：文件已加密")
    assert error_text(ValueError("internal"), "zh") is None


def test_a_loader_error_survives_the_trip_from_a_worker():
    import pickle

    from loaders.messages import loader_error

    error = pickle.loads(pickle.dumps(loader_error("too_large", "big.xlsx", size_mb=30.5, limit_mb=20)))
    assert error.problem.code == "too_large" and error.text("en") == "big.xlsx: The file is 30.5 MB, over the 20 MB limit."


def _page_refusing():
    import ui
    from store.errors import PermissionRefused

    def render():
        raise PermissionRefused.of("store.refused", who=("甲", "A"), role=("访客", "viewer"),
                                   action=("上传数据", "upload figures"))

    ui.guarded(render)


@pytest.mark.parametrize("lang, shown", [
    ("zh", "甲（访客）无权上传数据，未作任何更改。"),
    ("en", "A (viewer) may not upload figures; nothing was changed."),
])
def test_a_page_shows_an_error_of_the_family_with_its_own_text_not_as_unexpected(lang, shown):
    from streamlit.testing.v1 import AppTest

    from ui import LANG_KEY

    app = AppTest.from_function(_page_refusing)
    app.session_state[LANG_KEY] = lang
    app.run()
    assert not app.exception
    assert [e.value for e in app.error] == [escape_markdown(shown)]  # shown as text, never as Markdown
