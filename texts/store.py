"""What the store says when it refuses or fails (store.errors' family), keyed as i18n.t("store.KEY")."""
from __future__ import annotations

STORE: dict[str, tuple[str, str]] = {
    # a database failure around a transaction (store.errors.database_failure); {what} is one of the what_* texts
    "database_failed": ("{what}：数据库出错，未作任何更改（{detail}）。",
                        "{what}: the store failed and nothing was changed ({detail})."),
    "what_file": ("文件“{file}”", "File '{file}'"),
    "what_uploads": ("批量撤销/恢复", "Undo/redo of several uploads"),
    "what_upload": ("上传 {upload_id}", "Upload {upload_id}"),
    "what_header": ("列名“{header}”", "Header '{header}'"),
    "what_audit": ("审计记录", "Audit entry"),
    "what_account": ("账号“{name}”", "Account '{name}'"),
    "what_login": ("登录", "Login"),
    "what_setup": ("设置链接", "Set-up link"),
    # a refused action (store.users.refuse); {action} is one of the act_* texts
    "refused": ("{who}（{role}）无权{action}，未作任何更改。", "{who} ({role}) may not {action}; nothing was changed."),
    "anonymous": ("访客", "an anonymous visitor"),
    "act_download": ("下载上传 {upload_id} 的原始文件", "download the original file of upload {upload_id}"),
    "act_upload": ("上传数据", "upload figures"),
    "act_backdate": ("为上传指定报送日期", "give an upload its date of reporting"),
    "act_set_statuses": ("批量撤销或恢复上传", "undo or redo several uploads at once"),
    "act_undo": ("撤销上传 {upload_id}", "undo upload {upload_id}"),
    "act_redo": ("恢复上传 {upload_id}", "redo upload {upload_id}"),
    "act_add_alias": ("添加列名对应", "add column aliases"),
    "act_remove_alias": ("删除列名对应", "remove column aliases"),
    "act_demo": ("移除或恢复演示数据", "remove or restore the demo data"),
    "act_add_user": ("添加账号", "add accounts"),
    "act_change_user": ("修改账号", "change accounts"),
    # rows outside the uploader's unit (store.accounts.scope_message)
    "act_outside_scope": ("上传{unit}以外的数据：{rows}", "upload figures outside {unit}: {rows}"),
    "scope_row": ("工作表“{sheet}”第 {row} 行（{place}）", "sheet '{sheet}' row {row} ({place})"),
    "scope_more": ("另有 {more} 行", "and {more} more row(s)"),
    "scope_province": ("省公司层面", "province level"),
    "list_separator": ("；", "; "),
    # upload texts that do not fit their column (store.core.check_upload_texts)
    "field_file_name": ("文件名", "file name"),
    "field_uploader": ("上传人", "uploader name"),
    "field_source": ("来源", "source"),
    "text_too_long": ("{field}有 {length} 个字符，超过上限 {limit} 个字符，未保存任何数据。",
                      "The {field} has {length} characters, over the limit of {limit}; nothing was stored."),
    "text_nul": ("{field}含有空字符（\\x00），无法保存，未保存任何数据。",
                 "The {field} holds a NUL character (\\x00), which cannot be stored; nothing was stored."),
    # uploads
    "file_has_errors": ("文件“{file}”有 {errors} 处错误，未保存任何数据。",
                        "File '{file}' has {errors} error(s); nothing was stored."),
    "no_period": ("有数据缺少统计期间，未保存任何数据。", "Some figures have no period; nothing was stored."),
    "same_file": ("同一文件已于 {when} 上传过（上传编号 {upload_id}，“{file}”），未重复保存。",
                  "This same file was already uploaded on {when} (upload #{upload_id}, '{file}'); nothing was stored "
                  "again."),
    "no_upload": ("没有编号为 {upload_id} 的上传记录。", "There is no upload number {upload_id}."),
    "already_undone": ("上传 {upload_id} 已撤销。", "Upload {upload_id} is already undone."),
    "already_in_effect": ("上传 {upload_id} 已生效。", "Upload {upload_id} is already in effect."),
    # column aliases
    "header_empty": ("列名为空，未保存列名对应。", "The header is empty; no column alias was stored."),
    "header_too_long": ("列名过长（超过 {limit} 个字符）或含有空字符，未保存列名对应。",
                        "The header is longer than {limit} characters or holds a NUL character; no column alias was "
                        "stored."),
    "not_a_metric_code": ("“{target}”不是指标代码，也不是 ignore（不导入此列）；可用的指标代码：{codes}。",
                          "'{target}' is neither a metric code nor ignore (leave the column out); metric codes: "
                          "{codes_en}."),
    "no_alias": ("没有列名“{header}”的对应关系。", "There is no column alias for '{header}'."),
    # accounts
    "password_short": ("密码至少需要 {minimum} 个字符（不含空字符）。",
                       "A password needs at least {minimum} characters (and no NUL character)."),
    "name_account": ("账号名", "account name"),
    "name_display": ("显示名称", "display name"),
    "name_unusable": ("{what}“{name}”不可用：须为 1–{limit} 个字符，不含控制字符，不以 os: 开头。",
                      "The {what} '{name}' cannot be used: 1–{limit} characters, no control characters, not starting "
                      "with os:."),
    "account_exists": ("账号“{name}”已存在。", "The account '{name}' exists already."),
    "no_account": ("没有名为“{name}”的账号。", "There is no account named '{name}'."),
    "last_admin": ("不能停用或降级最后一个管理员账号。", "The last active admin cannot be disabled or demoted."),
    "no_role": ("没有名为“{role}”的角色（可选：{roles}）。", "There is no role '{role}' (choose one of {roles_en})."),
    "no_unit": ("单位代码“{unit}”不在行政区划表中。", "The unit code '{unit}' is not in the gazetteer."),
    "login_locked": ("登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。",
                     "Too many failed logins: the account is locked; try again in {minutes} minute(s)."),
    "login_wrong": ("账号或密码不正确。", "The account name or password is wrong."),
    "login_disabled": ("此账号已停用，请联系管理员。", "This account is disabled; ask an administrator."),
    "setup_link_used": ("设置链接无效或已使用。", "The set-up link is unknown or was used already."),
}
