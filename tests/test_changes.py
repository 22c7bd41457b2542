"""One set of counts (store/changes.py): the same new / changed / unchanged / left out in the preview, the save,
the stored history and the figures' fates; older stores get the columns when opened."""
from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Column, MetaData, Table, create_engine, insert, select

import display
import ui
from loaders.problems import WARNING, DroppedRow, Problem
from store import Store
from store import payload
from store.changes import CHANGED, NEW, REPEATED, UNCHANGED, ChangeCounts, classify_changes, left_out_count
from store.preview import preview_changes
from store.schema import COUNT_COLUMNS, fact_sets, meta, uploads
from tests.conftest import facts_frame, make_result

CITIES = ["南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市",
          "泰州市", "宿迁市"]
METRICS = ["teams", "staff_deployed", "key_customers_checked", "lighting_lines", "temp_transformers"]
SEPTEMBER = {"period_start": "2020-09-01", "period_end": "2020-09-30", "campaign": "flood_power"}


def province_rows(nanjing_teams: float = 22) -> list[dict]:
    """The issue's file: 13 cities × 5 metrics = 65 figures; a correction differs in Nanjing's teams only."""
    return [{**SEPTEMBER, "city": city, "metric": metric,
             "value": nanjing_teams if (city, metric) == ("南京市", "teams") else 10 + i * 5 + j}
            for i, city in enumerate(CITIES) for j, metric in enumerate(METRICS)]


def fates(marks: pd.DataFrame) -> list[str]:
    """What became of each of an upload's figures, as the history page says it in English."""
    return [display._fact_status(active, by, upload, "en", same) for active, by, upload, same in zip(
        marks["active"], marks["superseded_by"], marks["upload_id"], marks["reconfirmed"])]


def test_a_correction_of_one_figure_counts_one_changed_and_64_unchanged_everywhere(store):
    first = store.import_result(make_result(province_rows(), "province.xlsx"), b"v1")
    assert (first.new, first.changed, first.unchanged, first.left_out) == (65, 0, 0, 0)
    fix = make_result(province_rows(nanjing_teams=30), "province_fix.xlsx")

    preview = preview_changes(store, fix.facts)
    assert ChangeCounts.of(preview, 0) == ChangeCounts(new=0, changed=1, unchanged=64, left_out=0)
    [changed] = preview[preview["change"] == CHANGED].itertuples()
    assert (changed.city, changed.metric, changed.old_value, changed.value) == ("南京市", "teams", 22, 30)

    saved = store.import_result(fix, b"v2")
    assert (saved.new, saved.changed, saved.unchanged, saved.left_out) == (0, 1, 64, 0)
    assert saved.counts == ChangeCounts.of(preview, 0)  # the save message says what the preview said
    history = store.uploads().set_index("id")
    assert [int(history.at[saved.upload_id, c]) for c in COUNT_COLUMNS] == [0, 1, 64, 0]
    assert [int(history.at[first.upload_id, c]) for c in COUNT_COLUMNS] == [65, 0, 0, 0]

    marks = store.upload_facts(first.upload_id)
    statuses = fates(marks)
    assert statuses.count(f"re-confirmed by upload #{saved.upload_id} (same figure)") == 64
    assert statuses.count(f"corrected by upload #{saved.upload_id}") == 1
    nanjing = marks[(marks["city"] == "南京市") & (marks["metric"] == "teams")].iloc[0]
    assert not nanjing["reconfirmed"] and nanjing["superseded_by"] == saved.upload_id
    assert display.upload_facts_summary(marks, "en") == "0 in effect, 64 re-confirmed since (same figure), " \
                                                   "1 corrected since, 0 undone."
    assert store.upload_facts(saved.upload_id)["active"].all()

    store.undo(saved.upload_id)  # the earlier figures are in effect again, nothing re-confirms them now
    marks = store.upload_facts(first.upload_id)
    assert marks["active"].all() and not marks["reconfirmed"].any()


def test_the_save_counts_against_the_figures_in_effect_then_not_those_the_preview_saw(store):
    store.import_result(make_result(province_rows()[:10]), b"v1")
    fix = make_result(province_rows(nanjing_teams=30))
    seen = ChangeCounts.of(preview_changes(store, fix.facts), 0)
    assert (seen.new, seen.changed, seen.unchanged) == (55, 1, 9)
    # another clerk saves the same correction of Nanjing and five more figures before this file is saved
    store.import_result(make_result(province_rows(nanjing_teams=30)[:15]), b"meanwhile")
    saved = store.import_result(fix, b"v2")
    assert (saved.new, saved.changed, saved.unchanged) == (50, 0, 15)


def test_a_key_repeated_in_the_file_counts_once_with_its_last_row(store):
    store.import_result(make_result(province_rows()[:2]), b"v1")
    rows = [{**province_rows()[0], "value": 99}, province_rows()[0], province_rows()[1], province_rows()[2]]
    saved = store.import_result(make_result(rows), b"v2")
    assert (saved.new, saved.changed, saved.unchanged, saved.added) == (1, 0, 2, 4)
    marks = store.upload_facts(saved.upload_id)
    assert fates(marks) == ["a later row of this file counts", "in effect", "in effect", "in effect"]


CURRENT = facts_frame([
    {**SEPTEMBER, "city": "南京市", "metric": "teams", "value": 22},
    {**SEPTEMBER, "city": "无锡市", "metric": "teams", "value": 8100, "qualifier": "over"},
    {**SEPTEMBER, "city": "苏州市", "metric": "teams", "value": 5},
]).assign(upload_id=1)


@pytest.mark.parametrize("incoming, expected", [
    ({"city": "南京市", "value": 22}, UNCHANGED),
    ({"city": "南京市", "value": 30}, CHANGED),
    ({"city": "南京市", "value": 22, "remarks": "复核"}, UNCHANGED),  # remarks are not the figure
    ({"city": "无锡市", "value": 8100, "qualifier": "over"}, UNCHANGED),
    ({"city": "无锡市", "value": 8100}, CHANGED),  # 8,100+ → 8,100 is a change
    ({"city": "无锡市", "value": 8100, "qualifier": "about"}, CHANGED),
    ({"city": "常州市", "value": 22}, NEW),
    ({"city": "南京市", "county": "高淳区", "value": 22}, NEW),  # another key
    ({"city": "南京市", "metric": "volunteers", "value": 22}, NEW),
])
def test_each_figure_is_new_changed_or_unchanged(incoming, expected):
    changes = classify_changes(CURRENT, facts_frame([{**SEPTEMBER, "metric": "teams", **incoming}]))
    assert list(changes["change"]) == [expected]
    if expected != NEW:
        assert changes.at[0, "old_upload_id"] == 1
    else:
        assert pd.isna(changes.at[0, "old_value"]) and pd.isna(changes.at[0, "old_upload_id"])


def test_an_earlier_row_for_a_key_the_file_repeats_is_in_no_count():
    rows = [{**SEPTEMBER, "city": "南京市", "metric": "teams", "value": 30},
            {**SEPTEMBER, "city": "南京市", "metric": "teams", "value": 22}]
    changes = classify_changes(CURRENT, facts_frame(rows))
    assert list(changes["change"]) == [REPEATED, UNCHANGED]
    assert ChangeCounts.of(changes, 0) == ChangeCounts(0, 0, 1, 0)
    assert list(classify_changes(CURRENT.iloc[:0], facts_frame(rows))["change"]) == [REPEATED, NEW]


def test_left_out_counts_dropped_rows_and_total_columns_but_no_other_warning():
    dropped = [DroppedRow("S", 9, "合计", "合计/小计行，不作为数据导入", "total row"),
               DroppedRow("S", 10, "注：…", "注释行，已忽略", "note line")]
    problems = [Problem(WARNING, "total_column", "f.xlsx", "S", None, "合计", "", "合计列", "total column"),
                Problem(WARNING, "unknown_column", "f.xlsx", "S", None, "备用", "", "未识别", "unknown")]
    assert left_out_count(dropped, problems) == 3
    result = make_result(province_rows()[:3])
    result.dropped, result.problems = dropped, problems
    assert result.ok


def test_the_save_stores_left_out_beside_the_rows_dropped(store):
    result = make_result(province_rows()[:3])
    result.dropped = [DroppedRow("S", 9, "合计", "合计行", "total row")]
    result.problems = [Problem(WARNING, "total_column", "f.xlsx", "S", None, "合计", "", "合计列", "total column")]
    saved = store.import_result(result, b"x")
    assert (saved.new, saved.left_out) == (3, 2)
    row = store.uploads().iloc[0]
    assert (row["rows_dropped"], row["left_out"], row["warnings"]) == (1, 2, 1)


def old_uploads_table(metadata: MetaData):
    """The uploads table as versions before the counts defined it."""
    return Table("uploads", metadata, *[Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                                        for c in uploads.columns if c.name not in (*COUNT_COLUMNS, "kind", "review")])


def test_a_store_without_the_count_columns_gets_them_and_what_can_be_known(store_url):
    """An upload that replaced nothing brought only new figures (exact); one that replaced some keeps NULL, shown —."""
    old = MetaData()
    table = old_uploads_table(old)
    fact_sets.to_metadata(old), meta.to_metadata(old)
    engine = create_engine(store_url)
    old.create_all(engine)
    first, second = facts_frame(province_rows()[:4]), facts_frame(province_rows(nanjing_teams=30)[:1])
    with engine.begin() as conn:
        conn.execute(insert(old.tables["meta"]).values(id=1, data_version=2))
        for number, frame, superseded, dropped in ((1, first, 0, 2), (2, second, 1, 0)):
            upload_id = conn.execute(insert(table).values(  # numbered by the database, as the old code did
                file_name=f"{number}.xlsx", sha256=str(number), size=1, content=b"x",
                uploaded_at=pd.Timestamp("2026-11-01", tz="UTC"), uploader="", source="upload", status="active",
                sheets="[]", facts_added=len(frame), facts_superseded=superseded, rows_dropped=dropped, warnings=0)
            ).inserted_primary_key[0]
            assert upload_id == number
            conn.execute(insert(old.tables["fact_sets"]).values(
                upload_id=upload_id, format=payload.PAYLOAD_FORMAT, facts=len(frame),
                period_end_min=pd.Timestamp("2020-09-30").date(), period_end_max=pd.Timestamp("2020-09-30").date(),
                payload=payload.encode(payload.facts_table(frame))))
    engine.dispose()

    store = Store(store_url)
    history = store.uploads().set_index("id")
    assert [history.at[1, c] for c in COUNT_COLUMNS] == [4, 0, 0, 2]
    assert [pd.isna(history.at[2, c]) for c in COUNT_COLUMNS[:3]] == [True, True, True]
    assert history.at[2, "left_out"] == 0
    shown = display.uploads_frame(store.uploads(), "zh").set_index("编号")
    assert list(shown.loc[2, ["新增", "修改", "未变（重新确认）", "未导入"]]) == ["—", "—", "—", "0"]
    assert list(shown.loc[1, ["新增", "修改", "未变（重新确认）", "未导入"]]) == ["4", "0", "0", "2"]
    assert store.import_result(make_result(province_rows(nanjing_teams=31)[:1]), b"v3").changed == 1
    Store(store_url).engine.dispose()  # opening again changes nothing
    with Store(store_url).engine.connect() as conn:
        assert conn.execute(select(uploads.c.facts_new).order_by(uploads.c.id)).scalars().all() == [4, None, 0]
