"""What the command lines print (python -m store, python -m loaders), keyed as i18n.t("cli.KEY")."""
from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    # python -m store import
    "file_not_found": ("✗ {path}：找不到文件。", "✗ {path}: file not found."),
    "unreadable": ("✗ {file}：无法读取，未保存任何数据。", "✗ {file}: cannot be read; nothing was stored."),
    "refused_errors": ("✗ {file}：已拒绝，{errors} 处错误，未保存任何数据。",
                       "✗ {file}: refused, {errors} error(s); nothing was stored."),
    "failed": ("✗ {message}", "✗ {message}"),
    "refused": ("✗ {file}：已拒绝。{message}", "✗ {file}: refused. {message}"),
    "stored": ("✓ {file}：上传编号 {upload_id}，{counts}。", "✓ {file}: upload #{upload_id}, {counts}."),
    "stored_targets": ("✓ {file}（目标文件）：上传编号 {upload_id}，{counts}。",
                       "✓ {file} (a targets file): upload #{upload_id}, {counts}."),
    "dropped": ("已略去 {count} 行（合计、说明等）：", "{count} row(s) left out (totals, notes):"),
    "dropped_row": ("工作表“{sheet}”第 {row} 行“{text}”：{reason}", "sheet '{sheet}' row {row} '{text}': {reason}"),
    "warnings": ("{count} 条提示：", "{count} warning(s):"),
    "checks": ("{count} 条需核实（已保存，请核对）：", "{count} figure(s) to check (saved; please check them):"),
    "more": ("……另有 {rest} 条未列出（--max-problems 0 列出全部）。", "... and {rest} more (--max-problems 0 lists all)."),
    "stored_aliases": ("按 {count} 个已保存的列名对应读取（python -m store aliases 列出；--map 优先）。",
                       "Read with {count} stored column alias(es) (python -m store aliases lists them; --map wins)."),
    # listings
    "no_figures": ("（无数据）", "(no figures)"),
    "no_uploads": ("（尚无上传）", "(no uploads yet)"),
    "no_aliases": ("（尚无列名对应）", "(no column aliases yet)"),
    # options
    "bad_month": ("{option} 应写成 YYYY-MM（如 2020-07），而不是“{text}”。", "{option} must be YYYY-MM (e.g. 2020-07), not '{text}'."),
    "bad_day": ("{option} 须写作 YYYY-MM-DD：“{text}”。", "{option} must be written YYYY-MM-DD: '{text}'."),
    "kind_campaign": ("专项活动", "campaign"),
    "kind_metric": ("指标", "metric"),
    "unknown_kind": ("未知的{kind}“{text}”。", "Unknown {kind} '{text}'."),
    "unknown_city": ("未知的城市“{text}”。", "Unknown city '{text}'."),
    # python -m store alias
    "alias_ignore": ("ignore：不导入此列", "ignore: the column is left out"),
    "alias_metric": ("指标“{metric}”（{code}）", "metric '{metric_en}' ({code})"),
    "alias_was": ("（原为{meaning}）", " (was {meaning})"),
    "alias_added": ("✓ 今后的文件中，列名“{header}”对应：{meaning}{was}。",
                    "✓ In every later file, the header '{header}' means: {meaning}{was}."),
    "alias_removed": ("✓ 已删除列名“{header}”的对应（{meaning}）；今后的文件中此列名将无法识别。",
                      "✓ The alias of '{header}' ({meaning}) is removed; later files will not recognise it."),
    # accounts
    "no_active_account": ("没有名为“{name}”的有效账号（python -m store user list 列出账号）。",
                          "There is no active account named '{name}' (python -m store user list lists them)."),
    "no_terminal": ("没有终端可输入密码：请用 --password-stdin 从标准输入读取。",
                    "No terminal to type the password on: use --password-stdin to read it from standard input."),
    "password_prompt": ("密码 / Password: ", "密码 / Password: "),
    "password_again": ("再输入一次 / Again: ", "再输入一次 / Again: "),
    "passwords_differ": ("两次输入的密码不一致，未作任何更改。", "The two passwords differ; nothing was changed."),
    "not_a_unit": ("“{text}”不是行政区划表中的单位（如 南京市、高淳区、320100）。",
                   "'{text}' is not a unit of the gazetteer (e.g. 南京市, 高淳区, 320100)."),
    "user_added": ("✓ 已添加账号“{name}”：{role}，{unit}。", "✓ Account '{name}' added: {role}, {unit}."),
    "user_enabled": ("✓ 账号“{name}”已启用。", "✓ Account '{name}' enabled."),
    "user_disabled": ("✓ 账号“{name}”已停用。", "✓ Account '{name}' disabled."),
    "password_set": ("✓ 已设置账号“{name}”的密码。", "✓ The password of '{name}' is set."),
    "role_set": ("✓ 账号“{name}”现为{role}，{unit}。", "✓ Account '{name}' is now {role}, {unit}."),
    # undo, redo, demo
    "undone": ("已撤销上传 {upload_id}，其数据不再计入统计。", "Upload {upload_id} undone; its figures no longer count."),
    "redone": ("已恢复上传 {upload_id}，其数据重新计入统计。", "Upload {upload_id} redone; its figures count again."),
    "demo_removed": ("已移除演示数据：撤销了 {count} 个上传（python -m store demo --restore 可恢复）。",
                     "Demo data removed: {count} upload(s) undone (python -m store demo --restore takes it back)."),
    "demo_restored": ("已恢复演示数据：{count} 个上传重新生效。", "Demo data restored: {count} upload(s) back in effect."),
    "demo_present": ("演示数据已在库中，未重复加载。", "The demo data is already stored; nothing was loaded again."),
    # reporting tasks, progress, review (#12)
    "no_tasks": ("（尚无填报任务）", "(no reporting tasks yet)"),
    "task_added": ("✓ 已新建填报任务 {task_id}：{period} {campaigns}，{count} 个单位须在 {deadline}（北京时间）当天结束前报送。",
                   "✓ Reporting task {task_id} defined: {period} {campaigns}, {count} unit(s) to report by the end "
                   "of {deadline} (Asia/Shanghai)."),
    "rule_added": ("✓ 已新建每月填报任务规则 {task_id}：自 {period} 起每月一期，{campaigns}，{count} 个单位，"
                   "截止日为每月末后 {days} 天；已生成 {made} 期任务（python -m store tasks list 列出）。",
                   "✓ Monthly reporting rule {task_id} defined: one task a month from {period} on, {campaigns}, "
                   "{count} unit(s), due {days} day(s) after each month's end; {made} monthly task(s) made so far "
                   "(python -m store tasks list lists them)."),
    "nothing_to_edit": ("未指定要修改的内容：请给出 --deadline、--units、--campaign、--metric 或 --title。",
                        "Nothing to change: give --deadline, --units, --campaign, --metric or --title."),
    "task_edited": ("✓ 已修改填报任务 {task_id}。", "✓ Reporting task {task_id} changed."),
    "task_closed": ("✓ 填报任务 {task_id} 已关闭，不再催报。", "✓ Reporting task {task_id} closed; it is no longer chased."),
    "task_reopened": ("✓ 填报任务 {task_id} 已重新开启。", "✓ Reporting task {task_id} reopened."),
    "of_campaign": ("（{campaign}）", " for {campaign}"),
    "no_open_task": ("填报期 {period}{what}没有进行中的填报任务。请先添加，如：python -m store tasks add --period {period} "
                     "--campaign {campaign} --units cities --deadline YYYY-MM-DD",
                     "There is no open reporting task for {period}{what}. Add one first, e.g. python -m store tasks "
                     "add --period {period} --campaign {campaign} --units cities --deadline YYYY-MM-DD"),
    "task_title": ("“{title}”", " '{title}'"),
    "progress_task": ("填报任务 {task_id}{title}：{period}，{campaigns}，截止 {deadline}",
                      "Reporting task {task_id}{title}: {period}, {campaigns}, due {deadline}"),
    "progress_counts": ("共 {total} 个单位：", "{total} unit(s): "),
    "count_separator": ("，", ", "),
    "reason_needed": ("退回时须用 --reason 写明原因，如：python -m store review return {upload_id} --reason 原因",
                      "Say why with --reason when returning, e.g. python -m store review return {upload_id} "
                      "--reason TEXT"),
    "review_approved": ("✓ 上传 {upload_id} 已审核通过。", "✓ Upload {upload_id} approved."),
    "review_returned": ("✓ 已退回上传 {upload_id}（原因：{reason}）；其数据不再计入统计，直至该单位重新上传。",
                        "✓ Upload {upload_id} returned (reason: {reason}); its figures no longer count until the "
                        "unit uploads again."),
    # failures
    "cannot_open": ("无法打开数据库（DATABASE_URL）：{detail}", "Cannot open the store (DATABASE_URL): {detail}"),
    "database_failed": ("数据库出错，本次操作未作任何更改：{detail}", "The store failed; this operation changed nothing: {detail}"),
    "unexpected": ("意外错误，本次操作未完成：{detail}", "Unexpected error; the operation did not complete: {detail}"),
    # python -m loaders
    "report_counts": ("{facts} 条数据，{errors} 个错误，{warnings} 个警告", "{facts} facts, {errors} errors, {warnings} warnings"),
    "error_line": ("错误：{message}", "ERROR: {message}"),
    "cannot_write": ("无法写入“{path}”（{detail}）", "cannot write '{path}' ({detail})"),
    # the web server (scripts/serve.py)
    "setup_link": ("首次使用：打开此链接创建第一个管理员（仅可使用一次）",
                   "First start: open this link to create the first administrator (works once):"),
}
