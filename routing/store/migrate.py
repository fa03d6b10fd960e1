"""Schema migrations: Alembic scripts shipped in ``routing/store/migrations``, run on open.

Users need no alembic.ini: the configuration is built here. Processes that open a new store
at the same moment must not both create the tables, so the upgrade runs in one transaction
that first takes a lock: an advisory lock on PostgreSQL (whose DDL is transactional), the
database write lock (``BEGIN IMMEDIATE``) on SQLite. The second process then finds the schema
at head and does nothing.

For maintainers: after changing :mod:`.tables`, write the next revision with
``alembic -c routing/store/alembic.ini revision --autogenerate -m "..."`` against a store at
head, and review it; ``tests/store`` checks that migrated tables match the models.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

#: Key of the PostgreSQL advisory lock held while migrating ("routing store" as a number).
PG_LOCK_KEY = 0x726F7574696E67


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the shipped scripts, bound to ``connection`` if given."""
    cfg = Config()
    cfg.set_main_option("script_location",
                        str(resources.files("routing.store").joinpath("migrations")))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store's schema to ``revision`` (default: the newest), under a lock."""
    with engine.begin() as conn:  # SQLite: BEGIN IMMEDIATE (see store._sqlite_begin)
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        command.upgrade(alembic_config(conn), revision)
