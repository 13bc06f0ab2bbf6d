"""Alembic environment of the store, for the ``alembic`` command.

claimcheck itself does not read this file: :class:`checker.store.Store` runs the same
revisions inside the write transaction in which it checked the database's revision, so
a migration runs once even when several processes open a database at the same moment.
Here the database comes from ``-x db=PATH_OR_URL`` (a path is an SQLite file); a
connection handed in as ``config.attributes["connection"]`` is used as it is; ``--sql``
prints the SQL instead of running it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from checker.store import url_for

config = context.config


def _url() -> str:
    target = context.get_x_argument(as_dictionary=True).get("db")
    target = target or config.get_main_option("sqlalchemy.url")
    if not target:
        raise SystemExit("name the database: alembic -x db=PATH_OR_URL ...")
    return url_for(target)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    if context.is_offline_mode():
        context.configure(url=_url(), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(_url())
    try:
        with engine.connect() as conn:
            context.configure(connection=conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


run_migrations()
