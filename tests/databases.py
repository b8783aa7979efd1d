"""The database fixture: each test that takes `database` runs against SQLite and PostgreSQL.

PostgreSQL is the real server `.ci/postgres-setup.sh` starts (its URL in $ESI_DOCS_TEST_PG_URL);
each test gets a database of its own, dropped afterwards. Outside CI the PostgreSQL cases skip
with the reason when no server is configured; in CI (CI=true) they fail.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "ESI_DOCS_TEST_PG_URL"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests (.ci/postgres-setup.sh)")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty audit database target: a SQLite path or a postgresql:// URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "audit.sqlite3")
        return
    with fresh_pg_database() as url:
        yield url


def pg_server_url() -> str:
    url = os.environ.get(PG_ENV, "")
    if not url:
        _unavailable(f"no PostgreSQL server: ${PG_ENV} is not set (.ci/postgres-setup.sh)")
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as exc:
        _unavailable(f"the PostgreSQL server at ${PG_ENV} does not answer ({type(exc).__name__})")
    return url


class fresh_pg_database:
    """CREATE DATABASE on entry, DROP (FORCE) on exit; yields its URL."""

    def __enter__(self) -> str:
        import psycopg

        self.server = pg_server_url()
        self.name = f"esi_test_{secrets.token_hex(6)}"
        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {self.name}")
        return self.server.rsplit("/", 1)[0] + "/" + self.name

    def __exit__(self, *exc: object) -> None:
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
