"""Stores to test against: a SQLite file, and a fresh database on a real PostgreSQL server.

The PostgreSQL tests need ``ROUTING_TEST_PG_URL`` (a user allowed to create databases; .ci/run
installs and starts Debian's postgresql and sets it). Without it they skip, except when the
environment variable CI is set: then they fail, so CI cannot pass without the server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

PG_ENV = "ROUTING_TEST_PG_URL"


@pytest.fixture(autouse=True)
def _default_store(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--store` alone and `--reference latest` without `--store` never touch the user's store."""
    monkeypatch.setenv("ROUTING_STORE_URL", f"sqlite:///{tmp_path / 'default.sqlite'}")


def pg_server_url() -> str:
    """The test server's URL, or skip (fail under CI) when there is none."""
    url = os.environ.get(PG_ENV)
    if not url:
        why = f"{PG_ENV} is not set (no PostgreSQL server to test against)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must run the PostgreSQL store tests (.ci/run starts one)")
        pytest.skip(why)
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty database on the test server, dropped after the test."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(pg_server_url()).set(drivername="postgresql+psycopg")
    name = f"routing_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """The URL of an empty plan store: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plans.sqlite'}"
    return request.getfixturevalue("pg_url")
