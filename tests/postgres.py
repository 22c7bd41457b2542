"""PostgreSQL for tests: the throwaway server of KPI_TEST_POSTGRES_URL (scripts/test_postgres.sh), a fresh database
per use. Skips without a server, unless REQUIRE_POSTGRES=1 (set by .ci/run): then it fails."""
from __future__ import annotations

import os
import shutil
import uuid
from glob import glob

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def server_url() -> str:
    """The test server's URL (a SQLAlchemy URL to its 'postgres' database), or skip / fail."""
    server = os.environ.get("KPI_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but KPI_TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL server (set KPI_TEST_POSTGRES_URL)")
    return server


def create_database(prefix: str = "kpi_test") -> str:
    """A new, empty database with a random name on the test server; returns its URL."""
    server = server_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database create_database made (ending any connection still open to it)."""
    name = make_url(url).database
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def libpq_url(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://…) as libpq tools (pg_dump, psql) take it: postgresql://…"""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def client_tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore), or skip / fail like server_url."""
    found = shutil.which(name) or next(iter(sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {name} is not installed (apt-get install postgresql-client)")
        pytest.skip(f"{name} is not installed")
    return found
