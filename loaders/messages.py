"""Every problem the loader reports (texts in texts/problems.py), its severity, and a log that caps repeats."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from i18n import both
from loaders.problems import ERROR, WARNING, LoaderError, Problem

# code: ERROR (the file is refused) or WARNING; the texts are texts.problems.PROBLEMS (i18n.t("problem.CODE")).
SEVERITY: dict[str, str] = {
    "empty_file": ERROR,
    "too_large": ERROR,
    "too_many_cells": ERROR,
    "uncompressed_too_large": ERROR,
    "compression_ratio": ERROR,
    "sheet_too_large": ERROR,
    "unsafe_memory": ERROR,
    "unsafe_time": ERROR,
    "unsafe_crash": ERROR,
    "encrypted": ERROR,
    "unreadable": ERROR,
    "html_as_xls": ERROR,
    "undecodable": ERROR,
    "internal_error": ERROR,
    "no_data": ERROR,
    "sheet_not_found": ERROR,
    "too_many_columns": ERROR,
    "empty_sheet": WARNING,
    "instruction_sheet": WARNING,
    "no_header": WARNING,
    "no_header_with_numbers": ERROR,
    "unknown_column": ERROR,
    "ignored_column": WARNING,
    "duplicate_column": ERROR,
    "duplicate_role_column": WARNING,
    "target_with_values": ERROR,  # targets (目标) sheets
    "target_without_metric": ERROR,
    "mixed_kinds": ERROR,
    "missing_value_column": ERROR,
    "header_unit_mismatch": ERROR,
    "not_a_number": ERROR,
    "excel_error": ERROR,
    "unit_mismatch": ERROR,
    "negative_value": ERROR,
    "rate_as_fraction": WARNING,
    "rate_over_100": WARNING,
    "unknown_metric": ERROR,
    "missing_metric": ERROR,
    "unknown_campaign": ERROR,
    "missing_campaign": ERROR,
    "outside_jiangsu": ERROR,
    "unknown_region": ERROR,
    "period_number_ambiguous": WARNING,
    "empty_period": ERROR,
    "total_column": WARNING,
    "crosstab_no_year": ERROR,
    "crosstab_no_metric": ERROR,
    "future_period": ERROR,
    "period_too_early": ERROR,
    "fractional_count": ERROR,
    "county_in_other_city": ERROR,
    "ambiguous_region": ERROR,
    "missing_region": ERROR,
    "bad_period": ERROR,
    "impossible_date": ERROR,
    "missing_period": ERROR,
    "bad_default": ERROR,
    "duplicate_key": ERROR,
    "more_problems": WARNING,
}

MAX_PER_KIND = 20  # problems of one kind listed per sheet; the rest are counted
MAX_SHOWN_CHARS = 80  # a cell value or column header quoted in a problem is cut to this length


def make_problem(code: str, file: str, sheet: str = "", row: int | None = None, column: str = "",
                 value: object = "", **fields: object) -> Problem:
    """A Problem with its bilingual message from the text catalog (i18n key problem.CODE)."""
    fields.setdefault("hint", "")  # a (Chinese, English) pair, as any field may be, or ""
    fields.setdefault("value", _value_text(value))
    for name in list(fields):
        fields.setdefault(f"{name}_en", fields[name])
    zh, en = both(f"problem.{code}", **fields)
    return Problem(SEVERITY[code], code, file, sheet, row, _shortened(column), _value_text(value), zh, en)


def closest_metrics(suggestions: list[str]) -> tuple[str, str] | str:
    """The hint after an unknown metric or header: the closest catalog metrics, or nothing."""
    if not suggestions:
        return ""
    return both("loader.closest_metrics", names="；".join(suggestions), names_en="; ".join(suggestions))


def loader_error(code: str, file: str, **fields: object) -> LoaderError:
    """The exception for a file that cannot be read at all."""
    return LoaderError(make_problem(code, file, **fields))


def _value_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _shortened(str(value))


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS - 3] + "..."


@dataclass
class ProblemLog:
    """Collects problems, listing at most MAX_PER_KIND of one kind per sheet and counting the rest."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    _counts: Counter = field(default_factory=Counter)

    def add(self, code: str, sheet: str = "", row: int | None = None, column: str = "", value: object = "",
            **fields: object) -> None:
        key = (sheet, code)
        self._counts[key] += 1
        if self._counts[key] <= MAX_PER_KIND:
            self.problems.append(make_problem(code, self.file, sheet, row, column, value, **fields))

    def listed(self, code: str, sheet: str = "") -> bool:
        """Whether one more problem of this kind on this sheet would be listed (not only counted)."""
        return self._counts[(sheet, code)] < MAX_PER_KIND

    def finish(self) -> list[Problem]:
        """The problems in sheet and row order, with a 'more of this kind' note after each capped kind."""
        sheet_order: dict[str, int] = {}
        for problem in self.problems:
            sheet_order.setdefault(problem.sheet, len(sheet_order))
        result = sorted(self.problems, key=lambda p: (sheet_order[p.sheet], p.row is not None, p.row or 0))
        for (sheet, code), count in self._counts.items():
            if count > MAX_PER_KIND:
                severity = SEVERITY[code]
                extra = make_problem("more_problems", self.file, sheet, count=count - MAX_PER_KIND, kind=code)
                result.append(Problem(severity, extra.code, extra.file, extra.sheet, None, "", "", extra.zh, extra.en))
        return result

    @property
    def has_errors(self) -> bool:
        return any(SEVERITY[code] == ERROR for (_, code) in self._counts)
