"""Where the run store's database is, and a connection to it: SQLite by default, PostgreSQL when
``LSTM_APP_DATABASE_URL`` names one (several app servers then share one store).

The store writes plain SQL with ``?`` placeholders that both databases run (``ON CONFLICT``
upserts, no SQLite-only statements); ``Database`` turns the placeholders into the driver's
and hands rows back as dicts that also answer by position. SQLAlchemy makes the connections
(a pool per store) and says what went wrong in one exception type; psycopg (version 3) is the
PostgreSQL driver, imported only when such an address is configured.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from ..i18n import tr

DATABASE_URL_VARIABLE = "LSTM_APP_DATABASE_URL"
DB_NAME = "runs.sqlite3"


def database_url(home: Path, url: str | None = None) -> str:
    """The SQLAlchemy address of the store's database: ``url`` if given, else
    ``LSTM_APP_DATABASE_URL``, else the SQLite file ``runs.sqlite3`` in ``home``. A PostgreSQL
    address without a driver gets psycopg (version 3), the one LSTM Studio installs."""
    url = (url or os.environ.get(DATABASE_URL_VARIABLE) or "").strip()
    if not url:
        return f"sqlite:///{Path(home).resolve() / DB_NAME}"
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme in ("postgres", "postgresql"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if scheme.startswith("postgresql+") or scheme == "sqlite":
        return url
    raise ValueError(tr("The database must be a PostgreSQL address "
                        "(postgresql://user:password@host/database) or a SQLite file "
                        "(sqlite:///path/runs.sqlite3); {url} is neither.", url=shown_url(url)))


def shown_url(url: str) -> str:
    """``url`` with its password hidden, as it may be printed or shown."""
    try:
        parts = urlsplit(url)
        if parts.password:
            netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
            return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "(an address that cannot be read)"
    return url


class Row(dict):
    """A row by column name (``row["id"]``) and by position (``row[0]``)."""

    def __getitem__(self, key):
        if isinstance(key, (int, slice)):
            return list(self.values())[key]
        return super().__getitem__(key)


class _Result:
    def __init__(self, result):
        self._result = result

    def fetchone(self) -> Row | None:
        row = self._result.fetchone() if self._result.returns_rows else None
        return None if row is None else Row(row._mapping)

    def fetchall(self) -> list[Row]:
        return [Row(r._mapping) for r in self._result.fetchall()] if self._result.returns_rows \
            else []

    def __iter__(self):
        return iter(self.fetchall())


class _Connection:
    """One transaction's connection: ``execute(sql, params)`` with ``?`` placeholders."""

    def __init__(self, connection, postgres: bool):
        self._connection, self._postgres = connection, postgres

    def execute(self, sql: str, params: tuple | list = ()) -> _Result:
        if self._postgres:
            sql = sql.replace("?", "%s")
        return _Result(self._connection.exec_driver_sql(sql, tuple(params)))


class Database:
    """A pool of connections to one database; ``with db.transaction() as c`` is one
    transaction, committed at its end or rolled back on an exception."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine, event

        self.url = url
        self.postgres = url.startswith("postgresql")
        if self.postgres:
            self.engine = create_engine(url, pool_pre_ping=True,
                                        connect_args={"connect_timeout": 10})
        else:
            self.engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @contextmanager
    def transaction(self) -> Iterator[_Connection]:
        with self.engine.begin() as connection:
            yield _Connection(connection, self.postgres)

    def columns(self, table: str) -> set[str]:
        from sqlalchemy import inspect

        return {c["name"] for c in inspect(self.engine).get_columns(table)}

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(connection, _record) -> None:
    # In WAL mode, NORMAL never corrupts the database and a killed process loses nothing
    # committed; only a power cut may drop the last commits. FULL would sync the disk on every
    # epoch's commit. Several processes (the server, its workers, the command line) share the
    # file: SQLite serialises the writers, each waiting up to 30 s for the lock.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
