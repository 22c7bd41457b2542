"""Entry point: page config, the shared sidebar, navigation over pages/."""
from __future__ import annotations

import streamlit as st

import ui
from i18n import t
from settings import ROOT

# A local favicon: a :material/…: page icon would be fetched from a font host, and the app makes no outside requests.
st.set_page_config(page_title="文明实践 KPI · Civic-practice KPI", page_icon=str(ROOT / "data" / "brand" / "favicon.png"),
                   layout="wide")


def main() -> None:
    lang = ui.current_language()
    pages = [
        st.Page("pages/overview.py", title=t("page_overview", lang), icon=":material/dashboard:", default=True),
        st.Page("pages/regions.py", title=t("page_regions", lang), icon=":material/map:", url_path="regions"),
        st.Page("pages/upload.py", title=t("page_upload", lang), icon=":material/upload_file:", url_path="upload"),
        st.Page("pages/history.py", title=t("page_history", lang), icon=":material/history:", url_path="history"),
        st.Page("pages/aliases.py", title=t("page_aliases", lang), icon=":material/swap_horiz:", url_path="aliases"),
    ]
    navigation = st.navigation(pages)
    ui.guarded(navigation.run)


main()
