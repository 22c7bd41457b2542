"""Reminders (催报): a task's units not reported or returned, with their reporters; the list to download, the message
to copy, e-mails to send (with KPI_SMTP_URL, for those who may manage tasks) and the reminders already sent.

Opened with ?task=ID (the progress page links here); a task picker otherwise. A city's account sees its own units.
"""
from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st

import cached
import reminders
import ui
from errors import KpiError
from i18n import t
from settings import get_settings
from store.reminding import OUTCOME_FAILED, OUTCOME_NO_ADDRESS, OUTCOME_OK

linked = st.query_params.get("task")  # read before anything else touches the address
ctx = ui.start_page("remind.page_title", demo_note_shown=False, permission="see_names", filters=False)
lang, catalog = ctx.lang, ctx.catalog
store = cached.get_store()
actor, client = ui.current_actor(), ui.client_address()
now = datetime.now(timezone.utc)

st.caption(t("remind.intro", lang))
tasks = {task.id: task for task in store.tasks() if not task.is_rule}
if not tasks:
    st.info(t("remind.no_tasks", lang))
    st.stop()
ids = list(reversed(tasks))  # the newest first
if linked is not None and linked != st.session_state.get("_remind_linked"):  # a link not followed yet
    st.session_state["_remind_linked"] = linked
    if linked.strip().isdigit() and int(linked) in tasks:
        st.session_state["remind_task"] = int(linked)
    else:
        ui.say("warning", "remind.no_task_in_link", lang, task=linked[:20])


def task_text(task_id: int) -> str:
    task = tasks[task_id]
    return t("remind.task_option", lang, id=task.id, title=task.title or reminders.task_title(task, catalog, lang),
             deadline=reminders.day_text(task.deadline, lang))


task = tasks[st.selectbox(t("remind.task", lang), ids, format_func=task_text, key="remind_task")]
if linked != str(task.id):  # the address links to the task shown
    st.query_params["task"] = st.session_state["_remind_linked"] = str(task.id)
items = reminders.units_to_remind(store, task, actor=actor, now=now)
total = reminders.unit_count(task, actor)
ui.say("markdown", "remind.summary", lang, deadline=reminders.day_text(task.deadline, lang),
       timing=reminders.timing_text(task, now, lang, owed=bool(items)), count=len(items), total=total)

if not items:
    st.success(t("remind.nothing", lang), icon=":material/task_alt:")
else:
    st.subheader(t("remind.list", lang))
    ui.table(reminders.reminders_frame(items, catalog, lang), "remind_table", lang, t("remind.file_name", lang),
             about=reminders.about_rows(task, items, catalog, lang, now))

    st.subheader(t("remind.message", lang))
    sender = actor.display_name or actor.name
    chinese, english = st.tabs([t("remind.message_zh", lang), t("remind.message_en", lang)])
    # plain text areas: the units' names and the reasons are never read as Markdown
    for tab, language in ((chinese, "zh"), (english, "en")):
        tab.text_area(t(f"remind.message_{language}", lang),
                      reminders.reminder_message(task, items, language, sender=sender, now=now),
                      key=f"remind_message_{language}_{task.id}", height=220, label_visibility="collapsed")

    if actor.can("manage_tasks"):
        smtp_url = get_settings().smtp_url
        row = st.container(horizontal=True, gap="small")
        clicked_send = smtp_url and row.button(t("remind.send", lang), key="remind_send", type="primary",
                                               help=t("remind.send_help", lang), icon=":material/forward_to_inbox:")
        if row.button(t("remind.record_message", lang), key="remind_record_message",
                      help=t("remind.record_message_help", lang), icon=":material/done_all:"):
            try:
                reminders.record_message(store, task, items, actor, client)
            except KpiError as refused:
                ui.show_error(refused, lang)
            else:
                ui.say("success", "remind.message_recorded", lang, count=len(items))
        if not smtp_url:
            st.caption(t("remind.no_smtp", lang))
        if clicked_send:
            try:
                outcomes = reminders.send_reminders(store, task, actor, smtp_url, [i.unit.adcode for i in items],
                                                    client=client, now=now)
            except KpiError as refused:
                ui.show_error(refused, lang)
            else:
                counts = {kind: sum(o.outcome == kind for o in outcomes)
                          for kind in (OUTCOME_OK, OUTCOME_FAILED, OUTCOME_NO_ADDRESS)}
                kind = "success" if counts[OUTCOME_OK] == len(outcomes) else "warning"
                ui.say(kind, "remind.sent_summary", lang, sent=counts[OUTCOME_OK], failed=counts[OUTCOME_FAILED],
                       missing=counts[OUTCOME_NO_ADDRESS])
                st.markdown(f"**{t('remind.outcome', lang)}**")
                st.dataframe(reminders.outcomes_frame(outcomes, catalog, lang), key="remind_outcomes",
                             hide_index=True, width="stretch")

st.subheader(t("remind.history", lang))
sent = reminders.reminders_kept(store, task, actor)
if sent.empty:
    st.caption(t("remind.history_none", lang))
else:
    ui.table(reminders.sent_frame(sent, catalog, lang), "remind_history", lang, t("remind.history", lang))
