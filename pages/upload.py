"""Upload: parse each file, preview what it adds and corrects, save it in one transaction; the uploader's returned
uploads (with the reviewer's reason) above, until a new upload replaces their figures."""
from __future__ import annotations

import hashlib
from dataclasses import replace

import streamlit as st

import cached
import display
import ui
from analytics import level_impact, metric_totals
from exports.error_report import error_report
from i18n import format_counts, t
from labels import city_label
from loaders import Defaults, LoaderError
from loaders.problems import TARGETS
from loaders.mapping import IGNORE, UnknownHeader, merged_columns, unknown_headers
from safetext import escape_markdown
from store import StoreError
from store.accounts import out_of_scope
from store.changes import ChangeCounts, left_out_count
from store.preview import CHANGED, preview_upload

SAVED_KEY = "_saved_uploads"  # sha256 → upload id, for files saved in this session
ALIAS_NOTE_KEY = "_alias_note"  # a column alias refused on save, shown after the rerun
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ctx = ui.start_page("page_upload", demo_note_shown=False, permission="upload", filters=False)
lang, catalog = ctx.lang, ctx.catalog
store = cached.get_store()
actor, client = ui.current_actor(), ui.client_address()  # the uploader is the account logged in
saved = st.session_state.setdefault(SAVED_KEY, {})

st.write(t("upload_intro", lang))
returned = cached.returned_uploads(actor.name) if actor.name else None
if returned is not None and not returned.empty:  # a reviewer sent these back: the reason, and upload again (#12)
    st.warning(t("review.returned_notice", lang, count=len(returned)), icon=":material/assignment_return:")
    ui.table(display.returned_frame(returned, lang), "upload_returned", lang, t("review.file_returned", lang))
if ALIAS_NOTE_KEY in st.session_state:
    st.warning(st.session_state.pop(ALIAS_NOTE_KEY))

left, right, who = st.columns([1, 1, 2], vertical_alignment="center")
left.download_button(t("template_zh", lang), cached.template("zh"), "文明实践统计模板.xlsx", XLSX,
                     key="template_zh", icon=":material/download:")
right.download_button(t("template_en", lang), cached.template("en"), "civic_practice_template.xlsx", XLSX,
                      key="template_en", icon=":material/download:")
targets_zh, targets_en, _ = st.columns([1, 1, 2], vertical_alignment="center")
targets_zh.download_button(t("targets_template_zh", lang), cached.template_of_targets("zh"), "文明实践目标模板.xlsx", XLSX,
                           key="targets_template_zh", icon=":material/flag:", help=t("target_help", lang))
targets_en.download_button(t("targets_template_en", lang), cached.template_of_targets("en"), "civic_practice_targets.xlsx",
                           XLSX, key="targets_template_en", icon=":material/flag:", help=t("target_help", lang))
who.caption(ui.md("uploading_as", lang, name=actor.display_name or actor.name, unit=actor.unit_label(catalog, lang)))

files = st.file_uploader(t("files", lang), accept_multiple_files=True, key="upload_files",
                         type=["xlsx", "xlsm", "xls", "ods", "csv", "txt"])


def fill_in_form(key: str, needed: bool) -> Defaults:
    """Period, city and campaign for a file that does not say them itself."""
    with st.expander(t("fill_in", lang), expanded=needed):
        st.caption(t("fill_in_help", lang))
        a, b, c = st.columns(3)
        period = a.text_input(t("default_period", lang), key=f"{key}_period")
        city = b.selectbox(t("default_city", lang), [None, *[c.name for c in catalog.cities]], key=f"{key}_city",
                           format_func=lambda name: t("not_given", lang) if name is None else city_label(catalog, name, lang))
        campaign = c.selectbox(t("default_campaign", lang), [None, *catalog.campaigns], key=f"{key}_campaign",
                               format_func=lambda code: t("not_given", lang) if code is None else catalog.campaigns[code].label(lang))
    return Defaults(campaign=campaign, period=period.strip() or None, city=city)


def show_level_impact(facts, key: str) -> None:
    """The province totals before and after saving, and where parts would exceed their whole (a warning)."""
    impact = level_impact(store, facts, catalog)  # one read of the figures in effect for both sections
    changes = impact.total_changes
    if not changes.empty:
        st.markdown(f"**{t('total_change', lang)}**", help=t("total_change_help", lang))
        ui.table(display.total_changes_frame(changes, catalog, lang), f"{key}_total_change", lang, t("file_total_change", lang),
                 export=lambda: display.total_changes_frame(changes, catalog, lang, numbers=True), width="content")
    found = impact.inconsistencies
    if not found.empty:
        st.markdown(f"**{t('inconsistent_header', lang)}**")
        st.warning(t("inconsistent_note", lang))
        ui.table(display.inconsistencies_frame(found, catalog, lang), f"{key}_inconsistent", lang,
                 t("file_inconsistencies", lang), export=lambda: display.inconsistencies_frame(found, catalog, lang, numbers=True))


def parse(data: bytes, name: str, defaults: Defaults):
    """The file parsed with `defaults` (once per session: re-runs reuse it), with a progress bar while it reads."""
    bar = st.progress(0.0, text=ui.md("parsing", lang, name=name))
    result = cached.parse_upload(data, name, defaults, progress=lambda f, _label: bar.progress(min(max(f, 0.0), 1.0)))
    bar.empty()
    return result


def chosen_columns(key: str, unknown: list[UnknownHeader]) -> tuple[tuple[str, str], ...]:
    """What the uploader chose in this preview for each unknown header (the selectboxes of the last run)."""
    picks = ((u.header, st.session_state.get(f"{key}_map_{index}")) for index, u in enumerate(unknown))
    return tuple((header, code) for header, code in picks if code)


def column_choices(key: str, unknown: list[UnknownHeader]) -> None:
    """Per unknown header a selectbox: the suggested metrics first, then 'ignore this column', then all others."""
    st.markdown(f"**{t('map_heading', lang)}**")
    st.caption(t("map_help", lang))
    for index, found in enumerate(unknown):
        options = [*found.suggestions, IGNORE, *[c for c in catalog.metrics if c not in found.suggestions]]
        st.selectbox(ui.md("map_header", lang, header=found.header), options, index=None, key=f"{key}_map_{index}",
                     placeholder=t("map_choose", lang), format_func=lambda code, tips=found.suggestions: (
                         t("map_ignore", lang) if code == IGNORE else
                         t("map_metric_suggested" if code in tips else "map_metric", lang,
                           metric=catalog.metrics[code].label(lang), unit=catalog.metrics[code].unit(lang), code=code)))
    if actor.can("manage_aliases"):  # others' choices hold for this file only
        st.checkbox(t("map_remember", lang), value=True, key=f"{key}_remember", help=t("map_remember_help", lang))


def remember_columns(chosen: tuple[tuple[str, str], ...]) -> int:
    """Store the choices of a saved file as column aliases; returns how many; a refused one is named after the rerun."""
    refused = []
    for header, code in chosen:
        try:
            store.add_alias(header, code, source="upload", catalog=catalog, actor=actor, client=client)
        except StoreError as error:
            refused.append(ui.md("map_not_remembered", lang, header=header, message=error.message(lang)))
    if refused:
        st.session_state[ALIAS_NOTE_KEY] = "\n\n".join(refused)
    return len(chosen) - len(refused)


def show_preview(name: str, data: bytes, key: str) -> None:
    sha = hashlib.sha256(data).hexdigest()
    if sha in saved:
        ui.say("success", "already_saved", lang, name=name, id=saved[sha])
        return
    earlier = store.find_upload_by_sha(sha)
    if earlier is not None:
        ui.say("error", "duplicate", lang, when=display.local_time(earlier["uploaded_at"]), id=int(earlier["id"]),
               name=earlier["file_name"])
        return
    needed = any(p.code.startswith(("missing_", "bad_default")) for p in st.session_state.get(f"{key}_last", []))
    defaults = fill_in_form(key, needed)
    stored = store.alias_columns(catalog)  # every parse reads with the stored column aliases (#9, item 5)
    result = parse(data, name, replace(defaults, columns=stored))
    # the headers to choose for come from this parse, so that they stay offered once chosen
    unknown = [] if isinstance(result, LoaderError) else unknown_headers(catalog, result.problems)
    chosen = chosen_columns(key, unknown)
    if chosen:  # read again at once with the choices of this preview (they win over stored aliases)
        result = parse(data, name, replace(defaults, columns=merged_columns(stored, chosen)))
    if isinstance(result, LoaderError):
        ui.say("error", "unreadable", lang, message=result.problem.message(lang))
        return
    if st.session_state.get(f"{key}_last") != result.problems:
        st.session_state[f"{key}_last"] = result.problems
        if any(p.code.startswith(("missing_", "bad_default")) for p in result.problems) and not needed:
            st.rerun()  # open the fill-in form
    targets = result.kind == TARGETS  # a targets file: compared with the targets in effect, never added to figures
    if targets:
        st.info(t("targets_file", lang), icon=":material/flag:")
    preview = preview_upload(store, result.facts, result.kind)
    changes, checks = preview.changes, preview.checks
    counts = ChangeCounts.of(changes, left_out_count(result.dropped, result.problems))
    cols = st.columns(7)
    cols[0].metric(t("sheets_found", lang), sum(s.status == "loaded" for s in result.sheets))
    cols[1].metric(t("count_new", lang), f"{counts.new:,}")
    cols[2].metric(t("count_changed", lang), f"{counts.changed:,}")
    cols[3].metric(t("count_unchanged", lang), f"{counts.unchanged:,}")
    cols[4].metric(t("count_left_out", lang), f"{counts.left_out:,}")
    cols[5].metric(t("errors", lang) + " / " + t("warnings", lang), f"{len(result.errors)} / {len(result.warnings)}")
    cols[6].metric(t("checks", lang), f"{len(checks):,}")
    st.caption(" · ".join(ui.md(f"sheet_{s.status}", lang, name=s.name, facts=s.facts) for s in result.sheets))
    if unknown:
        column_choices(key, unknown)

    if result.problems:
        st.markdown(f"**{t('problems', lang)}**")
        ui.table(display.problems_frame(result.problems, lang), f"{key}_problems", lang, t("file_problems", lang),
                 export=lambda: display.problems_frame(result.problems, lang, numbers=True))
        st.download_button(t("error_report", lang), error_report(name, result.problems, lang, data),
                           t("file_problem_report", lang, name=name), XLSX,
                           key=f"{key}_report", icon=":material/report:")
    if not checks.empty:
        st.markdown(f"**{t('checks', lang)}**")
        st.caption(t("checks_help", lang))
        shown_checks = checks.head(ui.ROWS_SHOWN)
        ui.table(display.checks_frame(shown_checks, catalog, lang), f"{key}_checks", lang, t("file_checks", lang),
                 export=lambda: display.checks_frame(shown_checks, catalog, lang, numbers=True))
        if len(checks) > ui.ROWS_SHOWN:
            st.caption(t("rows_shown", lang, shown=ui.ROWS_SHOWN, total=len(checks)))
    if not result.facts.empty and not targets:
        totals = metric_totals(result.facts, catalog)
        st.markdown(f"**{t('per_metric', lang)}**")
        ui.table(display.metric_totals_frame(totals, catalog, lang), f"{key}_totals", lang, t("file_totals", lang),
                 export=lambda: display.metric_totals_frame(totals, catalog, lang, numbers=True), width="content")
    if not result.facts.empty and not targets:
        show_level_impact(result.facts, key)
    corrected = changes[changes["change"] == CHANGED]
    if not corrected.empty:
        st.markdown(f"**{t('changes', lang)}**")
        ui.table(display.changes_frame(corrected, catalog, lang), f"{key}_changes", lang, t("file_changes", lang),
                 export=lambda: display.changes_frame(corrected, catalog, lang, numbers=True))
    if result.dropped:
        st.markdown(f"**{t('dropped', lang)}**")
        ui.table(display.dropped_frame(result.dropped, lang), f"{key}_dropped", lang, t("file_dropped", lang))
    if not result.facts.empty:
        with st.expander(t("facts_table", lang) + f" ({len(result.facts):,})"):
            shown = result.facts.head(ui.ROWS_SHOWN)
            ui.table(display.facts_frame(shown, catalog, lang), f"{key}_facts", lang, t("file_facts", lang),
                     export=lambda: display.facts_frame(shown, catalog, lang, numbers=True))
            if len(result.facts) > ui.ROWS_SHOWN:
                st.caption(t("rows_shown", lang, shown=ui.ROWS_SHOWN, total=len(result.facts)))
    outside = out_of_scope(actor, result.facts, catalog) if not result.facts.empty else result.facts.iloc[0:0]
    if not outside.empty:  # refused here already, naming the rows; the store refuses them too
        ui.say("error", "out_of_scope", lang, count=len(outside), unit=actor.unit_label(catalog, lang))
        ui.table(display.out_of_scope_frame(outside, catalog, lang), f"{key}_outside", lang, t("file_out_of_scope", lang))
    elif not result.ok:
        st.warning(t("commit_disabled", lang))
    if st.button(t("commit", lang), key=f"{key}_commit", type="primary",
                 disabled=not result.ok or result.facts.empty or not outside.empty):
        bar = st.progress(0.0, text=ui.md("committing", lang, name=name))
        try:
            outcome = store.import_result(result, data, actor=actor, client=client, source="upload",
                                          progress=lambda f: bar.progress(min(max(f, 0.0), 1.0)))
        except StoreError as refused:
            bar.empty()
            ui.show_error(refused, lang)
            return
        saved[sha] = outcome.upload_id
        message = ui.md("committed", lang, name=name, counts=format_counts(outcome, lang), id=outcome.upload_id)
        counted = display.tasks_reported_text(store.tasks_reported_by(outcome.upload_id), catalog, lang)
        if counted:  # unit names from the catalog, escaped all the same: the message is Markdown
            message += " " + escape_markdown(counted)
        if chosen and actor.can("manage_aliases") and st.session_state.get(f"{key}_remember", True):
            message += " " + t("map_remembered", lang, count=remember_columns(chosen))
        ui.after_rerun_message(message)
        st.rerun()


for index, upload in enumerate(files or []):
    st.divider()
    ui.say("subheader", "file_heading", lang, name=upload.name)
    show_preview(upload.name, upload.getvalue(), key=f"file{index}_{hashlib.sha256(upload.getvalue()).hexdigest()[:10]}")
