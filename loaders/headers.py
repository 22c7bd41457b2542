"""Header rows: find them below titles, flatten two-level merged headers, match texts to roles and metrics."""
from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from catalog import Catalog, Metric, fold_width, normalize_text
from loaders.numbers import UnitSpec, load_columns, parse_unit
from loaders.periods import PeriodError, column_label

ROLES = ("period", "region", "city", "county", "subunit", "campaign", "metric", "value", "target", "measure", "remarks", "ignore")
HEADER_SCAN_ROWS = 30  # the header is looked for in this many rows from the top
MAX_HEADER_ROWS = 3
# No role or metric name (aliases included) is half this long: a longer header text names nothing. Capping keeps
# difflib's suggestions (linear, but 2 s for a 100,000-character header) and the alias lookups cheap.
MAX_HEADER_CHARS = 100
_BRACKETED_UNIT = re.compile(r"^(?P<name>.*?)[(\[【<](?P<unit>[^()\[\]【】<>]*)[)\]】>]\s*$")
_INFO_LINE = re.compile(r"[:：]")


@dataclass(frozen=True)
class HeaderMatch:
    """What a header text names: a role (region, period…), a metric, or nothing (with suggestions)."""

    text: str  # the header as shown (parts joined with ' / ')
    role: str = ""  # one of ROLES, or "metric_column" for a metric, "" when unknown or empty
    metric: Metric | None = None
    unit: UnitSpec = UnitSpec()
    campaign: str = ""  # a campaign code named by a parent header (抗疫复工 over 捐款)
    suggestions: tuple[str, ...] = ()
    lowest: str = ""  # the lowest header part, the one suggestions are for


def split_unit(text: str) -> tuple[str, UnitSpec | None]:
    """服务队（支） → ('服务队', 支); Donations (CNY) → ('Donations', cny); no bracket → (text, None)."""
    folded = fold_width(text).strip()
    match = _BRACKETED_UNIT.match(folded)
    if not match or not match["name"].strip():
        return folded, None
    return match["name"].strip(), parse_unit(match["unit"])


@lru_cache(maxsize=1)
def _role_index() -> dict[str, str]:
    roles = load_columns()["roles"]
    return {normalize_text(alias): role for role, aliases in roles.items() for alias in aliases}


def role_for(text: str) -> str:
    """The role a header text names (period, region, …) or ''."""
    index = _role_index()
    key = normalize_text(text)
    if key in index:
        return index[key]
    name, _ = split_unit(text)
    return index.get(normalize_text(name), "")


def _metric_for(catalog: Catalog, text: str) -> tuple[Metric | None, UnitSpec | None]:
    metric = catalog.metric_for(text)
    if metric is not None:
        return metric, None
    name, unit = split_unit(text)
    metric = catalog.metric_for(name)
    if metric is None:
        # 捐款金额（元）/ 捐款(万元) written without brackets: 捐款万元
        for spec_text in ("万元", "元", "公里", "毫升", "人次", "户次"):
            key = normalize_text(name)
            if key.endswith(spec_text) and len(key) > len(spec_text):
                found = catalog.metric_for(key[: -len(spec_text)])
                if found is not None:
                    return found, parse_unit(spec_text)
    return metric, unit


def match_header(catalog: Catalog, parts: tuple[str, ...], suggest: bool = True) -> HeaderMatch:
    """Match a (possibly two-level) header: the lowest part first, then the parts joined, then upper parts.

    With `suggest` False an unknown header gets no suggestions (suggest_metrics(match.lowest) gives them later).
    """
    parts = tuple(p for p in (str(x).strip() for x in parts) if p)
    shown = " / ".join(parts)
    if not parts:
        return HeaderMatch(text="")
    campaign = ""
    for part in parts[:-1]:
        found = catalog.campaign_for(part)
        if found is not None:
            campaign = found.code
    tries = [parts[-1], "".join(parts), *reversed(parts[:-1])] if len(parts) > 1 else [parts[0]]
    for text in tries:
        if len(text) > MAX_HEADER_CHARS:
            continue
        role = role_for(text)
        if role:
            return HeaderMatch(text=shown, role=role, campaign=campaign)
        metric, unit = _metric_for(catalog, text)
        if metric is not None:
            if unit is None:  # a unit may sit on another part: 金额（万元） over 捐款
                for other in reversed(parts):
                    _, other_unit = split_unit(other)
                    if other_unit is not None:
                        unit = other_unit
                        break
            return HeaderMatch(text=shown, role="metric_column", metric=metric, unit=unit or UnitSpec(), campaign=campaign)
    suggestions = suggest_metrics(catalog, parts[-1]) if suggest else ()
    return HeaderMatch(text=shown, suggestions=suggestions, lowest=parts[-1])


def suggest_metrics(catalog: Catalog, text: str, limit: int = 3) -> tuple[str, ...]:
    """Closest catalog metric names ('服务队 / service teams') for an unknown header; none for an overlong text."""
    if len(text) > MAX_HEADER_CHARS:
        return ()
    name, _ = split_unit(text)
    key = normalize_text(name)
    by_alias = {normalize_text(a): m for m in catalog.metrics.values() for a in (m.zh, m.en, *m.aliases)}
    close = difflib.get_close_matches(key, list(by_alias), n=limit * 3, cutoff=0.4)
    if not close:  # a shared character or two is often all a Chinese near-miss has
        scored = sorted(by_alias, key=lambda a: -len(set(a) & set(key)))
        close = [a for a in scored[:limit] if set(a) & set(key)]
    labels = dict.fromkeys(f"{by_alias[c].zh} / {by_alias[c].en}" for c in close)
    return tuple(list(labels)[:limit])


def _cell_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _row_score(catalog: Catalog, row: list[object]) -> int:
    """Header-likeness: +1 per role or metric text, -1 per number; a row of period labels (1月 2月 …) counts them."""
    score = labels = 0
    for value in row:
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if len(text) > 40:
                continue
            if role_for(text) or _metric_for(catalog, text)[0] is not None:
                score += 1
            elif _is_period_label(text):
                labels += 1
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value != "":
            score -= 1
        elif isinstance(value, datetime.date) and value.day == 1:  # 2020-01 typed into a header, kept as a date
            labels += 1
    return score + labels if labels >= 2 else score


def _is_period_label(text: str) -> bool:
    try:
        return column_label(text) is not None
    except PeriodError:
        return False


@dataclass(frozen=True)
class HeaderBlock:
    """Where the header sits in a grid (0-based, inclusive) and each column's header parts."""

    first: int
    last: int
    parts: list[tuple[str, ...]]


def find_header(catalog: Catalog, rows: list[list[object]], merges: list[tuple[int, int, int, int]]) -> HeaderBlock | None:
    """The header block of a grid (rows padded to equal width), or None when no row looks like one."""
    scan = rows[:HEADER_SCAN_ROWS]
    if not scan:
        return None
    scores = [_row_score(catalog, row) for row in scan]
    best = max(range(len(scan)), key=lambda i: (scores[i], -i))
    if scores[best] < 2 and not (scores[best] == 1 and sum(bool(_cell_text(v)) for v in scan[best]) >= 2):
        return None
    width = len(rows[0])
    first = last = best

    def vertical_into(r: int) -> bool:
        return any(r0 <= r < r1 and r1 >= r + 1 for r0, _, r1, _ in merges)

    def header_like(r: int) -> bool:
        texts = [_cell_text(v) for v in rows[r] if _cell_text(v)]
        if len(texts) < 2 or any(_INFO_LINE.search(t) for t in texts):
            return False
        return not any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in rows[r])

    def spans_columns(r: int) -> bool:
        return any(r0 <= r <= r1 and c1 > c0 and (c1 - c0 + 1) < width for r0, c0, r1, c1 in merges)

    while first > 0 and last - first + 1 < MAX_HEADER_ROWS and header_like(first - 1) and (
        vertical_into(first - 1) or spans_columns(first - 1)
    ):
        first -= 1
    while last + 1 < len(rows) and last - first + 1 < MAX_HEADER_ROWS and spans_columns(last) and header_like(last + 1) \
            and _row_score(catalog, rows[last + 1]) > 0:
        last += 1
    # merged header cells show their text in every cell they cover
    filled = [list(rows[r]) for r in range(first, last + 1)]
    for r0, c0, r1, c1 in merges:
        if r1 < first or r0 > last:
            continue
        top = rows[r0][c0] if r0 < len(rows) and c0 < width else ""
        for r in range(max(r0, first), min(r1, last) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                filled[r - first][c] = top
    parts = []
    for c in range(width):
        column = []
        for r in range(len(filled)):
            text = _cell_text(filled[r][c]) if isinstance(filled[r][c], str) else (
                "" if filled[r][c] in ("", None) else str(filled[r][c]))
            if text and (not column or column[-1] != text):
                column.append(text)
        parts.append(tuple(column))
    return HeaderBlock(first, last, parts)
