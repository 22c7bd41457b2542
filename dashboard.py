"""Entry point: page config, the shared sidebar, navigation over pages/."""
from __future__ import annotations

import streamlit as st

import ui
from i18n import t

st.set_page_config(page_title="文明实践 KPI · Civic-practice KPI", page_icon="⚡", layout="wide")


def main() -> None:
    lang = ui.current_language()
    pages = [
        st.Page("pages/overview.py", title=t("page_overview", lang), icon="📊", url_path="overview", default=True),
        st.Page("pages/regions.py", title=t("page_regions", lang), icon="🗺️", url_path="regions"),
    ]
    navigation = st.navigation(pages)
    st.sidebar.markdown(f"**{t('app_title', lang)}**")
    st.session_state.pop(ui.CONTEXT_KEY, None)
    ui.guarded(ui.build_context)
    if ui.CONTEXT_KEY in st.session_state:
        ui.guarded(navigation.run)


main()
