"""Display shaping: the tables the pages show and export, in the user's language (no Streamlit).

Each *_frame function takes what analytics or the store returns and gives a DataFrame with labelled columns:
figures as reports say them (8,100+, 约350,000) or, with `numbers`, as numbers with their qualifier beside them
(for a download). Regions are named by labels.py; ui.py shows these frames (ui.table) and keeps the widgets.
"""
from __future__ import annotations

import pandas as pd

from analytics import PIVOT_METRIC, PIVOT_MONTH, PIVOT_TOTAL, Filters
from catalog import Catalog
from i18n import format_delta, format_month, format_number, format_value, t
from labels import adcode_label, city_label, county_label, region_label
from store.accounts import Actor
from store.plausibility import history_text, reason_text
from store.schema import KIND_TARGETS, REVIEW_RETURNED


def shown_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as shown: a missing cell blank (st.dataframe would show "None"); numbers with a missing cell as text."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if not column.isna().any():
            continue
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            whole = all(float(v).is_integer() for v in column.dropna())
            out[name] = ["" if pd.isna(v) else f"{int(v)}" if whole else format_number(v) for v in column]
        else:
            out[name] = ["" if _missing(v) else v for v in column.astype(object)]
    return out


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def kpi_label(catalog: Catalog, metric: str, lang: str) -> tuple[str, str]:
    """A KPI card's label and the start of its help: 服务队（支） in Chinese; in English the label alone (a unit
    in brackets is cut off on a narrow card) and the unit in the help."""
    entry = catalog.metrics[metric]
    if lang == "zh":
        return f"{entry.label(lang)}（{entry.unit(lang)}）", ""
    return entry.card_en or entry.label(lang), t("kpi_unit", lang, unit=entry.unit(lang)) + " "


def problems_frame(problems: list, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Problems as a table in the user's language, errors first (row numbers as text, or as numbers for a download)."""
    rows = [
        {
            t("severity", lang): t(p.severity, lang), t("sheet", lang): p.sheet,
            t("row", lang): p.row if numbers else "" if p.row is None else str(p.row),
            t("column", lang): p.column, t("value", lang): p.value,
            t("explanation", lang): p.zh if lang == "zh" else p.en,
        }
        for p in sorted(problems, key=lambda p: (p.severity != "error", p.sheet, p.row or 0))
    ]
    return pd.DataFrame(rows)


def local_time(stamp) -> str:
    """A UTC timestamp as China Standard Time text."""
    if stamp is None or pd.isna(stamp):
        return ""
    return pd.Timestamp(stamp).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M")


def facts_frame(facts: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Facts with labelled columns in the user's language: figures as shown (8,100+), or as numbers for a download."""
    return pd.DataFrame({
        t("period_col", lang): [_period_text(s, e, lang) for s, e in zip(facts["period_start"], facts["period_end"])],
        t("city", lang): [city_label(catalog, c, lang) for c in facts["city"]],
        t("county", lang): _texts(facts["county"]),
        t("unit_col", lang): _texts(facts["unit"]),
        t("campaign", lang): [catalog.campaigns[c].label(lang) for c in facts["campaign"]],
        t("metric", lang): [catalog.metrics[m].label(lang) for m in facts["metric"]],
        **_figures(facts["value"], facts["qualifier"], t("value", lang), lang, numbers),
        t("sheet", lang): _texts(facts["sheet"]),
        t("row", lang): facts["row"],
    })


def _figures(values, qualifiers, label: str, lang: str, numbers: bool) -> dict[str, list]:
    """A column of figures as shown (8,100+, 约350,000) or, with `numbers`, the number and its qualifier beside it."""
    if not numbers:
        return {label: [format_value(v, q, lang) for v, q in zip(values, qualifiers)]}
    return {label: [None if pd.isna(v) else float(v) for v in values],
            t("qualifier_of", lang, column=label): [t(f"qualifier_{q}", lang) if q else "" for q in qualifiers]}


def _texts(values: pd.Series) -> list[str]:
    """Plain text per cell ('' stays blank: a category '' would show as "None" in a table)."""
    return [value if isinstance(value, str) else "" for value in values]


def upload_facts_frame(marks: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """An upload's facts (Store.upload_facts) with what became of each: in effect, corrected by which upload, undone."""
    table = facts_frame(marks, catalog, lang, numbers)
    table.insert(0, t("status", lang), [_fact_status(active, by, upload, lang, same) for active, by, upload, same in zip(
        marks["active"], marks["superseded_by"], marks["upload_id"], marks["reconfirmed"])])
    return table


def upload_facts_summary(marks: pd.DataFrame, lang: str) -> str:
    """How many of an upload's figures are in effect, re-confirmed or corrected since, undone."""
    active = int(marks["active"].sum())
    undone = int((marks["superseded_by"].isna() & ~marks["active"]).sum())
    repeated = int((marks["superseded_by"] == marks["upload_id"]).sum())
    reconfirmed = int(marks["reconfirmed"].sum())
    text = t("upload_facts_counts", lang, active=active, reconfirmed=reconfirmed, undone=undone,
             corrected=len(marks) - active - undone - repeated - reconfirmed)
    return f"{text} {t('upload_facts_repeated', lang, repeated=repeated)}" if repeated else text


def _fact_status(active: bool, superseded_by, upload_id: int, lang: str, reconfirmed: bool = False) -> str:
    if active:
        return t("fact_in_effect", lang)
    if pd.isna(superseded_by):
        return t("fact_undone", lang)
    if int(superseded_by) == int(upload_id):
        return t("fact_repeated", lang)
    if reconfirmed:
        return t("fact_reconfirmed_by", lang, id=int(superseded_by))
    return t("fact_superseded_by", lang, id=int(superseded_by))


def changes_frame(changes: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Corrections as old → new (as shown, or as numbers for a download)."""
    table = facts_frame(changes, catalog, lang, numbers)
    table = table.drop(columns=[c for c in table.columns if c in (t("value", lang), t("qualifier_of", lang, column=t("value", lang)))])
    old = _figures(changes["old_value"], changes["old_qualifier"], t("old_value", lang), lang, numbers)
    new = _figures(changes["value"], changes["qualifier"], t("new_value", lang), lang, numbers)
    return table.assign(**old, **new)


def checks_frame(checks: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Figures to check (store/plausibility.py): why, the figure, the old value or the median, the 12 months before."""
    table = facts_frame(checks.assign(remarks="", sheet="", row=None), catalog, lang, numbers)
    table = table.drop(columns=[c for c in table.columns if c in (
        t("value", lang), t("qualifier_of", lang, column=t("value", lang)), t("sheet", lang), t("row", lang))])
    rows = list(checks.itertuples())
    table.insert(0, t("check_reason", lang), [reason_text(row, lang) for row in rows])
    old = _figures(checks["old_value"], checks["old_qualifier"].fillna(""), t("old_value", lang), lang, numbers)
    median = _figures(checks["median"], [""] * len(checks), t("check_median", lang), lang, numbers)
    new = _figures(checks["value"], checks["qualifier"], t("new_value", lang), lang, numbers)
    if not numbers:  # a figure that corrects nothing has no old value: blank, not "—"
        old = {name: ["" if pd.isna(v) else text for v, text in zip(checks["old_value"], column)]
               for name, column in old.items()}
    return table.assign(**old, **{t("check_median", lang): median[t("check_median", lang)]}, **new,
                        **{t("check_history", lang): [history_text(row, lang) for row in rows]})


def metric_totals_frame(totals: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Per-metric totals of a file (analytics.metric_totals): metric, total, unit."""
    return pd.DataFrame({
        t("metric", lang): [catalog.metrics[m].label(lang) for m in totals["metric"]],
        **_figures(totals["value"], totals["qualifier"], t("value", lang), lang, numbers),
        t("unit_of_measure", lang): [catalog.metrics[m].unit(lang) for m in totals["metric"]],
    })


def dropped_frame(dropped: list, lang: str) -> pd.DataFrame:
    """Rows a loader left out (合计 rows, notes) and why."""
    return pd.DataFrame({
        t("sheet", lang): [d.sheet for d in dropped], t("row", lang): [d.row for d in dropped],
        t("text", lang): [d.text for d in dropped], t("reason", lang): [d.zh if lang == "zh" else d.en for d in dropped],
    })


def city_table_frame(table: pd.DataFrame, catalog: Catalog, lang: str, qualifiers: pd.DataFrame | None = None,
                     numbers: bool = False) -> pd.DataFrame:
    """analytics.city_metric_table with the city as its first column and metric labels (with units) as headers.

    With `qualifiers` (analytics.city_metric_qualifiers) the figures are shown as reports say them (8,100+, 约350,000,
    blank where a city has none); `numbers` keeps them numbers (for a download).
    """
    if qualifiers is not None and not numbers:
        table = pd.DataFrame({code: ["" if pd.isna(v) else format_value(v, q if isinstance(q, str) else "", lang)
                                     for v, q in zip(table[code], qualifiers.reindex_like(table)[code])]
                              for code in table.columns}, index=table.index)
    labelled = table.rename(columns=lambda code: f"{catalog.metrics[code].label(lang)} ({catalog.metrics[code].unit(lang)})")
    labelled.insert(0, t("city", lang), [city_label(catalog, name, lang) for name in table.index])
    return labelled.reset_index(drop=True)


def _period_text(start, end, lang: str) -> str:
    first, last = format_month(pd.Timestamp(start), lang), format_month(pd.Timestamp(end), lang)
    return first if first == last else f"{first}–{last}"


def uploads_frame(history: pd.DataFrame, lang: str, reviews: pd.DataFrame | None = None) -> pd.DataFrame:
    """The upload history with labelled columns, for showing; with `reviews` (Store.review_history) each upload's
    review state, who decided it and when, and a returned upload's reason."""
    table = pd.DataFrame({
        t("upload_id", lang): history["id"],
        t("file_name", lang): history["file_name"],
        t("status", lang): [t(f"status_{s}", lang) for s in history["status"]],
        t("kind_column", lang): [t(f"kind_{k}", lang) for k in (history["kind"] if "kind" in history else
                                                                ["figures"] * len(history))],
        t("uploaded_by", lang): history["uploader"],
        t("uploaded_at", lang): [local_time(s) for s in history["uploaded_at"]],
        t("source", lang): [t(f"source_{s}", lang) for s in history["source"]],
        t("added", lang): _counts_text(history["facts_added"]),
        **{t(key, lang): _counts_text(history[column]) for key, column in UPLOAD_COUNTS},
        t("warnings", lang): history["warnings"],
    })
    if reviews is None:
        return table
    latest = latest_reviews(reviews)
    decided = [latest.get(int(i)) for i in history["id"]]
    states = [review_state(kind, review, lang) for kind, review in zip(
        history["kind"] if "kind" in history else ["figures"] * len(history), history["review"])]
    table.insert(3, t("review.column_state", lang), states)
    table[t("review.column_reviewer", lang)] = [d["actor"] if d else "" for d in decided]
    table[t("review.column_reviewed_at", lang)] = [local_time(d["at"]) if d else "" for d in decided]
    table[t("review.column_reason", lang)] = [d["reason"] if d and review == REVIEW_RETURNED else ""
                                              for d, review in zip(decided, history["review"])]
    return table


# ---- review (#12) -------------------------------------------------------------------------------------------
def latest_reviews(reviews: pd.DataFrame) -> dict[int, dict]:
    """The latest decision per upload (Store.review_history, oldest first): upload id → decision, reason, actor, at."""
    return {int(row.upload_id): {"decision": row.decision, "reason": row.reason, "actor": row.actor, "at": row.at}
            for row in reviews.itertuples()}


def review_state(kind: str, review: str, lang: str) -> str:
    """待审 / 已通过 / 已退回, or 无需审核 for targets (set by the province, never reviewed)."""
    if kind == KIND_TARGETS:
        return t("review.not_reviewed", lang)
    return t(f"cycle.review_{review}", lang)


def review_lines(upload_id: int, kind: str, review: str, reviews: pd.DataFrame,
                 lang: str) -> list[tuple[str, dict[str, object]]]:
    """What the history says of the chosen upload's review, as (text key, fields) for ui.say: the state (with who and
    when, once decided) and a returned upload's reason. The fields are user text: ui.md escapes them."""
    state = review_state(kind, review, lang)
    decided = latest_reviews(reviews).get(int(upload_id))
    if decided is None or kind == KIND_TARGETS:
        return [("review.chosen_state", {"state": state})]
    lines = [("review.chosen_decided",
              {"state": state, "reviewer": decided["actor"], "when": local_time(decided["at"])})]
    if review == REVIEW_RETURNED:
        lines.append(("review.chosen_reason", {"reason": decided["reason"]}))
    return lines


def units_text(regions, catalog: Catalog, lang: str, shown: int = 5) -> str:
    """An upload's regions ((city, county) pairs) named in catalog order, the first `shown` and how many more."""
    order = {name: index for index, name in enumerate(r.name for r in catalog.cities)}
    pairs = sorted(regions, key=lambda pair: (order.get(pair[0], len(order)), pair[1]))
    names = [region_label(catalog, city, county, "", lang) if city else t("province_level", lang)
             for city, county in pairs]
    sep = "、" if lang == "zh" else ", "
    if len(names) > shown:
        return sep.join(names[:shown]) + " " + t("review.units_more", lang, count=len(names) - shown)
    return sep.join(names)


def to_review_frame(pending: pd.DataFrame, regions: dict[int, frozenset], catalog: Catalog, lang: str) -> pd.DataFrame:
    """The uploads awaiting a reviewer (cached.uploads_to_review): number, file, units, uploader, when."""
    return pd.DataFrame({
        t("upload_id", lang): pending["id"],
        t("file_name", lang): pending["file_name"],
        t("review.column_units", lang): [units_text(regions[int(i)], catalog, lang) for i in pending["id"]],
        t("uploaded_by", lang): pending["uploader"],
        t("uploaded_at", lang): [local_time(s) for s in pending["uploaded_at"]],
    })


def returned_frame(returned: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An uploader's returned uploads (Store.returned_uploads): number, file, when, reviewer, when returned, reason,
    how many of its figures a later upload reported."""
    return pd.DataFrame({
        t("upload_id", lang): returned["id"],
        t("file_name", lang): returned["file_name"],
        t("uploaded_at", lang): [local_time(s) for s in returned["uploaded_at"]],
        t("review.column_reviewer", lang): returned["reviewer"],
        t("review.column_returned_at", lang): [local_time(s) for s in returned["returned_at"]],
        t("review.column_reason", lang): returned["reason"],
        t("review.column_replaced", lang): [f"{int(r):,} / {int(f):,}" for r, f in zip(returned["replaced"],
                                                                                     returned["figures"])],
    })


def review_caption(pending: int, require_approval: bool, lang: str) -> str | None:
    """The dashboards' note on unreviewed figures: approved ones only (KPI_REQUIRE_APPROVAL=1), or that `pending`
    uploads awaiting review are counted (none said when none wait)."""
    if require_approval:
        return t("review.approved_only", lang, count=pending) if pending else t("review.approved_only_all", lang)
    return t("review.includes_pending", lang, count=pending) if pending else None


# the counts of store/changes.py as the history shows them: i18n key, uploads column
UPLOAD_COUNTS = [("count_new", "facts_new"), ("count_changed", "facts_changed"),
                 ("count_unchanged", "facts_unchanged"), ("count_left_out", "left_out")]


def _counts_text(values: pd.Series) -> list[str]:
    """Counts as text, "—" where an upload saved by an older version did not keep it (store/legacy.py)."""
    return ["—" if pd.isna(value) else f"{int(value):,}" for value in values]


# ---- levels and roll-up ----------------------------------------------------------------------------------
def total_changes_frame(changes: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Province totals before and after saving a file (analytics.level_impact): metric, before, after, change."""
    delta = [None if pd.isna(b) else a - b for a, b in zip(changes["after"], changes["before"])]
    return pd.DataFrame({
        t("metric", lang): [catalog.metrics[m].label(lang) for m in changes["metric"]],
        **_figures(changes["before"], changes["before_qualifier"], t("total_before", lang), lang, numbers),
        **_figures(changes["after"], changes["after_qualifier"], t("total_after", lang), lang, numbers),
        t("total_delta", lang): delta if numbers else [format_delta(d, lang) or "—" for d in delta],
        t("unit_of_measure", lang): [catalog.metrics[m].unit(lang) for m in changes["metric"]],
    })


def inconsistencies_frame(found: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Wholes whose parts add up to more (analytics.level_inconsistencies), labelled."""
    return pd.DataFrame({
        t("period_col", lang): [_period_text(s, e, lang) for s, e in zip(found["period_start"], found["period_end"])],
        t("city", lang): [city_label(catalog, c, lang) for c in found["city"]],
        t("county", lang): [c if c else t("whole_city", lang) for c in _texts(found["county"])],
        t("campaign", lang): [catalog.campaigns[c].label(lang) if c in catalog.campaigns else c for c in found["campaign"]],
        t("metric", lang): [catalog.metrics[m].label(lang) if m in catalog.metrics else m for m in found["metric"]],
        **_figures(found["value"], found["qualifier"], t("whole_figure", lang), lang, numbers),
        **_figures(found["parts"], [""] * len(found), t("parts_sum", lang), lang, numbers),
        t("parts_count", lang): found["parts_facts"],
    })


def out_of_scope_frame(outside: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """Rows of a file outside the actor's unit (store.accounts.out_of_scope): sheet, row, city, county."""
    return pd.DataFrame({
        t("sheet", lang): _texts(outside["sheet"]), t("row", lang): outside["row"],
        t("city", lang): [city_label(catalog, str(c), lang) for c in outside["city"]],
        t("county", lang): _texts(outside["county"].astype(str)),
    })


# ---- accounts and the audit (#10) ---------------------------------------------------------------------------
AUDIT_ACTIONS = ("login", "login_failed", "login_locked", "account_locked", "logout", "setup", "upload", "undo",
                 "redo", "download", "alias_add", "alias_remove", "demo_remove", "demo_restore", "user_add",
                 "user_enable", "user_disable", "user_password", "user_role", "user_email", "remind")


def unit_options(catalog: Catalog) -> list[str]:
    """Units an account may be bound to: the province (''), then each city followed by its counties."""
    units = [""]
    for city in catalog.cities:
        units += [city.adcode, *[county.adcode for county in catalog.counties_of(city.name)]]
    return units


def users_frame(accounts: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """The accounts (Store.users) with labelled columns: name, display name, role, unit, e-mail, active, created."""
    return pd.DataFrame({
        t("user_name", lang): accounts["name"],
        t("user_display_name", lang): accounts["display_name"],
        t("user_role", lang): [Actor("", "", role).role_label(lang) for role in accounts["role"]],
        t("user_unit", lang): [adcode_label(catalog, unit or "", lang) for unit in accounts["unit"]],
        t("remind.user_email", lang): accounts["email"],
        t("user_active", lang): accounts["active"].astype(bool),
        t("user_created_at", lang): [local_time(s) for s in accounts["created_at"]],
    })


def audit_frame(entries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Audit entries (Store.audit_entries) with labelled columns, times in China Standard Time."""
    return pd.DataFrame({
        t("audit_at", lang): [pd.Timestamp(s).tz_convert("Asia/Shanghai").strftime("%Y-%m-%d %H:%M:%S")
                              for s in entries["at"]],
        t("audit_actor", lang): entries["actor"], t("audit_action", lang): entries["action"],
        t("audit_target", lang): entries["target"], t("audit_outcome", lang): entries["outcome"],
        t("audit_client", lang): entries["client"], t("audit_detail", lang): entries["detail"],
    })


def alias_target_text(target: str, catalog: Catalog, lang: str) -> str:
    """What a column alias reads its header as: a metric's label, or 'ignore this column'."""
    metric = catalog.metrics.get(target)
    if metric is not None:
        return metric.label(lang)
    return t("map_ignore", lang) if target == "ignore" else target


def aliases_frame(aliases: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """The column aliases (Store.aliases) with labelled columns: header, read as, code, added when and by whom."""
    return pd.DataFrame({
        t("alias_header", lang): aliases["header"],
        t("alias_target", lang): [alias_target_text(code, catalog, lang) for code in aliases["target"]],
        t("alias_code", lang): aliases["target"],
        t("alias_created_at", lang): [local_time(s) for s in aliases["created_at"]],
        t("alias_created_by", lang): aliases["created_by"],
        t("source", lang): [t(f"source_{s}", lang) for s in aliases["source"]],
    })


# ---- the data page (#11, item 6) ------------------------------------------------------------------------------
def data_facts_frame(facts: pd.DataFrame, catalog: Catalog, lang: str, names: bool, numbers: bool = False) -> pd.DataFrame:
    """Figures with where they came from (analytics.facts_with_provenance): whether each counts in the totals (beside
    the figure), file, sheet, row, upload number and time; the uploader only with `names` (see_names)."""
    table = facts_frame(facts, catalog, lang, numbers)
    table[t("county", lang)] = [county_label(catalog, county, lang, city=city or None)
                                for city, county in zip(_texts(facts["city"]), _texts(facts["county"]))]
    after = table.columns.get_loc(t("qualifier_of", lang, column=t("value", lang)) if numbers else t("value", lang))
    table.insert(after + 1, t("data_in_totals", lang), [
        t("data_counted", lang) if counted else t("data_part_of", lang, region=county_label(catalog, county, lang, city=city or None)
                                                  if (county and unit) else city_label(catalog, city, lang))
        for counted, city, county, unit in zip(facts["counted"], _texts(facts["city"]), _texts(facts["county"]),
                                               _texts(facts["unit"]))])
    table[t("data_remarks", lang)] = _texts(facts["remarks"])
    table[t("file_name", lang)] = _texts(facts["file_name"])
    table[t("data_upload_no", lang)] = facts["upload_id"].astype("Int64").to_numpy()
    table[t("uploaded_at", lang)] = [local_time(s) for s in facts["uploaded_at"]]
    if "review" in facts:
        table[t("review.column_state", lang)] = [t(f"cycle.review_{r}", lang) if r else ""
                                                 for r in _texts(facts["review"])]
    if names:
        table[t("uploaded_by", lang)] = _texts(facts["uploader"])
    return table


def pivot_frame(table, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """An analytics.Pivot labelled: row labels (city, county and level, or month) and one column per metric (with
    its unit) or campaign and the total; figures as shown (8,100+, blanks where nothing), or with `numbers` the
    number and its qualifier in the column beside it."""
    keys = table.keys
    total = t("pivot_total", lang)
    if table.rows == PIVOT_MONTH:
        labels = {t("month_axis", lang): [total if level == PIVOT_TOTAL else format_month(month, lang)
                                          for level, month in zip(keys["level"], keys["month"])]}
    else:
        labels = {
            t("city", lang): [total if level == PIVOT_TOTAL else city_label(catalog, city, lang)
                              for level, city in zip(keys["level"], keys["city"])],
            t("county", lang): [county_label(catalog, county, lang, city=city or None) if level == "county" else ""
                                for level, city, county in zip(keys["level"], keys["city"], keys["county"])],
            t("pivot_level", lang): [t(f"pivot_level_{level}", lang) if level in ("city", "county", "own") else ""
                                     for level in keys["level"]],
        }
    out = pd.DataFrame(labels)
    for code in table.values.columns:
        if code == PIVOT_TOTAL:
            label = total
        elif table.columns == PIVOT_METRIC:
            label = _metric_with_unit(catalog, code, lang)
        else:
            label = catalog.campaigns[code].label(lang) if code in catalog.campaigns else code
        values, qualifiers = table.values[code], table.qualifiers[code]
        figures = _figures(values, qualifiers, label, lang, numbers)
        if not numbers:  # a blank where nothing was reported, not "—"
            figures = {label: ["" if pd.isna(v) else text for v, text in zip(values, figures[label])]}
        for name, column in figures.items():
            out[name] = column
    return out


def _metric_with_unit(catalog: Catalog, metric: str, lang: str) -> str:
    entry = catalog.metrics[metric]
    return f"{entry.label(lang)}（{entry.unit(lang)}）" if lang == "zh" else f"{entry.label(lang)} ({entry.unit(lang)})"


def _county_key_text(catalog: Catalog, key: str, lang: str) -> str:
    """A county of the filters ('南京市/高淳区', or a bare name) as 南京市 · 高淳区."""
    city, separator, county = key.partition("/")
    return region_label(catalog, city, county, "", lang) if separator else county_label(catalog, key, lang)


def view_about(filters: Filters, metric: str | None, catalog: Catalog, lang: str, what: str,
               as_of=None) -> list[tuple[str, str]]:
    """The header block of an export (exports.tables `about`): what it holds, the period, cities, counties,
    campaigns, metric and the data-as-of (a UTC time, None: no data), so a file read later says which view it is."""
    sep = "、" if lang == "zh" else ", "
    counties = getattr(filters, "counties", ())
    about = [
        (t("about_view", lang), what),
        (t("period", lang), t("window", lang, start=format_month(filters.start, lang), end=format_month(filters.end, lang))),
        (t("cities", lang), sep.join(city_label(catalog, c, lang) for c in filters.cities) if filters.cities
         else t("cities_all", lang)),
    ]
    if counties:
        about.append((t("about_counties", lang), sep.join(_county_key_text(catalog, key, lang) for key in counties)))
    about += [
        (t("campaigns", lang), sep.join(catalog.campaigns[c].label(lang) if c in catalog.campaigns else c
                                        for c in filters.campaigns) if filters.campaigns else t("campaigns_all", lang)),
        (t("metric", lang), _metric_with_unit(catalog, metric, lang) if metric in catalog.metrics
         else t("data_metric_all", lang)),
    ]
    about.append((t("about_data_as_of", lang), local_time(as_of) if as_of is not None else t("no_data_yet", lang)))
    return about



# ---- the reporting cycle (#12): completeness page -------------------------------------------------------------
def task_label(task, catalog: Catalog, lang: str) -> str:
    """A task as lists and the grid name it: #3 2020-07 防汛保电 (its id, period and campaigns; never its title,
    which is user text)."""
    campaigns = "、".join(catalog.campaigns[c].label(lang) if c in catalog.campaigns else c for c in task.campaigns)
    return t("progress.task_label", lang, id=task.id, period=task.period.label, campaigns=campaigns)


def tasks_reported_text(reported, catalog: Catalog, lang: str) -> str:
    """What the upload page says after a save: the tasks the upload counts for and its units there ('' for none):
    #1 2020-07 防汛保电（南京市、无锡市 等 13 个单位）."""
    if not reported:
        return ""
    shown = 5

    def units_text(units) -> str:
        names = t("cycle.name_separator", lang).join(adcode_label(catalog, u.adcode, lang) for u in units[:shown])
        if len(units) <= shown:
            return names
        return t("cycle.units_more", lang, names=names, count=len(units))

    parts = [t("cycle.counts_for_task", lang, task=task_label(task, catalog, lang), units=units_text(units))
             for task, units in reported]
    return t("cycle.counts_for", lang, tasks=t("store.list_separator", lang).join(parts))


def units_spec_text(units: str, catalog: Catalog) -> str:
    """A task's stored units as typed back into a form: the keyword, or the unit names joined by commas (a county
    name two cities share, such as 鼓楼区, by its adcode, so that it reads back as the same unit)."""
    if units in ("cities", "counties", "all"):
        return units
    names = [region.name for region in catalog.regions.values()]
    parts = []
    for adcode in (a for a in units.split(",") if a):
        region = catalog.regions.get(adcode)
        parts.append(adcode if region is None or names.count(region.name) > 1 else region.name)
    return ",".join(parts)


def days_text(days, lang: str) -> str:
    """提前 2 天 / 截止当天 / 逾期 5 天 for a number of days after a deadline; '' when there is none."""
    if _missing(days):
        return ""
    days = int(days)
    if days == 0:
        return t("progress.days_on_time", lang)
    return t("progress.days_early" if days < 0 else "progress.days_late", lang, days=abs(days))


def progress_frame(rows: pd.DataFrame, tasks: list, catalog: Catalog, lang: str, uploaders: dict | None = None,
                   numbers: bool = False) -> pd.DataFrame:
    """Task-units (Store.progress rows) with labelled columns: task, unit, status, last upload (number and time in
    China Standard Time), first submission, days early/late, uploads, the latest return's reason; with
    `uploaders` (upload id → name, for those who may see names) who made the last upload."""
    by_id = {task.id: task for task in tasks}
    last = [None if _missing(u) else int(u) for u in rows["upload"]]
    frame = {
        t("progress.col_task", lang): [task_label(by_id[i], catalog, lang) if i in by_id else f"#{i}"
                                       for i in rows["task_id"]],
        t("progress.col_unit", lang): [adcode_label(catalog, a, lang) for a in rows["adcode"]],
        t("progress.col_level", lang): [t(f"cycle.level_{v}", lang) for v in rows["level"]],
        t("progress.col_status", lang): [t(f"cycle.status_{s}", lang) for s in rows["status"]],
        t("progress.col_deadline", lang): [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in rows["deadline"]],
        t("progress.col_last_upload", lang): last if numbers else ["" if u is None else f"#{u}" for u in last],
        t("progress.col_last_at", lang): [_local(s) for s in rows["last_at"]],
        t("progress.col_first_at", lang): [_local(s) for s in rows["submitted_at"]],
        **({t("progress.col_days", lang): [None if _missing(d) else int(d) for d in rows["days_late"]]} if numbers
           else {t("progress.col_timing", lang): [days_text(d, lang) for d in rows["days_late"]]}),
        t("progress.col_uploads", lang): [int(n) for n in rows["uploads"]],
    }
    if uploaders is not None:
        frame[t("progress.col_uploader", lang)] = ["" if u is None else uploaders.get(u, "") for u in last]
    frame[t("progress.col_reason", lang)] = [str(r or "") for r in rows["reason"]]
    return pd.DataFrame(frame)


def _local(stamp) -> str:
    return "" if _missing(stamp) else local_time(pd.Timestamp(stamp))


def assessment_frame(assessment: pd.DataFrame, catalog: Catalog, lang: str, numbers: bool = False) -> pd.DataFrame:
    """Units' assessment (reporting.unit_assessment) with labelled columns: counts, rates as percentages (or
    fractions with `numbers`), each with its rank."""
    def rate(values) -> list:
        if numbers:
            return [None if _missing(v) else float(v) for v in values]
        return ["" if _missing(v) else f"{v:.0%}" for v in values]

    def rank(values) -> list:
        return [None if _missing(v) else int(v) for v in values]

    return pd.DataFrame({
        t("progress.col_unit", lang): [adcode_label(catalog, a, lang) for a in assessment["adcode"]],
        t("progress.col_level", lang): [t(f"cycle.level_{v}", lang) for v in assessment["level"]],
        t("progress.col_tasks", lang): assessment["tasks"].astype(int),
        t("progress.col_timeliness", lang): [None if _missing(v) else round(float(v), 1)
                                             for v in assessment["timeliness"]],
        t("progress.col_timeliness_rank", lang): rank(assessment["timeliness_rank"]),
        t("progress.col_decided", lang): assessment["decided"].astype(int),
        t("progress.col_first_time_rate", lang): rate(assessment["first_time_rate"]),
        t("progress.col_first_time_rank", lang): rank(assessment["first_time_rank"]),
        t("progress.col_approved", lang): assessment["approved"].astype(int),
        t("progress.col_restatement_rate", lang): rate(assessment["restatement_rate"]),
        t("progress.col_restatement_rank", lang): rank(assessment["restatement_rank"]),
    })


def tasks_table_frame(frame: pd.DataFrame, catalog: Catalog, lang: str) -> pd.DataFrame:
    """Reporting tasks (Store.tasks_frame) with labelled columns."""
    def units_text(units: str) -> str:
        if units in ("cities", "counties", "all"):
            return t(f"cycle.units_{units}", lang)
        return "、".join(adcode_label(catalog, a, lang) for a in units.split(",") if a)

    def campaigns_text(codes: str) -> str:
        return "、".join(catalog.campaigns[c].label(lang) if c in catalog.campaigns else c for c in codes.split(",") if c)

    return pd.DataFrame({
        t("progress.col_id", lang): frame["id"].astype(int),
        t("progress.col_title", lang): frame["title"].fillna(""),
        t("progress.col_period", lang): frame["period"],
        t("progress.col_campaigns", lang): [campaigns_text(c) for c in frame["campaigns"]],
        t("progress.col_units", lang): [units_text(u) for u in frame["units"]],
        t("progress.col_unit_count", lang): frame["unit_count"].astype(int),
        t("progress.col_deadline", lang): [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in frame["deadline"]],
        t("progress.col_recurring", lang): [t("cycle.recurring_monthly", lang) if r else "" for r in frame["recurring"]],
        t("progress.col_task_status", lang): [t(f"cycle.task_{s}", lang) for s in frame["status"]],
    })
