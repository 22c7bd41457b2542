"""Backup and restore on PostgreSQL as docs/deploy.md tells it: pg_dump -Fc of a store in use, pg_restore into a
fresh database, and the restored store has the same totals, upload history (ids, statuses, review), reviews, audit
log and accounts; its sequences go on after the restored ids, and its logins still work.

Needs the throwaway server of KPI_TEST_POSTGRES_URL and pg_dump/pg_restore (tests/postgres.py: skips without them,
fails under REQUIRE_POSTGRES=1).
"""
from __future__ import annotations

import subprocess

import pandas as pd
import pytest

from analytics import metric_totals
from loaders import parse_bytes
from store import Store
from store.accounts import SYSTEM
from store.demo import ensure_demo
from tests import postgres

PASSWORD = "backup password 1"
UPLOAD = (
    "统计期间,地区,专项活动,指标,数值,备注\n"
    "2020年8月,国网南京供电公司,防汛保电,服务队,7,备份测试\n"
    "2020年8月,国网苏州供电公司,防汛保电,服务队,5,备份测试\n"
).encode("utf-8-sig")
UNDONE = (
    "统计期间,地区,专项活动,指标,数值,备注\n"
    "2020年8月,国网无锡供电公司,防汛保电,投入人次,40,撤销的上传\n"
).encode("utf-8-sig")


def _upload(store: Store, data: bytes, name: str, actor) -> int:
    return store.import_result(parse_bytes(data, name, catalog=None), data, actor=actor).upload_id


@pytest.fixture
def databases():
    """Two fresh databases on the test server: the one in use and the one a dump is restored into."""
    made = [postgres.create_database("kpi_backup"), postgres.create_database("kpi_restored")]
    yield made
    for url in made:
        postgres.drop_database(url)


def _snapshot(store: Store, catalog) -> dict:
    """What must survive a backup: totals, history, reviews, audit, accounts, the data version."""
    facts = store.active_facts()
    return {
        "totals": metric_totals(facts, catalog),
        "uploads": store.uploads(),
        "reviews": store.review_history(),
        "audit": store.audit_entries(),
        "users": store.users(),
        "version": store.data_version(),
    }


def test_a_dump_restored_into_a_fresh_database_is_the_same_store(databases, catalog, tmp_path):
    pg_dump, pg_restore = postgres.client_tool("pg_dump"), postgres.client_tool("pg_restore")
    live_url, restored_url = databases
    live = Store(live_url)
    assert ensure_demo(live)
    admin = live.add_user(SYSTEM, "backup_admin", "备份管理员", "admin", "", PASSWORD)
    kept = _upload(live, UPLOAD, "2020年8月补报.csv", admin)
    undone = _upload(live, UNDONE, "2020年8月错报.csv", admin)
    live.undo(undone, admin)
    checker = live.add_user(admin, "backup_checker", "审核管理员", "admin", "", PASSWORD)
    live.review(kept, "returned", "请核对苏州数字", actor=checker)
    session = live.start_session("backup_admin")
    before = _snapshot(live, catalog)
    statuses = before["uploads"].set_index("id")[["status", "review"]]
    assert statuses.loc[undone, "status"] == "undone" and statuses.loc[kept, "review"] == "returned"
    assert len(before["uploads"]) > 2 and not before["audit"].empty and not before["totals"].empty

    dump = tmp_path / "kpi.dump"  # the commands of docs/deploy.md
    subprocess.run([pg_dump, "-Fc", "-d", postgres.libpq_url(live_url), "-f", str(dump)],
                   capture_output=True, check=True, timeout=60)
    assert dump.read_bytes().startswith(b"PGDMP")  # the custom format
    subprocess.run([pg_restore, "--no-owner", "--exit-on-error", "-d", postgres.libpq_url(restored_url), str(dump)],
                   capture_output=True, check=True, timeout=60)

    restored = Store(restored_url)
    after = _snapshot(restored, catalog)
    pd.testing.assert_frame_equal(after["totals"], before["totals"])
    for part in ("uploads", "reviews", "audit", "users"):
        pd.testing.assert_frame_equal(after[part], before[part], check_dtype=False, obj=part)
    assert after["version"] == before["version"]

    # after the restore: logins and sessions still hold, and new rows get new ids (the sequences came along)
    assert restored.session_actor(session).name == "backup_admin"
    assert restored.authenticate("backup_admin", PASSWORD).name == "backup_admin"
    later = _upload(restored, UNDONE.replace(b"40", b"41"), "恢复后上传.csv", admin)
    assert later > int(before["uploads"]["id"].max())
    assert restored.data_version() > before["version"]
