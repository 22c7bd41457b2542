"""loaders/csvfile.py: delimiters (quoted ones too) found in linear time; hostile CSVs answered quickly."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from loaders import LoaderError, parse_bytes
from loaders.csvfile import DELIMITERS, decode_text, read_csv, sniff_delimiter

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("统计期间,地区,服务队\n2020年7月,南京,3\n", ","),
        ("统计期间\t地区\t服务队\n2020年7月\t南京\t3\n", "\t"),
        ("统计期间;地区;服务队\n2020年7月;南京;3\n", ";"),
        ("统计期间|地区|服务队\n2020年7月|南京|3\n", "|"),
        ("统计期间;地区;服务队\r\n2020年7月;南京;3\r\n", ";"),
        # quoted fields holding other delimiters
        ('地区;服务队;投入人次\n南京;3;"1,020"\n苏州;4;"2,100"\n', ";"),
        ('"地区";"服务队";"投入人次"\n"南京";"3";"1,020"\n', ";"),
        ('地区,备注,服务队\n南京,"a;b",3\n苏州,"c;d;e",4\n', ","),
        ('地区\t备注\t服务队\n南京\t"x,y|z;"\t3\n', "\t"),
        ('地区|备注|服务队\n南京|"1,2,3,4"|3\n苏州|"5;6;7"|4\n', "|"),
        ('地区,备注,服务队\n南京,"第一行\n第二行;;;|||",3\n苏州,,4\n', ","),  # a quoted field over two lines
        ('地区;备注;服务队\n南京;"他说""好,的""";3\n', ";"),  # doubled quotes inside a quoted field
        # unquoted commas inside the fields of a tab file: the tab splits every line the same way
        ("地区\t备注\t服务队\n南京\t1,020\t3\n苏州\t无\t4\n", "\t"),
        # a title line above the header
        ("2020年7月防汛保电统计表\n地区;服务队;投入人次\n南京;3;420\n苏州;4;500\n", ";"),
        # no delimiter at all, or nothing: comma
        ("", ","),
        ("南京\n苏州\n", ","),
        ("\n\n  \n", ","),
        ('"a,b;c', ","),
    ],
)
def test_sniff_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


@pytest.mark.parametrize(
    "name, delimiter",
    [
        ("bad_values.csv", ","), ("english_headers.csv", ","), ("gbk_long.csv", ","), ("long_clean.csv", ","),
        ("merged_city_cells_clean.csv", ","), ("real_dates_clean.csv", ","), ("semicolon_long.csv", ";"),
        ("sheet_per_city_clean.csv", ","), ("sheet_per_month_clean.csv", ","), ("tab_long.txt", "\t"),
        ("utf8_bom_long.csv", ","),
    ],
)
def test_sniff_delimiter_of_fixtures(name, delimiter):
    assert sniff_delimiter(decode_text((FIXTURES / name).read_bytes(), name)) == delimiter


@pytest.mark.parametrize("delimiter", DELIMITERS)
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
def test_quoted_delimiters_are_read_as_text(delimiter, quoting):
    rows = [["统计期间", "地区", "专项活动", "投入人次", "备注"],
            ["2020年7月", "苏州", "防汛", "1,020", "a;b|c,d\te"], ["2020年7月", "南京", "防汛", "420", ""]]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting).writerows(rows)
    result = parse_bytes(out.getvalue().encode("utf-8"), "quoted.csv")
    assert result.ok, [p.bilingual() for p in result.problems]
    assert result.facts["value"].tolist() == [1020, 420]
    assert result.facts["remarks"].tolist() == ["a;b|c,d\te", ""]


@pytest.mark.parametrize("unit", [',"a', '"a,', "a,", '"', ",\t;|", "南京,", '""', "\n"])
def test_sniff_delimiter_is_linear(assert_linear, unit):
    # csv.Sniffer's regex took 30 s on 100 KB of ,"a,"a,… (and 8 times as long for 8 times the text: quadratic)
    assert_linear(sniff_delimiter, lambda size, k: " " * k + unit * (size // len(unit)), 1500)


def test_cell_cap_stops_reading():
    with pytest.raises(LoaderError) as caught:
        read_csv(b"a,b\n" * 1_000_000, "x.csv", max_cells=1000)
    assert caught.value.problem.code == "too_many_cells" and "1002" in caught.value.problem.zh


# Hostile uploads, unit × count, each parsed in one child process (a quadratic sniffer would never return):
# the problem or LoaderError code expected
HOSTILE = {
    "quote_a_300kb": (b'"a,', 100_000, "too_many_columns"),  # after a leading comma
    "one_line_of_fields_5mb": (b"a,", 2_500_000, "too_many_columns"),
    "one_line_of_numbers_5mb": (b"1,", 2_500_000, "too_many_columns"),
    "one_field_5mb": (b"a", 5_000_000, "unreadable"),
    "one_quote_5mb": (b'"', 5_000_000, "unreadable"),
    "quote_a_lines_300kb": (b',"a' * 100 + b"\n", 1000, "no_header"),
}
_CHILD = """
import json, time
from loaders import LoaderError, parse_bytes
parse_bytes("地区,服务队\\n南京,1\\n".encode(), "warm.csv")  # imports and catalog, not timed
out = {}
for name, (unit, count, _) in HOSTILE.items():
    data = (b"," if name == "quote_a_300kb" else b"") + unit * count
    start = time.perf_counter()
    try:
        codes = [p.code for p in parse_bytes(data, "x.csv").problems]
    except LoaderError as exc:
        codes = [exc.problem.code]
    out[name] = (codes, time.perf_counter() - start)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def hostile_outcomes():
    code = f"HOSTILE = {HOSTILE!r}\n{_CHILD}"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_csv_gets_a_clear_answer_quickly(hostile_outcomes, name):
    codes, seconds = hostile_outcomes[name]
    assert "internal_error" not in codes
    assert HOSTILE[name][2] in codes, codes
    assert seconds < 10  # well under a second on the dev VM; csv.Sniffer never finished the 300 KB one
