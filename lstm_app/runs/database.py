"""Where the run store's database is, and a connection to it: SQLite by default, PostgreSQL when
``LSTM_APP_DATABASE_URL`` names one (several app servers then share one store).

The store writes plain SQL with ``?`` placeholders that both databases run (``ON CONFLICT``
upserts, no SQLite-only statements); ``Database`` turns the placeholders into the driver's
and hands rows back as dicts that also answer by position. SQLAlchemy makes the connections
(a pool per store) and says what went wrong in one exception type; psycopg (version 3) is the
PostgreSQL driver, imported only when such an address is configured. ``store_problem`` says
what went wrong with either in one sentence a user can act on (``StoreError``).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..file_checks import DATABASE_URL_VARIABLE
from ..i18n import tr
from ..quoting import quoted

DB_NAME = "runs.sqlite3"


def database_url(home: Path, url: str | None = None) -> str:
    """The SQLAlchemy address of the store's database: ``url`` if given, else
    ``LSTM_APP_DATABASE_URL``, else the SQLite file ``runs.sqlite3`` in ``home``. A PostgreSQL
    address without a driver gets psycopg (version 3), the one LSTM Studio installs."""
    url = (url or os.environ.get(DATABASE_URL_VARIABLE) or "").strip()
    if not url:
        return f"sqlite:///{Path(home).resolve() / DB_NAME}"
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower() if rest else ""
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return "postgresql+psycopg://" + rest
    if scheme == "sqlite":
        return "sqlite://" + rest
    if "://" not in url and not set("= @") & set(url):  # a file's path (no address's password)
        raise ValueError(tr("The database must be an address; for the SQLite file {path}, write "
                            "sqlite:///{absolute} (for PostgreSQL: "
                            "postgresql://user:password@host/database).", path=quoted(url, 300),
                            absolute=Path(os.path.expanduser(url)).absolute()))
    raise ValueError(tr("The database must be a PostgreSQL address "
                        "(postgresql://user:password@host/database) or a SQLite file "
                        "(sqlite:///path/runs.sqlite3); {url} is neither.", url=shown_url(url)))


def shown_url(url: str) -> str:
    """``url`` as it may be printed or shown: its password hidden, wherever it is (a password
    may hold ``/``, ``#`` or ``?``, or be a ``password=`` parameter); an address that cannot be
    read is not repeated at all."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
        if "password" in parsed.query:
            parsed = parsed.update_query_dict({"password": "***"})
        return parsed.render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        return tr("(an address that cannot be read)")


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
    transaction, committed at its end or rolled back on an exception. ``Database.at(url)`` is
    this process's one pool for ``url`` (a store opened often, once per training, shares it)."""

    _pools: dict[str, "Database"] = {}
    _pools_lock = threading.Lock()

    def __init__(self, url: str):
        from sqlalchemy import create_engine, event

        self.url = url
        self.postgres = url.lower().startswith("postgresql")
        self.ready = False  # whether the store's tables were checked in this process
        if self.postgres:
            self.engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                                        connect_args={"connect_timeout": 10})
        else:
            self.engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)

    @classmethod
    def at(cls, url: str) -> "Database":
        with cls._pools_lock:
            if url not in cls._pools:
                cls._pools[url] = cls(url)
            return cls._pools[url]

    @classmethod
    def forget_all(cls) -> None:
        """Close every pool of this process (a test that changes how SQLite opens files)."""
        with cls._pools_lock:
            for database in cls._pools.values():
                database.close()
            cls._pools.clear()

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


class StoreError(ValueError):
    """The run store's database cannot do what was asked; the message says why and what to do."""


def store_problem(error: Exception, home: Path, url: str | None = None) -> str:
    """One sentence for a database error: full disk, read-only, locked, not a database, or (a
    PostgreSQL ``url``) a server that cannot be reached."""
    text = str(error).lower()
    if url is not None and url.lower().startswith("postgresql"):
        reason = str(error).strip().splitlines()[0][:200] if str(error).strip() \
            else type(error).__name__
        if "password" in reason.lower() and "authentication" not in reason.lower():
            reason = type(error).__name__  # never a message that may quote the address
        return tr("The runs' database at {url} cannot be used ({reason}); check {variable}, "
                  "that the server runs, and the password.", url=shown_url(url),
                  reason=reason, variable="LSTM_APP_DATABASE_URL")
    if "full" in text:
        return tr("The disk holding the runs ({home}) is full; free some space (or delete old "
                  "runs) and try again.", home=str(home))
    if "readonly" in text or "read-only" in text:
        return tr("The runs' folder ({home}) is read-only; choose a folder you can write to "
                  "with {variable}, or change its permissions.", home=str(home),
                  variable="LSTM_APP_HOME")
    if "locked" in text or "busy" in text:
        return tr("The runs' database is busy with another program that holds it locked; close "
                  "it (or wait for it) and try again.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return tr("The runs' database in {home} is damaged; move {file} away to start afresh "
                  "(the run folders stay).", home=str(home), file=DB_NAME)
    return tr("The runs' database in {home} cannot be used ({error}); check that folder.",
              home=str(home), error=str(error)[:200])
