"""The loader's texts besides its problems (texts/problems.py): where a problem is, hints, rows left out, refusals."""
from __future__ import annotations

LOADER: dict[str, tuple[str, str]] = {
    # where a problem is (loaders.problems.Problem.location): the parts joined by location_separator
    "at_sheet": ("工作表“{sheet}”", "sheet '{sheet}'"),
    "at_row": ("第 {row} 行", "row {row}"),
    "at_column": ("列“{column}”", "column '{column}'"),
    "at_value": ("值“{value}”", "value '{value}'"),
    "location_separator": ("，", ", "),
    "message_separator": ("：", ": "),
    "at_sheet_row": ("工作表“{sheet}”第 {row} 行", "sheet '{sheet}' row {row}"),
    # hints appended to a problem
    "closest_metrics": (" 相近的指标：{names}", " Closest metrics: {names_en}"),
    "did_you_mean": (" 是否为：{names}？", " Did you mean: {names_en}?"),
    "filing_date_hint": ("（填报日期不是数据所属的年份）", " (the filing date is not the year of the figures)"),
    # what an upload named that is not recognised (problem.bad_default)
    "default_period": ("统计期间", "period"),
    "default_city": ("城市", "city"),
    "default_campaign": ("专项活动", "campaign"),
    "default_column_map": ("列映射（指标代码）", "column mapping (metric code)"),
    # why a row was left out (loaders.problems.DroppedRow)
    "dropped_total": ("合计/小计行，不作为数据导入", "total row, not loaded as data"),
    "dropped_note": ("注释行，已忽略", "note line, ignored"),
    "dropped_empty": ("此行没有填报数值", "row has no figures"),
    # why a header may not be given a column alias (loaders.mapping.known_header)
    "alias_header_empty": ("列名为空。", "The header is empty."),
    "alias_total": ("“{header}”是合计列的列名，合计列总是略去，不能对应到指标。",
                    "'{header}' names a total column, which is always left out; it cannot be mapped."),
    "alias_metric": ("“{header}”已是指标“{metric}”的名称，不能改为其他对应。",
                     "'{header}' already names the metric '{metric_en}'; it cannot be mapped to another."),
    "alias_role": ("“{header}”已是系统识别的列名（{role}），不能改为其他对应。",
                   "'{header}' is already a header the system reads ({role}); it cannot be mapped."),
}
