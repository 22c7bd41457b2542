"""The flow runs one way: each layer imports only layers to its left; only the page layer imports Streamlit."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Left to right; a module may import its own layer and any layer before it.
LAYERS = [
    {"settings", "catalog", "model", "keys", "i18n", "geo", "shortlived", "lazy", "safetext", "texts", "errors", "labels"},
    {"loaders", "exports"},
    {"store"},
    {"analytics", "reporting", "reminders"},
    {"display"},
    {"charts"},
    {"cached", "ui", "dashboard", "pages", "webauth", "webapp"},
]
ENTRY_POINTS = {"cli", "__main__"}  # command lines stand beside the pages, above analytics, without Streamlit


def layer_of(name: str) -> int | None:
    top = name.split(".")[0]
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    return None


def project_files() -> list[Path]:
    files = []
    for entry in sorted(set().union(*LAYERS)):
        path = ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [ROOT / f"{entry}.py"]
    return [f for f in files if f.exists()]


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", project_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path):
    own = layer_of(str(path.relative_to(ROOT).with_suffix("")).replace("/", "."))
    assert own is not None
    entry_point = path.stem in ENTRY_POINTS
    for name in imports_of(path):
        if name.split(".")[0] == "streamlit":
            assert own == len(LAYERS) - 1 and not entry_point, f"{path.name} imports Streamlit below the page layer"
        if entry_point:
            continue
        other = layer_of(name)
        assert other is None or other <= own, f"{path.name} imports {name}, a layer to its right"
