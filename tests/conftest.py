"""Shared fixtures: tiny named instances, solved once per session; plan stores to test against.

The PostgreSQL stores need ``ROUTING_TEST_PG_URL`` (a user allowed to create databases; .ci/run
installs and starts Debian's postgresql and sets it). Without it those tests skip, except when
the environment variable CI is set: then they fail, so CI cannot pass without the server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PG_ENV = "ROUTING_TEST_PG_URL"

HERE = Path(__file__).parent
TINY = HERE / "data" / "tiny"
ROOT = HERE.parent


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep matrix caches of test runs out of the user's ~/.cache."""
    os.environ["ROUTING_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def tiny():
    """tiny_county: 1 hub, 2 townships, 5 villages, 2 carriers, 2 vans and 1 reefer;
    pickups at 3 villages, fresh goods both ways, narrow windows at V1 and V2."""
    from routing.io import read_scenario

    return read_scenario(TINY)


@pytest.fixture(scope="session")
def tiny_solved(tiny):
    """The tiny county planned with a solution limit (deterministic), as plan + matrices."""
    from routing.pipeline import plan_scenario

    return plan_scenario(tiny, solution_limit=50, time_limit_s=10)


@pytest.fixture
def tiny_doc(tiny_solved, tiny):
    """A fresh plan.json document of the tiny plan, safe to mutate in a test."""
    from routing.io.plan_json import plan_to_dict

    return plan_to_dict(tiny_solved[0], tiny)


def pg_server_url() -> str:
    """The test server's URL, or skip (fail under CI) when there is none."""
    url = os.environ.get(PG_ENV)
    written = ROOT / ".ci" / "pg_url"  # .ci/setup writes the server it set up there
    if not url and written.is_file():
        url = written.read_text(encoding="utf-8").strip()
    if not url:
        why = f"{PG_ENV} is not set (no PostgreSQL server to test against; .ci/setup sets one up)"
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


#: Debian's Chromium, which the browser tests drive through Playwright (never a downloaded one).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def browser_unavailable(why: str) -> None:
    """Skip a browser test — or fail it under CI, which must run them (.ci/setup installs
    Chromium)."""
    if os.environ.get("CI"):
        pytest.fail(f"{why}; CI must run the browser tests (.ci/setup installs chromium)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's) through Playwright, one per test module."""
    if not CHROMIUM.exists():
        browser_unavailable(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_unavailable("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
