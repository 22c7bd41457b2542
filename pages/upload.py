"""Upload: parse each file, preview what it adds and corrects, save it in one transaction."""
from __future__ import annotations

import hashlib

import streamlit as st

import cached
import ui
from analytics import inconsistencies_after, metric_totals, total_changes
from exports import error_report
from i18n import t
from loaders import Defaults, LoaderError
from store import StoreError
from store.preview import CORRECTED, NEW, UNCHANGED, preview_changes
from store.schema import UPLOADER_MAX

SAVED_KEY = "_saved_uploads"  # sha256 → upload id, for files saved in this session
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ctx = ui.start_page("page_upload", demo_note_shown=False)
lang, catalog = ctx.lang, ctx.catalog
store = cached.get_store()
saved = st.session_state.setdefault(SAVED_KEY, {})

st.write(t("upload_intro", lang))

left, right, who = st.columns([1, 1, 2])
left.download_button(t("template_zh", lang), cached.template("zh"), "文明实践统计模板.xlsx", XLSX,
                     key="template_zh", icon=":material/download:")
right.download_button(t("template_en", lang), cached.template("en"), "civic_practice_template.xlsx", XLSX,
                      key="template_en", icon=":material/download:")
uploader = who.text_input(t("uploader_name", lang), key="uploader", help=t("uploader_help", lang), max_chars=UPLOADER_MAX)

files = st.file_uploader(t("files", lang), accept_multiple_files=True, key="upload_files",
                         type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"])


def fill_in_form(key: str, needed: bool) -> Defaults:
    """Period, city and campaign for a file that does not say them itself."""
    with st.expander(t("fill_in", lang), expanded=needed):
        st.caption(t("fill_in_help", lang))
        a, b, c = st.columns(3)
        period = a.text_input(t("default_period", lang), key=f"{key}_period")
        city = b.selectbox(t("default_city", lang), [None, *[c.name for c in catalog.cities]], key=f"{key}_city",
                           format_func=lambda name: t("not_given", lang) if name is None else catalog.city_by_name(name).label(lang))
        campaign = c.selectbox(t("default_campaign", lang), [None, *catalog.campaigns], key=f"{key}_campaign",
                               format_func=lambda code: t("not_given", lang) if code is None else catalog.campaigns[code].label(lang))
    return Defaults(campaign=campaign, period=period.strip() or None, city=city)


def show_level_impact(facts, key: str) -> None:
    """The province totals before and after saving, and where parts would exceed their whole (a warning)."""
    changes = total_changes(store, facts, catalog)
    if not changes.empty:
        st.markdown(f"**{t('total_change', lang)}**", help=t("total_change_help", lang))
        ui.table(ui.total_changes_frame(changes, catalog, lang), f"{key}_total_change", lang, t("file_total_change", lang),
                 export=lambda: ui.total_changes_frame(changes, catalog, lang, numbers=True), width="content")
    found = inconsistencies_after(store, facts, catalog)
    if not found.empty:
        st.markdown(f"**{t('inconsistent_header', lang)}**")
        st.warning(t("inconsistent_note", lang))
        ui.table(ui.inconsistencies_frame(found, catalog, lang), f"{key}_inconsistent", lang,
                 t("file_inconsistencies", lang), export=lambda: ui.inconsistencies_frame(found, catalog, lang, numbers=True))


def show_preview(name: str, data: bytes, key: str) -> None:
    sha = hashlib.sha256(data).hexdigest()
    if sha in saved:
        ui.say("success", "already_saved", lang, name=name, id=saved[sha])
        return
    earlier = store.find_upload_by_sha(sha)
    if earlier is not None:
        ui.say("error", "duplicate", lang, when=ui.local_time(earlier["uploaded_at"]), id=int(earlier["id"]),
               name=earlier["file_name"])
        return
    needed = any(p.code.startswith(("missing_", "bad_default")) for p in st.session_state.get(f"{key}_last", []))
    defaults = fill_in_form(key, needed)
    bar = st.progress(0.0, text=ui.md("parsing", lang, name=name))
    result = cached.parse_upload(data, name, defaults, progress=lambda f, _label: bar.progress(min(max(f, 0.0), 1.0)))
    bar.empty()
    if isinstance(result, LoaderError):
        ui.say("error", "unreadable", lang, message=result.problem.message(lang))
        return
    if st.session_state.get(f"{key}_last") != result.problems:
        st.session_state[f"{key}_last"] = result.problems
        if any(p.code.startswith(("missing_", "bad_default")) for p in result.problems) and not needed:
            st.rerun()  # open the fill-in form
    changes = preview_changes(store, result.facts)
    counts = changes["change"].value_counts()
    cols = st.columns(6)
    cols[0].metric(t("sheets_found", lang), sum(s.status == "loaded" for s in result.sheets))
    cols[1].metric(t("facts_new", lang), f"{int(counts.get(NEW, 0)):,}")
    cols[2].metric(t("facts_corrected", lang), f"{int(counts.get(CORRECTED, 0)):,}")
    cols[3].metric(t("facts_unchanged", lang), f"{int(counts.get(UNCHANGED, 0)):,}")
    cols[4].metric(t("rows_dropped", lang), f"{len(result.dropped):,}")
    cols[5].metric(t("errors", lang) + " / " + t("warnings", lang), f"{len(result.errors)} / {len(result.warnings)}")
    st.caption(" · ".join(ui.md(f"sheet_{s.status}", lang, name=s.name, facts=s.facts) for s in result.sheets))

    if result.problems:
        st.markdown(f"**{t('problems', lang)}**")
        ui.table(ui.problems_frame(result.problems, lang), f"{key}_problems", lang, t("file_problems", lang),
                 export=lambda: ui.problems_frame(result.problems, lang, numbers=True))
        st.download_button(t("error_report", lang), error_report(name, result.problems, lang, data),
                           f"问题报告_{name}.xlsx" if lang == "zh" else f"problems_{name}.xlsx", XLSX,
                           key=f"{key}_report", icon=":material/report:")
    if not result.facts.empty:
        totals = metric_totals(result.facts, catalog)
        st.markdown(f"**{t('per_metric', lang)}**")
        ui.table(ui.metric_totals_frame(totals, catalog, lang), f"{key}_totals", lang, t("file_totals", lang),
                 export=lambda: ui.metric_totals_frame(totals, catalog, lang, numbers=True), width="content")
    if not result.facts.empty:
        show_level_impact(result.facts, key)
    corrected = changes[changes["change"] == CORRECTED]
    if not corrected.empty:
        st.markdown(f"**{t('changes', lang)}**")
        ui.table(ui.changes_frame(corrected, catalog, lang), f"{key}_changes", lang, t("file_changes", lang),
                 export=lambda: ui.changes_frame(corrected, catalog, lang, numbers=True))
    if result.dropped:
        st.markdown(f"**{t('dropped', lang)}**")
        ui.table(ui.dropped_frame(result.dropped, lang), f"{key}_dropped", lang, t("file_dropped", lang))
    if not result.facts.empty:
        with st.expander(t("facts_table", lang) + f" ({len(result.facts):,})"):
            shown = result.facts.head(ui.ROWS_SHOWN)
            ui.table(ui.facts_frame(shown, catalog, lang), f"{key}_facts", lang, t("file_facts", lang),
                     export=lambda: ui.facts_frame(shown, catalog, lang, numbers=True))
            if len(result.facts) > ui.ROWS_SHOWN:
                st.caption(t("rows_shown", lang, shown=ui.ROWS_SHOWN, total=len(result.facts)))
    if not result.ok:
        st.warning(t("commit_disabled", lang))
    if st.button(t("commit", lang), key=f"{key}_commit", type="primary", disabled=not result.ok or result.facts.empty):
        bar = st.progress(0.0, text=ui.md("committing", lang, name=name))
        try:
            outcome = store.import_result(result, data, uploader=uploader.strip(), source="upload",
                                          progress=lambda f: bar.progress(min(max(f, 0.0), 1.0)))
        except StoreError as refused:
            bar.empty()
            ui.say("error", "store_refused", lang, message=refused.message(lang))
            return
        saved[sha] = outcome.upload_id
        ui.after_rerun_message(ui.md("committed", lang, name=name, added=outcome.added,
                                     superseded=outcome.superseded, id=outcome.upload_id))
        st.rerun()


for index, upload in enumerate(files or []):
    st.divider()
    ui.say("subheader", "file_heading", lang, name=upload.name)
    show_preview(upload.name, upload.getvalue(), key=f"file{index}_{hashlib.sha256(upload.getvalue()).hexdigest()[:10]}")
