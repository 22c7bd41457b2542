"""Column aliases: headers the catalog does not know, read as a metric (or left out) in every later file; remove."""
from __future__ import annotations

import streamlit as st

import cached
import display
import ui
from i18n import t
from store import StoreError

# For administrators only (manage_aliases; dashboard.py registers the page by role, the store checks it too).
ctx = ui.start_page("page_aliases", demo_note_shown=False, permission="manage_aliases", filters=False)
lang = ctx.lang
store = cached.get_store()
actor, client = ui.current_actor(), ui.client_address()

st.caption(t("aliases_intro", lang))

aliases = store.aliases()  # a few rows, read on every run: an alias added in another session shows at once
if aliases.empty:
    st.info(t("aliases_none", lang))
    st.stop()

ui.table(display.aliases_frame(aliases, ctx.catalog, lang), "aliases_table", lang, t("file_aliases", lang))

headers = list(aliases["header"])
targets = [display.alias_target_text(code, ctx.catalog, lang) for code in aliases["target"]]
chosen = st.selectbox(t("alias_choose", lang), range(len(headers)), key="alias_choice",
                      format_func=lambda i: f"{headers[i]} → {targets[i]}")
if st.button(t("alias_remove", lang), key="alias_remove", icon=":material/delete:"):
    try:
        store.remove_alias(headers[chosen], actor=actor, client=client)
    except StoreError as refused:
        ui.show_error(refused, lang)
    else:
        ui.after_rerun_message(ui.md("alias_removed", lang, header=headers[chosen]))
        st.rerun()
