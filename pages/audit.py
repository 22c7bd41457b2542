"""Audit log (administrators): who did what, when, from where; filtered by time, user and action; exported
formula-safe (ui.table)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import streamlit as st

import cached
import display
import ui
from i18n import t

CHINA = timezone(timedelta(hours=8))

ctx = ui.start_page("page_audit", demo_note_shown=False, permission="audit", filters=False)
lang = ctx.lang
store = cached.get_store()

st.caption(t("audit_intro", lang))
today = datetime.now(CHINA).date()
a, b, c, d = st.columns(4)
first = a.date_input(t("audit_from", lang), value=today - timedelta(days=30), key="audit_from")
last = b.date_input(t("audit_to", lang), value=today, key="audit_to")
names = [None, *store.users()["name"]]
user = c.selectbox(t("audit_user", lang), names, key="audit_user",
                   format_func=lambda n: t("audit_any", lang) if n is None else n)
action = d.selectbox(t("audit_action", lang), [None, *display.AUDIT_ACTIONS], key="audit_action",
                     format_func=lambda n: t("audit_any", lang) if n is None else n)

start = datetime.combine(min(first, last), time.min, CHINA).astimezone(timezone.utc)
end = datetime.combine(max(first, last), time.max, CHINA).astimezone(timezone.utc)
entries = store.audit_entries(start=start, end=end, user=user, action=action)
if entries.empty:
    st.info(t("audit_none", lang))
else:
    shown = entries.head(ui.ROWS_SHOWN)
    ui.table(display.audit_frame(shown, lang), "audit_table", lang, t("file_audit", lang),
             export=lambda: display.audit_frame(entries, lang))
    if len(entries) > ui.ROWS_SHOWN:
        st.caption(t("rows_shown", lang, shown=ui.ROWS_SHOWN, total=len(entries)))
