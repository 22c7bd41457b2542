"""Chinese number forms: 8100余个, 超1000, 约35万元, ３２５, 1,020, 100% → value, qualifier, unit."""
from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import yaml

from catalog import Metric, fold_width, normalize_text
from model import QUALIFIER_ABOUT, QUALIFIER_NONE, QUALIFIER_OVER
from settings import CATALOG_DIR

# The longest number a cell writes (约1,234,567,890.12万余元左右) is under 40 characters: a longer text is no number.
# Capping keeps long texts out of the parse caches (which outlive an upload) and off the regular expression.
MAX_NUMBER_CHARS = 64
MAX_UNIT_CHARS = 64  # the same for a unit text (单位：万元, 10k CNY, person-times)

UNITS_FILE = CATALOG_DIR / "units.yaml"
COLUMNS_FILE = CATALOG_DIR / "columns.yaml"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PREFIX_QUALIFIERS = {
    "约": QUALIFIER_ABOUT, "大约": QUALIFIER_ABOUT, "近": QUALIFIER_ABOUT, "将近": QUALIFIER_ABOUT,
    "接近": QUALIFIER_ABOUT, "~": QUALIFIER_ABOUT, "≈": QUALIFIER_ABOUT, "about": QUALIFIER_ABOUT,
    "approx.": QUALIFIER_ABOUT, "approx": QUALIFIER_ABOUT, "ca.": QUALIFIER_ABOUT,
    "超": QUALIFIER_OVER, "超过": QUALIFIER_OVER, "逾": QUALIFIER_OVER, "多于": QUALIFIER_OVER,
    "不少于": QUALIFIER_OVER, "大于": QUALIFIER_OVER, ">": QUALIFIER_OVER, "≥": QUALIFIER_OVER,
    ">=": QUALIFIER_OVER, "over": QUALIFIER_OVER, "morethan": QUALIFIER_OVER,
}
SUFFIX_QUALIFIERS = {
    "余": QUALIFIER_OVER, "多": QUALIFIER_OVER, "以上": QUALIFIER_OVER, "+": QUALIFIER_OVER,
    "左右": QUALIFIER_ABOUT, "上下": QUALIFIER_ABOUT,
}
_PREFIX = "|".join(sorted((re.escape(p) for p in PREFIX_QUALIFIERS), key=len, reverse=True))
_NUMBER_RE = re.compile(
    rf"^(?P<pre>{_PREFIX})?"
    r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)"
    r"(?P<mult>百万|千万|万|亿|千|百|k)?"
    r"(?P<post1>余|多)?"
    r"(?P<unit>[^\d]*?)"
    r"(?P<post2>以上|左右|上下|余|多|\+)?$"
)


@dataclass(frozen=True)
class UnitTable:
    """units.yaml: multipliers and unit texts → (base unit, factor)."""

    multipliers: dict[str, float]
    units: dict[str, tuple[str, float]]


@lru_cache(maxsize=1)
def load_units() -> UnitTable:
    """The unit table of data/catalog/units.yaml, read once."""
    raw = yaml.load(UNITS_FILE.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    multipliers = {normalize_text(k): float(v) for k, v in raw["multipliers"].items()}
    units = {normalize_text(k): (str(v[0]), float(v[1])) for k, v in raw["units"].items()}
    return UnitTable(multipliers, units)


@lru_cache(maxsize=1)
def load_columns() -> dict:
    """data/catalog/columns.yaml: column roles, total labels, note prefixes, blank values."""
    return yaml.load(COLUMNS_FILE.read_text(encoding="utf-8"), Loader=_YAML_LOADER)


@lru_cache(maxsize=1)
def blank_values() -> frozenset[str]:
    return frozenset(normalize_text(v) for v in load_columns()["blank_values"]) | {""}


@dataclass(frozen=True)
class UnitSpec:
    """A unit as written: multiplier (万 = 10000) times a unit text ('' = none)."""

    multiplier: float = 1.0
    unit: str = ""  # normalised unit text, e.g. 元, 毫升, cny

    @property
    def empty(self) -> bool:
        return self.multiplier == 1.0 and not self.unit


def parse_unit(text: str) -> UnitSpec | None:
    """A header unit such as 万元, 公里, CNY, 10k CNY → UnitSpec; None when `text` is no unit."""
    key = normalize_text(text)
    return None if len(key) > MAX_UNIT_CHARS else _parse_unit_key(key)


@lru_cache(maxsize=4096)
def _parse_unit_key(key: str) -> UnitSpec | None:
    for prefix in ("单位:", "单位：", "unit:", "单位"):
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
    if not key:
        return UnitSpec()
    table = load_units()
    if key in table.units:
        return UnitSpec(1.0, key)
    for mult in sorted(table.multipliers, key=len, reverse=True):
        if key.startswith(mult):
            rest = key[len(mult):]
            if rest == "" or rest in table.units:
                return UnitSpec(table.multipliers[mult], rest)
    if key.startswith("10k"):
        rest = key[3:]
        if rest in table.units:
            return UnitSpec(10000.0, rest)
    return UnitSpec(1.0, key) if _is_unit_word(key) else None


def _is_unit_word(key: str) -> bool:
    """A short word with no digits, as metric unit_en labels are (teams, person-times)."""
    return 0 < len(key) <= 20 and not any(ch.isdigit() for ch in key)


@dataclass(frozen=True)
class NumberText:
    """A parsed cell: value (before unit scaling), qualifier, the cell's own unit; error when not a number."""

    value: float = math.nan
    qualifier: str = QUALIFIER_NONE
    unit: UnitSpec = UnitSpec()
    error: str = ""  # "", "not_a_number" or "excel_error"


NOT_A_NUMBER = NumberText(error="not_a_number")
EXCEL_ERROR = NumberText(error="excel_error")
# What Excel shows in a cell whose formula failed; a figure cell holding one is an error, never a blank
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
BLANK = NumberText()


def parse_number(cell: object) -> NumberText:
    """Parse one cell (float, int or text such as 2.7万余户) into a NumberText; BLANK for an empty cell."""
    if cell is None:
        return BLANK
    if isinstance(cell, bool):
        return NOT_A_NUMBER
    if isinstance(cell, (int, float, np.integer, np.floating)):
        try:
            value = float(cell)
        except OverflowError:  # an int with hundreds of digits
            return NOT_A_NUMBER
        return NumberText(value) if math.isfinite(value) else BLANK if math.isnan(value) else NOT_A_NUMBER
    if isinstance(cell, (datetime.date, datetime.time, datetime.timedelta)):
        return NOT_A_NUMBER
    text = re.sub(r"\s+", "", fold_width(str(cell))).replace("，", ",")
    if len(text) > MAX_NUMBER_CHARS:
        return NOT_A_NUMBER
    return _parse_number_text(text)


@lru_cache(maxsize=65536)
def _parse_number_text(text: str) -> NumberText:
    """parse_number of a cell text, folded (NFKC, no white space, ASCII commas) and at most MAX_NUMBER_CHARS long."""
    if normalize_text(text) in blank_values():
        return BLANK
    if text.upper() in EXCEL_ERRORS:
        return EXCEL_ERROR
    match = _NUMBER_RE.match(text.casefold())
    if not match:
        return NOT_A_NUMBER
    try:
        value = float(match["num"].replace(",", ""))
    except ValueError:
        return NOT_A_NUMBER
    qualifier = QUALIFIER_NONE
    if match["pre"]:
        qualifier = PREFIX_QUALIFIERS[match["pre"]]
    for post in (match["post1"], match["post2"]):
        if post:
            qualifier = qualifier or SUFFIX_QUALIFIERS[post]
    unit_text = match["unit"] or ""
    multiplier = load_units().multipliers[match["mult"]] if match["mult"] else 1.0
    if match["mult"] == "k" and unit_text and unit_text not in load_units().units:
        return NOT_A_NUMBER
    if unit_text:
        spec = parse_unit(unit_text)
        if spec is None or not _known_unit(spec.unit):
            return NOT_A_NUMBER
        multiplier *= spec.multiplier
        unit_text = spec.unit
    if not math.isfinite(value):
        return NOT_A_NUMBER
    return NumberText(value, qualifier, UnitSpec(multiplier, unit_text))


def _known_unit(key: str) -> bool:
    return key == "" or key in load_units().units


def unit_factor(spec: UnitSpec, metric: Metric) -> float | None:
    """The factor taking a value written in `spec` to the metric's base unit; None if incompatible."""
    if not spec.unit:
        return spec.multiplier
    if spec.unit in (normalize_text(metric.unit_zh), normalize_text(metric.unit_en)):
        return spec.multiplier
    known = load_units().units.get(spec.unit)
    if known and known[0] == metric.unit_zh:
        return spec.multiplier * known[1]
    return None


def cell_factor(cell: UnitSpec, header: UnitSpec, metric: Metric) -> float | None:
    """Scale for a cell value: the cell's own unit wins; a bare 万 in the cell keeps the header's unit."""
    if cell.unit:
        return unit_factor(cell, metric)
    if cell.multiplier != 1.0:
        base = unit_factor(UnitSpec(1.0, header.unit), metric)
        return None if base is None else cell.multiplier * base
    return unit_factor(header, metric)


def numeric_values(raw: pd.Series | np.ndarray) -> np.ndarray:
    """Fast path: the float value of cells that are numbers already (as workbooks give them), NaN elsewhere.

    Text cells, digit strings included, are left NaN for parse_number (run once per distinct text).
    """
    nan = math.nan
    values = raw.to_numpy(dtype=object) if isinstance(raw, pd.Series) else raw
    return np.fromiter(
        (v if v.__class__ is float else float(v) if v.__class__ is int else nan for v in values),
        dtype="float64", count=len(values),
    )


def is_blank(raw: pd.Series | np.ndarray) -> np.ndarray:
    """True where a cell is empty or a 'not reported' mark (-, /, 无)."""
    codes, uniques = pd.factorize(pd.Series(raw, dtype=object, copy=False), use_na_sentinel=False)
    blanks = blank_values()
    flags = np.fromiter(
        (u is None or (isinstance(u, float) and math.isnan(u)) or (isinstance(u, str) and normalize_text(u) in blanks)
         for u in uniques),
        dtype=bool, count=len(uniques),
    )
    return flags[codes] if len(codes) else np.zeros(0, dtype=bool)
