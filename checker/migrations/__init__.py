"""The store's schema migrations (Alembic).

:class:`checker.store.Store` runs them itself when it opens a database: a new database is
built by them, an older one is brought to the newest revision. ``versions/`` holds one
file per revision; ``alembic.ini`` lets the ``alembic`` command create a new one
(see docs/architecture.md, "The store").
"""
