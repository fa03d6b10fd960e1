"""Alembic environment: runs on the connection routing.store.migrate hands over.

That connection is already inside the transaction that holds the migration lock, so Alembic
neither opens nor commits one of its own.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from routing.store.tables import Base

config = context.config
connection = config.attributes.get("connection")


def _run(conn: Connection) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata,
                      # SQLite cannot ALTER most things; batch mode rebuilds the table.
                      render_as_batch=conn.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif connection is not None:
    _run(connection)
else:
    # The alembic command line (maintainers): a URL from alembic.ini or -x url=...
    url = context.get_x_argument(as_dictionary=True).get("url") or \
        config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("give the store's URL: alembic -c routing/store/alembic.ini -x url=...")
    with create_engine(url).begin() as conn:
        _run(conn)
