"""Write the demo data set: a wide flood workbook, a long ledger CSV and the facts both must load into.

Run from anywhere: `python data/demo/make_demo.py`. Deterministic: every run rewrites the same bytes
(fixed workbook timestamps, fixed zip entry times). The per-city breakdown of the flood figures is
illustrative; the province totals and the named units' figures come from the 2020-08-28 report.
"""
from __future__ import annotations

import calendar
import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

DEMO_DIR = Path(__file__).resolve().parent
WORKBOOK_PATH = DEMO_DIR / "2020年7月防汛保电统计表.xlsx"
LEDGER_PATH = DEMO_DIR / "文明实践台账_2019-2020.csv"
EXPECTED_PATH = DEMO_DIR / "expected.csv"

FIXED_TIME = datetime.datetime(2020, 7, 31, 17, 30, 0)  # workbook created/modified (the 填报日期)
ZIP_TIME = (2020, 7, 31, 17, 30, 0)  # every zip entry's timestamp

EXPECTED_COLUMNS = ["period_start", "period_end", "city", "county", "unit", "campaign", "metric", "value", "qualifier"]
KEY_COLUMNS = EXPECTED_COLUMNS[:7]


@dataclass(frozen=True)
class Figure:
    """A reported figure: what the cell shows, and the canonical value and qualifier it means."""
    shown: object  # int/float for a numeric cell, str for a text cell ("15余", "1,020", "３２５")
    value: float
    qualifier: str = ""  # '' / over / about


def fig(shown: object, value: float | None = None, qualifier: str = "") -> Figure:
    """A Figure; a plain number is its own value."""
    return Figure(shown, shown if value is None else value, qualifier)


# ---------------------------------------------------------------------------------------------
# File 1: the wide flood workbook (flood_power, July 2020).
# ---------------------------------------------------------------------------------------------
FLOOD_PERIOD = ("2020-07-01", "2020-07-31")
FLOOD_CAMPAIGN = "flood_power"

# (group header or None for a vertically merged header, sub-header, metric code or None, width)
FLOOD_COLUMNS = [
    (None, "序号", None, 6),
    (None, "单位", None, 28),
    ("队伍情况", "服务队（支）", "teams", 10),
    ("队伍情况", "投入人次", "staff_deployed", 10),
    ("客户服务", "排查重要客户（户）", "key_customers_checked", 12),
    ("客户服务", "协助客户（户）", "customers_assisted", 11),
    ("照明保障", "架设照明线路（处）", "lighting_lines", 12),
    ("照明保障", "照明架设长度（公里）", "lighting_km", 13),
    ("应急装备", "临时配变（台）", "temp_transformers", 10),
    ("应急装备", "临时排涝用电装置（处）", "drainage_installs", 14),
    (None, "保障考点（个）", "exam_sites_secured", 10),
    (None, "备注", None, 40),
]
METRIC_COLUMNS = [code for _, _, code, _ in FLOOD_COLUMNS if code]

# One row per reporting company. A city's row is the whole city, its counties included (the roll-up rule,
# README "Levels and roll-up"); a county row, listed under its city, is part of that figure (其中数).
# Figures by metric code; a missing code is an empty cell.
# Named in the report: 高淳区 44.6 km, 苏州 超1000 customers, 金湖县 5 drainage installs, 无锡 5 exam sites.
FLOOD_ROWS = [
    dict(name="国网南京供电公司", city="南京市", county="", teams=fig(25), staff_deployed=fig(558),
         key_customers_checked=fig(870), lighting_lines=fig("33余", 33, "over"), lighting_km=fig(44.6),
         temp_transformers=fig(9)),
    dict(name="国网南京市高淳区供电公司", city="南京市", county="高淳区", teams=fig(3), staff_deployed=fig(90),
         key_customers_checked=fig(86), lighting_lines=fig(12), lighting_km=fig(44.6), temp_transformers=fig(2),
         remarks="30名队员3天完成44.6公里圩堤照明架设"),
    dict(name="国网南京市溧水区供电公司", city="南京市", county="溧水区", teams=fig(2), staff_deployed=fig(48),
         key_customers_checked=fig(64), lighting_lines=fig(6), temp_transformers=fig(1),
         remarks="和凤供电所2小时内完成配电箱紧急抬升"),
    dict(name="国网无锡供电公司", city="无锡市", county="", teams=fig(17), staff_deployed=fig(380),
         key_customers_checked=fig(610), lighting_lines=fig("10余", 10, "over"), temp_transformers=fig(5),
         exam_sites_secured=fig(5), remarks="保障高考考点用电"),
    dict(name="国网徐州供电公司", city="徐州市", county="", teams=fig(12), staff_deployed=fig(210),
         key_customers_checked=fig(390), temp_transformers=fig(2)),
    dict(name="国网常州供电公司", city="常州市", county="", teams=fig(13), staff_deployed=fig("３２５", 325),
         key_customers_checked=fig(480), lighting_lines=fig(8), temp_transformers=fig(4)),
    dict(name="国网苏州供电公司", city="苏州市", county="", teams=fig(24), staff_deployed=fig(520),
         key_customers_checked=fig("1,020", 1020), customers_assisted=fig("超1000", 1000, "over"),
         lighting_lines=fig(16), temp_transformers=fig(7), remarks="协助小型泵房客户做好应急电源接入准备"),
    dict(name="国网南通供电公司", city="南通市", county="", teams=fig(12), staff_deployed=fig(260),
         key_customers_checked=fig(420), lighting_lines=fig(6), temp_transformers=fig(3)),
    dict(name="国网连云港供电公司", city="连云港市", county="", teams=fig(9), staff_deployed=fig(150),
         key_customers_checked=fig(260), temp_transformers=fig(1)),
    dict(name="国网淮安供电公司", city="淮安市", county="", teams=fig(15), staff_deployed=fig(360),
         key_customers_checked=fig(425), lighting_lines=fig("17余", 17, "over"), temp_transformers=fig(7),
         drainage_installs=fig(5)),
    dict(name="国网金湖县供电公司", city="淮安市", county="金湖县", teams=fig(4), staff_deployed=fig(120),
         key_customers_checked=fig(95), lighting_lines=fig(8), temp_transformers=fig(3),
         drainage_installs=fig(5), remarks="12支防汛突击分队"),
    dict(name="国网盐城供电公司", city="盐城市", county="", teams=fig(15), staff_deployed=fig(250),
         key_customers_checked=fig(400), lighting_lines=fig(7), temp_transformers=fig(3)),
    dict(name="国网扬州供电公司", city="扬州市", county="", teams=fig(11), staff_deployed=fig(200),
         key_customers_checked=fig(330), lighting_lines=fig(9), temp_transformers=fig(2)),
    dict(name="国网镇江供电公司", city="镇江市", county="", teams=fig(10), staff_deployed=fig(160),
         key_customers_checked=fig(270), lighting_lines=fig(6), temp_transformers=fig(2)),
    dict(name="国网泰州供电公司", city="泰州市", county="", teams=fig(11), staff_deployed=fig(180),
         key_customers_checked=fig(300), lighting_lines=fig(8), temp_transformers=fig(2)),
    dict(name="国网宿迁供电公司", city="宿迁市", county="", teams=fig(10), staff_deployed=fig(131),
         key_customers_checked=fig(147)),
]

# What the 合计 row shows; the report's province totals. Checked against the rows' sums.
FLOOD_TOTALS = {
    "teams": fig(184),
    "staff_deployed": fig(3684),
    "key_customers_checked": fig(5922),
    "customers_assisted": fig("超1000", 1000, "over"),
    "lighting_lines": fig("120余", 120, "over"),
    "lighting_km": fig(44.6),
    "temp_transformers": fig(47),
    "drainage_installs": fig(5),
    "exam_sites_secured": fig(5),
}

FLOOD_TITLE = "2020年7月防汛保电统计表"
FLOOD_NOTES = [
    "注：1. 本表为示意数据，各市分解为演示用途，全省合计与新闻报道一致。",
    "2. 市公司行为全市数（含所属县（区）公司）；县（区）公司行为其中数，不另计入合计。",
]
INSTRUCTIONS = [
    "填表说明",
    "1. 防汛期间每日17:00前报送当日累计数，月末报送全月数据。",
    "2. 市公司行填报全市数（含所属县（区）公司）；县（区）公司在其后单独成行填报其中数。",
    "3. 数值栏填写数字，不带单位；无数据的栏目留空，不填“0”或“/”。",
    "4. 估计数可注明“余”“约”，如“120余”。",
    "5. 典型事迹请在备注栏简要说明。",
]


# ---------------------------------------------------------------------------------------------
# File 2: the long ledger (every other figure in the report).
# ---------------------------------------------------------------------------------------------
LEDGER_HEADER = ["统计期间", "地区", "服务队/单位", "专项活动", "指标", "数值", "备注"]
PROVINCE = ("", "")
# 地区 text → (city, county)
LEDGER_REGIONS = {
    "国网江苏电力": PROVINCE,
    "国网南京供电公司": ("南京市", ""),
    "国网连云港供电公司": ("连云港市", ""),
    "国网徐州供电公司": ("徐州市", ""),
    "国网如皋市供电公司": ("南通市", "如皋市"),
    "国网南京市高淳区供电公司": ("南京市", "高淳区"),
    "国网宜兴市供电公司": ("无锡市", "宜兴市"),
}
# 统计期间 text → (period_start, period_end)
LEDGER_PERIODS = {
    "2020年2月-2020年5月": ("2020-02-01", "2020-05-31"),
    "2020年7月": ("2020-07-01", "2020-07-31"),
    "2019年3月-2020年8月": ("2019-03-01", "2020-08-31"),
    "2020年8月": ("2020-08-01", "2020-08-31"),
}
CAMPAIGN_CODES = {"抗疫复工": "covid_resumption", "防汛保电": "flood_power", "点亮行动": "light_up",
                  "帮扶基金": "aid_fund", "文明实践阵地": "practice_network"}
METRIC_CODES = {"防护面罩": "face_shields", "志愿者人数": "volunteers", "献血量": "blood_donated",
                "捐款/募款": "donations", "政策宣贯客户": "customers_informed", "不见面办理": "remote_services",
                "服务队": "teams", "黑楼道改造": "corridors_lit", "亮化率": "lighting_rate",
                "居民用电安检": "safety_inspections", "解决用电问题": "problems_solved",
                "爱心大使馆": "love_embassies", "爱心领事馆": "love_consulates"}

COVID = "2020年2月-2020年5月"
LIGHT = "2019年3月-2020年8月"
# (统计期间, 地区, 服务队/单位, 专项活动, 指标, Figure, 备注)
LEDGER_ROWS = [
    (COVID, "国网江苏电力", "省公司团委青年突击队", "抗疫复工", "防护面罩", fig("2万余", 20000, "over"), "业余时间自制，助力社区、医院"),
    (COVID, "国网南京供电公司", "", "抗疫复工", "志愿者人数", fig(21), "无偿献血志愿者"),
    (COVID, "国网南京供电公司", "", "抗疫复工", "献血量", fig("7300毫升", 7300), ""),
    (COVID, "国网连云港供电公司", "开山岛共产党员服务队", "抗疫复工", "捐款/募款", fig("3.6万余元", 36000, "over"), "为当地疫情防控筹集"),
    (COVID, "国网徐州供电公司", "真旺共产党员服务队", "抗疫复工", "政策宣贯客户", fig("2.7万余户", 27000, "over"), "高压客户临时性电价扶持政策"),
    (COVID, "国网徐州供电公司", "真旺共产党员服务队", "抗疫复工", "不见面办理", fig(325), "暂停、减容"),
    (COVID, "国网如皋市供电公司", "", "抗疫复工", "志愿者人数", fig(42), "党员干部和骨干青年"),
    (COVID, "国网如皋市供电公司", "", "抗疫复工", "服务队", fig(1), "社区疫情联防志愿服务队"),
    ("2020年7月", "国网南京市高淳区供电公司", "国际慢城共产党员服务队", "防汛保电", "志愿者人数", fig(30), "3天完成44.6公里圩堤照明架设"),
    (LIGHT, "国网宜兴市供电公司", "电暖流蜜蜂行动志愿服务队", "点亮行动", "黑楼道改造", fig("8100余个", 8100, "over"), "小区黑楼道整治"),
    (LIGHT, "国网宜兴市供电公司", "电暖流蜜蜂行动志愿服务队", "点亮行动", "亮化率", fig("100%", 100), ""),
    (LIGHT, "国网宜兴市供电公司", "电暖流蜜蜂行动志愿服务队", "点亮行动", "居民用电安检", fig("2000余户次", 2000, "over"), "立户20年以上家庭"),
    (LIGHT, "国网宜兴市供电公司", "电暖流蜜蜂行动志愿服务队", "点亮行动", "解决用电问题", fig("3000余个", 3000, "over"), ""),
    (LIGHT, "国网宜兴市供电公司", "金蜜蜂帮扶基金会", "帮扶基金", "捐款/募款", fig("约35万元", 350000, "about"), "员工自愿募捐"),
    ("2020年8月", "国网江苏电力", "", "文明实践阵地", "爱心大使馆", fig(26), "“电暖流”爱心大使馆"),
    ("2020年8月", "国网江苏电力", "", "文明实践阵地", "爱心领事馆", fig(101), ""),
]


# ---------------------------------------------------------------------------------------------
# Checks: the data reproduce the report.
# ---------------------------------------------------------------------------------------------
def check_flood_totals() -> None:
    """Raise AssertionError unless the rows sum to the report's totals (and qualifiers combine)."""
    for code, total in FLOOD_TOTALS.items():
        parts = [row[code] for row in FLOOD_ROWS if code in row and not row["county"]]  # city rows are whole cities
        value = round(sum(p.value for p in parts), 6)
        assert value == total.value, f"{code}: rows sum to {value}, report says {total.value}"
        qualifier = "over" if any(p.qualifier == "over" for p in parts) else ""
        assert qualifier == total.qualifier, f"{code}: qualifier {qualifier!r} != {total.qualifier!r}"
    for row in FLOOD_ROWS:
        assert row["teams"].value > 0, row["name"]
    for city in {row["city"] for row in FLOOD_ROWS}:  # a city's counties never add up to more than its figure
        whole = next(row for row in FLOOD_ROWS if row["city"] == city and not row["county"])
        for code in METRIC_COLUMNS:
            counties = sum(row[code].value for row in FLOOD_ROWS if row["city"] == city and row["county"] and code in row)
            assert counties <= (whole[code].value if code in whole else 0) or not counties, (city, code)


def last_day(iso_month_start: str) -> str:
    year, month, _ = map(int, iso_month_start.split("-"))
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


# ---------------------------------------------------------------------------------------------
# Writers.
# ---------------------------------------------------------------------------------------------
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)
TOTAL_FONT = Font(name="宋体", size=11, bold=True)
TITLE_FONT = Font(name="黑体", size=16, bold=True)


def build_workbook() -> Workbook:
    """The flood workbook: sheet 防汛保电 (title, 填报 line, two-level header, rows, 合计, notes) and 填表说明."""
    width = len(FLOOD_COLUMNS)
    last_col = get_column_letter(width)
    wb = Workbook()
    ws = wb.active
    ws.title = "防汛保电"

    ws["A1"] = FLOOD_TITLE
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 30

    ws["A2"] = "填报单位：国网江苏省电力有限公司党建部"
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")
    ws.merge_cells("A2:E2")
    date_col = get_column_letter(width - 2)
    ws[f"{date_col}2"] = "填报日期：2020年7月31日"
    ws[f"{date_col}2"].alignment = Alignment(horizontal="right", vertical="center")
    ws.merge_cells(f"{date_col}2:{last_col}2")

    # Two-level header, rows 3-4: a group spans its sub-headers; a column with no group spans both rows.
    col = 1
    while col <= width:
        group, sub, _, col_width = FLOOD_COLUMNS[col - 1]
        ws.column_dimensions[get_column_letter(col)].width = col_width
        letter = get_column_letter(col)
        if group is None:
            ws.cell(3, col, sub)
            ws.merge_cells(f"{letter}3:{letter}4")
            col += 1
            continue
        span = 1
        while col + span <= width and FLOOD_COLUMNS[col + span - 1][0] == group:
            span += 1
        ws.cell(3, col, group)
        ws.merge_cells(f"{letter}3:{get_column_letter(col + span - 1)}3")
        for offset in range(span):
            sub_col = col + offset
            ws.column_dimensions[get_column_letter(sub_col)].width = FLOOD_COLUMNS[sub_col - 1][3]
            ws.cell(4, sub_col, FLOOD_COLUMNS[sub_col - 1][1])
        col += span
    for row in (3, 4):
        ws.row_dimensions[row].height = 32
        for col in range(1, width + 1):
            cell = ws.cell(row, col)
            cell.font, cell.alignment, cell.border = HEADER_FONT, CENTER, BORDER

    first_data = 5
    for index, row in enumerate(FLOOD_ROWS, start=1):
        values = [index, row["name"], *(_shown(row.get(code)) for code in METRIC_COLUMNS), row.get("remarks")]
        _write_row(ws, first_data + index - 1, values, BODY_FONT, name_align=LEFT)

    total_row = first_data + len(FLOOD_ROWS)
    totals = ["合计", None, *(_shown(FLOOD_TOTALS.get(code)) for code in METRIC_COLUMNS), None]
    _write_row(ws, total_row, totals, TOTAL_FONT, name_align=CENTER)
    ws.merge_cells(f"A{total_row}:B{total_row}")

    for offset, note in enumerate(FLOOD_NOTES, start=1):
        note_row = total_row + offset
        ws.cell(note_row, 1, note).alignment = Alignment(horizontal="left", vertical="center",
                                                         indent=0 if offset == 1 else 2)
        ws.merge_cells(f"A{note_row}:{last_col}{note_row}")

    ws.freeze_panes = "C5"

    guide = wb.create_sheet("填表说明")
    guide.column_dimensions["A"].width = 80
    for number, line in enumerate(INSTRUCTIONS, start=1):
        guide.cell(number, 1, line).font = HEADER_FONT if number == 1 else BODY_FONT

    props = wb.properties
    props.creator = "国网江苏省电力有限公司党建部"
    props.lastModifiedBy = "国网江苏省电力有限公司党建部"
    props.title = FLOOD_TITLE
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return wb


def _shown(figure: Figure | None) -> object:
    return None if figure is None else figure.shown


def _write_row(ws, row: int, values: list, font: Font, name_align: Alignment) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row, col, value)
        cell.font, cell.border = font, BORDER
        cell.alignment = name_align if col == 2 else (LEFT if col == len(values) else CENTER)


def save_workbook_deterministic(wb: Workbook, path: Path) -> None:
    """Save `wb` with its own timestamps (openpyxl's save_workbook stamps 'now') and fixed zip entry times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    path.write_bytes(out.getvalue())


def write_ledger(path: Path) -> None:
    """The long ledger as Excel writes it: UTF-8 with BOM, CRLF line ends."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(LEDGER_HEADER)
        for period, region, unit, campaign, metric, figure, remarks in LEDGER_ROWS:
            writer.writerow([period, region, unit, campaign, metric, figure.shown, remarks])


def expected_facts() -> list[dict[str, str]]:
    """The canonical facts the two files load into: workbook data rows (not 合计), then ledger rows."""
    facts = []
    for row in FLOOD_ROWS:
        for code in METRIC_COLUMNS:
            if code in row:
                facts.append(_fact(FLOOD_PERIOD, row["city"], row["county"], "", FLOOD_CAMPAIGN, code, row[code]))
    for period, region, unit, campaign, metric, figure, _ in LEDGER_ROWS:
        city, county = LEDGER_REGIONS[region]
        facts.append(_fact(LEDGER_PERIODS[period], city, county, unit, CAMPAIGN_CODES[campaign],
                           METRIC_CODES[metric], figure))
    keys = [tuple(f[c] for c in KEY_COLUMNS) for f in facts]
    assert len(keys) == len(set(keys)), "two facts share a key"
    return facts


def _fact(period: tuple[str, str], city: str, county: str, unit: str, campaign: str, metric: str,
          figure: Figure) -> dict[str, str]:
    start, end = period
    assert end == last_day(end[:8] + "01")
    value = figure.value
    text = str(int(value)) if float(value).is_integer() else repr(float(value))
    return dict(period_start=start, period_end=end, city=city, county=county, unit=unit,
                campaign=campaign, metric=metric, value=text, qualifier=figure.qualifier)


def write_expected(path: Path) -> None:
    """expected.csv: plain UTF-8, LF line ends, columns EXPECTED_COLUMNS."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPECTED_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(expected_facts())


# ---------------------------------------------------------------------------------------------
# File 3: demo targets (目标) for flood_power, July 2020. MADE UP for the demo: the report sets no targets.
# A blank city is the province's own target; each city's target is the whole city.
# ---------------------------------------------------------------------------------------------
TARGETS_PATH = DEMO_DIR / "演示目标_2020年7月防汛保电.csv"
TARGETS_HEADER = ["指标", "专项活动", "市", "县（区）", "期间", "目标值", "备注"]
TARGETS_NOTE = "演示目标，虚构，非真实考核目标"
PROVINCE_TARGETS = {"服务队": 200, "投入人次": 3500, "排查重要客户": 6000}
CITY_TEAM_TARGETS = {"南京市": 28, "无锡市": 18, "徐州市": 14, "常州市": 13, "苏州市": 25, "南通市": 14, "连云港市": 10,
                     "淮安市": 14, "盐城市": 16, "扬州市": 12, "镇江市": 10, "泰州市": 12, "宿迁市": 11}


def write_targets(path: Path) -> None:
    """The demo targets: UTF-8 with BOM, CRLF (as Excel saves a CSV); province targets, then one per city (teams)."""
    rows = [[metric, "防汛保电", "", "", "2020年7月", value, TARGETS_NOTE] for metric, value in PROVINCE_TARGETS.items()]
    rows += [["服务队", "防汛保电", city, "", "2020年7月", value, TARGETS_NOTE] for city, value in CITY_TEAM_TARGETS.items()]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TARGETS_HEADER)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def main() -> None:
    check_flood_totals()
    save_workbook_deterministic(build_workbook(), WORKBOOK_PATH)
    write_ledger(LEDGER_PATH)
    write_expected(EXPECTED_PATH)
    write_targets(TARGETS_PATH)
    for path in (WORKBOOK_PATH, LEDGER_PATH, EXPECTED_PATH, TARGETS_PATH):
        print(f"wrote {path.relative_to(DEMO_DIR.parent.parent)}")


if __name__ == "__main__":
    main()
