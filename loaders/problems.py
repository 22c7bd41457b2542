"""What a loader reports: problems (errors, warnings), dropped rows, and the parse result."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from errors import KpiError
from i18n import t
from model import FACT_COLUMNS

ERROR = "error"
WARNING = "warning"
# What an upload holds: reported figures, or targets (目标) set for them; stored apart (Store uploads.kind)
FIGURES, TARGETS = "figures", "targets"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in an input file, located to the cell.

    row is the row number as Excel shows it (1-based), None for a whole-file or
    whole-sheet problem; column is the header text (or the column letter when
    there is no header); value is the offending cell text.
    """

    severity: str  # ERROR rejects the file; WARNING does not
    code: str  # machine-readable kind, e.g. "not_a_number", "unknown_region"
    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    zh: str
    en: str

    def location(self, lang: str) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(t("loader.at_sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(t("loader.at_row", lang, row=self.row))
        if self.column:
            parts.append(t("loader.at_column", lang, column=self.column))
        if self.value != "":
            parts.append(t("loader.at_value", lang, value=self.value))
        return t("loader.location_separator", lang).join(parts)

    def message(self, lang: str) -> str:
        """Location and explanation in one language ('zh' or 'en')."""
        text = self.zh if lang == "zh" else self.en
        return f"{self.location(lang)}{t('loader.message_separator', lang)}{text}"

    def bilingual(self) -> str:
        return f"{self.message('zh')}\n{self.message('en')}"


class LoaderError(KpiError):
    """The file cannot be read at all (garbage, empty, encrypted, truncated, too large); its text is the problem's
    message, with the file and where in it."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message("zh"), problem.message("en"))
        self.problem = problem

    def __reduce__(self):  # rebuilt from its problem when it crosses from a parse worker
        return type(self), (self.problem,)


@dataclass(frozen=True)
class DroppedRow:
    """A row left out on purpose (合计/小计 row, note, blank), reported so nothing vanishes silently."""

    sheet: str
    row: int
    text: str
    zh: str
    en: str


@dataclass(frozen=True)
class SheetReport:
    name: str
    status: str  # "loaded" or "skipped"
    layout: str  # "wide", "long" or "" when skipped
    rows: int  # data rows read
    facts: int
    kind: str = FIGURES  # figures, or targets (a sheet with a 目标 column)


@dataclass
class ParseResult:
    file_name: str
    facts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FACT_COLUMNS))
    problems: list[Problem] = field(default_factory=list)
    dropped: list[DroppedRow] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    facts_not_sent: int = 0  # facts a parse worker counted but kept, for a caller that asked for the report only
    kind: str = FIGURES  # targets when the file's sheets are targets sheets (value = the target)

    @property
    def fact_count(self) -> int:
        """How many facts the file gave (whether or not they came back from the worker)."""
        return len(self.facts) + self.facts_not_sent

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors
