"""Upload history: the uploads within the actor's scope with their status and counts; their figures and what
became of each and its review; the original file, undo and redo, approve and return where the actor's role allows.
A reviewer first sees the uploads awaiting its review (#12)."""
from __future__ import annotations

import streamlit as st

import cached
import display
import ui
from i18n import t
from store import StoreError
from store.demo import remove_demo, restore_demo
from store.schema import REASON_MAX, REVIEW_APPROVED, REVIEW_RETURNED, UPLOAD_ACTIVE

ctx = ui.start_page("page_history", demo_note_shown=False, permission="see_names", filters=False)
lang = ctx.lang
store = cached.get_store()
actor, client = ui.current_actor(), ui.client_address()

st.caption(t("history_intro", lang))
if actor.scoped:
    ui.say("caption", "history_scope", lang, unit=actor.unit_label(ctx.catalog, lang))

history = cached.uploads_for(actor)
if history.empty:
    st.info(t("no_uploads_in_scope" if actor.scoped else "no_uploads", lang))
    st.stop()

only_to_review = False
if actor.can("review"):  # a reviewer's work first: the uploads awaiting its decision, newest first
    to_review = cached.uploads_to_review(actor)
    if to_review.empty:
        st.caption(t("review.to_review_none", lang))
    else:
        st.subheader(t("review.to_review_header", lang, count=len(to_review)))
        st.caption(t("review.to_review_intro", lang))
        regions = {int(i): cached.upload_regions(int(i)) for i in to_review["id"]}
        ui.table(display.to_review_frame(to_review, regions, ctx.catalog, lang), "history_to_review", lang,
                 t("review.file_to_review", lang))
        only_to_review = st.toggle(t("review.only_to_review", lang), key="history_only_to_review")

demo_uploads = history[history["source"] == "demo"]
if not demo_uploads.empty and actor.can("manage_demo"):  # one action for all demo uploads, undoable
    removing = (demo_uploads["status"] == UPLOAD_ACTIVE).any()
    if st.button(t("remove_demo" if removing else "restore_demo", lang), key="history_demo",
                 help=t("remove_demo_help", lang), icon=":material/layers_clear:" if removing else ":material/layers:"):
        try:
            changed = (remove_demo if removing else restore_demo)(store, actor=actor, client=client)
        except StoreError as refused:
            ui.show_error(refused, lang)
        else:
            ui.after_rerun_message(ui.md("demo_removed" if removing else "demo_restored", lang, count=len(changed)))
            st.rerun()

if only_to_review:  # the table and the choice below: the uploads to review only
    history = history[history["id"].isin(to_review["id"])].reset_index(drop=True)
reviews = cached.reviews()
ui.table(display.uploads_frame(history, lang, reviews), "history_table", lang, t("file_history", lang))

# an upload's label never changes (no status in it): a label that changed on undo left the browser showing the old
labels = {row.id: f"#{row.id} · {row.file_name}" + (f" · {t('kind_targets', lang)}" if row.kind == "targets" else "")
          for row in history.itertuples()}
chosen = st.selectbox(t("choose_upload", lang), list(labels), format_func=labels.get, key="history_upload")
row = history.set_index("id").loc[chosen]
st.caption(t("chosen_upload_status", lang, status=t("status_" + row["status"], lang)))
left, right = st.columns(2)
if store.may_act_on(actor, int(chosen), "download"):  # the bytes are read (and the download audited) on click
    left.download_button(t("download_original", lang),
                         lambda: store.upload_content(int(chosen), actor=actor, client=client)[1],
                         row["file_name"], key="history_download", icon=":material/download:", on_click="ignore")
clicked = False
if store.may_act_on(actor, int(chosen), "undo"):
    if row["status"] == UPLOAD_ACTIVE:
        clicked, action, done = right.button(t("undo", lang), key="history_undo", icon=":material/undo:"), store.undo, "undone_done"
    else:
        clicked, action, done = right.button(t("redo", lang), key="history_redo", icon=":material/redo:"), store.redo, "redone_done"

for key, fields in display.review_lines(int(chosen), row["kind"], row["review"], reviews, lang):
    ui.say("caption", key, lang, **fields)
decision = None
if store.may_review(actor, int(chosen)):  # approve / return where the store would allow it
    returning = row["review"] != REVIEW_RETURNED
    if returning:
        reason = st.text_input(t("review.reason_label", lang), key=f"history_reason_{int(chosen)}",
                               max_chars=REASON_MAX, placeholder=t("review.reason_placeholder", lang))
    buttons = st.container(horizontal=True, gap="small")
    if row["review"] != REVIEW_APPROVED and buttons.button(t("review.approve", lang), key="history_approve",
                                                           help=t("review.approve_help", lang),
                                                           icon=":material/task_alt:"):
        decision, reason, done = REVIEW_APPROVED, "", "review.approved_done"
    if returning and buttons.button(t("review.return", lang), key="history_return", help=t("review.return_help", lang),
                                    icon=":material/assignment_return:"):
        decision, done = REVIEW_RETURNED, "review.returned_done"
if decision:
    try:
        store.review(int(chosen), decision, reason, actor=actor, client=client)
    except StoreError as refused:
        ui.show_error(refused, lang)
    else:
        ui.after_rerun_message(ui.md(done, lang, id=int(chosen)))
        st.rerun()

marks = cached.upload_facts(int(chosen))
with st.expander(t("upload_facts", lang) + f" ({len(marks):,})"):
    st.caption(display.upload_facts_summary(marks, lang))
    shown = marks.head(ui.ROWS_SHOWN)
    ui.table(display.upload_facts_frame(shown, ctx.catalog, lang), "history_facts", lang,
             t("file_upload_facts", lang, id=int(chosen)),
             export=lambda: display.upload_facts_frame(shown, ctx.catalog, lang, numbers=True))
    if len(marks) > ui.ROWS_SHOWN:
        st.caption(t("rows_shown", lang, shown=ui.ROWS_SHOWN, total=len(marks)))

if clicked:
    try:
        action(int(chosen), actor=actor, client=client)
    except StoreError as refused:
        ui.show_error(refused, lang)
    else:
        ui.after_rerun_message(ui.md(done, lang, id=int(chosen)))
        st.rerun()
