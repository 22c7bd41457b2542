"""Every text the app shows, in Chinese and English, and number formatting with qualifiers."""
from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

from babel.dates import format_date
from babel import Locale
from babel.numbers import format_compact_decimal, format_percent, parse_pattern

from texts import lookup

LANGUAGES = ("zh", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("新时代文明实践 KPI 看板", "Civic-practice KPI dashboard"),
    "app_subtitle": ("国网江苏电力 · 新时代文明实践", "State Grid Jiangsu Electric Power · New Era civic practice"),
    "page_overview": ("总览", "Overview"),
    "page_regions": ("分地区", "By region"),
    "language": ("语言 / Language", "语言 / Language"),
    "filters": ("筛选", "Filters"),
    "period": ("统计期间", "Period"),
    "preset_last12": ("最近 12 个月（有数据）", "Last 12 months with data"),
    "preset_all": ("全部期间", "All periods"),
    "preset_year": ("{year} 年", "Year {year}"),
    "preset_custom": ("自定义月份", "Custom months"),
    "month_from": ("起始月份", "From"),
    "month_to": ("截止月份", "To"),
    "cities": ("城市", "Cities"),
    "cities_all": ("全部城市（含省公司）", "All cities (and province level)"),
    "campaigns": ("专项活动", "Campaigns"),
    "campaigns_all": ("全部活动", "All campaigns"),
    "window": ("{start} 至 {end}", "{start} to {end}"),
    "data_as_of": ("数据更新于 {when}", "Data as of {when}"),
    "no_data_yet": ("暂无数据", "No data yet"),
    "demo_note": (
        "演示数据：全省合计与 2020 年新闻报道一致，各市、县分解为示意数据。",
        "Demo data: province totals match the 2020 news report; the split by city and county is illustrative.",
    ),
    "kpi_header": ("核心指标", "Key figures"),
    "vs_previous": ("较上一同长期间 {start}–{end}", "vs previous period {start}–{end}"),
    "no_previous": ("上一期间无数据", "no data in previous period"),
    "mom_vs": ("环比 · 较{period}", "vs {period}"),
    "yoy_line": ("同比 · 较{period}：{change}", "Year on year, vs {period}: {change}"),
    "yoy_like": ("同比（同期累计）· 较{period}：{change}", "Like-for-like year to date, vs {period}: {change}"),
    "no_base": ("无可比数据", "no data to compare"),
    "spark_help": ("迷你图：截至所选期间末的 12 个月，每月数值（未报为 0）。",
                   "Sparkline: each of the 12 months to the end of the window (0 where nothing was reported)."),
    "trend_header": ("月度趋势", "Monthly trend"),
    "ranking_header": ("城市排名", "City ranking"),
    "metric": ("指标", "Metric"),
    "campaign": ("专项活动", "Campaign"),
    "city": ("城市", "City"),
    "county": ("县（区）", "County"),
    "value": ("数值", "Value"),
    "month_axis": ("月份", "Month"),
    "city_own": ("市公司本级", "City company itself"),
    "city_unallocated": ("未分配到县（区）", "Not allocated to a county"),
    # levels and roll-up (analytics.level_masks)
    "total_change": ("保存后全省合计的变化（本文件涉及的月份和专项活动）",
                     "Province totals before and after saving (the months and campaigns this file reports)"),
    "total_change_help": (
        "按层级汇总规则计算：市的数为全市数（含县区），县（区）数为其中数，不重复相加。",
        "Rolled up by the level rule: a city's figure is the whole city, its counties' figures are part of it "
        "and never added again.",
    ),
    "total_before": ("保存前", "Before"),
    "total_after": ("保存后", "After"),
    "total_delta": ("变化", "Change"),
    "inconsistent_header": ("层级不一致：下级之和大于上级数", "Parts add up to more than their whole"),
    "inconsistent_note": (
        "以下市（县）的数小于其下级之和。合计只计上级数，不会相加；请核对。",
        "These cities (or counties) report less than their parts add up to. Totals count the whole's figure, "
        "never both; please check.",
    ),
    "whole_city": ("（全市）", "(whole city)"),
    "whole_figure": ("上级数", "Whole's figure"),
    "parts_sum": ("下级之和", "Parts add up to"),
    "parts_count": ("下级条数", "Parts"),
    "file_total_change": ("全省合计变化", "province_totals_change"),
    "file_inconsistencies": ("层级不一致", "level_inconsistencies"),
    "consistency_header": ("数据一致性", "Data consistency"),
    "consistency_none": ("所选期间没有层级不一致。", "No level inconsistencies in the selected period."),
    "remove_demo": ("移除演示数据", "Remove the demo data"),
    "remove_demo_help": (
        "一次撤销全部演示数据上传；之后可用“恢复演示数据”撤回此操作。",
        "Undoes every demo upload in one action; “Restore the demo data” takes it back.",
    ),
    "restore_demo": ("恢复演示数据", "Restore the demo data"),
    "demo_removed": ("已移除演示数据（{count} 个上传）。", "The demo data was removed ({count} uploads)."),
    "demo_restored": ("已恢复演示数据（{count} 个上传）。", "The demo data was restored ({count} uploads)."),
    "province_level": ("省公司层面", "Province level"),
    "province_note": (
        "另有省公司层面数据 {value}{unit}，不计入任何城市。",
        "A further {value} {unit} is reported at province level and belongs to no city.",
    ),
    "nothing_in_window": ("所选期间和范围内没有数据，请调整左侧筛选条件。", "No figures for this selection. Widen the filters on the left."),
    "select_city": ("选择城市查看各县（区）", "Choose a city to see its counties"),
    "by_city_header": ("各市对比", "Cities compared"),
    "counties_header": ("{city}：各县（区）", "{city}: by county"),
    "city_table_header": ("各市全部指标", "All metrics by city"),
    "click_hint": ("点击柱形图中的城市也可选中。", "You can also click a city's bar."),
    "trend_title": ("{metric}（{unit}）· 按月份和专项活动", "{metric} ({unit}) by month and campaign"),
    "ranking_title": ("{metric}（{unit}）· 各市排名", "{metric} ({unit}) by city"),
    "map_title": ("{metric}（{unit}）· 分布", "{metric} ({unit}) across Jiangsu"),
    "county_title": ("{city} · {metric}（{unit}）· 各县（区）", "{city} · {metric} ({unit}) by county"),
    "qualifier_note": ("“+”表示“余/多/超”，“约”表示约数。", "'+' means 'more than' (余/多/超); '≈' means 'about'."),
    "page_upload": ("上传数据", "Upload"),
    "page_history": ("上传记录", "Upload history"),
    "upload_intro": (
        "上传每月填报的 Excel（.xlsx/.xlsm/.xls）、ODS 或 CSV 文件，可一次多个。先预览，确认无误后再保存。",
        "Upload the monthly Excel (.xlsx/.xlsm/.xls), ODS or CSV files, several at once. Preview first, then save.",
    ),
    "template_zh": ("下载填报模板（中文）", "Download reporting template (Chinese)"),
    "template_en": ("下载填报模板（英文表头）", "Download reporting template (English headers)"),
    "files": ("选择文件", "Choose files"),
    "parsing": ("正在解析 {name}…", "Reading {name}…"),
    "committing": ("正在保存 {name}…", "Saving {name}…"),
    "fill_in": ("补充文件中缺少的信息", "Fill in what the file does not say"),
    "fill_in_help": (
        "仅在文件本身没有“统计期间”“地区”“专项活动”列、工作表名或标题也未注明时使用。",
        "Used only where the file has no period, region or campaign column and its sheet names and title name none.",
    ),
    "default_period": ("统计期间（如 2020年7月）", "Period (e.g. 2020-07)"),
    "default_city": ("城市", "City"),
    "default_campaign": ("专项活动", "Campaign"),
    "not_given": ("（未指定）", "(not given)"),
    "sheets_found": ("工作表", "Sheets"),
    # the counts of store/changes.py: the same words on the preview, the save, the history and the command line
    "count_new": ("新增", "New"),
    "count_changed": ("修改", "Changed"),
    "count_unchanged": ("未变（重新确认）", "Unchanged (re-confirmed)"),
    "count_left_out": ("未导入", "Left out"),
    "counts_line": ("新增 {new:,} 条，修改 {changed:,} 条，未变 {unchanged:,} 条（重新确认），未导入 {left_out:,} 处",
                    "{new:,} new, {changed:,} changed, {unchanged:,} unchanged (re-confirmed), {left_out:,} left out"),
    "errors": ("错误", "Errors"),
    "warnings": ("警告", "Warnings"),
    "sheet_loaded": ("{name}：已读取（{facts:,}）", "{name}: read ({facts:,})"),
    "sheet_skipped": ("{name}：已跳过", "{name}: skipped"),
    "file_heading": ("{name}", "{name}"),
    "per_metric": ("各指标合计（本文件）", "Totals per metric (this file)"),
    "changes": ("修改的数据（原值 → 新值）", "Changed figures (old → new)"),
    # plausibility warnings (store/plausibility.py): shown, never blocking a save
    "checks": ("需核实", "Please check"),
    "checks_help": (
        "以下数据与该单位近 12 个月同一指标相比异常偏大，或更正幅度很大。请核实后再保存；这些提示不妨碍保存。",
        "These figures are far above the unit's last 12 months for the metric, or correct a figure by a lot. "
        "Check them before saving; they do not stop the save.",
    ),
    "check_reason": ("核实原因", "Why"),
    "check_jump": ("为前 {months} 个有数据月份中位数的 {ratio} 倍", "{ratio}× the median of the {months} months before"),
    "check_correction": ("更正幅度 {percent}%", "changes the figure by {percent}%"),
    "check_median": ("近 12 个月中位数", "Median, last 12 months"),
    "check_history": ("近 12 个月数据", "Last 12 months"),
    "file_checks": ("需核实的数据", "figures_to_check"),
    "dropped": ("未导入的行及原因", "Rows left out, and why"),
    "problems": ("问题清单", "Problems"),
    "facts_table": ("将保存的数据", "Figures to be saved"),
    "error_report": ("下载问题报告（Excel）", "Download problem report (Excel)"),
    "commit": ("确认保存", "Save"),
    "commit_disabled": ("请先修正错误后重新上传；存在错误时不能保存。", "Fix the errors and upload again; a file with errors cannot be saved."),
    "committed": (
        "已保存“{name}”（上传编号 {id}）：{counts}。各页面已更新。",
        "Saved '{name}' (upload #{id}): {counts}. Every page shows them now.",
    ),
    "already_saved": ("“{name}”已保存为上传编号 {id}。", "'{name}' is saved as upload #{id}."),
    "duplicate": (
        "此文件已于 {when} 上传过（上传编号 {id}，“{name}”），不能重复保存。",
        "This file was already uploaded on {when} (upload #{id}, '{name}'); it cannot be saved twice.",
    ),
    "unreadable": ("无法读取此文件：{message}", "This file cannot be read: {message}"),
    "store_refused": ("{message}", "{message}"),
    "severity": ("严重程度", "Severity"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "explanation": ("说明", "Explanation"),
    "error": ("错误", "error"),
    "warning": ("警告", "warning"),
    "reason": ("原因", "Reason"),
    "text": ("内容", "Text"),
    "old_value": ("原值", "Old value"),
    "new_value": ("新值", "New value"),
    "period_col": ("统计期间", "Period"),
    "unit_col": ("服务队/单位", "Unit / team"),
    "history_intro": (
        "每次上传都保留原文件。撤销后其数据退出所有统计，被它更正的原数据恢复；可随时恢复。",
        "Every upload keeps its original file. Undoing one takes its figures out of every total and brings back "
        "the figures it had corrected; redo puts it back.",
    ),
    "upload_id": ("编号", "No."),
    "file_name": ("文件", "File"),
    "uploaded_by": ("上传人", "Uploaded by"),
    "uploaded_at": ("上传时间（北京时间）", "Uploaded at (UTC+8)"),
    "source": ("来源", "Source"),
    "status": ("状态", "Status"),
    "status_active": ("生效", "in effect"),
    "status_undone": ("已撤销", "undone"),
    "source_upload": ("网页上传", "web upload"),
    "source_demo": ("演示数据", "demo data"),
    "source_cli": ("命令行", "command line"),
    "added": ("数据条数", "Figures"),
    "choose_upload": ("选择一次上传", "Choose an upload"),
    "download_original": ("下载原文件", "Download original file"),
    "undo": ("撤销此次上传", "Undo this upload"),
    "redo": ("恢复此次上传", "Redo this upload"),
    "undone_done": ("已撤销上传 {id}，其数据已退出统计。", "Upload #{id} undone: its figures left every total."),
    "redone_done": ("已恢复上传 {id}。", "Upload #{id} is in effect again."),
    "no_uploads": ("还没有任何上传。", "There are no uploads yet."),
    "upload_facts": ("本次上传的数据", "Figures of this upload"),
    "upload_facts_counts": ("{active:,} 条在用，{reconfirmed:,} 条已被重新确认（数值未变），{corrected:,} 条已被更正，"
                            "{undone:,} 条已撤销。",
                            "{active:,} in effect, {reconfirmed:,} re-confirmed since (same figure), "
                            "{corrected:,} corrected since, {undone:,} undone."),
    "upload_facts_repeated": ("另有 {repeated:,} 条以本文件后面的行为准。", "{repeated:,} more: a later row of this file counts."),
    "fact_in_effect": ("在用", "in effect"),
    "fact_superseded_by": ("已被上传 #{id} 更正", "corrected by upload #{id}"),
    "fact_reconfirmed_by": ("已由上传 #{id} 重新确认（数值未变）", "re-confirmed by upload #{id} (same figure)"),
    "fact_repeated": ("本文件后面的行为准", "a later row of this file counts"),
    "fact_undone": ("已撤销", "undone"),
    "rows_shown": ("仅显示前 {shown:,} 条，共 {total:,} 条。", "Showing the first {shown:,} of {total:,}."),
    "download_xlsx": ("下载 .xlsx", "Download .xlsx"),
    "download_csv": ("下载 .csv", "Download .csv"),
    "download_help": (
        "下载此表。以 = + - @ 开头的文字前加了英文单引号 '，表格软件不会把它当作公式执行。",
        "Download this table. Text starting with = + - @ gets a leading ' so that no spreadsheet runs it as a formula.",
    ),
    "qualifier_of": ("{column}（余/约）", "{column} (over/about)"),
    "qualifier_over": ("余", "over"),
    "qualifier_about": ("约", "about"),
    "unit_of_measure": ("单位", "Unit"),
    "file_history": ("上传记录", "upload_history"),
    "file_upload_facts": ("上传{id}的数据", "upload_{id}_figures"),
    "file_problems": ("问题清单", "problems"),
    "file_totals": ("各指标合计", "totals_per_metric"),
    "file_changes": ("修改的数据", "changed_figures"),
    "file_dropped": ("未导入的行", "rows_left_out"),
    "file_facts": ("将保存的数据", "figures_to_save"),
    "file_city_table": ("各市全部指标", "metrics_by_city"),
    # mapping an unknown column (#9, item 5), on the upload page and the column aliases page
    "map_heading": ("无法识别的列：请选择对应的指标", "Unrecognised columns: choose what each one is"),
    "map_help": (
        "选择后文件立即按所选重新读取。保存文件时记住这些对应关系（勾选下方选项），今后的文件自动按此读取；"
        "可在“列名对应”页面查看和删除。",
        "The file is read again with your choice at once. When the file is saved, the choices are remembered (tick "
        "below) and every later file is read with them; the Column aliases page lists them and removes them.",
    ),
    "map_header": ("列“{header}”是", "Column '{header}' is"),
    "map_choose": ("请选择指标，或不导入此列", "Choose a metric, or leave the column out"),
    "map_ignore": ("不导入此列", "Ignore this column (leave it out)"),
    "map_metric": ("{metric}（{unit}）", "{metric} ({unit})"),
    "map_metric_suggested": ("{metric}（{unit}）· 推荐", "{metric} ({unit}) · suggested"),
    "map_remember": ("保存文件时记住此对应关系，今后的文件自动使用", "Remember these choices for later files when saving"),
    "map_remember_help": (
        "记住的对应关系对所有用户今后上传的文件生效，不改变已保存的数据。",
        "Remembered choices apply to every later file, by anyone; figures already saved do not change.",
    ),
    "map_remembered": ("已记住 {count} 个列名对应。", "{count} column alias(es) remembered."),
    "map_not_remembered": ("列“{header}”的对应未记住：{message}",
                           "The choice for column '{header}' was not remembered: {message}"),
    "page_aliases": ("列名对应", "Column aliases"),
    "aliases_intro": (
        "文件中系统不认识的列名，按这里记住的对应关系读作某个指标，或不导入。上传页面选择对应关系并保存文件时添加；"
        "删除后，今后的文件中该列名将无法识别（已保存的数据不变）。命令行：python -m store aliases / alias add / alias remove。",
        "A header the system does not know is read as the metric remembered here, or left out. Choices made on the "
        "Upload page are added when the file is saved; once one is removed, later files no longer recognise that "
        "header (figures already saved do not change). Command line: python -m store aliases / alias add / "
        "alias remove.",
    ),
    "aliases_none": ("还没有记住任何列名对应。", "No column aliases are remembered yet."),
    "alias_header": ("文件中的列名", "Header in files"),
    "alias_target": ("读作", "Read as"),
    "alias_code": ("指标代码", "Metric code"),
    "alias_created_at": ("添加时间（北京时间）", "Added at (UTC+8)"),
    "alias_created_by": ("添加人", "Added by"),
    "alias_choose": ("选择一个列名对应", "Choose a column alias"),
    "alias_remove": ("删除此列名对应", "Remove this column alias"),
    "alias_removed": ("已删除列名“{header}”的对应；今后的文件中此列名将无法识别。",
                      "The alias of '{header}' is removed; later files will not recognise that header."),
    "file_aliases": ("列名对应", "column_aliases"),
    # accounts and log-in (#10): the /auth forms (webauth.py) show both languages
    "login_title": ("登录", "Log in"),
    "login_name": ("用户名", "User name"),
    "login_password": ("密码", "Password"),
    "login_button": ("登录", "Log in"),
    "login_back": ("返回看板", "Back to the dashboard"),
    "login_first_start": ("首次使用：请查看服务器控制台中的设置链接", "First start: see the set-up link in the server console"),
    "login_wrong": ("用户名或密码不正确。", "Wrong user name or password."),
    "form_expired": ("表单已过期，请重试。", "The form has expired; please try again."),
    "logout_title": ("退出登录", "Log out"),
    "logout_button": ("退出登录", "Log out"),
    "setup_title": ("创建第一个管理员", "Create the first administrator"),
    "setup_intro": ("此链接只能使用一次。", "This link works once."),
    "setup_name": ("用户名", "User name"),
    "setup_display_name": ("姓名", "Display name"),
    "setup_password_again": ("再次输入密码", "Password again"),
    "setup_button": ("创建并登录", "Create and log in"),
    "setup_not_needed": ("此设置链接无效或已使用。", "This set-up link is not valid or was used already."),
    "setup_mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    # accounts in the pages
    "signed_in_as": ("当前用户：{name}", "Logged in: {name}"),
    "signed_in_role": ("{role} · {unit}", "{role} · {unit}"),
    "visitor": ("访客（仅查看）", "Visitor (view only)"),
    "login_link": ("登录", "Log in"),
    "logout_link": ("退出登录", "Log out"),
    "login_required": ("请先登录。", "Please log in."),
    "page_login": ("登录", "Log in"),
    "not_permitted": ("您的角色无权使用此页面。", "Your role may not use this page."),
    "uploading_as": ("上传人：{name}（{unit}）", "Uploading as {name} ({unit})"),
    "out_of_scope": (
        "此文件有 {count} 行不属于您的单位（{unit}），不能保存：",
        "{count} rows of this file lie outside your unit ({unit}); it cannot be saved:",
    ),
    "file_out_of_scope": ("单位范围外的行", "rows_outside_your_unit"),
    "history_scope": ("显示 {unit} 范围内的上传。", "Uploads within {unit}."),
    "no_uploads_in_scope": ("您的单位范围内还没有上传。", "No uploads within your unit yet."),
    "page_users": ("用户管理", "Users"),
    "users_intro": ("账户、角色和所属单位。停用的账户不能登录；上传记录保留其名称。",
                    "Accounts, their roles and units. A disabled account cannot log in; uploads keep its name."),
    "user_name": ("用户名", "User name"),
    "user_display_name": ("姓名", "Display name"),
    "user_role": ("角色", "Role"),
    "user_unit": ("单位", "Unit"),
    "user_active": ("启用", "Active"),
    "user_created_at": ("创建时间（北京时间）", "Created at (UTC+8)"),
    "user_add": ("添加用户", "Add a user"),
    "user_password": ("初始密码", "Initial password"),
    "user_added": ("已添加用户“{name}”。", "User '{name}' added."),
    "user_choose": ("选择用户", "Choose a user"),
    "user_disable": ("停用", "Disable"),
    "user_enable": ("启用", "Enable"),
    "user_disabled": ("已停用用户“{name}”。", "User '{name}' is disabled."),
    "user_enabled": ("已启用用户“{name}”。", "User '{name}' is enabled."),
    "user_new_password": ("新密码", "New password"),
    "user_set_password": ("设置密码", "Set the password"),
    "user_password_set": ("已为“{name}”设置新密码。", "A new password is set for '{name}'."),
    "user_set_role": ("更改角色和单位", "Change role and unit"),
    "user_role_set": ("已更改“{name}”的角色和单位。", "The role and unit of '{name}' are changed."),
    "file_users": ("用户", "users"),
    "unit_province": ("江苏省（全省）", "Jiangsu (the province)"),
    "page_audit": ("审计日志", "Audit log"),
    "audit_intro": ("每次登录、上传、保存、撤销、恢复、下载原文件和用户或列名对应的变更（只增不改）。",
                    "Every login, upload, save, undo, redo, download of an original and change of a user or "
                    "alias (append-only)."),
    "audit_from": ("起始日期", "From"),
    "audit_to": ("截止日期", "To"),
    "audit_user": ("用户", "User"),
    "audit_action": ("操作", "Action"),
    "audit_any": ("全部", "All"),
    "audit_at": ("时间（北京时间）", "Time (UTC+8)"),
    "audit_actor": ("操作人", "Actor"),
    "audit_target": ("对象", "Target"),
    "audit_outcome": ("结果", "Outcome"),
    "audit_client": ("客户端地址", "Client address"),
    "audit_detail": ("详情", "Detail"),
    "audit_none": ("没有符合条件的记录。", "No entries match."),
    "file_audit": ("审计日志", "audit_log"),
    # ---- cross-filtering, drill-through, counties and metric in the link (#11, items 4 and 5) ----
    "counties": ("县（区）", "Counties"),
    "counties_all": ("所选城市的全部县（区）", "All counties of the chosen cities"),
    "counties_help": (
        "选了县（区）后，只计这些县（区）的数字及其下属单位；市级数字代表全市，不再计入。",
        "With counties chosen, only their figures and their sub-units count; a city's own figure is the whole "
        "city and drops out.",
    ),
    "focus_note": ("本页已按 {city} 筛选（点击图中城市所得）", "This page is filtered to {city} (clicked in a chart)"),
    "focus_clear": ("清除", "Clear"),
    "focus_clear_help": ("回到侧栏筛选的全部城市；再次点击同一城市也可清除。",
                         "Back to all cities of the sidebar's filters; clicking the same city again clears it too."),
    "focus_hint": (
        "点击城市的柱形（或地图区域）只筛选本页其他图表，不改变侧栏筛选和链接；再点一次或点“清除”恢复。",
        "Clicking a city's bar (or map area) filters this page's other charts only, not the sidebar's filters or "
        "the link; click it again or Clear to go back.",
    ),
    "trend_click_hint": ("点击某月的柱形可查看其明细。", "Click a month's bar to see the figures behind it."),
    "drill_button": ("查看明细", "Show the figures behind"),
    "drill_help": ("{what}：每条数字及其来源（文件、工作表、行、上传编号）。",
                   "{what}: every figure with its source (file, sheet, row, upload number)."),
    "drill_what_city": ("{city} · {metric} · {window}", "{city} · {metric} · {window}"),
    "drill_what_point": ("{campaign} · {metric} · {window}", "{campaign} · {metric} · {window}"),
    "all_campaigns_word": ("全部活动", "all campaigns"),
    "yes": ("是", "yes"),
    # the one-click briefing (exports/briefing.py): a PowerPoint deck and an .xlsx of the same view
    "brief_title": ("新时代文明实践工作简报", "Civic-practice briefing"),
    "brief_download": ("下载简报", "Download briefing"),
    "brief_download_pptx": ("简报 .pptx", "Briefing .pptx"),
    "brief_download_xlsx": ("简报 .xlsx", "Briefing .xlsx"),
    "brief_download_help": ("按当前筛选（期间、城市、专项活动）和语言生成：PowerPoint 中的图表可编辑。",
                            "Made for the current filters (period, cities, campaigns) and language; the "
                            "PowerPoint charts are editable."),
    "brief_file": ("简报", "briefing"),
    "brief_period": ("统计期间：{period}", "Period: {period}"),
    "brief_cities": ("城市：{cities}", "Cities: {cities}"),
    "brief_campaigns": ("专项活动：{campaigns}", "Campaigns: {campaigns}"),
    "brief_as_of": ("数据更新于：{when}", "Data as of: {when}"),
    "brief_no_data": ("暂无数据", "no data yet"),
    "brief_kpi_title": ("核心指标：环比、同比与完成率", "Key figures: against the previous period, last year and target"),
    "brief_col_value": ("数值", "Value"),
    "brief_col_mom": ("环比", "vs previous period"),
    "brief_col_yoy": ("同比", "vs last year"),
    "brief_col_target": ("目标", "Target"),
    "brief_col_attainment": ("完成率", "Attainment"),
    "brief_col_base_period": ("{column} 比较期间", "{column}: compared period"),
    "brief_col_base_value": ("{column} 比较值", "{column}: compared value"),
    "brief_col_change": ("{column} 增减", "{column}: change"),
    "brief_col_ratio": ("{column} 增减率", "{column}: change (%)"),
    "brief_like_for_like": ("同比为同期累计", "Like-for-like year to date"),
    "brief_vs": ("较{period}", "vs {period}"),
    "brief_ytd_vs": ("同期累计，较{period}", "year to date, vs {period}"),
    "brief_yes": ("是", "yes"),
    "brief_no": ("否", "no"),
    "brief_kpi_none": ("所选期间没有数据。", "Nothing was reported in the selected period."),
    "brief_kpi_note": ("环比：与上一同长期间比较；同比：与上年同期比较；无可比数据时留空。完成率 = 数值 ÷ 目标，未设目标时留空。",
                       "Previous period: the window of equal length before; last year: the same months a year "
                       "earlier; blank where nothing compares. Attainment = value ÷ target, blank without a target."),
    "brief_trend_title": ("月度趋势（按专项活动）：{metric}", "Monthly trend by campaign: {metric}"),
    "brief_ranking_title": ("城市排名：{metric}", "City ranking: {metric}"),
    "brief_province_extra": ("另有省公司层面数据 {value}（不属于任何城市，未计入排名）。",
                             "Province-level figures of {value} belong to no city and are not ranked."),
    "brief_ranking_none": ("所选期间没有城市报送此指标。", "No city reported this metric in the selected period."),
    "brief_metric_unit": ("{metric}（{unit}）", "{metric} ({unit})"),
    "brief_rank": ("名次", "Rank"),
    "brief_map_title": ("地图：{metric}", "Map: {metric}"),
    "brief_map_none": ("本机无法生成地图图片（{reason}）。其余内容不受影响。",
                       "The map image could not be made on this machine ({reason}). The rest of the briefing is "
                       "unaffected."),
    "brief_map_no_data": ("所选期间没有城市数据，无地图。", "No city reported in the selected period: no map."),
    "brief_map_note": ("颜色越深数值越大；灰色为未报数据，浅灰为筛选以外的城市。",
                       "Darker is more; grey: nothing reported; pale: cities outside the filters."),
    "brief_complete_title": ("报送完整性", "Completeness of reporting"),
    "brief_complete_cities": ("{reported} / {total} 个城市在所选期间报送了数据。",
                              "{reported} of {total} cities reported a figure in the window."),
    "brief_complete_counties": ("{reported} / {total} 个县（区）在所选期间报送了数据（县区数据为市的分解，不单独计入合计）。",
                                "{reported} of {total} counties reported a figure in the window (a county's figures "
                                "are part of its city's, never added again)."),
    "brief_complete_province": ("省公司层面数据：{present}。", "Province-level figures: {present}."),
    "brief_complete_missing": ("未报送的城市：{cities}。", "Cities that reported nothing: {cities}."),
    "brief_complete_all": ("所选城市均已报送。", "Every city chosen reported."),
    "brief_reported": ("已报送", "Reported"),
    "brief_counties_reported": ("已报送县（区）", "Counties reported"),
    "brief_counties_total": ("县（区）总数", "Counties"),
    "brief_notes_title": ("数值说明：约数与“余”", "Notes on figures: 'about' and 'more than'"),
    "brief_notes_rule": (
        "“约”表示约数（报表写“约/近”）；“+”表示“余/多/超”，即至少为该数。合计中只要有一项为约数，合计即为约数；"
        "否则只要有一项为“余”，合计即为“余”。",
        "'≈' marks an approximate figure (reported as 约/近); '+' marks a floor (余/多/超: at least this much). A "
        "total with any approximate part is approximate; otherwise a total with any floor is a floor."),
    "brief_notes_none": ("本简报的数值均为确数。", "Every figure in this briefing is exact."),
    "brief_notes_more": ("……另有 {count} 项。", "… and {count} more."),
    "brief_note_line": ("{where}：{value}（{meaning}）", "{where}: {value} ({meaning})"),
    "brief_meaning_about": ("约数", "approximate"),
    "brief_meaning_over": ("至少为该数", "at least this much"),
    "brief_sheet_about": ("简报信息", "About"),
    "brief_sheet_kpi": ("核心指标", "Key figures"),
    "brief_sheet_trend": ("月度趋势", "Monthly trend"),
    "brief_sheet_ranking": ("城市排名", "City ranking"),
    "brief_sheet_complete": ("报送完整性", "Completeness"),
    "brief_sheet_notes": ("数值说明", "Notes"),
    "brief_item": ("项目", "Item"),
    "brief_text": ("内容", "Text"),
    "brief_month": ("月份", "Month"),
    "brief_unit": ("单位", "Unit"),
    "brief_qualifier": ("限定词", "Qualifier"),
    "brief_usage": ("用法：python -m exports briefing [--from YYYY-MM --to YYYY-MM --city 城市 --campaign 活动 "
                    "--lang zh|en] --out 文件.pptx|文件.xlsx",
                    "usage: python -m exports briefing [--from YYYY-MM --to YYYY-MM --city CITY --campaign CAMPAIGN "
                    "--lang zh|en] --out FILE.pptx|FILE.xlsx"),
    "brief_bad_arguments": ("命令行参数有误：{detail}", "Wrong command line: {detail}"),
    "brief_bad_month": ("“{value}”不是 YYYY-MM 格式的月份", "'{value}' is not a month written YYYY-MM"),
    "brief_bad_order": ("起始月份 {start} 晚于截止月份 {end}", "the first month {start} is after the last month {end}"),
    "brief_bad_city": ("“{value}”不是江苏的城市（可用中文或英文名，如 南京市 / Nanjing）",
                       "'{value}' is not a city of Jiangsu (Chinese or English name, e.g. 南京市 / Nanjing)"),
    "brief_bad_campaign": ("“{value}”不是已知的专项活动（可用代码或名称，如 flood_power / 防汛保电）",
                           "'{value}' is not a known campaign (code or name, e.g. flood_power / 防汛保电)"),
    "brief_bad_out": ("输出文件须以 .pptx 或 .xlsx 结尾：{value}", "the output file must end in .pptx or .xlsx: {value}"),
    "brief_store_failed": ("无法读取数据库（DATABASE_URL）：{detail}", "Cannot read the store (DATABASE_URL): {detail}"),
    "brief_write_failed": ("无法写入 {path}：{detail}", "Cannot write {path}: {detail}"),
    "brief_failed": ("生成简报失败：{detail}", "The briefing could not be made: {detail}"),
    "brief_written": ("已生成简报：{path}（{seconds:.1f} 秒）", "Briefing written: {path} ({seconds:.1f} s)"),
    # the data page (#11, item 6): figures with provenance, a pivot, exports with the view written in
    "page_data": ("数据明细", "Data"),
    "data_intro": ("所选期间和范围内的每条数据及其来源（文件、工作表、行、上传）；下方透视表按层级汇总规则计算合计。",
                   "Every figure of the selection with where it came from (file, sheet, row, upload); the pivot "
                   "below totals them by the level rule."),
    "data_metric_all": ("全部指标", "All metrics"),
    "data_facts_header": ("数据及来源", "Figures and their sources"),
    "data_in_totals": ("计入合计", "In totals"),
    "data_counted": ("是", "yes"),
    "data_part_of": ("否，已含在{region}数中", "no: within the {region} figure"),
    "data_upload_no": ("上传编号", "Upload no."),
    "data_remarks": ("备注", "Remarks"),
    "data_no_data": ("暂无数据，请先上传数据。", "No data yet: upload data first."),
    "data_no_data_login": ("暂无数据。有填报权限的用户登录后可上传数据。", "No data yet. A user who may upload can log in and upload data."),
    "pivot_header": ("透视表", "Pivot table"),
    "pivot_rows": ("行", "Rows"),
    "pivot_columns": ("列", "Columns"),
    "pivot_rows_region": ("城市 / 县（区）", "City / county"),
    "pivot_rows_month": ("月份", "Month"),
    "pivot_columns_metric": ("指标", "Metrics"),
    "pivot_columns_campaign": ("专项活动", "Campaigns"),
    "pivot_total": ("总计", "Total"),
    "pivot_level": ("层级", "Level"),
    "pivot_level_city": ("全市", "Whole city"),
    "pivot_level_county": ("其中：县（区）", "of which: county"),
    "pivot_level_own": ("其中：市公司本级", "of which: city company itself"),
    "pivot_level_month": ("月份", "Month"),
    "pivot_rule": (
        "市的数为全市数（含所辖县区）；“其中”行为它的组成部分，不再计入总计。总计按同一规则由数据计算，"
        "不是各行相加；“+”表示“余”，“约”表示约数，由组成部分的限定词决定。",
        "A city's figure is the whole city (its counties included); the “of which” rows are its parts and are not "
        "added into the total again. Totals are computed from the figures by the same rule, not by adding the rows "
        "shown; '+' (余) and '≈' (约) follow the figures they are made of.",
    ),
    "pivot_campaign_metric": ("按专项活动分列：{metric}（{unit}）。可在上方“指标”中选择其他指标。",
                              "By campaign: {metric} ({unit}). Choose another metric above."),
    "file_data_facts": ("数据明细", "data_figures"),
    "file_pivot": ("透视表", "pivot_table"),
    "about_view": ("导出内容", "Exported"),
    "about_data_as_of": ("数据更新于（北京时间）", "Data as of (UTC+8)"),
    "about_counties": ("县（区）", "Counties"),
    "about_all": ("全部", "All"),
    # presentation (#11, item 8): an empty store, KPI card units in English
    "empty_store_upload": ("还没有数据：请先上传数据。", "No data yet: upload data first."),
    "empty_store_link": ("前往上传数据", "Go to Upload"),
    "empty_store_ask": ("还没有数据。请联系填报员或管理员上传每月数据。",
                        "No data yet. Ask a reporter or an administrator to upload the monthly figures."),
    "chosen_upload_status": ("状态：{status}", "Status: {status}"),
    "kpi_unit": ("单位：{unit}。", "Unit: {unit}."),
    "error_unexpected": (
        "出现意外错误，已记录。请刷新页面重试；如仍有问题请联系管理员。",
        "Something unexpected went wrong and was logged. Reload the page; if it persists, tell the administrator.",
    ),
    # ---- targets (目标) and 完成率 (#11 item 1) ----
    "attainment_line": ("完成率 {rate} · 目标 {target}", "Attainment {rate} · target {target}"),
    "target_help": (
        "完成率 = 完成值 ÷ 目标。目标取期间与所选期间相同的目标，或所选期间内各月（季）目标之和（须覆盖每个月）；"
        "只覆盖部分月份时不显示完成率。全省看省级目标，选了城市看这些城市的目标（县区目标不计入城市目标），"
        "各专项活动的目标相加。",
        "Attainment = value ÷ target. The target is the one whose period is the window, or the sum of the monthly "
        "(quarterly) targets inside it when they cover every month; a window only partly covered shows no "
        "attainment. The whole province uses the province-level target; chosen cities use theirs (county targets "
        "are never added to a city's); campaigns' targets are added.",
    ),
    "bullet_actual": ("完成值", "Actual"),
    "bullet_target": ("目标", "Target"),
    "bullet_last_year": ("去年同期", "Last year"),
    "bullet_title": ("{metric}：完成值、目标与去年同期", "{metric}: actual, target and last year"),
    "ranking_target_note": ("竖线为各市目标；悬停可见完成率。", "Ticks mark each city's target; hover for attainment."),
    "target_axis": ("目标", "Target"),
    "attainment": ("完成率", "Attainment"),
    "kind_figures": ("数据", "figures"),
    "kind_targets": ("目标", "targets"),
    "kind_column": ("类型", "Kind"),
    "targets_file": ("这是目标文件：其中的数值作为目标（目标值）保存，不计入完成数；用于计算完成率。",
                     "This is a targets file: its values are stored as targets, never added to the figures; they "
                     "give the attainment (完成率)."),
    "targets_template_zh": ("下载目标模板（中文）", "Download targets template (Chinese)"),
    "targets_template_en": ("下载目标模板（英文表头）", "Download targets template (English headers)"),
    # the campaign page (pages/campaigns.py)
    "page_campaigns": ("专项活动", "Campaigns"),
    "campaign_pick": ("选择专项活动", "Campaign"),
    "campaign_pick_help": ("可选范围为侧栏所选的专项活动（未选则为全部）。",
                           "Chosen among the campaigns picked in the sidebar (all when none is picked)."),
    "campaign_nothing": ("该专项活动在所选期间和城市内没有数据。",
                         "This campaign has no figures in the chosen period and cities."),
    "campaign_metrics_header": ("活动指标", "The campaign's figures"),
    "campaign_cities_help": ("有数据的城市：{count} 个", "Cities with a figure: {count}"),
    "campaign_months_header": ("逐月情况", "Month by month"),
    "campaign_month_title": ("{campaign} · 每月{metric}（{unit}）", "{campaign} · {metric} per month ({unit})"),
    "campaign_month_note": ("按报告期末所在月份计；无数据的月份留空。",
                            "Counted in the month its reporting period ends; months without figures are left blank."),
    "campaign_cities_header": ("参与城市", "Cities contributing"),
    "campaign_cities_missing": ("无此指标数据的城市（{count}/{total}）：{names}",
                                "Cities with no figure for this metric ({count} of {total}): {names}"),
    "campaign_cities_all": ("所选 {total} 个城市均有数据。", "Every city in view ({total}) has a figure."),
    "campaign_units_header": ("主要基层单位", "Top units"),
    "top_units_title": ("{metric}（{unit}）最多的县（区）和基层单位", "Counties and units with the most {metric} ({unit})"),
    "campaign_units_note": ("县（区）的数为其全县数（含其下属单位），与下属单位分别列出，不相加。",
                            "A county's figure is the whole county, its units included: both are listed, never added."),
    "campaign_units_none": ("没有县（区）或基层单位的分项数据。", "No figures for counties or units."),
    "campaign_share_header": ("占各市工作的比重", "Share of each city's work"),
    "share_title": ("各专项活动占各市{metric}的比重", "Each campaign's share of a city's {metric}"),
    "share_axis": ("占比", "Share"),
    "campaign_share_note": (
        "比重 = 该活动在该市的{metric}（按层级汇总规则，市的数即全市数）÷ 该市所有专项活动的{metric}之和，"
        "期间和城市按侧栏筛选，不受侧栏专项活动筛选影响；省公司层面的数不属于任何市，不计入。",
        "Share = the campaign's {metric} in the city (rolled up by the level rule: a city's figure is the whole city) "
        "÷ the city's {metric} over all campaigns, in the sidebar's period and cities whatever campaigns it picks; "
        "province-level figures belong to no city and are left out.",
    ),
    "campaign_share_rate": ("比率类指标（如亮化率）取平均，没有占比。", "A rate (such as the lighting rate) is averaged and has no share."),
    # one text catalog (#11 item 9): texts the pages spelled out themselves
    "file_problem_report": ("问题报告_{name}.xlsx", "problems_{name}.xlsx"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` ('zh' or 'en'), with {placeholders} filled.

    A key without a dot is the pages' (TEXTS); problem.*, store.*, cli.* and export.* are in the texts package.
    """
    zh, en = pair(key)
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def pair(key: str) -> tuple[str, str]:
    """The Chinese and English text of `key`, placeholders unfilled; KeyError for an unknown key."""
    return TEXTS[key] if "." not in key else lookup(key)


def both(key: str, **values: object) -> tuple[str, str]:
    """The text of `key` in Chinese and in English, with {placeholders} filled (a KpiError's two texts).

    A value that is a (Chinese, English) pair, such as another key's both(), fills each language with its own.
    """
    def side(index: int) -> dict[str, object]:
        return {name: value[index] if _is_pair(value) else value for name, value in values.items()}

    return t(key, "zh", **side(0)), t(key, "en", **side(1))


def _is_pair(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value)


def format_counts(counts, lang: str) -> str:
    """An upload's counts in one line (store.changes.ChangeCounts or ImportOutcome): "新增 0 条，修改 1 条，…"."""
    return t("counts_line", lang, new=counts.new, changed=counts.changed, unchanged=counts.unchanged,
             left_out=counts.left_out)


def language_from_locale(locale: str | None) -> str:
    """'zh' for Chinese browser locales (and when the locale is unknown), else 'en'."""
    if not locale:
        return "zh"
    return "zh" if locale.lower().startswith("zh") else "en"


BABEL_LOCALES = {"zh": "zh_CN", "en": "en"}  # Babel locale per language
NUMBER_PATTERN = "#,##0.##"  # thousands separators, up to two decimals, none for whole numbers


def babel_locale(lang: str) -> str:
    """The Babel locale of a language ('zh' → zh_CN, else en)."""
    return BABEL_LOCALES.get(lang, "en")


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    return Locale.parse(babel_locale(lang))


_NUMBER = parse_pattern(NUMBER_PATTERN)  # parsed once: format_decimal would parse it per call (20× slower)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | None, lang: str = "zh") -> str:
    """Thousands separators; up to two decimals, none for whole numbers (Babel, per locale); '—' when missing."""
    if _missing(value):
        return "—"
    return _NUMBER.apply(float(value), _locale(lang))


def format_value(value: float | None, qualifier: str, lang: str) -> str:
    """A figure as reports say it: 8,100+ for 'over', 约350,000 / ≈350,000 for 'about'."""
    text = format_number(value, lang)
    if _missing(value):
        return text
    if qualifier == "over":
        return f"{text}+"
    if qualifier == "about":
        return f"约{text}" if lang == "zh" else f"≈{text}"
    return text


def format_axis_number(value: float, lang: str) -> str:
    """A tick of a value axis: 1.2万 / 3.5亿 in Chinese and 12K / 1.2M in English from 10,000 on, else 5,000."""
    if abs(value) < 10_000:
        return format_number(value, lang)
    return format_compact_decimal(value, locale=_locale(lang), fraction_digits=1)


def format_change(delta: float | None, ratio: float | None, lang: str) -> str | None:
    """A change as +12 (+6.5%); the percentage only where the base is not missing or zero; None: no base."""
    text = format_delta(delta, lang)
    if text is None:
        return None
    if delta == 0:
        text = "0"
    if ratio is None:
        return text
    percent = format_percent(ratio, "+#,##0.0%;-#,##0.0%", locale=_locale(lang))
    return f"{text} ({percent})"


def format_window(start, end, lang: str) -> str:
    """A window of months as 2020年7月 or 2019年8月–2020年7月 (2019-08–2020-07)."""
    first, last = format_month(start, lang), format_month(end, lang)
    return first if first == last else f"{first}–{last}"


def format_delta(delta: float | None, lang: str) -> str | None:
    """A signed change for st.metric, or None when there is nothing to compare with."""
    if delta is None:
        return None
    sign = "+" if delta > 0 else ""
    return f"{sign}{format_number(delta, lang)}"


def format_month(day, lang: str) -> str:
    """A month as 2020年7月 (zh_CN) or 2020-07 (en), through Babel."""
    return _month_text(day.year, day.month, lang)


@lru_cache(maxsize=4096)  # a page names the same few dozen months on every rerun
def _month_text(year: int, month: int, lang: str) -> str:
    return format_date(date(year, month, 1), MONTH_PATTERNS.get(lang, MONTH_PATTERNS["en"]), locale=_locale(lang))


MONTH_PATTERNS = {"zh": "y年M月", "en": "yyyy-MM"}


def format_attainment(ratio: float | None) -> str:
    """完成率 as a percentage with one decimal (92.0%), or — where there is no target."""
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "—"
    return f"{ratio:.1%}"
