"""Entry point: page config, who is logged in, navigation over the pages the actor's role allows."""
from __future__ import annotations

import streamlit as st

import ui
from i18n import t
from settings import ROOT

# A local favicon: a :material/…: page icon would be fetched from a font host, and the app makes no outside requests.
st.set_page_config(page_title="文明实践 KPI · Civic-practice KPI", page_icon=str(ROOT / "data" / "brand" / "favicon.png"),
                   layout="wide")


# (permission that shows the page, script, title, icon, url path); overview is the default page
PAGES = [
    ("view", "pages/overview.py", "page_overview", ":material/dashboard:", None),
    ("view", "pages/regions.py", "page_regions", ":material/map:", "regions"),
    ("view", "pages/data.py", "page_data", ":material/table_view:", "data"),
    ("view", "pages/campaigns.py", "page_campaigns", ":material/campaign:", "campaigns"),
    ("view", "pages/progress.py", "progress.page_title", ":material/fact_check:", "progress"),
    ("upload", "pages/upload.py", "page_upload", ":material/upload_file:", "upload"),
    ("see_names", "pages/history.py", "page_history", ":material/history:", "history"),
    ("see_names", "pages/remind.py", "remind.page_title", ":material/notifications_active:", "remind"),
    ("manage_aliases", "pages/aliases.py", "page_aliases", ":material/swap_horiz:", "aliases"),
    ("manage_users", "pages/users.py", "page_users", ":material/group:", "users"),
    ("audit", "pages/audit.py", "page_audit", ":material/policy:", "audit"),
]


def main() -> None:
    lang = ui.current_language()
    actor = ui.identify()
    if not ui.may_view(actor):  # KPI_PUBLIC_VIEW=0 and nobody logged in
        pages = [st.Page(ui.login_prompt, title=t("page_login", lang), icon=":material/login:", default=True)]
    else:
        offered = [row for row in PAGES if actor.can(row[0])]
        st.session_state[ui.PAGES_KEY] = tuple(script for _, script, _, _, _ in offered)
        pages = [st.Page(script, title=t(title, lang), icon=icon, **({"url_path": path} if path else {"default": True}))
                 for permission, script, title, icon, path in offered]
    navigation = st.navigation(pages)
    ui.guarded(navigation.run)


main()
