"""Reporting progress (填报进度, #12 item 4): per task and unit who has reported, the grid of units × periods
coloured by status, each unit's last upload and days early/late, the units ranked as the province assesses them;
for those who manage tasks, the tasks themselves (add, close, reopen)."""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

import cached
import display
import ui
from charts import progress_heatmap
from errors import KpiError
from i18n import format_month, t
from labels import city_label
from reporting import (
    STATUS_COLOR_NAMES, ProgressFilters, filter_progress, matching_tasks, ordered_rows, progress_grid, reported_count,
    status_counts, task_months,
)
from store.cycle import MONTHLY, STATUSES, UNITS_ALL, UNITS_CITIES, UNITS_COUNTIES

REMIND_PAGE = "pages/remind.py"  # the reminders page (催报), linked with ?task=ID where it exists
ALL = ""

ctx = ui.start_page("progress.page_title", demo_note_shown=False, filters=False)
lang, catalog = ctx.lang, ctx.catalog
store = cached.get_store()
actor, client = ui.current_actor(), ui.client_address()
manages = actor.can("manage_tasks")


def attempt(change, done_key: str) -> None:
    """Run a store change; its refusal is shown, its success after a rerun."""
    try:
        done = change()
    except KpiError as refused:
        ui.show_error(refused, lang)
    else:
        ui.after_rerun_message(ui.md(done_key, lang, id=done))
        st.rerun()


def manage_tasks(empty: bool) -> None:
    """The tasks (close or reopen one) and the form that adds one: for roles that manage tasks only."""
    with st.expander(t("progress.add_header", lang), expanded=empty, icon=":material/add_task:"):
        with st.form("task_add_form"):
            a, b = st.columns(2)
            period = a.text_input(t("progress.add_period", lang), key="task_add_period", max_chars=20,
                                  help=t("progress.add_period_help", lang))
            campaigns = b.multiselect(t("progress.add_campaigns", lang), list(catalog.campaigns), key="task_add_campaigns",
                                      format_func=lambda code: catalog.campaigns[code].label(lang))
            units = a.selectbox(t("progress.add_units", lang), [UNITS_CITIES, UNITS_COUNTIES, UNITS_ALL, "list"],
                                key="task_add_units", format_func=lambda u: t("progress.units_list", lang)
                                if u == "list" else t(f"cycle.units_{u}", lang))
            names = b.text_input(t("progress.add_unit_names", lang), key="task_add_names", max_chars=2000)
            deadline = a.date_input(t("progress.add_deadline", lang), key="task_add_deadline",
                                    value=date.today() + timedelta(days=7))
            title = b.text_input(t("progress.add_title", lang), key="task_add_title", max_chars=200)
            recurring = st.checkbox(t("progress.add_recurring", lang), key="task_add_recurring")
            if st.form_submit_button(t("progress.add_submit", lang), type="primary", key="task_add_submit",
                                     icon=":material/add_task:"):
                attempt(lambda: store.add_task(period, campaigns, names if units == "list" else units, deadline,
                                               recurring=MONTHLY if recurring else "", title=title, actor=actor,
                                               client=client), "progress.added")
    listed = cached.tasks_frame()
    if listed.empty:
        return
    st.subheader(t("progress.tasks_header", lang))
    ui.table(display.tasks_table_frame(listed, catalog, lang), "tasks_table", lang, t("progress.file_tasks", lang))
    labels = {int(row.id): f"#{row.id} {row.period} {row.title}" for row in listed.itertuples()}
    chosen = st.selectbox(t("progress.choose_task", lang), list(labels), format_func=labels.get, key="task_choice")
    edit_task(store.task(chosen))
    if listed.set_index("id").at[chosen, "status"] == "open":
        if st.button(t("progress.close", lang), key="task_close", icon=":material/task_alt:"):
            attempt(lambda: store.close_task(chosen, actor, client) or chosen, "progress.closed")
    elif st.button(t("progress.reopen", lang), key="task_reopen", icon=":material/replay:"):
        attempt(lambda: store.close_task(chosen, actor, client, reopen=True) or chosen, "progress.reopened")


def edit_task(task) -> None:
    """The chosen task's deadline, title and units, changed in one form (a rule's: for the months it makes next)."""
    with st.expander(t("progress.edit_header", lang, id=task.id), icon=":material/edit_calendar:"):
        with st.form(f"task_edit_form_{task.id}"):
            a, b = st.columns(2)
            deadline = a.date_input(t("progress.add_deadline", lang), value=task.deadline, key=f"task_edit_deadline_{task.id}")
            title = b.text_input(t("progress.add_title", lang), value=task.title, key=f"task_edit_title_{task.id}",
                                 max_chars=200)
            units = st.text_input(t("progress.edit_units", lang), value=display.units_spec_text(task.units, catalog),
                                  key=f"task_edit_units_{task.id}", max_chars=2000)
            if st.form_submit_button(t("progress.edit_submit", lang), key=f"task_edit_submit_{task.id}",
                                     icon=":material/save:"):
                attempt(lambda: store.edit_task(task.id, deadline=deadline, title=title, units=units, actor=actor,
                                                client=client) or task.id, "progress.edited")


def remind_links(task_ids: list[int]) -> None:
    """A link per task to the reminders page (催报, ?task=ID), where dashboard.PAGES offers it to this account."""
    if not ui.page_offered(REMIND_PAGE):
        return
    row = st.container(horizontal=True, gap="small")
    for task_id in task_ids:
        row.page_link(REMIND_PAGE, label=t("progress.remind", lang, id=task_id), icon=":material/campaign:",
                      query_params={"task": str(task_id)})


st.caption(t("progress.intro", lang))

usable = matching_tasks(cached.tasks(), ProgressFilters())
if not usable:
    st.info(t("progress.no_tasks", lang) + " " + t("progress.no_tasks_manage" if manages else "progress.no_tasks_ask",
                                                    lang), icon=":material/assignment:")
    if manages:
        manage_tasks(empty=True)
    st.stop()

months = [f"{m:%Y-%m}" for m in task_months(usable)]
for key, default in (("progress_from", months[0]), ("progress_to", months[-1])):
    if st.session_state.get(key) not in months:
        st.session_state[key] = default
campaign_codes = [ALL, *sorted({c for task in usable for c in task.campaigns})]
if st.session_state.get("progress_campaign") not in campaign_codes:  # a choice the tasks no longer offer
    st.session_state["progress_campaign"] = ALL
left, middle, right, last = st.columns(4)
lower = left.selectbox(t("month_from", lang), months, key="progress_from",
                       format_func=lambda m: format_month(date.fromisoformat(m + "-01"), lang))
upper = middle.selectbox(t("month_to", lang), months, key="progress_to",
                         format_func=lambda m: format_month(date.fromisoformat(m + "-01"), lang))
campaign = right.selectbox(t("progress.campaign", lang), campaign_codes, key="progress_campaign",
                           format_func=lambda c: t("progress.all_campaigns", lang) if c == ALL else
                           catalog.campaigns[c].label(lang) if c in catalog.campaigns else c)
city = last.selectbox(t("progress.city", lang), [ALL, *[c.name for c in catalog.cities]], key="progress_city",
                      format_func=lambda c: t("progress.all_cities", lang) if c == ALL else city_label(catalog, c, lang))
statuses = st.multiselect(t("progress.status", lang), list(STATUSES), key="progress_status",
                          format_func=lambda s: t(f"cycle.status_{s}", lang), help=t("progress.status_help", lang),
                          placeholder=t("progress.status_help", lang))
lower, upper = min(lower, upper), max(lower, upper)
filters = ProgressFilters(date.fromisoformat(lower + "-01"), date.fromisoformat(upper + "-01"), campaign or None,
                          city or None, tuple(statuses))
chosen = matching_tasks(usable, filters)
if not chosen:
    st.info(t("progress.no_match", lang), icon=":material/filter_alt_off:")
    if manages:
        manage_tasks(empty=False)
    st.stop()

picked = chosen
if len(chosen) > 1:
    options = [0, *[task.id for task in chosen]]
    labels = {task.id: display.task_label(task, catalog, lang) for task in chosen}
    if st.session_state.get("progress_task") not in options:  # a task the filters left out: all of them
        st.session_state["progress_task"] = 0
    choice = st.selectbox(t("progress.task", lang), options, key="progress_task",
                          format_func=lambda i: t("progress.all_tasks", lang, count=len(chosen)) if i == 0 else labels[i])
    picked = chosen if choice == 0 else [task for task in chosen if task.id == choice]
rows = filter_progress(cached.progress(task.id for task in chosen), filters)
shown = ordered_rows(rows[rows["task_id"].isin([task.id for task in picked])], picked, catalog)

counts = status_counts(shown)
for column, status in zip(st.columns(len(STATUSES)), STATUSES):
    card = column.container(border=True)  # the status's colour as a badge: the grid's colour for it
    card.badge(t(f"cycle.status_{status}", lang), color=STATUS_COLOR_NAMES[status])
    card.metric(t(f"cycle.status_{status}", lang), int(counts[status]), label_visibility="collapsed",
                help=t("progress.counts_help", lang))
done = reported_count(shown)
st.markdown(t("progress.reported_line" if done.tasks <= 1 else "progress.reported_line_many", lang,
              reported=done.reported, owed=done.owed, tasks=done.tasks))
remind_links([task.id for task in picked])

if rows.empty:
    st.info(t("progress.no_rows", lang), icon=":material/filter_alt_off:")
else:
    st.subheader(t("progress.grid_header", lang))
    st.caption(t("progress.grid_caption", lang))
    st.plotly_chart(progress_heatmap(progress_grid(rows, chosen, catalog), catalog, lang), key="progress_grid",
                    width="stretch", config={"displayModeBar": False})

if not shown.empty:
    st.subheader(t("progress.table_header", lang))
    uploaders = None
    if actor.can("see_names"):  # anonymous visitors and viewers see the counts, never who uploaded
        history = cached.uploads()
        uploaders = dict(zip(history["id"].astype(int), history["uploader"]))
    ui.table(display.progress_frame(shown, picked, catalog, lang, uploaders), "progress_table", lang,
             t("progress.file_progress", lang),
             export=lambda: display.progress_frame(shown, picked, catalog, lang, uploaders, numbers=True))

    st.subheader(t("progress.assessment_header", lang))
    st.caption(t("progress.assessment_caption", lang))
    assessment = cached.assessment(task.id for task in picked)
    if filters.city:
        assessment = assessment[assessment["city"] == filters.city]
    ui.table(display.assessment_frame(assessment, catalog, lang), "assessment_table", lang,
             t("progress.file_assessment", lang),
             export=lambda: display.assessment_frame(assessment, catalog, lang, numbers=True))

if manages:
    manage_tasks(empty=False)
