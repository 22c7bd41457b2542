"""The texts of the spreadsheets made for users: the problem report and the reporting template (i18n.t("export.KEY"))."""
from __future__ import annotations

EXPORTS: dict[str, tuple[str, str]] = {
    # the problem report (exports/error_report.py)
    "report_sheet": ("问题清单", "Problems"),
    "report_severity": ("严重程度", "Severity"),
    "report_sheet_name": ("工作表", "Sheet"),
    "report_row": ("行", "Row"),
    "report_column": ("列", "Column"),
    "report_value": ("值", "Value"),
    "report_explanation": ("说明", "Explanation"),
    "report_error": ("错误", "Error"),
    "report_warning": ("警告", "Warning"),
    "report_title": ("{file}：{errors} 个错误，{warnings} 个警告", "{file}: {errors} errors, {warnings} warnings"),
    "report_copy": ("标注-", "Rows-"),
    "report_truncated": ("（仅复制了前 {rows} 行）", "(only the first {rows} rows were copied)"),
    "report_note": ("【{severity}】{where}{text}", "[{severity}] {where}{text}"),
    "report_where": ("{column}：", "{column}: "),
    # the reporting template (exports/template.py)
    "data_sheet": ("填报表", "Report"),
    "instructions_sheet": ("填表说明", "Instructions"),
    "template_title": ("新时代文明实践工作统计表", "New Era civic practice: work statistics"),
    "hint_unit": ("填报单位：", "Reporting unit:"),
    "hint_date": ("填报日期：", "Reporting date:"),
    "column_period": ("统计期间", "Period"),
    "column_period_help": ("数据所属月份，每行一个月", "The month the figures belong to, one month a row"),
    "column_city": ("城市", "City"),
    "column_city_help": ("地市，从下拉列表选择", "The city, picked from the dropdown"),
    "column_county": ("县（区）", "County"),
    "column_county_help": ("县（市、区），从下拉列表选择；全市数留空，市公司本级填“本级”",
                           "The county-level unit, from the dropdown; blank for the whole city, 'Own part' for the "
                           "city company itself"),
    "column_unit": ("服务队/单位", "Unit name"),
    "column_unit_help": ("服务队或基层单位名称；本公司数据可留空", "The team or sub-unit; blank for the company's own figures"),
    "column_campaign": ("专项活动", "Campaign"),
    "column_campaign_help": ("专项活动，从下拉列表选择", "The campaign, picked from the dropdown"),
    "column_remarks": ("备注", "Remarks"),
    "column_remarks_help": ("文字说明，可留空", "Free text, may be blank"),
    "metric_help": ("{metric}，单位：{unit}", "{metric_en}, in {unit_en}"),
    "metric_help_rate": ("（比率，0–100，汇总时取平均，不相加）", " (a rate, 0–100: averaged, never summed)"),
    "rule_row": ("每行填写一个单位（服务队）一个月的数据。", "One row per unit (team) and month."),
    "rule_period": ("统计期间写作 2020年7月 或 2020-07；季度写作 2020年第三季度。",
                    "Write the period as 2020-07 or 2020年7月; a quarter as 2020年第三季度 (2020Q3)."),
    "rule_lists": ("城市、县（区）、专项活动请从下拉列表选择；先选城市，县（区）列表随之筛选。县（区）留空的行是全市数（含所属县（区）），"
                   "不与县（区）行相加；只报市公司自身的数请选“本级”。",
                   "Pick city, county and campaign from the dropdowns; choose the city first and the county list narrows "
                   "to it. A row with the county blank is the whole city (its counties included) and is never added to "
                   "the county rows; choose 'Own part' for the city company's own figures only."),
    "rule_units": ("指标按表头中的单位填写数字，例如 捐款/募款（元）填 350000。",
                   "Enter each figure in the unit shown in its header, e.g. 350000 under donations (CNY)."),
    "rule_approximate": ("约数可直接写在单元格中：8100余、超1000 表示“多于”，约35万、近50 表示“约”；可使用 万、亿。",
                         "Approximate figures may be written as they are: 8100余 or 超1000 mean 'more than', 约35万 or "
                         "近50 mean 'about'; 万 (10,000) and 亿 (100,000,000) are understood."),
    "rule_blank": ("没有数据的指标请留空；0 表示确实为零。", "Leave a figure blank when there is none to report; 0 means zero."),
    "rule_totals": ("不要添加合计、小计行：上传时这些行会被剔除，不计入数据。",
                    "Do not add 合计 (total) or 小计 (subtotal) rows: they are dropped on upload and never counted."),
    "rule_layout": ("请勿修改表头文字、插入合并单元格或在数据区下方写注释以外的内容。",
                    "Do not change the header texts, merge cells, or write anything but notes below the data."),
    # the targets template (exports/targets_template.py)
    "targets_data_sheet": ("目标表", "Targets"),
    "targets_title": ("新时代文明实践工作目标表", "New Era civic practice: targets"),
    "targets_province": ("全省", "Jiangsu"),
    "targets_column_metric": ("指标", "Metric"),
    "targets_column_campaign": ("专项活动", "Campaign"),
    "targets_column_city": ("市", "City"),
    "targets_column_county": ("县（区）", "County"),
    "targets_column_period": ("期间", "Period"),
    "targets_column_target": ("目标值", "Target"),
    "targets_column_remarks": ("备注", "Remarks"),
    "targets_rule_1": ("每行填写一个指标、一个专项活动、一个地区、一个期间的目标值，单位与指标一致（见下拉列表中的单位）。",
                       "One row per metric, campaign, region and period; the target is in the metric's unit."),
    "targets_rule_2": ("市选“全省”（或留空）为全省目标；选某市、县（区）留空为该市目标（含所属县区，县区目标不计入市目标）。",
                       "City 'Jiangsu' (or blank) is the province's target; a city with the county blank is the whole "
                       "city's target (its counties included: county targets are never added to it)."),
    "targets_rule_3": ("期间可为月（2020年7月）、季度（2020年第三季度）或年（2020年）；所选期间由各月（季）目标合计时须覆盖每个月，"
                       "否则不显示完成率。",
                       "The period may be a month (2020-07), a quarter (2020Q3) or a year (2020); a window made up of "
                       "monthly (quarterly) targets must have one for every month, else no attainment is shown."),
    "targets_rule_4": ("目标与完成数分开上传：本表只填目标，不要加入完成数或合计行。",
                       "Upload targets and figures separately: this sheet holds targets only, with no figures and no "
                       "total rows."),
    "template_written": ("已写入{what}：{path}", "Wrote the {what}: {path}"),
    "template_what_targets": ("目标模板", "targets template"),
    "template_what_report": ("填报模板", "reporting template"),
}
