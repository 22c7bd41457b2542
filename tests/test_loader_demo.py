"""The demo files load into exactly the facts of data/demo/expected.csv, with no errors."""
from __future__ import annotations

import pandas as pd
import pytest

from loaders import parse_path
from settings import DEMO_DIR

EXPECTED = DEMO_DIR / "expected.csv"
DEMO_FILES = ["2020年7月防汛保电统计表.xlsx", "文明实践台账_2019-2020.csv"]
KEY = ["period_start", "period_end", "city", "county", "unit", "campaign", "metric"]

pytestmark = pytest.mark.skipif(not EXPECTED.exists(), reason="demo data not generated")


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[[*KEY, "value", "qualifier"]].copy()
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    for column in ("city", "county", "unit", "campaign", "metric", "qualifier"):
        out[column] = out[column].fillna("").astype(str)
    out["value"] = out["value"].astype(float).round(6)
    return out.sort_values(KEY).reset_index(drop=True)


@pytest.fixture(scope="module")
def results():
    return {name: parse_path(DEMO_DIR / name) for name in DEMO_FILES}


@pytest.mark.parametrize("name", DEMO_FILES)
def test_demo_file_has_no_errors(results, name):
    result = results[name]
    assert result.ok, [p.bilingual() for p in result.errors]


def test_demo_files_give_expected_facts(results):
    expected = pd.read_csv(EXPECTED, dtype=str, keep_default_na=False)
    expected["value"] = expected["value"].astype(float)
    got = pd.concat([r.facts for r in results.values()], ignore_index=True)
    pd.testing.assert_frame_equal(_canonical(got), _canonical(expected), check_dtype=False)


def test_workbook_total_and_notes_are_dropped(results):
    result = results["2020年7月防汛保电统计表.xlsx"]
    assert [d.row for d in result.dropped] == [21, 22, 23]
    assert (result.facts["row"] < 21).all()
    assert [s.status for s in result.sheets] == ["loaded", "skipped"]
    assert {p.code for p in result.warnings} == {"instruction_sheet"}


def test_workbook_rows_are_excel_rows(results):
    facts = results["2020年7月防汛保电统计表.xlsx"].facts
    gaochun = facts[(facts["county"] == "高淳区") & (facts["metric"] == "lighting_km")]
    assert gaochun["row"].tolist() == [6]
    assert gaochun["value"].tolist() == [44.6]


def test_facts_have_fact_columns_and_dtypes(results):
    from model import FACT_COLUMNS

    facts = results["文明实践台账_2019-2020.csv"].facts
    assert list(facts.columns) == FACT_COLUMNS
    assert str(facts["period_start"].dtype) == "datetime64[ns]"
    assert facts["value"].dtype == float
    assert facts["row"].tolist()[0] == 2
