"""Filter, aggregate and compare facts: pandas in, pandas out."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from catalog import Catalog
from keys import column_codes, combine_codes
from model import FACT_COLUMNS, QUALIFIER_ABOUT, QUALIFIER_NONE, QUALIFIER_OVER
from store.core import Store
from store.payload import match_keys

MONTH = "month"


@dataclass(frozen=True)
class Filters:
    """The shared sidebar selection. Empty tuples mean 'all'."""

    start: date  # first day of the first month
    end: date  # last day of the last month
    cities: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()  # county_key(city, county): '南京市/高淳区'


COUNTY_SEPARATOR = "/"


def county_key(city: str, county: str) -> str:
    """A county as Filters.counties holds it: its city and name, '南京市/高淳区' (county names repeat across cities)."""
    return f"{city}{COUNTY_SEPARATOR}{county}"


def split_county_key(key: str) -> tuple[str, str]:
    """(city, county) of a county_key."""
    city, _, county = key.partition(COUNTY_SEPARATOR)
    return city, county


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def month_end(day: date) -> date:
    return (pd.Timestamp(day) + pd.offsets.MonthEnd(0)).date()


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    number = day.year * 12 + day.month - 1 + months
    return date(number // 12, number % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """How many calendar months the window [start, end] covers."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def latest_month(facts: pd.DataFrame) -> date | None:
    """The first day of the latest month any figure reports (by its period end)."""
    if facts.empty:
        return None
    return month_start(pd.Timestamp(facts["period_end"].max()).date())


def default_window(facts: pd.DataFrame, today: date | None = None) -> tuple[date, date]:
    """The 12 months ending with the latest month that has data (or with this month when empty)."""
    last = latest_month(facts) or month_start(today or date.today())
    return add_months(last, -11), month_end(last)


def data_months(facts: pd.DataFrame) -> list[date]:
    """Every month from the earliest period start to the latest period end (first days)."""
    if facts.empty:
        return []
    first = month_start(pd.Timestamp(facts["period_start"].min()).date())
    last = month_start(pd.Timestamp(facts["period_end"].max()).date())
    return [d.date() for d in pd.date_range(first, last, freq="MS")]


def previous_window(start: date, end: date) -> tuple[date, date]:
    """The window of equal length in months immediately before [start, end]."""
    months = months_between(start, end)
    prev_start = add_months(start, -months)
    return prev_start, month_end(add_months(prev_start, months - 1))


def _member(column: pd.Series, values) -> np.ndarray:
    """column.isin(values) as a numpy mask; a category column is compared by its codes (pandas' isin on one costs a
    millisecond or more, and a rerun makes dozens)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        wanted = column.cat.categories.get_indexer(pd.Index(list(values), dtype=object))
        return np.isin(column.cat.codes.to_numpy(), wanted[wanted >= 0])
    return column.isin(values).to_numpy(dtype=bool)


def _lookup(column: pd.Series, mapping: Mapping, default) -> np.ndarray:
    """column.map(mapping) with `default` where it maps to nothing, as a numpy array; a category column maps its
    categories once and takes them by code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        mapped = np.array([mapping.get(value, default) for value in column.cat.categories] + [default])
        return mapped[column.cat.codes.to_numpy()]  # code -1 (missing) takes the last: the default
    return column.map(mapping).fillna(default).to_numpy()


def _window_mask(ends: pd.Series, start: date, end: date) -> np.ndarray:
    when = ends.to_numpy(dtype="datetime64[ns]")
    return (when >= np.datetime64(pd.Timestamp(start))) & (when <= np.datetime64(pd.Timestamp(end)))


def filter_facts(facts: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Facts whose period ends inside the window, for the chosen cities and campaigns.

    A figure counts in the window that contains the end of its reporting period.
    With cities chosen, province-level figures (city '') drop out: they belong to no city.
    With counties chosen, a city that has one counts only its chosen counties' figures and their sub-units: its
    own city figure (county '') drops out, since it is the whole city; a chosen city with none chosen stays whole.
    Counties alone (no city chosen) narrow to their cities.
    """
    mask = _window_mask(facts["period_end"], filters.start, filters.end)
    pairs = [split_county_key(key) for key in filters.counties]
    narrowed = {city for city, _ in pairs}
    cities = filters.cities or tuple(sorted(narrowed))
    if cities:
        mask &= _member(facts["city"], cities)
    if pairs:
        chosen = pd.MultiIndex.from_arrays([facts["city"].astype(str), facts["county"].astype(str)]).isin(pairs)
        mask &= ~_member(facts["city"], narrowed) | chosen
    if filters.campaigns:
        mask &= _member(facts["campaign"], filters.campaigns)
    if pairs:  # the levels were worked out with the city figures present: work them out again without them
        return facts[mask].drop(columns=[COUNTED, PART], errors="ignore")
    return facts[mask]


# ---- levels and roll-up -------------------------------------------------------------------------------
# One rule for every total (README, "Levels and roll-up"). Within a key (period, campaign, metric):
# - a city's figure (county '', unit '') is the whole city, its counties included; when one is in effect it is
#   the city's total, and the city's other figures are its breakdown, never added to it;
# - else the city's total is the sum of its parts: each county's total (the county's own figure, or else the
#   sum of the county's sub-units) plus the city company's own part (本级) and its sub-units;
# - province-level figures (city '') belong to no city and are always added to the province total.
LEVEL_KEY = ["period_start", "period_end", "campaign", "metric"]
COUNTED, PART = "counted", "part"  # boolean columns with_levels adds
# Kinds of bar in a city's breakdown: a county, the city company's own part and sub-units, the rest of the city figure
KIND_COUNTY, KIND_OWN, KIND_UNALLOCATED = "county", "own", "unallocated"


def _blank(values: pd.Series) -> np.ndarray:
    return (values == "").to_numpy(dtype=bool)


def _group_codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per distinct combination of `columns` (dense, 0…), from each column's integer codes (keys.py)."""
    return pd.factorize(combine_codes([column_codes([frame], column) for column in columns]))[0]


def level_masks(facts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per fact: counted (it is added into totals) and part (it is added into its city's breakdown)."""
    if facts.empty:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    province, no_county, no_unit = _blank(facts["city"]), _blank(facts["county"]), _blank(facts["unit"])
    city_total = ~province & no_county & no_unit
    county_total = ~no_county & no_unit
    by_city = _group_codes(facts, [*LEVEL_KEY, "city"])
    by_county = _group_codes(facts, [*LEVEL_KEY, "city", "county"])
    has_city_total = np.bincount(by_city, weights=city_total)[by_city] > 0
    has_county_total = np.bincount(by_county, weights=county_total)[by_county] > 0
    part = ~province & ~city_total & (no_county | county_total | ~has_county_total)
    counted = province | city_total | (part & ~has_city_total)
    return counted, part


def with_levels(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts with the boolean columns `counted` and `part` (level_masks); computed once, then kept."""
    if COUNTED in facts.columns:
        return facts
    counted, part = level_masks(facts)
    return facts.assign(**{COUNTED: counted, PART: part})


def counted_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts that add into totals under the roll-up rule (a city figure in effect hides its parts)."""
    frame = with_levels(facts)
    return frame[frame[COUNTED].to_numpy(dtype=bool)]


INCONSISTENCY_COLUMNS = ["period_start", "period_end", "city", "county", "campaign", "metric", "value", "qualifier",
                         "parts", "parts_facts"]


def level_inconsistencies(facts: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Where the parts of a city (or county) add up to more than its own figure: INCONSISTENCY_COLUMNS.

    value/qualifier is the region's figure, parts the sum of its parts. Summed metrics only (a rate is never
    compared with a sum). A figure qualified 'over' (余/多) is a floor and never contradicted; 'about' (约)
    allows its parts 10% more.
    """
    frame = with_levels(facts)
    summed = frame["metric"].map({code: m.aggregation == "sum" for code, m in catalog.metrics.items()})
    frame = frame[summed.fillna(True).to_numpy(dtype=bool) & ~_blank(frame["city"])]
    if frame.empty:
        return pd.DataFrame(columns=INCONSISTENCY_COLUMNS)
    no_county, no_unit = _blank(frame["county"]), _blank(frame["unit"])
    found = []
    # a city's figure against its breakdown; a county's figure against its sub-units
    for level, total, part, columns in (
        ("city", no_county & no_unit, frame[PART].to_numpy(dtype=bool), [*LEVEL_KEY, "city"]),
        ("county", ~no_county & no_unit, ~no_county & ~no_unit, [*LEVEL_KEY, "city", "county"]),
    ):
        codes = _group_codes(frame, columns)
        sums = np.bincount(codes, weights=np.where(part, frame["value"].to_numpy(dtype=float), 0.0))
        counts = np.bincount(codes, weights=part)
        totals = frame[total].assign(parts=sums[codes[total]], parts_facts=counts[codes[total]].astype(int))
        allowance = np.where(totals["qualifier"] == QUALIFIER_ABOUT, 1.1, 1.0)
        over = (totals["parts_facts"] > 0) & (totals["qualifier"] != QUALIFIER_OVER) & (
            totals["parts"] > totals["value"] * allowance + 1e-9)
        found.append(totals[over.to_numpy(dtype=bool)])
    out = pd.concat(found)[INCONSISTENCY_COLUMNS]
    for column in ("city", "county", "campaign", "metric", "qualifier"):
        out[column] = out[column].astype(str)
    return out.sort_values(["period_end", "city", "county", "metric"]).reset_index(drop=True)


# A sum's qualifier follows its parts (model.combine_qualifiers): any 'about' makes it 'about', else any 'over'
# makes it 'over'. Ranked so that a group's qualifier is its highest rank, computed without Python per row.
QUALIFIER_RANK = {QUALIFIER_NONE: 0, QUALIFIER_OVER: 1, QUALIFIER_ABOUT: 2}
RANKED_QUALIFIERS = [QUALIFIER_NONE, QUALIFIER_OVER, QUALIFIER_ABOUT]


def _sorted_groups(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group (0…n-1, numbered in the order of the keys' sorted values, a missing key last, as
    DataFrame.groupby(keys, dropna=False, observed=True) numbers them) and each group's first row."""
    codes, sizes = [], []
    for key in keys:
        column = frame[key]
        if isinstance(column.dtype, pd.CategoricalDtype):  # in category order, as groupby sorts a category
            found = column.cat.codes.to_numpy().astype(np.int64)
            size = len(column.cat.categories) + 1
            found[found < 0] = size - 1
        else:
            found, uniques = pd.factorize(column, sort=True, use_na_sentinel=False)
            size = max(len(uniques), 1)
        codes.append(np.asarray(found, dtype=np.int64))
        sizes.append(size)
    if float(np.prod(np.array(sizes, dtype=float))) >= 2.0 ** 62:  # too many combinations for one int64: pair up
        flat = pd.MultiIndex.from_arrays(codes).factorize(sort=True)[0].astype(np.int64)
    else:
        flat = np.ravel_multi_index(codes, sizes) if codes else np.zeros(len(frame), dtype=np.int64)
    _, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
    return inverse.reshape(-1), first


@dataclass(frozen=True)
class _Groups:
    """Per group of rows (numbered as _sorted_groups numbers them): what a total over several groups is made of."""

    first: np.ndarray  # the group's first row
    sums: np.ndarray  # the sum of its values (a blank value adds nothing)
    over: np.ndarray  # what a rate's sum is divided by: its facts with a value
    facts: np.ndarray  # how many facts it is made of
    about: np.ndarray  # any part qualified 'about' (约)
    floor: np.ndarray  # any part qualified 'over' (余)
    mean: np.ndarray  # its metric is averaged (a rate), not summed


def _grouped(frame: pd.DataFrame, keys: list[str], catalog: Catalog) -> _Groups:
    """Facts, or monthly cube rows (CUBE_FACTS), summed per group of `keys` (which include the metric)."""
    groups, first = _sorted_groups(frame, keys)
    count = len(first)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(groups, weights=weights, minlength=count)

    values = frame["value"].to_numpy(dtype=float)
    present = ~np.isnan(values)
    if CUBE_FACTS in frame.columns:  # a cube row stands for that many facts
        facts = total(frame[CUBE_FACTS].to_numpy(dtype=float))
        over = facts
    else:
        facts = np.bincount(groups, minlength=count).astype(float)
        over = total(present.astype(float))  # a rate's mean skips a blank value
    rank = _lookup(frame["qualifier"], QUALIFIER_RANK, 0).astype(np.int64)
    how = {code: m.aggregation == "mean" for code, m in catalog.metrics.items()}
    mean = _lookup(frame["metric"].iloc[first], how, False).astype(bool)
    return _Groups(first, total(np.where(present, values, 0.0)), over, facts.astype(np.int64),
                   total((rank == 2).astype(float)) > 0, total((rank == 1).astype(float)) > 0, mean)


def _values(sums: np.ndarray, over: np.ndarray, mean: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean, sums / over, sums)


def _qualifiers(about: np.ndarray, floor: np.ndarray) -> np.ndarray:
    return np.array(RANKED_QUALIFIERS, dtype=object)[np.where(about, 2, np.where(floor, 1, 0))]


def _aggregate(frame: pd.DataFrame, by: list[str], catalog: Catalog) -> pd.DataFrame:
    """Sum (or average, for rates) each metric within groups; the qualifier follows its parts.

    `frame` is facts, or rows of a monthly cube (CUBE_FACTS: each row the sum of that many facts; a rate's mean is
    then the sum of its values over the number of its facts). Rows: the summed metrics' groups, then the averaged
    metrics', each in the order of their keys. Done with numpy over group numbers (no pandas groupby): a rerun
    makes many small aggregations of the cube, and pandas' fixed cost per call was most of their time."""
    columns = [*by, "metric", "value", "qualifier", "facts"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    found = _grouped(frame, [*by, "metric"], catalog)
    order = np.argsort(found.mean, kind="stable")  # the summed metrics first
    rows = found.first[order]
    return pd.DataFrame({**{column: frame[column].array.take(rows) for column in [*by, "metric"]},
                         "value": _values(found.sums, found.over, found.mean)[order],
                         "qualifier": _qualifiers(found.about, found.floor)[order],
                         "facts": found.facts[order]}, columns=columns)


# ---- the monthly cube: the figures in effect summed once per data version --------------------------------------
# Rows (period_end: the month's last day, city, campaign, metric, counted) with the sum of the facts' values, their
# number (CUBE_FACTS) and the highest of their qualifiers. The roll-up masks are the facts' own (with_levels on all
# the facts), so every total the rule gives is a sum of cube rows: filter_facts, metric_totals, kpi_table,
# monthly_trend, city_ranking, city_metric_table and metrics_with_data take the cube in place of the facts, for a
# window of whole months and without counties (cube_serves); a county's figures need the facts.
CUBE_FACTS = "cube_facts"
CUBE_KEY = ["period_end", "city", "campaign", "metric", COUNTED]


def monthly_cube(facts: pd.DataFrame) -> pd.DataFrame:
    """The facts (with_levels) summed per month of their period end, city, campaign, metric and counted."""
    frame = with_levels(facts)
    if frame.empty:
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in (
            ("period_end", "datetime64[ns]"), ("city", object), ("campaign", object), ("metric", object),
            (COUNTED, bool), ("value", float), ("qualifier", object), (CUBE_FACTS, np.int64))})
    months = frame["period_end"].to_numpy().astype("datetime64[M]")
    ends = ((months + 1).astype("datetime64[D]") - 1).astype("datetime64[ns]")  # the month's last day
    work = pd.DataFrame({
        # .array keeps a category column's codes (to_numpy would make 1.14M Python strings)
        "period_end": ends, "city": frame["city"].array, "campaign": frame["campaign"].array,
        "metric": frame["metric"].array, COUNTED: frame[COUNTED].to_numpy(dtype=bool),
        "value": frame["value"].to_numpy(dtype=float),
        "rank": frame["qualifier"].map(QUALIFIER_RANK).fillna(0).astype(np.int8).to_numpy(),
    })
    out = work.groupby(CUBE_KEY, observed=True, sort=True).agg(
        value=("value", "sum"), rank=("rank", "max"), **{CUBE_FACTS: ("value", "size")}).reset_index()
    out["qualifier"] = pd.Categorical.from_codes(out.pop("rank").to_numpy(), categories=RANKED_QUALIFIERS)
    for column in ("city", "campaign", "metric"):
        out[column] = out[column].astype(frame[column].dtype) if isinstance(frame[column].dtype, pd.CategoricalDtype) \
            else out[column].astype("category")
    return out


CUBE_DIMENSIONS = ("city", "campaign")


def coarser_cube(cube: pd.DataFrame, keep: tuple[str, ...]) -> pd.DataFrame:
    """The cube summed over the dimensions (CUBE_DIMENSIONS) not in `keep`, which it then lacks: a total that needs
    neither cities nor campaigns (the KPI cards of the whole province) adds a few thousand rows."""
    dropped = [column for column in CUBE_DIMENSIONS if column not in keep]
    if not dropped:
        return cube
    if cube.empty:
        return cube.drop(columns=dropped)
    key = [column for column in CUBE_KEY if column not in dropped]
    work = cube[[*key, "value", CUBE_FACTS]].assign(rank=cube["qualifier"].map(QUALIFIER_RANK).astype(np.int8))
    out = work.groupby(key, observed=True, sort=True).agg(
        value=("value", "sum"), rank=("rank", "max"), **{CUBE_FACTS: (CUBE_FACTS, "sum")}).reset_index()
    out["qualifier"] = pd.Categorical.from_codes(out.pop("rank").to_numpy(), categories=RANKED_QUALIFIERS)
    return out


def cube_dimensions(filters: Filters, keep: tuple[str, ...]) -> tuple[str, ...]:
    """The cube's dimensions a computation needs: those it groups by (`keep`) and those the filters narrow."""
    narrowed = {"city": bool(filters.cities), "campaign": bool(filters.campaigns)}
    return tuple(column for column in CUBE_DIMENSIONS if column in keep or narrowed[column])


def cube_serves(filters: Filters) -> bool:
    """Whether the monthly cube answers for these filters: whole months, no counties chosen."""
    return not filters.counties and filters.start.day == 1 and filters.end == month_end(filters.end)


def metric_totals(facts: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """One row per metric, in catalog order: value, qualifier and how many facts it is made of (roll-up rule)."""
    out = _aggregate(counted_facts(facts), [], catalog)
    order = {code: position for position, code in enumerate(catalog.metrics)}
    return out.sort_values("metric", key=lambda codes: codes.astype(str).map(order)).reset_index(drop=True)


@dataclass(frozen=True)
class Comparison:
    """A KPI's base: the value of another window (环比 the previous one, 同比 the same one a year earlier)."""

    start: date
    end: date
    value: float | None  # None: nothing reported in that window (the change is then blank, never 0%)
    qualifier: str = ""

    def delta(self, current: float | None) -> float | None:
        if self.value is None:
            return None
        return (current or 0.0) - self.value

    def ratio(self, current: float | None) -> float | None:
        """The relative change, or None where the base is missing or zero."""
        if self.value is None or self.value == 0:
            return None
        return ((current or 0.0) - self.value) / abs(self.value)


@dataclass(frozen=True)
class Kpi:
    """One KPI card: the metric's value in the window, its bases (环比, 同比) and the last 12 months."""

    metric: str
    value: float | None
    qualifier: str
    previous: float | None
    previous_qualifier: str
    month_on_month: Comparison | None = None  # 环比: the previous window of equal length
    year_on_year: Comparison | None = None  # 同比: the same window a year earlier (like-for-like year to date)
    like_for_like: bool = False  # the window is a year to date: 同比 compares the same months of last year
    sparkline: tuple[float, ...] = ()  # the last 12 months to the window's end, oldest first (0 = nothing reported)
    target: float | None = None  # 目标 for the window (None: no target set)
    target_qualifier: str = ""

    @property
    def attainment(self) -> float | None:
        """完成率: value / target, or None without a target (or a zero one)."""
        if self.target is None or self.target == 0:
            return None
        return (self.value or 0.0) / self.target

    @property
    def delta(self) -> float | None:
        if self.previous is None:
            return None
        return (self.value or 0.0) - self.previous


def year_ago_window(facts: pd.DataFrame, start: date, end: date) -> tuple[date, date, bool]:
    """The window 同比 compares with, and whether it is like-for-like year to date.

    The same months a year earlier; for a window from January within one year (year to date) whose data end
    before the window does, the months of last year up to the latest month reported this year.
    """
    ytd = start.month == 1 and start.day == 1 and start.year == end.year
    last = latest_month(facts[(facts["period_end"] >= pd.Timestamp(start)) & (facts["period_end"] <= pd.Timestamp(end))]) \
        if ytd and not facts.empty else None
    return _year_ago(start, end, last)


def _year_ago(start: date, end: date, last: date | None) -> tuple[date, date, bool]:
    """year_ago_window, given the latest month reported in the window."""
    ytd = start.month == 1 and start.day == 1 and start.year == end.year
    upto = month_end(last) if ytd and last is not None and month_end(last) < end else end
    return add_months(start, -12), month_end(add_months(upto, -12)), ytd and upto < end


def kpi_table(facts: pd.DataFrame, filters: Filters, catalog: Catalog, metrics: list[str],
              targets: pd.DataFrame | None = None) -> list[Kpi]:
    """Per metric: value and qualifier in the window, 环比 and 同比 bases, a 12-month sparkline, and the window's
    target (window_targets) where `targets` (Store.active_targets) hold one.

    One pass: the figures from the earliest month any of these needs to the window's end are summed once per
    period end and metric; each window's total and each sparkline month is then a sum of those partial sums (the
    same as metric_totals of that window: the roll-up masks are per period, so a narrower window keeps them)."""
    prev_start, prev_end = previous_window(filters.start, filters.end)
    spark_start = add_months(filters.end, -(SPARK_MONTHS - 1))
    earliest = min(prev_start, add_months(filters.start, -12), spark_start, filters.start)
    inside = filter_facts(facts, replace(filters, start=earliest))
    ends = inside["period_end"].to_numpy(dtype="datetime64[ns]")
    in_window = ends >= np.datetime64(pd.Timestamp(filters.start))
    latest = month_start(pd.Timestamp(ends[in_window].max()).date()) if in_window.any() else None
    year_start, year_end, like_for_like = _year_ago(filters.start, filters.end, latest)

    counted = counted_facts(inside)
    counted = counted[_member(counted["metric"], metrics)]
    position = {code: index for index, code in enumerate(metrics)}
    if counted.empty:
        found, where, when = None, np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[ns]")
    else:
        found = _grouped(counted, ["period_end", "metric"], catalog)
        where = _lookup(counted["metric"].iloc[found.first], position, -1).astype(np.int64)
        when = counted["period_end"].iloc[found.first].to_numpy(dtype="datetime64[ns]")
    size = len(metrics)
    how = {code: m.aggregation for code, m in catalog.metrics.items()}
    mean = np.array([how.get(code, "sum") == "mean" for code in metrics], dtype=bool)

    def totals(chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per metric (in `metrics` order): value, qualifier, and whether anything was reported."""
        if found is None:
            return np.zeros(size), np.full(size, "", dtype=object), np.zeros(size, dtype=bool)
        index = where[chosen]

        def add(weights: np.ndarray) -> np.ndarray:
            return np.bincount(index, weights=weights[chosen].astype(float), minlength=size)

        reported = np.bincount(index, minlength=size) > 0
        return (_values(add(found.sums), add(found.over), mean), _qualifiers(add(found.about) > 0, add(found.floor) > 0),
                reported)

    def window(start: date, end: date) -> dict[str, tuple[float | None, str]]:
        value, qualifier, reported = totals((when >= np.datetime64(pd.Timestamp(start)))
                                            & (when <= np.datetime64(pd.Timestamp(end))))
        return {code: (float(value[i]), str(qualifier[i])) if reported[i] else (None, "")
                for i, code in enumerate(metrics)}

    current, previous, year_ago = window(filters.start, filters.end), window(prev_start, prev_end), \
        window(year_start, year_end)
    months = [add_months(spark_start, k) for k in range(SPARK_MONTHS)]
    month_numbers = when.astype("datetime64[M]")
    columns = []
    for month in months:
        value, _, reported = totals(month_numbers == np.datetime64(f"{month.year:04d}-{month.month:02d}", "M"))
        columns.append(np.where(reported, np.nan_to_num(value, nan=0.0), 0.0))
    spark = np.array(columns).T if columns else np.zeros((size, 0))
    goals = window_targets(targets, filters, catalog, metrics) if targets is not None else {}
    return [Kpi(code, *current[code], *previous[code],
                month_on_month=Comparison(prev_start, prev_end, *previous[code]),
                year_on_year=Comparison(year_start, year_end, *year_ago[code]),
                like_for_like=like_for_like, sparkline=tuple(float(v) for v in spark[i]),
                target=goals[code][0] if code in goals else None, target_qualifier=goals.get(code, (None, ""))[1])
            for i, code in enumerate(metrics)]


# ---- targets (目标) and 完成率 ----------------------------------------------------------------------------------
# A target belongs to a window when its period equals the window, or when targets of periods inside the window cover
# every month of it without overlap (months summed into a quarter or a year; a rate's targets averaged). A window
# only partly covered has no target. Regions follow the roll-up rule: a city's target is the whole city (its
# counties' targets are never added to it); the whole province's is the province-level target (city ''). Targets
# are added over the campaigns in view that have one.


def _month_number(stamp: pd.Timestamp) -> int:
    return stamp.year * 12 + stamp.month - 1


def _tiling(rows: pd.DataFrame, start: date, end: date) -> pd.DataFrame | None:
    """The targets (rows of one region, campaign and metric, periods inside the window) that make up the window."""
    first, last = _month_number(pd.Timestamp(start)), _month_number(pd.Timestamp(end))
    starts, ends = pd.to_datetime(rows["period_start"]), pd.to_datetime(rows["period_end"])
    whole = (starts.dt.day == 1).to_numpy() & (ends.dt.is_month_end).to_numpy()  # whole months only
    lo = np.array([_month_number(d) for d in starts], dtype=np.int64)
    hi = np.array([_month_number(d) for d in ends], dtype=np.int64)
    exact = whole & (lo == first) & (hi == last)
    if exact.any():
        return rows[exact].tail(1)
    spans = hi - lo + 1
    for span in sorted(set(spans[whole].tolist()), reverse=True):  # the coarsest periods that tile the window
        chosen = whole & (spans == span)
        months = np.concatenate([np.arange(a, b + 1) for a, b in zip(lo[chosen], hi[chosen])])
        if len(months) == last - first + 1 and len(np.unique(months)) == len(months):
            return rows[chosen]
    return None


def _city_regions(city: str, filters: Filters) -> list[tuple[str, str]]:
    """The (city, county) targets that make up a city in view: its chosen counties, else the whole city."""
    chosen = [(c, county) for c, county in (split_county_key(key) for key in filters.counties) if c == city]
    return chosen or [(city, "")]


def _view_regions(filters: Filters) -> list[tuple[str, str]]:
    """The (city, county) targets that make up the filters' regions; ('', '') is the province's own."""
    cities = filters.cities or tuple(sorted({city for city, _ in map(split_county_key, filters.counties)}))
    return [pair for city in cities for pair in _city_regions(city, filters)] or [("", "")]


def _region_targets(targets: pd.DataFrame | None, filters: Filters, catalog: Catalog, metrics: list[str],
                    regions: list[tuple[str, str]]) -> dict[tuple[str, str, str], tuple[float, str]]:
    """(metric, city, county) → (target, qualifier) for the window; ('', '') is the province, (city, '') a city."""
    if targets is None or targets.empty:
        return {}
    cities = {city for city, _ in regions}
    frame = targets[(targets["period_start"] >= pd.Timestamp(filters.start))
                    & (targets["period_end"] <= pd.Timestamp(filters.end))
                    & targets["metric"].isin(metrics) & targets["city"].isin(cities)
                    & (targets["unit"] == "")]  # a region's own target: the whole region, never its units added
    if filters.campaigns:
        frame = frame[frame["campaign"].isin(filters.campaigns)]
    wanted = set(regions)
    out: dict[tuple[str, str, str], tuple[float, str]] = {}
    for (metric, city, county), group in frame.groupby(["metric", "city", "county"], observed=True, sort=False):
        if (str(city), str(county)) not in wanted:
            continue
        how = catalog.metrics[metric].aggregation if metric in catalog.metrics else "sum"
        values, rank = [], 0
        for _, rows in group.groupby("campaign", observed=True, sort=False):
            chosen = _tiling(rows, filters.start, filters.end)
            if chosen is None:  # a campaign's targets cover part of the window only: no target for it
                break
            part = chosen["value"].to_numpy(dtype=float)
            values.append(part.mean() if how == "mean" else part.sum())
            rank = max(rank, int(chosen["qualifier"].astype(str).map(QUALIFIER_RANK).fillna(0).max()))
        else:
            if values:
                out[(str(metric), str(city), str(county))] = (
                    float(np.mean(values) if how == "mean" else np.sum(values)), RANKED_QUALIFIERS[rank])
    return out


def _combined(found: dict, metric: str, regions: list[tuple[str, str]], catalog: Catalog) -> tuple[float, str] | None:
    """The target of several regions: none unless each has one; summed (a rate's averaged)."""
    parts = [found.get((metric, city, county)) for city, county in regions]
    if not parts or any(part is None for part in parts):
        return None
    how = catalog.metrics[metric].aggregation if metric in catalog.metrics else "sum"
    values = [value for value, _ in parts]
    rank = max(QUALIFIER_RANK.get(q, 0) for _, q in parts)
    return float(np.mean(values) if how == "mean" else np.sum(values)), RANKED_QUALIFIERS[rank]


def window_targets(targets: pd.DataFrame | None, filters: Filters, catalog: Catalog,
                   metrics: list[str]) -> dict[str, tuple[float, str]]:
    """metric → (target, qualifier) for the filters' window and regions: the province-level target for the whole
    province; the sum of the chosen cities' targets (of their chosen counties, where counties are chosen); none unless
    every region in view has one."""
    regions = _view_regions(filters)
    found = _region_targets(targets, filters, catalog, metrics, regions)
    out = {}
    for metric in metrics:
        target = _combined(found, metric, regions, catalog)
        if target is not None:
            out[metric] = target
    return out


def ranking_targets(ranking: pd.DataFrame, targets: pd.DataFrame | None, filters: Filters, metric: str,
                    catalog: Catalog) -> pd.DataFrame:
    """city_ranking with each city's target for the window (target, target_qualifier) and attainment (完成率,
    value / target); NaN where a city has no target (or a zero one)."""
    cities = [str(c) for c in ranking["city"]]
    regions = {city: _city_regions(city, filters) for city in cities}
    found = _region_targets(targets, filters, catalog, [metric], [pair for pairs in regions.values() for pair in pairs])
    goals = [_combined(found, metric, regions[city], catalog) for city in cities]
    out = ranking.copy()
    out["target"] = [goal[0] if goal else np.nan for goal in goals]
    out["target_qualifier"] = [goal[1] if goal else "" for goal in goals]
    target = out["target"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["attainment"] = np.where(target > 0, out["value"].to_numpy(dtype=float) / target, np.nan)
    return out


SPARK_MONTHS = 12


def monthly_trend(facts: pd.DataFrame, metric: str, catalog: Catalog) -> pd.DataFrame:
    """Per month (of period end) and campaign: the metric's value and qualifier."""
    frame = counted_facts(facts[_member(facts["metric"], [metric])])
    months = frame["period_end"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype("datetime64[ns]")
    frame = frame.assign(**{MONTH: months})  # the first day of the month
    out = _aggregate(frame, [MONTH, "campaign"], catalog)
    return out.sort_values([MONTH, "campaign"]).reset_index(drop=True)


def city_ranking(facts: pd.DataFrame, metric: str, catalog: Catalog) -> pd.DataFrame:
    """Cities by the metric, largest first; province-level figures are left out (they belong to no city)."""
    frame = counted_facts(facts[_member(facts["metric"], [metric]) & ~_member(facts["city"], [""])])
    out = _aggregate(frame, ["city"], catalog)
    return out.sort_values(["value", "city"], ascending=[False, True]).reset_index(drop=True)


def province_only_total(facts: pd.DataFrame, metric: str, catalog: Catalog) -> pd.DataFrame:
    """The metric's province-level figures (city ''), which no city ranking includes."""
    return metric_totals(facts[_member(facts["metric"], [metric]) & _member(facts["city"], [""])], catalog)  # all counted


def county_breakdown(facts: pd.DataFrame, city: str, metric: str, catalog: Catalog) -> pd.DataFrame:
    """One city's figure split into its parts: county, value, qualifier, facts, kind, largest first.

    kind: county; own (county '': the city company's own part and its sub-units); unallocated (county '':
    what the city's own figure holds beyond the parts reported, where a city figure is in effect; summed
    metrics only). The bars add up to the city's total wherever its parts do not exceed its figure.
    """
    frame = with_levels(facts[(facts["metric"] == metric) & (facts["city"] == city)])
    parts = frame[frame[PART].to_numpy(dtype=bool)]
    out = _aggregate(parts, ["county"], catalog)
    out["kind"] = np.where(out["county"] == "", KIND_OWN, KIND_COUNTY)
    known = catalog.metrics.get(metric)
    whole = frame[_blank(frame["county"]) & _blank(frame["unit"])]
    if not whole.empty and (known is None or known.aggregation == "sum"):
        keys = ["period_start", "period_end", "campaign"]
        reported = whole.groupby(keys, observed=True)["value"].sum()
        covered = parts.groupby(keys, observed=True)["value"].sum().reindex(reported.index, fill_value=0.0)
        rest = float((reported - covered).clip(lower=0).sum())
        if rest > 1e-9:
            qualifier = RANKED_QUALIFIERS[int(whole["qualifier"].astype(str).map(QUALIFIER_RANK).fillna(0).max())]
            out = pd.concat([out, pd.DataFrame([{"county": "", "metric": metric, "value": rest, "qualifier": qualifier,
                                                 "facts": len(whole), "kind": KIND_UNALLOCATED}])], ignore_index=True)
    return out.sort_values(["value", "county"], ascending=[False, True]).reset_index(drop=True)


def city_metric_table(facts: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Cities as rows, metrics as columns (values only), province-level figures left out."""
    out = _aggregate(counted_facts(facts[facts["city"] != ""]), ["city"], catalog)
    if out.empty:
        return pd.DataFrame()
    table = out.pivot(index="city", columns="metric", values="value")
    order = [code for code in catalog.metrics if code in table.columns]
    return table[order]


def city_metric_qualifiers(facts: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The qualifiers (余/约: 'over', 'about' or '') of city_metric_table's cells, same rows and columns."""
    out = _aggregate(counted_facts(facts[facts["city"] != ""]), ["city"], catalog)
    if out.empty:
        return pd.DataFrame()
    table = out.pivot(index="city", columns="metric", values="qualifier")
    return table[[code for code in catalog.metrics if code in table.columns]]


def metrics_with_data(facts: pd.DataFrame, catalog: Catalog) -> list[str]:
    """Catalog metric codes (in catalog order) that have at least one figure in `facts`."""
    present = set(facts["metric"].unique())
    return [code for code in catalog.metrics if code in present]


# ---- what saving a parsed file would change, under the roll-up rule ----------------------------------------
TOTAL_CHANGE_COLUMNS = ["metric", "before", "before_qualifier", "after", "after_qualifier"]


def file_window(new_facts: pd.DataFrame) -> Filters:
    """The months and campaigns a file reports: where its figures can change a total."""
    low, high = (pd.Timestamp(new_facts["period_end"].min()).date(), pd.Timestamp(new_facts["period_end"].max()).date())
    return Filters(month_start(low), month_end(high), campaigns=tuple(sorted(set(new_facts["campaign"].astype(str)))))


def with_file(store: Store, new_facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The figures in effect for the file's periods, before and after the file is saved (its figures win their keys)."""
    window = file_window(new_facts)
    current = store.active_facts(window.start, window.end)
    found = match_keys(current, new_facts)
    replaced = np.zeros(len(current), dtype=bool)
    replaced[found[found >= 0]] = True
    before = current[FACT_COLUMNS]
    after = pd.concat([_plain(before[~replaced]), _plain(new_facts[FACT_COLUMNS])], ignore_index=True)
    return before, after


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain objects, so frames from the store (categories) and the loader concatenate cleanly."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str).astype(object)
    return out


@dataclass(frozen=True)
class LevelImpact:
    """What saving a file would do under the roll-up rule (level_impact)."""

    total_changes: pd.DataFrame  # TOTAL_CHANGE_COLUMNS: per metric the file reports, province totals before/after
    inconsistencies: pd.DataFrame  # INCONSISTENCY_COLUMNS: the file's cities whose parts would exceed their whole


def level_impact(store: Store, new_facts: pd.DataFrame, catalog: Catalog) -> LevelImpact:
    """The province totals of the file's months and campaigns before and after saving (before missing where
    nothing was reported yet), and the inconsistencies saving would leave, from one read of the figures in effect."""
    if new_facts.empty:
        return LevelImpact(pd.DataFrame(columns=TOTAL_CHANGE_COLUMNS), level_inconsistencies(new_facts, catalog))
    window = file_window(new_facts)
    before, after = with_file(store, new_facts)
    old = metric_totals(filter_facts(before, window), catalog).set_index("metric")
    new = metric_totals(filter_facts(after, window), catalog).set_index("metric")
    metrics = [code for code in new.index if code in set(new_facts["metric"].astype(str))]
    changes = pd.DataFrame({
        "metric": metrics,
        "before": [float(old.at[m, "value"]) if m in old.index else np.nan for m in metrics],
        "before_qualifier": [str(old.at[m, "qualifier"]) if m in old.index else "" for m in metrics],
        "after": [float(new.at[m, "value"]) for m in metrics],
        "after_qualifier": [str(new.at[m, "qualifier"]) for m in metrics],
    }, columns=TOTAL_CHANGE_COLUMNS)
    cities = set(new_facts["city"].astype(str))
    found = level_inconsistencies(after[after["city"].isin(cities)], catalog)
    return LevelImpact(changes, found[found["city"].isin(cities)].reset_index(drop=True))


# ---- several metrics at once (the briefing, exports/briefing.py) ---------------------------------------------
def monthly_trends(facts: pd.DataFrame, metrics: list[str], catalog: Catalog) -> pd.DataFrame:
    """monthly_trend of each of `metrics` in one pass: month, campaign, metric, value, qualifier, facts."""
    frame = counted_facts(facts[facts["metric"].isin(metrics)]).copy()
    frame[MONTH] = frame["period_end"].dt.to_period("M").dt.to_timestamp()
    out = _aggregate(frame, [MONTH, "campaign"], catalog)
    return out.sort_values(["metric", MONTH, "campaign"]).reset_index(drop=True)


def city_rankings(facts: pd.DataFrame, metrics: list[str], catalog: Catalog) -> pd.DataFrame:
    """city_ranking of each of `metrics` in one pass: city, metric, value, qualifier, facts (largest first per metric)."""
    frame = counted_facts(facts[facts["metric"].isin(metrics) & (facts["city"] != "")])
    out = _aggregate(frame, ["city"], catalog)
    return out.sort_values(["metric", "value", "city"], ascending=[True, False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class Completeness:
    """How many units reported any figure in a window (of the chosen cities, or all 13 and their 95 counties)."""

    cities_reported: int
    cities_total: int
    counties_reported: int
    counties_total: int
    province_reported: bool
    missing_cities: tuple[str, ...]  # canonical names of the chosen cities that reported nothing
    by_city: pd.DataFrame  # city, reported, counties_reported, counties_total


def reporting_completeness(visible: pd.DataFrame, filters: Filters, catalog: Catalog) -> Completeness:
    """Which of the chosen cities (all when none is chosen) and their counties have any figure in `visible`."""
    chosen = [c for c in catalog.cities if not filters.cities or c.name in filters.cities]
    cities = {str(c) for c in visible["city"].unique()} if not visible.empty else set()
    named = visible[visible["county"] != ""] if not visible.empty else visible
    reported_counties = set(zip(named["city"].astype(str), named["county"].astype(str)))
    rows = []
    for city in chosen:
        counties = catalog.counties_of(city.name)
        rows.append({"city": city.name, "reported": city.name in cities,
                     "counties_reported": sum((city.name, c.name) in reported_counties for c in counties),
                     "counties_total": len(counties)})
    by_city = pd.DataFrame(rows, columns=["city", "reported", "counties_reported", "counties_total"])
    reported = by_city["reported"].to_numpy(dtype=bool)
    return Completeness(
        cities_reported=int(reported.sum()), cities_total=len(chosen),
        counties_reported=int(by_city["counties_reported"].sum()), counties_total=int(by_city["counties_total"].sum()),
        province_reported="" in cities, missing_cities=tuple(by_city.loc[~reported, "city"]), by_city=by_city)


@dataclass(frozen=True)
class Trend:
    """One metric's months × campaigns over a whole window (None where nothing was reported)."""

    metric: str
    months: list[date]  # first days, every month of the window
    campaigns: list[str]  # codes, in catalog order
    values: dict[str, list[float | None]]  # campaign → one value per month
    qualifiers: dict[str, list[str]]


@dataclass(frozen=True)
class BriefingFigures:
    """The figures of a view's briefing (exports/briefing.py lays them out): the KPIs of the headline metrics with
    a value or a base, and per metric shown (the headline metrics with data, else those with data) its trend by
    campaign, its city ranking and its province-level figure (no city's); how many units reported."""

    filters: Filters
    kpis: list[Kpi]
    metrics: list[str]
    trends: list[Trend]
    rankings: dict[str, pd.DataFrame]  # metric → city, value, qualifier, facts (city_ranking)
    province: dict[str, tuple[float, str]]  # metric → (value, qualifier) of province-level figures, where any
    completeness: Completeness


def briefing_figures(facts: pd.DataFrame, filters: Filters, catalog: Catalog,
                     targets: pd.DataFrame | None = None) -> BriefingFigures:
    """A view's briefing figures; `facts` are every figure in effect (the 环比/同比 bases lie outside the window);
    `targets` (Store.active_targets) give the KPIs their target and 完成率 (window_targets)."""
    facts = with_levels(facts)
    visible = filter_facts(facts, filters)
    headline = [code for code, metric in catalog.metrics.items() if metric.headline]
    kpis = [kpi for kpi in kpi_table(facts, filters, catalog, headline, targets)
            if kpi.value is not None or any(base is not None and base.value is not None
                                            for base in (kpi.month_on_month, kpi.year_on_year))]
    with_data = metrics_with_data(visible, catalog)
    metrics = [code for code in headline if code in with_data] or with_data
    # monthly_trend, city_ranking and province_only_total of every metric shown, each in one pass
    trend_rows = monthly_trends(visible, metrics, catalog)
    trends = [_window_trend(trend_rows[trend_rows["metric"] == code], code, filters, catalog) for code in metrics]
    ranking_rows = city_rankings(visible, metrics, catalog)
    rankings = {code: ranking_rows[ranking_rows["metric"] == code].reset_index(drop=True) for code in metrics}
    province_rows = metric_totals(visible[visible["city"] == ""], catalog)
    province = {str(row.metric): (float(row.value), str(row.qualifier))
                for row in province_rows.itertuples(index=False) if row.metric in metrics}
    return BriefingFigures(filters, kpis, metrics, trends, rankings, province,
                           reporting_completeness(visible, filters, catalog))


def _window_trend(rows: pd.DataFrame, metric: str, filters: Filters, catalog: Catalog) -> Trend:
    """One metric's rows of monthly_trends as months × campaigns over the whole window."""
    months = [add_months(filters.start, k) for k in range(months_between(filters.start, filters.end))]
    present = set(rows["campaign"].astype(str))
    campaigns = [code for code in catalog.campaigns if code in present] + sorted(present - set(catalog.campaigns))
    values: dict[str, list[float | None]] = {code: [None] * len(months) for code in campaigns}
    qualifiers = {code: [""] * len(months) for code in campaigns}
    where = {month: index for index, month in enumerate(months)}
    for row in rows.itertuples(index=False):
        index = where.get(pd.Timestamp(row.month).date())
        if index is not None:
            values[str(row.campaign)][index] = float(row.value)
            qualifiers[str(row.campaign)][index] = str(row.qualifier)
    return Trend(metric, months, campaigns, values, qualifiers)


# ---- the data page: figures with their provenance, and a pivot (#11, item 6) --------------------------------
# review: the upload's review (pending, approved, returned; #12), '' where the upload is not known
PROVENANCE_COLUMNS = ["upload_id", "file_name", "uploaded_at", "uploader", "review"]


def facts_with_provenance(facts: pd.DataFrame, uploads: pd.DataFrame) -> pd.DataFrame:
    """The facts (with their `counted`/`part` levels) and, per fact, the upload it came from: PROVENANCE_COLUMNS.

    `uploads` is Store.uploads(); a fact whose upload is not listed keeps blanks (file name '', uploader '').
    """
    frame = with_levels(facts).reset_index(drop=True)
    known = uploads.set_index("id") if not uploads.empty else pd.DataFrame(
        columns=["file_name", "uploaded_at", "uploader", "review"])
    ids = frame["upload_id"].astype("Int64") if "upload_id" in frame.columns else pd.Series(
        pd.array([pd.NA] * len(frame), dtype="Int64"))
    found = known.reindex(ids.astype(float).to_numpy())  # one row per fact, NaN where the upload is unknown
    found.index = frame.index
    review = found["review"].fillna("").astype(str) if "review" in found else ""
    return frame.assign(upload_id=ids.to_numpy(), file_name=found["file_name"].fillna("").astype(str),
                        uploaded_at=found["uploaded_at"], uploader=found["uploader"].fillna("").astype(str),
                        review=review)


PIVOT_REGION, PIVOT_MONTH = "region", "month"  # what the rows are: cities with their counties, or months
PIVOT_METRIC, PIVOT_CAMPAIGN = "metric", "campaign"  # what the columns are
PIVOT_ROWS, PIVOT_COLUMNS = (PIVOT_REGION, PIVOT_MONTH), (PIVOT_METRIC, PIVOT_CAMPAIGN)
PIVOT_TOTAL = "total"  # the total column (campaign columns) and the level of the total row
# Levels of a pivot row: province-level figures, a city (its whole), a county of the city above it, the city
# company's own part (本级, county ''), a month, the total
ROW_PROVINCE, ROW_CITY, ROW_COUNTY, ROW_OWN, ROW_MONTH = "province", "city", "county", "own", "month"
PIVOT_KEY_COLUMNS = ["level", "city", "county", MONTH, COUNTED]


@dataclass(frozen=True)
class Pivot:
    """A pivot of figures under the roll-up and qualifier rules (analytics.pivot).

    keys: one row per pivot row, PIVOT_KEY_COLUMNS (`counted`: the row is added into the total row; a county or
    own-part row is a part of the city above it and is not). values / qualifiers: the same index, one column per
    metric or campaign code and, for campaign columns, PIVOT_TOTAL (NaN / '' where nothing was reported).
    """

    rows: str
    columns: str
    metric: str | None  # the one metric of campaign columns
    keys: pd.DataFrame
    values: pd.DataFrame
    qualifiers: pd.DataFrame


def pivot(facts: pd.DataFrame, rows: str, columns: str, catalog: Catalog, metric: str | None = None) -> Pivot:
    """Rows (cities with their counties, or months) by columns (metrics, or campaigns of `metric`), with totals.

    A city's cell is its total (its own figure where one is in effect, else the sum of its parts); the county rows
    under it show its parts and are never added again; province-level figures get a row of their own. The total
    row and the total column are computed from the counted facts, not by adding the cells shown, so they equal
    metric_totals of the same facts. Rates are averaged, never summed; a cell's qualifier follows its parts.
    Raises ValueError for an unknown rows/columns, or campaign columns without a metric.
    """
    if rows not in PIVOT_ROWS or columns not in PIVOT_COLUMNS:
        raise ValueError(f"pivot rows {rows!r} / columns {columns!r}")
    if columns == PIVOT_CAMPAIGN:
        if metric is None:
            raise ValueError("campaign columns need a metric")
        facts = facts[facts["metric"] == metric]
    used = ["city", "county", "campaign", "metric", "value", "qualifier", COUNTED, PART, "period_end"]
    frame = with_levels(facts)[used]
    months = frame["period_end"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]").astype("datetime64[ns]")
    frame = frame.assign(**{MONTH: months})
    counted = frame[frame[COUNTED].to_numpy(dtype=bool)]
    campaigns = {str(c) for c in frame["campaign"].unique()}
    codes = (metrics_with_data(frame, catalog) if columns == PIVOT_METRIC
             else [c for c in catalog.campaigns if c in campaigns] + sorted(campaigns - set(catalog.campaigns)))
    column_of = "metric" if columns == PIVOT_METRIC else "campaign"

    shown = codes + ([PIVOT_TOTAL] if columns == PIVOT_CAMPAIGN else [])
    Cells = dict[object, tuple[list, list]]  # group key -> its values and qualifiers, in the order of `shown`

    def cells(part: pd.DataFrame, by: list[str]) -> Cells:
        """Per group of `by`: a value and a qualifier per column code (and, for campaigns, the total over them)."""
        whole = [*by, "_all"]  # a constant key, so that `by` may be empty
        part = part.assign(_all=0)
        out = _aggregate(part, [*whole, "campaign"] if columns == PIVOT_CAMPAIGN else whole, catalog)
        if out.empty:
            return {}
        if columns == PIVOT_CAMPAIGN:
            total = _aggregate(part, whole, catalog).assign(campaign=PIVOT_TOTAL)
            out = pd.concat([out, total], ignore_index=True)
        index = by or ["_all"]
        out[column_of] = out[column_of].astype(str)
        values = out.pivot(index=index, columns=column_of, values="value").reindex(columns=shown)
        qualifiers = out.pivot(index=index, columns=column_of, values="qualifier").reindex(columns=shown)
        return {key: (list(v), ["" if pd.isna(q) else str(q) for q in qs])
                for key, v, qs in zip(values.index, values.to_numpy(dtype=float), qualifiers.to_numpy(dtype=object))}

    keys: list[dict] = []
    value_rows: list[list] = []
    qualifier_rows: list[list] = []

    def add(key: dict, found: Cells, at) -> None:
        keys.append({"level": key["level"], "city": key.get("city", ""), "county": key.get("county", ""),
                     MONTH: key.get(MONTH, pd.NaT), COUNTED: key[COUNTED]})
        row_values, row_qualifiers = found.get(at, ([np.nan] * len(shown), [""] * len(shown)))
        value_rows.append(row_values)
        qualifier_rows.append(row_qualifiers)

    if rows == PIVOT_MONTH:
        by_month = cells(counted, [MONTH])
        for month in sorted(pd.Timestamp(m) for m in counted[MONTH].unique()):
            add({"level": ROW_MONTH, MONTH: month, COUNTED: True}, by_month, month)
    else:
        province = counted[(counted["city"] == "").to_numpy(dtype=bool)]
        if not province.empty:
            add({"level": ROW_PROVINCE, COUNTED: True}, cells(province, []), 0)
        by_city = cells(counted[(counted["city"] != "").to_numpy(dtype=bool)], ["city"])
        parts = frame[frame[PART].to_numpy(dtype=bool)]
        by_part = cells(parts, ["city", "county"])
        known = [c.name for c in catalog.cities]
        present = {str(c) for c in frame["city"].unique()} - {""}
        for city in [c for c in known if c in present] + sorted(present - set(known)):
            add({"level": ROW_CITY, "city": city, COUNTED: True}, by_city, city)
            counties = {county for (of, county) in by_part if of == city}
            order = [c.name for c in catalog.counties_of(city) if c.name in counties]
            for county in order + sorted(counties - set(order) - {""}) + ([""] if "" in counties else []):
                add({"level": ROW_COUNTY if county else ROW_OWN, "city": city, "county": county, COUNTED: False},
                    by_part, (city, county))
    add({"level": PIVOT_TOTAL, COUNTED: False}, cells(counted, []), 0)

    key_frame = pd.DataFrame(keys, columns=PIVOT_KEY_COLUMNS)
    values_frame = pd.DataFrame(value_rows, columns=shown, dtype=float)
    qualifier_frame = pd.DataFrame(qualifier_rows, columns=shown, dtype=object)
    return Pivot(rows, columns, metric if columns == PIVOT_CAMPAIGN else None, key_frame, values_frame, qualifier_frame)


# ---- one campaign (pages/campaigns.py) ----------------------------------------------------------------------
SUMMARY_COLUMNS = ["metric", "value", "qualifier", "facts", "cities"]
SHARE_COLUMNS = ["city", "metric", "campaign", "value", "qualifier", "city_value", "city_qualifier", "share"]
TOP_UNIT_COLUMNS = ["city", "county", "unit", "kind", "value", "qualifier", "facts"]
KIND_UNIT = "unit"  # a top unit that is a sub-unit (开山岛服务队) or the company's own part (本级); else KIND_COUNTY


def campaign_facts(facts: pd.DataFrame, campaign: str) -> pd.DataFrame:
    """The facts of one campaign."""
    return facts[(facts["campaign"] == campaign).to_numpy(dtype=bool)]


def campaign_summary(facts: pd.DataFrame, campaign: str, catalog: Catalog) -> pd.DataFrame:
    """One campaign's metrics (catalog order): value and qualifier (roll-up rule), facts, and how many cities
    have a figure for it (province-level figures count in the value, in no city)."""
    frame = campaign_facts(facts, campaign)
    totals = metric_totals(frame, catalog)
    if totals.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    in_cities = frame[~_blank(frame["city"])]
    cities = in_cities.groupby(in_cities["metric"].astype(str))["city"].nunique()
    totals["metric"] = totals["metric"].astype(str)
    totals["cities"] = totals["metric"].map(cities).fillna(0).astype(int)
    return totals[SUMMARY_COLUMNS]


def campaign_months(facts: pd.DataFrame, campaign: str, metric: str, catalog: Catalog) -> pd.DataFrame:
    """One campaign's metric per month (of period end) with data: month, value, qualifier, facts."""
    out = monthly_trend(campaign_facts(facts, campaign), metric, catalog)
    return out[[MONTH, "value", "qualifier", "facts"]].reset_index(drop=True)


def cities_without(ranking: pd.DataFrame, catalog: Catalog, cities: tuple[str, ...] = ()) -> list[str]:
    """The cities (of `cities`, or all of the catalog's, in catalog order) with no figure in a city ranking."""
    having = set(ranking["city"].astype(str)) if not ranking.empty else set()
    return [c.name for c in catalog.cities if (not cities or c.name in cities) and c.name not in having]


def top_units(facts: pd.DataFrame, metric: str, catalog: Catalog, limit: int = 10) -> pd.DataFrame:
    """The counties and sub-units with the largest figures for the metric: TOP_UNIT_COLUMNS, largest first.

    A county's figure is its total under the roll-up rule (its own figure, or else the sum of its sub-units), so a
    county and one of its sub-units may both be listed: a ranking of units, never a sum. Sub-units include the city
    company's own part (本级); province-level sub-units have city ''.
    """
    frame = with_levels(facts[(facts["metric"] == metric).to_numpy(dtype=bool)])
    counties = frame[~_blank(frame["county"]) & frame[PART].to_numpy(dtype=bool)]
    units = frame[~_blank(frame["unit"])]
    found = []
    for chosen, by, kind in ((counties, ["city", "county"], KIND_COUNTY), (units, ["city", "county", "unit"], KIND_UNIT)):
        if chosen.empty:
            continue
        part = _aggregate(_plain(chosen), by, catalog).assign(kind=kind)
        found.append(part)
    if not found:
        return pd.DataFrame(columns=TOP_UNIT_COLUMNS)
    out = pd.concat(found, ignore_index=True)
    out["unit"] = out["unit"].fillna("") if "unit" in out else ""
    for column in ("city", "county", "unit"):
        out[column] = out[column].astype(str)
    out = out.sort_values(["value", "city", "county", "unit"], ascending=[False, True, True, True])
    return out[TOP_UNIT_COLUMNS].head(limit).reset_index(drop=True)


def campaign_city_share(facts: pd.DataFrame, catalog: Catalog, metric: str | None = None) -> pd.DataFrame:
    """Per city, metric and campaign: the campaign's value and its share of the city's value over all campaigns.

    SHARE_COLUMNS; `facts` should hold every campaign (the base). Values follow the roll-up rule (a city figure is
    the whole city), qualifiers follow their parts. Summed metrics only (a rate has no share); cities only
    (province-level figures belong to no city). Per city and metric the shares add up to 1.
    """
    summed = [code for code, m in catalog.metrics.items() if m.aggregation == "sum" and (metric is None or code == metric)]
    if metric is not None and metric not in catalog.metrics:
        summed = [metric]
    frame = facts[(facts["metric"].isin(summed) & (facts["city"] != "")).to_numpy(dtype=bool)]
    counted = counted_facts(frame)
    if counted.empty:
        return pd.DataFrame(columns=SHARE_COLUMNS)
    by_campaign = _aggregate(_plain(counted), ["city", "campaign"], catalog)
    by_city = _aggregate(_plain(counted), ["city"], catalog).rename(
        columns={"value": "city_value", "qualifier": "city_qualifier"})
    out = by_campaign.merge(by_city[["city", "metric", "city_value", "city_qualifier"]], on=["city", "metric"])
    out = out[out["city_value"] > 0].copy()
    out["share"] = out["value"] / out["city_value"]
    return out[SHARE_COLUMNS].sort_values(["city", "metric", "campaign"]).reset_index(drop=True)
