"""Bad inputs are refused with their row and value named; unreadable files give one LoaderError, nothing else."""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from loaders import LoaderError, ParseLimits, parse_bytes, parse_path
from loaders.messages import MAX_PER_KIND, MAX_SHOWN_CHARS
from loaders.sheets import MAX_COLUMNS

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(FIXTURES))
from make_fixtures import BAD_CASES  # noqa: E402


@pytest.fixture(scope="module")
def bad():
    return parse_path(FIXTURES / "bad_values.csv")


def test_bad_file_is_rejected(bad):
    assert not bad.ok


@pytest.mark.parametrize("row, code, value", BAD_CASES)
def test_each_bad_row_is_named(bad, row, code, value):
    found = [p for p in bad.errors if p.code == code]
    assert found, f"no {code}: {[p.code for p in bad.errors]}"
    problem = found[0]
    assert (problem.row, problem.value, problem.file, problem.sheet) == (row, value, "bad_values.csv", "bad_values")
    assert problem.column
    assert f"第 {row} 行" in problem.message("zh") and value in problem.message("zh")
    assert f"row {row}" in problem.message("en") and value in problem.message("en")


def test_bad_rows_give_no_facts(bad):
    # only rows 10 and 11 are well-formed (11 repeats 10's key: an error, but both rows are shown)
    assert bad.facts["row"].tolist() == [10, 11]


@pytest.mark.parametrize(
    "name, code",
    [
        ("garbage.xlsx", "unreadable"),
        ("empty.csv", "empty_file"),
        ("truncated.xlsx", "unreadable"),
        ("encrypted.xlsx", "encrypted"),
        ("html_disguised.xls", "html_as_xls"),
        ("zip_bomb.xlsx", "compression_ratio"),
    ],
)
def test_unreadable_files_raise_loader_error(name, code):
    with pytest.raises(LoaderError) as caught:
        parse_path(FIXTURES / name)
    problem = caught.value.problem
    assert problem.code == code and problem.file == name
    assert problem.zh and problem.en and name in str(caught.value)


def test_missing_file_is_loader_error(tmp_path):
    with pytest.raises(LoaderError):
        parse_path(tmp_path / "nope.xlsx")


def test_upload_size_cap(monkeypatch):
    monkeypatch.setenv("KPI_MAX_UPLOAD_MB", "0")
    with pytest.raises(LoaderError) as caught:
        parse_path(FIXTURES / "wide_clean.xlsx")
    assert caught.value.problem.code == "too_large"


def test_uncompressed_size_cap(monkeypatch):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (3 * 2**20))
    monkeypatch.setattr("loaders.containers.UNCOMPRESSED_FACTOR", 2)
    with pytest.raises(LoaderError) as caught:
        parse_bytes(data.getvalue(), "big.xlsx", limits=ParseLimits(max_upload_mb=1, max_cells=10**9))
    assert caught.value.problem.code == "uncompressed_too_large"


def test_cell_count_cap(monkeypatch):
    monkeypatch.setenv("KPI_MAX_CELLS", "10")
    with pytest.raises(LoaderError) as caught:
        parse_path(FIXTURES / "wide_clean.xlsx")  # its sheet declares A1:I5 (45 cells): refused before it is read
    assert caught.value.problem.code == "sheet_too_large"
    with pytest.raises(LoaderError) as caught:
        parse_path(FIXTURES / "wide_clean.xls")  # no declared dimension: counted as read
    assert caught.value.problem.code == "too_many_cells"
    with pytest.raises(LoaderError) as caught:
        parse_path(FIXTURES / "long_clean.csv")
    assert caught.value.problem.code == "too_many_cells"


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "rows, code, row, value",
    [
        ([["统计期间", "地区", "专项活动", "服务队"], ["2020年7月", "南京", "防汛", "待统计"]], "not_a_number", 2, "待统计"),
        ([["统计期间", "地区", "专项活动", "服务队"], ["2020年7月", "南京", "防汛", -3]], "negative_value", 2, "-3"),
        ([["统计期间", "地区", "专项活动", "服务队"], ["2020年7月", "上海市", "防汛", 3]], "outside_jiangsu", 2, "上海市"),
        ([["统计期间", "地区", "专项活动", "服务队"], ["2020年13月", "南京", "防汛", 3]], "impossible_date", 2, "2020年13月"),
        ([["统计期间", "地区", "专项活动", "服务队"], ["2020年7月", "南京", "植树", 3]], "unknown_campaign", 2, "植树"),
        ([["统计期间", "地区", "专项活动", "服务队", "献血数量"], ["2020年7月", "南京", "防汛", 3, 5]], "unknown_column", None, "5"),
        ([["统计期间", "地区", "专项活动", "捐款（毫升）"], ["2020年7月", "南京", "防汛", 3]], "header_unit_mismatch", None, ""),
        ([["统计期间", "地区", "专项活动", "服务队", "服务队"], ["2020年7月", "南京", "防汛", 3, 4]], "duplicate_column", None, ""),
        ([["统计期间", "地区", "专项活动", "服务队"], ["2020年7月", "南京", "防汛", 3], ["2020-07", "南京市", "防汛保电", 4]],
         "duplicate_key", 3, "4"),
        ([["地区", "服务队"], ["鼓楼区", 3]], "ambiguous_region", 2, "鼓楼区"),
    ],
)
def test_bad_workbook_cells(rows, code, row, value):
    result = parse_bytes(_xlsx(rows), "upload.xlsx")
    matching = [p for p in result.errors if p.code == code]
    assert matching, [p.bilingual() for p in result.problems]
    assert (matching[0].row, matching[0].value) == (row, value)
    assert not result.ok


def test_unknown_column_suggests_metrics():
    result = parse_bytes(_xlsx([["统计期间", "地区", "专项活动", "献血数量"], ["2020年7月", "南京", "防汛", 5]]), "u.xlsx")
    problem = next(p for p in result.errors if p.code == "unknown_column")
    assert "献血量" in problem.zh and "blood donated" in problem.en


def test_text_only_unknown_column_is_a_warning():
    rows = [["统计期间", "地区", "专项活动", "服务队", "联络员"], ["2020年7月", "南京", "防汛", 3, "张三"]]
    result = parse_bytes(_xlsx(rows), "u.xlsx")
    assert result.ok and [p.code for p in result.warnings] == ["ignored_column"]


def test_many_problems_of_one_kind_are_capped():
    rows = [["统计期间", "地区", "专项活动", "服务队"]] + [["2020年7月", "南京", "防汛", "待统计"]] * 60
    result = parse_bytes(_xlsx(rows), "many.xlsx")
    codes = [p.code for p in result.problems]
    assert codes.count("not_a_number") == 20 and "more_problems" in codes


def test_workbook_with_only_empty_sheets_is_empty():
    with pytest.raises(LoaderError) as caught:
        parse_bytes(_xlsx([]), "blank.xlsx")
    assert caught.value.problem.code == "empty_file"


def test_instructions_only_workbook_is_an_error_not_a_crash():
    result = parse_bytes(_xlsx([["填表说明"], ["1. 数值栏填写数字。"]]), "notes.xlsx")
    assert [p.code for p in result.problems] == ["instruction_sheet", "no_data"]


def test_sheet_of_numbers_without_header_is_an_error():
    result = parse_bytes(_xlsx([["a", "b"], [1, 2], [3, 4]]), "numbers.xlsx")
    assert "no_header_with_numbers" in [p.code for p in result.errors]


def test_undecodable_text_is_refused():
    with pytest.raises(LoaderError) as caught:
        parse_bytes("地区,服务队\n南京,3\n".encode("utf-16-le")[2:] + b"\xff\xfe\xfd", "odd.csv")
    assert caught.value.problem.code in {"undecodable", "unreadable"}


def test_same_key_on_two_sheets_is_a_duplicate():
    book = Workbook()
    first = book.active
    first.title = "七月"
    second = book.create_sheet("七月补报")
    for sheet in (first, second):
        sheet.append(["统计期间", "地区", "专项活动", "服务队"])
        sheet.append(["2020年7月", "南京", "防汛", 3])
    out = io.BytesIO()
    book.save(out)
    result = parse_bytes(out.getvalue(), "two.xlsx")
    problem = next(p for p in result.errors if p.code == "duplicate_key")
    assert (problem.sheet, problem.row) == ("七月补报", 2)
    assert "七月" in problem.zh and "sheet '七月' row 2" in problem.en


@pytest.mark.parametrize("label", ["小计", "南京小计", "合 计", "Total", "TOTAL:", "总计"])
def test_total_rows_are_dropped_not_loaded(label):
    rows = [["统计期间", "地区", "专项活动", "服务队"], ["2020年7月", "南京", "防汛", 3], ["2020年7月", label, "防汛", 3]]
    result = parse_bytes(_xlsx(rows), "t.xlsx")
    assert result.ok and result.facts["row"].tolist() == [2]
    assert [d.row for d in result.dropped] == [3]


def test_progress_callback_exceptions_pass_through_untouched():
    class Stop(BaseException):
        pass

    def stop(fraction, label):
        raise Stop()

    with pytest.raises(Stop):
        parse_path(FIXTURES / "long_clean.csv", progress=stop)


def _csv(rows: list[list[object]]) -> bytes:
    return "\n".join(",".join(str(c) for c in row) for row in rows).encode("utf-8")


LONG = 16_000
WIDE_HEADER = ["统计期间", "地区", "专项活动", "服务队"]
LONG_HEADER = ["统计期间", "地区", "专项活动", "指标", "数值"]


@pytest.mark.parametrize(
    "header, row, code",
    [
        (WIDE_HEADER, ["{}", "南京", "防汛", 3], "bad_period"),
        (WIDE_HEADER, ["2020年7月", "{}", "防汛", 3], "unknown_region"),
        (WIDE_HEADER, ["2020年7月", "南京", "{}", 3], "unknown_campaign"),
        (WIDE_HEADER, ["2020年7月", "南京", "防汛", "{}"], "not_a_number"),
        (LONG_HEADER, ["2020年7月", "南京", "防汛", "{}", 3], "unknown_metric"),
    ],
)
@pytest.mark.parametrize("short, long", [("x年", "2020年" * (LONG // 5)), ("南亰", "南" * LONG), ("约", "约3" * (LONG // 2))])
def test_long_cell_gets_the_problem_a_short_bad_one_gets(header, row, code, short, long):
    problems = []
    for text in (short, long):
        cells = [c.format(text) if isinstance(c, str) else c for c in row]
        result = parse_bytes(_csv([header, cells]), "long.csv")
        problems.append(next(p for p in result.errors if p.row == 2))
    assert [p.code for p in problems] == [code, code]
    assert len(problems[1].value) <= MAX_SHOWN_CHARS and problems[1].value.endswith("...")
    assert len(problems[1].zh) < 500 and len(problems[1].en) < 500


def test_long_header_is_an_unknown_column_shown_shortened():
    result = parse_bytes(_csv([WIDE_HEADER + ["服务对" * LONG], ["2020年7月", "南京", "防汛", 3, 4]]), "h.csv")
    problem = next(p for p in result.errors if p.code == "unknown_column")
    assert len(problem.column) <= MAX_SHOWN_CHARS and problem.column.endswith("...")
    assert len(problem.bilingual()) < 1000


@pytest.mark.parametrize("column", [0, 1, 2, 3])
def test_parsing_is_linear_in_a_cell_length(assert_linear, column):
    # a 16,000-character region cell took 5 s: the regions' prefix search was quadratic
    def make(size, k):
        row = ["2020年7月", "南京", "防汛", "3"]
        row[column] = " " * k + "南京市2020年7月防汛"[column:] * (size // 10)
        return _csv([WIDE_HEADER, row])

    assert_linear(lambda data: parse_bytes(data, "x.csv"), make, 2000)


def test_suggestions_are_made_only_for_listed_problems(monkeypatch):
    import loaders.figures as figures
    import loaders.sheets as sheets
    import loaders.units as units

    calls = {"metrics": 0, "regions": 0}

    def counted(name, func):
        def wrapper(*args):
            calls[name] += 1
            return func(*args)
        return wrapper

    for module in (sheets, figures):  # unknown headers (sheets), unknown metrics of a long table (figures)
        monkeypatch.setattr(module, "suggest_metrics", counted("metrics", module.suggest_metrics))
    monkeypatch.setattr(units, "suggest_regions", counted("regions", units.suggest_regions))
    rows = [LONG_HEADER] + [["2020年7月", f"南亰{i or ''}", "防汛", f"服务对{i}", 3] for i in range(200)]
    result = parse_bytes(_csv(rows), "many.csv")
    codes = [p.code for p in result.problems]
    assert codes.count("unknown_region") == codes.count("unknown_metric") == MAX_PER_KIND
    assert calls == {"metrics": MAX_PER_KIND, "regions": MAX_PER_KIND}  # not 200 each: difflib takes 1 ms a text
    region = next(p for p in result.errors if p.code == "unknown_region")
    assert "南京市" in region.zh and "Did you mean" in region.en
    assert "服务队" in next(p for p in result.errors if p.code == "unknown_metric").zh


def test_too_wide_sheet_is_refused():
    result = parse_bytes(_csv([[f"列{i}" for i in range(MAX_COLUMNS + 1)], list(range(MAX_COLUMNS + 1))]), "wide.csv")
    assert [p.code for p in result.errors] == ["too_many_columns"]
    assert str(MAX_COLUMNS + 1) in result.errors[0].zh and str(MAX_COLUMNS) in result.errors[0].en


def test_blank_columns_at_the_right_do_not_count():
    rows = [WIDE_HEADER, ["2020年7月", "南京", "防汛", 3]]
    padded = [row + [""] * (3 * MAX_COLUMNS) for row in rows]
    narrow, wide = parse_bytes(_csv(rows), "n.csv"), parse_bytes(_csv(padded), "n.csv")
    assert wide.ok and wide.facts.equals(narrow.facts)
