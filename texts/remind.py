"""What reminders (催报, reminders.py and pages/remind.py, #12 item 5) say: accounts' e-mail addresses, the list of
units to remind, the message to paste, the e-mails and their outcome; keyed as i18n.t("remind.KEY")."""
from __future__ import annotations

REMIND: dict[str, tuple[str, str]] = {
    # accounts' addresses (store/users.py, store/cli.py, pages/users.py)
    "email_unusable": ("“{address}”不是可用的电子邮箱地址：请只填写一个地址，如 zhangsan@js.sgcc.com.cn"
                       "（字母、数字和 . _ - + 等符号），不能含空格、逗号、引号或换行。",
                       "'{address}' is not a usable e-mail address: give one address, such as zhangsan@js.sgcc.com.cn "
                       "(letters, digits and signs such as . _ - +), without spaces, commas, quotes or line breaks."),
    "email_set": ("账号 {name} 的电子邮箱已设为 {email}。", "The e-mail address of account {name} is now {email}."),
    "email_cleared": ("账号 {name} 的电子邮箱已清除。", "Account {name} no longer has an e-mail address."),
    "user_email": ("电子邮箱", "E-mail"),
    "user_email_help": ("催报邮件发往此地址（可不填）", "Reminders are e-mailed to this address (optional)"),
    "user_set_email": ("保存电子邮箱", "Save e-mail address"),
    "user_email_saved": ("账号 {name} 的电子邮箱已保存。", "The e-mail address of account {name} was saved."),
    # refusals and failures
    "act_remind": ("催报填报任务 {task_id} 的单位", "remind the units of reporting task {task_id}"),
    "what_reminders": ("填报任务 {task_id} 的催报记录", "The reminders of reporting task {task_id}"),
    "smtp_url_bad": ("KPI_SMTP_URL 的格式不对，应为 smtp://[用户名:密码@]主机[:端口][?from=发件地址&starttls=1]"
                     "（加密连接用 smtps://）。",
                     "KPI_SMTP_URL is not in the form smtp://[user:password@]host[:port][?from=ADDRESS&starttls=1] "
                     "(smtps:// for TLS)."),
    "separator": ("、", ", "),  # between the units or people of a list
    # the list (page table and .xlsx)
    "col_unit": ("单位", "Unit"),
    "col_level": ("层级", "Level"),
    "col_city": ("所属地市", "City"),
    "col_status": ("状态", "Status"),
    "col_days_late": ("逾期天数", "Days late"),
    "col_deadline": ("截止日期", "Deadline"),
    "col_reason": ("退回原因", "Reason returned"),
    "col_reporters": ("填报员", "Reporters"),
    "col_emails": ("电子邮箱", "E-mail addresses"),
    "col_note": ("备注", "Note"),
    "note_via_city": ("本单位无填报员账号，由{city}填报员转达", "No reporter account of its own: {city}'s reporters pass it on"),
    "note_no_reporter": ("无填报员账号", "No reporter account"),
    "note_no_address": ("填报员未登记电子邮箱", "No reporter has an e-mail address"),
    "file_name": ("催报名单", "units_to_remind"),
    "about_task": ("填报任务", "Reporting task"),
    "about_deadline": ("截止日期", "Deadline"),
    "about_as_of": ("统计时间", "As of"),
    "about_count": ("待催报单位数", "Units to remind"),
    # the message to paste (zh and en); {timing} is one of timing_*
    "timing_late": ("（已逾期 {days} 天）", " ({days} days overdue)"),
    "timing_past": ("（已过 {days} 天）", " ({days} days ago)"),
    "timing_today": ("（今天截止）", " (due today)"),
    "timing_left": ("（距截止还有 {days} 天）", " ({days} days left)"),
    "msg_greeting": ("各单位：", "To all units:"),
    "msg_deadline": ("{title}数据填报截止日期为{deadline}{timing}。",
                     "The deadline for reporting the {title} figures is {deadline}{timing}."),
    "msg_pending": ("截至{today}，以下{count}个单位尚未报送：{units}，请尽快报送。",
                    "As of {today}, these {count} units have not reported: {units}. "
                    "Please report as soon as possible."),
    "msg_returned": ("以下{count}个单位报送的数据已被退回，请按审核意见修改后重新报送：{units}。",
                     "The submissions of these {count} units were returned: please correct them as the reviewers "
                     "asked and submit again: {units}."),
    "city_counties": ("{city}：{counties}", "{city}: {counties}"),
    "msg_reason": ("（退回原因：{reason}）", " (reason: {reason})"),
    "msg_how": ("请登录文明实践 KPI 看板报送，如有问题请及时联系。", "Please report on the civic-practice KPI dashboard; "
                "if anything is unclear, get in touch."),
    "msg_contact": ("联系人：{name}", "Contact: {name}"),
    "msg_nothing": ("{title}数据：所有单位均已报送，无需催报。", "{title} figures: every unit has reported; nobody to remind."),
    "day_pattern": ("y年M月d日", "d MMMM y"),  # Babel date patterns: 2020年8月7日, 7 August 2020
    "month_pattern": ("y年M月", "MMMM y"),
    "quarter": ("{year}年第{quarter}季度", "Q{quarter} {year}"),
    # one unit's e-mail (subject and body; Chinese above, English below)
    "mail_subject": ("【催报】{unit}：{title}数据{state}", "Reminder: {unit}, {title} figures {state}"),
    "subject_late": ("已逾期 {days} 天未报送", "{days} days overdue"),
    "subject_pending": ("请于{deadline}前报送", "due by {deadline}"),
    "subject_returned": ("已退回，请修改后重新报送", "returned: please correct and submit again"),
    "mail_greeting": ("{names}：", "Dear {names},"),
    "mail_late": ("{unit}尚未报送，已逾期 {days} 天，请尽快报送。",
                  "{unit} has not reported and is {days} days overdue: please report as soon as possible."),
    "mail_pending": ("{unit}尚未报送，请于截止日期前报送。", "{unit} has not reported yet: please report by the deadline."),
    "mail_returned": ("{unit}报送的数据已被退回，请按审核意见修改后重新报送。退回原因：{reason}",
                      "The figures {unit} submitted were returned: please correct them as the reviewer asked and "
                      "submit again. Reason: {reason}"),
    "mail_via_city": ("{unit}尚无填报员账号，请{city}代为转告或报送。",
                      "{unit} has no reporter account: {city}, please pass this on or report for it."),
    "mail_sender": ("文明实践 KPI 看板", "Civic-practice KPI dashboard"),
    "mail_footer": ("此邮件由文明实践 KPI 看板发出。", "This e-mail was sent by the civic-practice KPI dashboard."),
    # sending and its outcome
    "outcome_ok": ("已发送", "sent"),
    "outcome_failed": ("发送失败", "failed"),
    "outcome_no_address": ("无电子邮箱，未发送", "not e-mailed: no address"),
    "channel_email": ("邮件", "e-mail"),
    "channel_message": ("消息", "message"),
    # the page
    "page_title": ("催报", "Reminders"),
    "intro": ("列出填报任务中尚未报送或被退回的单位及其填报员；可下载名单、复制催报通知，或（已配置邮件服务器时）"
              "向各单位填报员发送催报邮件。",
              "The units of a reporting task that have not reported or were returned, with their reporters: "
              "download the list, copy the reminder, or (with a mail server configured) e-mail each unit's reporters."),
    "task": ("填报任务", "Reporting task"),
    "task_option": ("#{id} {title} · 截止 {deadline}", "#{id} {title} · due {deadline}"),
    "no_tasks": ("还没有填报任务。", "There are no reporting tasks yet."),
    "no_task_in_link": ("链接中的填报任务 {task} 不存在，请从下面选择。", "The link's reporting task {task} does not "
                        "exist: choose one below."),
    "summary": ("截止日期 {deadline}{timing}：{count} 个单位待催报（共 {total} 个单位）。",
                "Deadline {deadline}{timing}: {count} units to remind (of {total})."),
    "nothing": ("所有单位均已报送，无需催报。", "Every unit has reported: nobody to remind."),
    "list": ("待催报单位", "Units to remind"),
    "message": ("催报通知（可修改后复制）", "Reminder message (edit, then copy)"),
    "message_zh": ("中文", "Chinese"),
    "message_en": ("英文", "English"),
    "record_message": ("记录已发送通知", "Record the message as sent"),
    "record_message_help": ("把上面的通知发到工作群后点此，催报记录中会留下这些单位。",
                            "After posting the message above to the units, click to keep it in the reminders kept."),
    "message_recorded": ("已记录 {count} 个单位的催报。", "Kept the reminder of {count} units."),
    "send": ("发送催报邮件", "Send reminder e-mails"),
    "send_help": ("向每个单位的填报员各发一封邮件（中英文），发送结果见下方。",
                  "One e-mail (Chinese and English) to each unit's reporters; the outcome is shown below."),
    "no_smtp": ("未配置邮件服务器（KPI_SMTP_URL），请复制上面的通知发送。",
                "No mail server is configured (KPI_SMTP_URL): copy the message above and send it."),
    "sent_summary": ("已发送 {sent} 个单位，失败 {failed} 个，{missing} 个单位无电子邮箱。",
                     "Sent to {sent} units; {failed} failed; {missing} units have no e-mail address."),
    "outcome": ("发送结果", "Outcome"),
    "col_outcome": ("结果", "Outcome"),
    "col_error": ("错误", "Error"),
    "history": ("已催报记录", "Reminders sent"),
    "history_none": ("此任务尚无催报记录。", "No reminder was sent for this task yet."),
    "col_at": ("时间", "When"),
    "col_channel": ("方式", "Channel"),
    "col_recipients": ("收件人", "To"),
    "col_actor": ("催报人", "By"),
}
