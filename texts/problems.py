"""What the loader tells about a file, keyed by problem code (its severity is in loaders.messages).

{names} are filled from keyword arguments; a name_en placeholder in the English text takes the English form of
name (a metric's English name for metric), or else the same value.
"""
from __future__ import annotations

PROBLEMS: dict[str, tuple[str, str]] = {
    "empty_file": ("文件为空，没有可读取的内容。", "The file is empty: there is nothing to read."),
    "too_large": ("文件大小 {size_mb:.1f} MB 超过上限 {limit_mb} MB。", "The file is {size_mb:.1f} MB, over the {limit_mb} MB limit."),
    "too_many_cells": ("文件包含约 {cells} 个单元格，超过上限 {limit}（可能是压缩炸弹）。",
                       "The file holds about {cells} cells, over the limit of {limit} (possibly a decompression bomb)."),
    "uncompressed_too_large": ("文件解压后约 {size_mb:.0f} MB，超过上限 {limit_mb} MB（可能是压缩炸弹）。",
                               "The file unpacks to about {size_mb:.0f} MB, over the {limit_mb} MB limit (possibly a decompression bomb)."),
    "compression_ratio": ("文件压缩比异常（约 {ratio:.0f} 倍），疑似压缩炸弹，已拒绝。",
                          "The file is compressed about {ratio:.0f} times, which looks like a decompression bomb; refused."),
    "sheet_too_large": ("工作表“{name}”声明的范围为 {ref}，约 {cells:,} 个单元格，超过上限 {limit:,}，未读取"
                        "（常见原因：远离数据的某个单元格被填写或设置了格式；请删除多余的行列后另存）。",
                        "Sheet '{name}' declares the range {ref}, about {cells:,} cells, over the limit of {limit:,}; it was "
                        "not read (a common cause: a cell far from the data was filled or formatted; delete the extra rows "
                        "and columns and save again)."),
    "unsafe_memory": ("无法安全读取此文件：读取它需要超过 {limit_mb} MB 内存，已停止（常见原因：远离数据的单元格，"
                      "如 XFD1048576）。未保存任何数据。",
                      "The file could not be read safely: reading it needs more than {limit_mb} MB of memory, so it was "
                      "stopped (a common cause: a cell far from the data, such as XFD1048576). Nothing was stored."),
    "unsafe_time": ("无法安全读取此文件：读取超过 {seconds} 秒仍未完成，已停止。未保存任何数据。",
                    "The file could not be read safely: reading it took longer than {seconds} s, so it was stopped. "
                    "Nothing was stored."),
    "unsafe_crash": ("无法安全读取此文件：读取程序异常退出（{detail}）。未保存任何数据。",
                     "The file could not be read safely: the reader stopped abnormally ({detail}). Nothing was stored."),
    "encrypted": ("文件已加密（设置了打开密码），请取消密码后重新上传。",
                  "The file is encrypted (password-protected); remove the password and upload it again."),
    "unreadable": ("无法读取文件：不是有效的 Excel、ODS 或 CSV 文件，或文件已损坏/不完整（{detail}）。",
                   "The file cannot be read: it is not a valid Excel, ODS or CSV file, or it is damaged or truncated ({detail})."),
    "html_as_xls": ("文件实为网页（HTML）而非 Excel 表格，请在 Excel 中另存为 .xlsx 后上传。",
                    "The file is a web page (HTML), not a spreadsheet; open it in Excel, save it as .xlsx and upload that."),
    "undecodable": ("无法识别文本编码（支持 UTF-8 与 GBK/GB18030），请另存为 UTF-8 CSV。",
                    "The text encoding is not recognised (UTF-8 and GBK/GB18030 are supported); save it as UTF-8 CSV."),
    "internal_error": ("读取文件时发生意外错误（{detail}），请联系管理员。",
                       "An unexpected error occurred while reading the file ({detail}); please tell the administrator."),
    "no_data": ("文件中没有找到任何数据表。", "No data table was found in the file."),
    "sheet_not_found": ("文件中没有名为“{name}”的工作表（现有：{names}）。", "The file has no sheet named '{name}' (it has: {names})."),
    "too_many_columns": ("工作表有 {width} 列，超过上限 {limit} 列，不像是报表，已跳过。",
                         "The sheet has {width} columns, over the limit of {limit}: it is no report and was skipped."),
    "empty_sheet": ("工作表为空，已跳过。", "The sheet is empty and was skipped."),
    "instruction_sheet": ("工作表只有填表说明，已跳过。", "The sheet holds instructions only and was skipped."),
    "no_header": ("未找到表头行（没有可识别的指标或地区列），工作表已跳过。",
                  "No header row was found (no recognisable metric or region column); the sheet was skipped."),
    "no_header_with_numbers": ("工作表含有数字，但未找到可识别的表头行（如“地区”及指标名称）。",
                               "The sheet holds numbers but no recognisable header row (such as 'region' and metric names)."),
    "unknown_column": ("无法识别的列名，该列数据无法导入。{hint}",
                       "Unrecognised column header; its figures cannot be loaded.{hint_en}"),
    "ignored_column": ("无法识别的列名，已忽略该列。{hint}", "Unrecognised column header; the column was ignored.{hint_en}"),
    "duplicate_column": ("指标“{metric}”出现在多列中。", "Metric '{metric_en}' appears in more than one column."),
    "duplicate_role_column": ("重复的“{role}”列，已忽略。", "A second '{role}' column was ignored."),
    # targets (目标) sheets
    "target_with_values": ("工作表同时有“目标”列和“数值”列：目标与完成数请分开上传（目标表只填目标值），工作表已跳过。",
                           "The sheet has both a target column and a value column: upload targets and figures "
                           "separately (a targets sheet holds targets only); the sheet was skipped."),
    "target_without_metric": ("目标表缺少“指标”列：每行须写明目标所属的指标，工作表已跳过。",
                              "The targets sheet has no metric column: each row must name the metric its target is "
                              "for; the sheet was skipped."),
    "mixed_kinds": ("文件中既有目标表（{targets}）又有数据表（{figures}）：目标与完成数请分成两个文件上传。",
                    "The file holds both targets sheets ({targets}) and figure sheets ({figures}): upload targets and "
                    "figures as two files."),
    "missing_value_column": ("长表有“指标”列但缺少“数值”列。", "The long table has a metric column but no value column."),
    "header_unit_mismatch": ("列名中的单位“{unit}”与指标“{metric}”的单位（{base}）不符。",
                             "The unit '{unit}' in the header does not fit metric '{metric_en}' (measured in {base_en})."),
    "not_a_number": ("此处应为数字。", "A number is expected here."),
    "excel_error": ("单元格为 Excel 错误值“{value}”，不是数字（多为公式出错，如引用了已删除的单元格）；请在 Excel 中修正后重新保存。",
                    "The cell holds the Excel error '{value}', not a number (usually a broken formula, such as a reference "
                    "to a deleted cell); correct it in Excel and save again."),
    "unit_mismatch": ("单位与指标“{metric}”的单位（{base}）不符。", "The unit does not fit metric '{metric_en}' (measured in {base_en})."),
    "negative_value": ("数值不能为负。", "The value cannot be negative."),
    "rate_as_fraction": ("比率列的数值都在 0 到 1 之间，已按百分比换算（0.95 → 95%）。",
                         "All values in this rate column are between 0 and 1; they were read as fractions (0.95 → 95%)."),
    "rate_over_100": ("比率超过 100%。", "The rate is over 100%."),
    "unknown_metric": ("未知指标。{hint}", "Unknown metric.{hint_en}"),
    "missing_metric": ("缺少指标名称。", "The metric name is missing."),
    "unknown_campaign": ("未知专项活动（可选：{choices}）。", "Unknown campaign (known: {choices_en})."),
    "missing_campaign": ("无法确定专项活动：表中没有“专项活动”列，工作表名和标题也未注明，请在上传时指定。",
                         "The campaign is unknown: there is no campaign column, the sheet name and title do not name one; choose it when uploading."),
    "outside_jiangsu": ("该地区不在江苏省内，本系统只统计国网江苏电力所属单位。",
                        "This region is outside Jiangsu; only State Grid Jiangsu units are reported here."),
    "unknown_region": ("不是江苏省内已知的地区或供电公司。{hint}", "Not a known region or power company in Jiangsu.{hint_en}"),
    "period_number_ambiguous": ("统计期间是数字 {value}，按 {year} 年 {month} 月读取；若原意是 {year} 年 10 月，"
                                "Excel 已把 {value}0 存成了 {value}，请把该列设为文本或写成“{year}年10月”。",
                                "The period is the number {value}, read as {year}-{month:02d}; if {year}-10 was meant, Excel "
                                "stored {value}0 as {value}: make the column text or write {year}年10月."),
    "empty_period": ("统计期间单元格为空；请填写本行的统计期间（如 2020年7月）。",
                     "The period cell is empty; fill in this row's period (such as 2020年7月)."),
    "total_column": ("合计列是其他列之和，已略去，不作为数据导入。",
                     "A total column adds up other columns; it was left out, not loaded as data."),
    "crosstab_no_year": ("列“{value}”（单元格 {cell}）是统计期间，但年份未知：表头、标题和工作表名中都没有年份{hint}；"
                         "请在标题中写明年份（如“2020年防汛保电月报”）或上传时指定统计期间（--period 2020）。该工作表未导入。",
                         "The year of column '{value}' (cell {cell}) is unknown: the header, the title and the sheet name "
                         "name none{hint_en}; put it in the title (such as 2020年防汛保电月报) or pass --period 2020. The "
                         "sheet was not loaded."),
    "crosstab_no_metric": ("各列是统计期间（列“{value}”…），但没有说明是哪个指标：请在标题或工作表名中写明指标"
                           "（如“2020年服务队数量统计表”）或增加“指标”列。该工作表未导入。",
                           "The columns are periods (column '{value}' …) but no metric is named: name it in the title or "
                           "the sheet name (such as 2020年服务队数量统计表) or add a 指标 (metric) column. The sheet was not "
                           "loaded."),
    "future_period": ("统计期间在今天（{today}）之后才结束，尚未到来；请核对年份和月份。",
                      "The period ends after today ({today}): it has not happened yet; check the year and the month."),
    "period_too_early": ("统计期间早于 {earliest} 年，不在本系统的统计范围内；请核对年份。",
                         "The period starts before {earliest}, outside what this system counts; check the year."),
    "fractional_count": ("“{metric}”是计数指标（单位：{unit}），不能有小数；请填写整数。",
                         "'{metric_en}' is a count ({unit_en}) and cannot be fractional; enter a whole number."),
    "county_in_other_city": ("县区“{county}”属于{actual}，但本行的城市为{stated}；请更正城市或县区。",
                             "The county '{county}' belongs to {actual_en}, but this row's city is {stated_en}; correct "
                             "the city or the county."),
    "ambiguous_region": ("地区名称有歧义，可能是：{choices}；请注明所属城市。",
                         "The region name is ambiguous; it may be {choices_en}; state the city."),
    "missing_region": ("缺少地区：此行没有地区，工作表名、标题中也没有，请在上传时指定城市。",
                       "The region is missing: the row, sheet name and title name none; choose the city when uploading."),
    "bad_period": ("不是有效的统计期间（如 2020年7月、2020-07、2020年第三季度）。",
                   "Not a valid period (such as 2020年7月, 2020-07, 2020Q3)."),
    "impossible_date": ("日期不存在（{detail}）。", "The date does not exist ({detail})."),
    "missing_period": ("无法确定统计期间：表中没有“统计期间”列，工作表名和标题也未注明，请在上传时指定。",
                       "The period is unknown: there is no period column, the sheet name and title do not name one; choose it when uploading."),
    "bad_default": ("上传时指定的{what}“{value}”无法识别。", "The {what_en} given with the upload, '{value}', is not recognised."),
    "duplicate_key": ("同一地区、期间、专项活动和指标的数据重复（另见{other}）。",
                      "The same region, period, campaign and metric appear twice (see also {other_en})."),
    "more_problems": ("另有 {count} 处同类问题（“{kind}”）未逐一列出。", "{count} more problems of this kind ('{kind}') are not listed."),
}
