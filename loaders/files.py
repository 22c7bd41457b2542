"""parse_bytes / parse_path: a whole upload → ParseResult (facts, problems, dropped rows, sheet reports)."""
from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

import pandas as pd

from catalog import Catalog, load_catalog, normalize_text
from loaders.csvfile import read_csv
from i18n import both
from loaders.messages import ProblemLog, loader_error
from loaders.options import Defaults, ParseLimits
from loaders.readahead import BookAhead
from loaders.periods import PeriodError, parse_period
from loaders.problems import FIGURES, TARGETS, LoaderError, ParseResult
from loaders.regions import resolve_region
from loaders.grid import Grid, Hints
from loaders.sheets import empty_facts, parse_grid
from loaders.validate import check_counts, check_duplicates
from loaders.containers import OLE_MAGIC, WORKBOOK_SUFFIXES, ZIP_MAGIC
from loaders.workbook import check_zip, read_workbook
from model import FACT_COLUMNS

Progress = Callable[[float, str], None]


def resolve_defaults(catalog: Catalog, defaults: Defaults, log: ProblemLog) -> Hints:
    """Defaults resolved through the catalog; an unrecognised one is an error in `log`."""
    period = region = None
    campaign = ""
    if defaults.period:
        try:
            period = parse_period(defaults.period.strip())
        except PeriodError:
            period = None
        if period is None:
            log.add("bad_default", value=defaults.period, what=both("loader.default_period"))
    if defaults.city:
        match = resolve_region(catalog, defaults.city)
        if match.error:
            log.add("bad_default", value=defaults.city, what=both("loader.default_city"))
        else:
            region = match
    if defaults.campaign:
        found = catalog.campaign_for(defaults.campaign)
        if found is None:
            log.add("bad_default", value=defaults.campaign, what=both("loader.default_campaign"))
        else:
            campaign = found.code
    columns = {}
    for header, code in defaults.columns:
        if code == "ignore" or code in catalog.metrics:
            columns[normalize_text(header)] = code
        else:
            log.add("bad_default", value=f"{header}={code}", what=both("loader.default_column_map"))
    return Hints(period=period, region=region, campaign=campaign, columns=columns)


def read_grids(data: bytes, file_name: str, sheets: Collection[str] | None = None,
               progress: Progress | None = None, limits: ParseLimits | None = None,
               ahead: BookAhead | None = None) -> list[Grid]:
    """The grids of a file of any supported kind; LoaderError when it cannot be read at all."""
    limits = limits or ParseLimits.from_settings()
    if len(data) > limits.max_upload_mb * 1024 * 1024:
        raise loader_error("too_large", file_name, size_mb=len(data) / 2**20, limit_mb=limits.max_upload_mb)
    if not data.strip():
        raise loader_error("empty_file", file_name)
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC):
        if data.startswith(ZIP_MAGIC):
            check_zip(data, file_name, limits.max_upload_mb, limits.max_cells)
        return read_workbook(data, file_name, limits.max_cells, list(sheets) if sheets else None, progress, ahead)
    if file_name.lower().endswith(WORKBOOK_SUFFIXES) and b"\x00" in data[:4096]:
        raise loader_error("unreadable", file_name, detail="not a workbook")
    grids = read_csv(data, file_name, limits.max_cells)
    if sheets and grids[0].name not in sheets:
        raise loader_error("sheet_not_found", file_name, name=next(iter(sheets)), names=grids[0].name)
    return grids


def parse_bytes(data: bytes, file_name: str, defaults: Defaults = Defaults(), *, catalog: Catalog | None = None,
                progress: Progress | None = None, sheets: Collection[str] | None = None,
                limits: ParseLimits | None = None, ahead: BookAhead | None = None) -> ParseResult:
    """Parse an uploaded file into canonical facts and a report.

    Facts have exactly model.FACT_COLUMNS; period_start/period_end are datetime64[ns] dates
    (midnight), value is float in the metric's base unit, row is the Excel row number.
    Raises LoaderError when the file cannot be read at all, MemoryError when the process runs out of memory.
    This runs in the caller's process: an upload from a user is parsed through loaders.isolated instead.
    """
    report = _CallerProgress(progress) if progress is not None else None
    try:
        return _parse(data, file_name, defaults, catalog or load_catalog(), report, sheets,
                      limits or ParseLimits.from_settings(), ahead)
    except (LoaderError, MemoryError):
        raise
    except _ProgressRaised as raised:  # the caller's own exception (e.g. Streamlit stopping a script): as it was
        raise raised.original from None
    except Exception as exc:  # never a traceback for a user: one clear message instead
        raise loader_error("internal_error", file_name, detail=f"{type(exc).__name__}: {exc}"[:200]) from exc


class _ProgressRaised(Exception):
    """Carries an exception raised by the caller's progress callback through the loader untouched."""

    def __init__(self, original: BaseException):
        super().__init__(repr(original))
        self.original = original


class _CallerProgress:
    """The caller's progress callback, with its exceptions set apart from the loader's."""

    def __init__(self, callback: Progress):
        self.callback = callback

    def __call__(self, fraction: float, label: str) -> None:
        try:
            self.callback(fraction, label)
        except BaseException as exc:
            raise _ProgressRaised(exc) from exc


def _parse(data: bytes, file_name: str, defaults: Defaults, catalog: Catalog, progress: Progress | None,
           sheets: Collection[str] | None, limits: ParseLimits, ahead: BookAhead | None) -> ParseResult:
    if progress is not None:
        progress(0.0, "读取文件 / reading the file")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise loader_error("unreadable", file_name, detail="not bytes")
    data = bytes(data) if not isinstance(data, bytes) else data
    grids = read_grids(data, file_name, sheets, progress, limits, ahead)
    if not grids or all(not any(str(v).strip() for row in g.rows for v in row if v is not None) for g in grids):
        raise loader_error("empty_file", file_name)
    log = ProblemLog(file_name)
    fallback = resolve_defaults(catalog, defaults, log)
    result = ParseResult(file_name=file_name)
    frames = []
    columns: dict[str, list[str]] = {}
    for k, grid in enumerate(grids):
        outcome = parse_grid(catalog, grid, fallback, log)
        result.sheets.append(outcome.report)
        result.dropped.extend(outcome.dropped)
        if len(outcome.facts):
            frames.append(outcome.facts)
            columns[grid.name] = outcome.columns
        if progress is not None:
            progress(0.5 + 0.45 * (k + 1) / len(grids), f"已解析工作表“{grid.name}” / parsed sheet {grid.name!r}")
    kinds = {s.kind for s in result.sheets if s.status == "loaded" and s.facts}
    if len(kinds) > 1:  # one upload is one kind: targets never mix with figures
        names = {kind: "、".join(s.name for s in result.sheets if s.kind == kind and s.facts) for kind in kinds}
        log.add("mixed_kinds", targets=names[TARGETS], figures=names[FIGURES])
    result.kind = TARGETS if kinds == {TARGETS} else FIGURES
    if frames:
        facts = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
        check_duplicates(facts, log, columns, single_sheet=len(frames) == 1)
        check_counts(facts, log, catalog, columns)
        facts = facts[FACT_COLUMNS]
    else:
        facts = empty_facts()
        if not any(s.status == "loaded" for s in result.sheets) and not log.has_errors:
            log.add("no_data")
    result.facts = facts
    result.problems = log.finish()
    if progress is not None:
        progress(1.0, "完成 / done")
    return result


def parse_path(path: str | Path, defaults: Defaults = Defaults(), **options) -> ParseResult:
    """parse_bytes on a file on disk, in this process; LoaderError when it cannot be opened."""
    from loaders.isolated import read_upload

    return parse_bytes(read_upload(path, options.get("limits")), Path(path).name, defaults, **options)
