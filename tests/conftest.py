"""Shared fixtures: a fresh store per test, demo facts as a DataFrame, parse results built from rows."""
from __future__ import annotations

import pandas as pd
import pytest

from catalog import load_catalog
from loaders.problems import ParseResult
from model import FACT_COLUMNS
from settings import DEMO_DIR


def facts_frame(rows: list[dict]) -> pd.DataFrame:
    """Canonical facts from short dicts (defaults: no county/unit, no qualifier, sheet S, row by position)."""
    full = []
    for index, row in enumerate(rows):
        full.append({
            "city": "", "county": "", "unit": "", "qualifier": "", "remarks": "", "sheet": "S",
            "row": index + 2, **row,
        })
    frame = pd.DataFrame(full, columns=FACT_COLUMNS)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["value"] = frame["value"].astype(float)
    return frame


def make_result(rows: list[dict], file_name: str = "test.xlsx") -> ParseResult:
    return ParseResult(file_name=file_name, facts=facts_frame(rows))


def demo_expected() -> pd.DataFrame:
    """The facts data/demo/expected.csv says the demo files load into."""
    frame = pd.read_csv(DEMO_DIR / "expected.csv", dtype=str, keep_default_na=False)
    frame["value"] = frame["value"].astype(float)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    frame["remarks"], frame["sheet"], frame["row"] = "", "", 0
    return frame[FACT_COLUMNS]


@pytest.fixture
def catalog():
    return load_catalog()


@pytest.fixture
def store_url(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def store(store_url):
    from store import Store

    return Store(store_url)
