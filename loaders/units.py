"""The region of each row (city, county, reporting sub-unit) from the city, county and region columns or the
sheet's hint; a county under a city it does not belong to is an error naming both."""
from __future__ import annotations

import numpy as np
import pandas as pd

from catalog import Catalog, normalize_text
from keys import combine_codes
from loaders.grid import distinct, filled_objects, object_array
from i18n import both
from loaders.messages import ProblemLog
from loaders.problems import TARGETS
from loaders.regions import RegionMatch, canonical_unit, resolve_region, suggest_regions


class RegionSteps:
    """SheetParser's region step (a mixin: it works on the parser's cells, rows and log)."""

    kind: str  # figures or targets (loaders.problems), set by SheetParser before its steps run

    def resolve_regions(self) -> None:
        """city, county and unit per row from the city, county and region columns (or the sheet's hint)."""
        n, data, hints = self.n, self.data, self.hints
        city, county, unit = filled_objects(n, ""), filled_objects(n, ""), filled_objects(n, "")
        hint_city = hints.region.city if hints.region else ""
        city_hint = None  # per row, once a city column has been read
        given = np.zeros(n, dtype=bool)
        region_ids: dict[tuple[str, str], int] = {("", ""): 0}
        region_id = np.zeros(n, dtype=np.int64)
        stated_city = None  # per row, the city a city column names (a county must belong to it)
        for role in ("city", "county", "region"):
            if role not in self.roles:
                continue
            j = self.roles[role]
            text_codes, utexts = self.coded(j)
            if city_hint is None:
                codes = text_codes
                found = [resolve_region(self.catalog, t, hint_city, suggest=False) if t else None for t in utexts]
            else:  # resolve each distinct (text, city hint) pair
                hint_codes, uhints = distinct(city_hint)
                codes, upairs = pd.factorize(text_codes.astype(np.int64) * len(uhints) + hint_codes)
                found = [resolve_region(self.catalog, utexts[p // len(uhints)], uhints[p % len(uhints)], suggest=False)
                         if utexts[p // len(uhints)] else None for p in upairs]
            if not found:
                continue
            present = np.array([m is not None for m in found], dtype=bool)[codes] & data
            errors = np.array([m is not None and bool(m.error) for m in found], dtype=bool)[codes] & present
            for i in np.flatnonzero(errors):
                _log_region(self.log, self.catalog, self.sheet, self.at(i), self.column_name[j], self.texts(j)[i],
                            found[codes[i]])
            self.rows_ok &= ~errors
            good = present & ~errors
            county_level = np.array([m is not None and m.level == "county" for m in found], dtype=bool)[codes]
            city_u = object_array([m.city if m is not None else "" for m in found])
            if stated_city is not None and role != "city":
                elsewhere = good & county_level & (stated_city != "") & (city_u[codes] != stated_city)
                for i in np.flatnonzero(elsewhere):
                    self._log_county_elsewhere(i, j, found[codes[i]], stated_city[i])
                self.rows_ok &= ~elsewhere
                good &= ~elsewhere
            overwrite = good if role == "city" else good & (county_level | ~given)
            county_u = object_array([m.county if m is not None and role != "city" else "" for m in found])
            unit_u = object_array([m.unit if m is not None else "" for m in found])
            rid_u = np.array([region_ids.setdefault(key, len(region_ids)) for key in zip(city_u, county_u)],
                             dtype=np.int64)
            city[overwrite] = city_u[codes][overwrite]
            county[overwrite] = county_u[codes][overwrite]
            region_id[overwrite] = rid_u[codes][overwrite]
            row_unit = unit_u[codes]
            set_unit = good & (row_unit != "") & (unit == "")
            unit[set_unit] = row_unit[set_unit]
            # 本级 alone names no region: the row's city comes from a city column or the sheet, like a row without one
            own_level = np.array([m is not None and m.level == "own" for m in found], dtype=bool)[codes]
            given |= good & ~own_level
            if role == "city":
                stated_city = city.copy()
            if city_hint is None:
                city_hint = filled_objects(n, hint_city)
            city_hint[good] = city[good]
        missing = data & ~given & self.rows_ok
        if missing.any():
            if hints.region is not None:
                city[missing] = hints.region.city
                county[missing] = hints.region.county
                region_id[missing] = region_ids.setdefault((hints.region.city, hints.region.county), len(region_ids))
                if hints.region.unit:
                    unit[missing & (unit == "")] = hints.region.unit
            elif self.kind != TARGETS:  # a target with no region is the province's (city ''), as its template says
                for i in np.flatnonzero(missing):
                    self.log.add("missing_region", self.sheet, self.at(i), self.role_column("region"))
                    self.rows_ok[i] = False
        if "subunit" in self.roles:
            sub = self.texts(self.roles["subunit"])
            has_sub = sub != ""
            sub_codes, sub_texts = distinct(sub)
            canonical = object_array([canonical_unit(text) for text in sub_texts])  # 本级 / 市公司本部 → 本级
            unit[has_sub] = canonical[sub_codes][has_sub]
        self.city, self.county, self.unit = city, county, unit
        unit_id = pd.factorize(unit)[0].astype(np.int64) if (unit != "").any() else np.zeros(n, dtype=np.int64)
        self.row_key = combine_codes([self.period_id, region_id, unit_id])  # stands for ROW_KEY_COLUMNS

    def _log_county_elsewhere(self, i: int, j: int, match: RegionMatch, stated: str) -> None:
        """A county named under a city it does not belong to: an error naming both cities (never moved silently)."""
        actual, named = self.catalog.city_by_name(match.city), self.catalog.city_by_name(stated)
        self.log.add("county_in_other_city", self.sheet, self.at(i), self.column_name[j], self.texts(j)[i],
                     county=match.county, actual=match.city, stated=stated,
                     actual_en=actual.label("en") if actual else match.city, stated_en=named.label("en") if named else stated)


def _log_region(log: ProblemLog, catalog: Catalog, sheet: str, row: int, column: str, value: str,
                match: RegionMatch) -> None:
    if match.error == "ambiguous_region":
        log.add("ambiguous_region", sheet, row, column, value, choices="、".join(match.candidates),
                choices_en=", ".join(match.candidates))
    else:
        candidates = match.candidates
        if match.error == "unknown_region" and not candidates and log.listed("unknown_region", sheet):
            candidates = suggest_regions(catalog, normalize_text(value))  # difflib is slow: for listed problems only
        hint = both("loader.did_you_mean", names="、".join(candidates), names_en=", ".join(candidates)) if candidates else ""
        log.add(match.error or "unknown_region", sheet, row, column, value, hint=hint)
