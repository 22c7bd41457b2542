"""Metric, campaign and region catalogs, read once from data/catalog/."""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from settings import CATALOG_DIR

PROVINCE_ADCODE = "320000"

# How reports name a region's power company: 国网南京供电公司, 南京公司, 国网宜兴市供电公司 ...
# {name} is the full name (宜兴市), {short} the name without its suffix (宜兴).
COMPANY_PATTERNS = (
    "国网{name}供电公司", "国网{short}供电公司", "{name}供电公司", "{short}供电公司",
    "国网{name}供电分公司", "{name}公司", "{short}公司", "{name}供电局", "{short}供电局",
    "国网江苏省电力有限公司{short}供电分公司", "国网江苏省电力有限公司{name}供电分公司",
)
_SPACES = re.compile(r"\s+")
# unicodedata.normalize puts each run of combining marks in order with an insertion sort: quadratic in the run, in C,
# holding the GIL (16,000 Tibetan vowel signs ཱི: 1 s). A longer text is normalised in pieces of NFKC_PIECE to twice
# that many characters, each starting at a character nothing before it combines or reorders with (ASCII, CJK, kana,
# Hangul syllables); only a text with NFKC_PIECE characters in a row none of which is such is cut elsewhere.
NFKC_PIECE = 32
_PIECE_START = re.compile(r"[\x00-\x7f\u3041-\u3096\u30a1-\u30fa\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]")


def fold_width(text: str) -> str:
    """NFKC of `text`, in time linear in its length."""
    if len(text) <= 4 * NFKC_PIECE or text.isascii():
        return unicodedata.normalize("NFKC", text)
    pieces, start = [], 0
    while len(text) - start > 2 * NFKC_PIECE:
        found = _PIECE_START.search(text, start + NFKC_PIECE, start + 2 * NFKC_PIECE)
        end = found.start() if found else start + NFKC_PIECE
        pieces.append(unicodedata.normalize("NFKC", text[start:end]))
        start = end
    pieces.append(unicodedata.normalize("NFKC", text[start:]))
    return "".join(pieces)


def normalize_text(text: object) -> str:
    """Fold width (NFKC), case and all white space, for matching names and headers."""
    if text is None:
        return ""
    folded = fold_width(str(text)).casefold()
    return _SPACES.sub("", folded)


@dataclass(frozen=True)
class Metric:
    code: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    aggregation: str
    headline: bool
    aliases: tuple[str, ...]
    count: bool = False  # a number of things: a fractional value is an error
    card_en: str = ""  # a shorter English label for a KPI card, where the label would be cut off there

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def unit(self, lang: str) -> str:
        return self.unit_zh if lang == "zh" else self.unit_en


@dataclass(frozen=True)
class Campaign:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...]
    color: str = ""  # '#rrggbb' every chart draws the campaign in ('' = charts.campaign_color picks one)

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Region:
    adcode: str
    level: str  # province, city or county
    name: str  # canonical Chinese name with suffix: 南京市, 宜兴市, 高淳区
    short_name: str
    name_en: str
    parent_adcode: str
    aliases: tuple[str, ...] = field(default=())

    def label(self, lang: str) -> str:
        return self.name if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Catalog:
    metrics: dict[str, Metric]
    campaigns: dict[str, Campaign]
    regions: dict[str, Region]  # by adcode
    _metric_index: dict[str, str]
    _campaign_index: dict[str, str]
    _region_index: dict[str, tuple[str, ...]]

    def metric_for(self, text: object) -> Metric | None:
        """The metric whose code, label or alias is `text` (normalised), or None."""
        code = self._metric_index.get(normalize_text(text))
        return self.metrics[code] if code else None

    def campaign_for(self, text: object) -> Campaign | None:
        """The campaign whose code, label or alias is `text` (normalised), or None."""
        code = self._campaign_index.get(normalize_text(text))
        return self.campaigns[code] if code else None

    def regions_for(self, text: object) -> list[Region]:
        """Every region `text` may name (several for 鼓楼区: one per city that has one)."""
        return [self.regions[a] for a in self._region_index.get(normalize_text(text), ())]

    def city_of(self, region: Region) -> Region | None:
        """The city a region belongs to (itself for a city, None for the province)."""
        if region.level == "city":
            return region
        if region.level == "county":
            return self.regions[region.parent_adcode]
        return None

    @property
    def cities(self) -> list[Region]:
        return [r for r in self.regions.values() if r.level == "city"]

    def counties_of(self, city_name: str) -> list[Region]:
        city = self.city_by_name(city_name)
        if city is None:
            return []
        return [r for r in self.regions.values() if r.parent_adcode == city.adcode]

    def city_by_name(self, name: str) -> Region | None:
        for region in self.regions.values():
            if region.level == "city" and region.name == name:
                return region
        return None

    def county_by_name(self, city_name: str, county_name: str) -> Region | None:
        for region in self.counties_of(city_name):
            if region.name == county_name:
                return region
        return None


def _split_aliases(raw: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (raw or "").split("|") if a.strip())


def _index(pairs: list[tuple[str, str]], kind: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for alias, code in pairs:
        key = normalize_text(alias)
        if index.get(key, code) != code:
            raise ValueError(f"{kind} alias {alias!r} names both {index[key]} and {code}")
        index[key] = code
    return index


def _region_names(region: Region) -> set[str]:
    names = {region.name, region.short_name, region.name_en, region.adcode, *region.aliases}
    if region.level != "province":
        for pattern in COMPANY_PATTERNS:
            names.add(pattern.format(name=region.name, short=region.short_name))
    return {n for n in names if n}


def read_catalog(folder: Path = CATALOG_DIR) -> Catalog:
    """Read the catalog files in `folder`; raises ValueError on an alias naming two codes."""
    metrics_raw = yaml.safe_load((folder / "metrics.yaml").read_text(encoding="utf-8"))
    campaigns_raw = yaml.safe_load((folder / "campaigns.yaml").read_text(encoding="utf-8"))
    metrics = {
        m["code"]: Metric(
            code=m["code"], zh=m["zh"], en=m["en"], unit_zh=str(m["unit_zh"]),
            unit_en=str(m["unit_en"]), aggregation=m["aggregation"],
            headline=bool(m.get("headline", False)), aliases=tuple(m.get("aliases", ())),
            count=bool(m.get("count", False)), card_en=str(m.get("card_en", "")),
        )
        for m in metrics_raw
    }
    campaigns = {
        c["code"]: Campaign(code=c["code"], zh=c["zh"], en=c["en"], aliases=tuple(c.get("aliases", ())),
                            color=str(c.get("color") or ""))
        for c in campaigns_raw
    }
    with (folder / "regions.csv").open(encoding="utf-8", newline="") as handle:
        regions = {
            row["adcode"]: Region(
                adcode=row["adcode"], level=row["level"], name=row["name"],
                short_name=row["short_name"], name_en=row["name_en"],
                parent_adcode=row["parent_adcode"], aliases=_split_aliases(row["aliases"]),
            )
            for row in csv.DictReader(handle)
        }
    metric_pairs = [(a, m.code) for m in metrics.values() for a in (m.code, m.zh, m.en, *m.aliases)]
    campaign_pairs = [(a, c.code) for c in campaigns.values() for a in (c.code, c.zh, c.en, *c.aliases)]
    region_index: dict[str, tuple[str, ...]] = {}
    for region in regions.values():
        for name in _region_names(region):
            key = normalize_text(name)
            if region.adcode not in region_index.get(key, ()):
                region_index[key] = region_index.get(key, ()) + (region.adcode,)
    return Catalog(
        metrics=metrics, campaigns=campaigns, regions=regions,
        _metric_index=_index(metric_pairs, "metric"),
        _campaign_index=_index(campaign_pairs, "campaign"),
        _region_index=region_index,
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The catalog of data/catalog/, read once per process."""
    return read_catalog()
