"""The run store's two tables, as this version makes them, and the columns added to the runs
table since its first version (added to a store an earlier version made)."""

from __future__ import annotations

from typing import Callable

ADDED_COLUMNS = {"owner": "TEXT", "shared": "INTEGER NOT NULL DEFAULT 0", "share_token": "TEXT",
                 "study": "TEXT", "trial": "INTEGER",
                 "said": "TEXT"}  # how its message was said (i18n.said_form), to say it again

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    task TEXT NOT NULL,                 -- forecast | panel | text | classify
    name TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    data_name TEXT NOT NULL,
    data_rows INTEGER NOT NULL,         -- rows of a series, characters of a text
    data_hash TEXT NOT NULL,            -- sha256 of the data as trained on
    config TEXT NOT NULL,               -- JSON
    status TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created {REAL} NOT NULL,              -- unix seconds
    finished {REAL},
    heartbeat {REAL} NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    best_epoch INTEGER,
    best_val_loss {REAL},
    metrics TEXT NOT NULL DEFAULT '{{}}', -- JSON: the final scores
    seconds {REAL},
    parent TEXT,                        -- the run this one continued (Train more)
    owner TEXT,                         -- who trained it, with sign-in; NULL without
    shared INTEGER NOT NULL DEFAULT 0,  -- 1: shared with everyone signed in
    share_token TEXT,                   -- an unguessable token that opens it by link
    study TEXT,                         -- the auto-tune study it is a trial of, if any
    trial INTEGER                       -- its trial's number in that study
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    train_loss {REAL},
    val_loss {REAL},
    lr {REAL},
    seconds {REAL},
    scores TEXT,                        -- JSON: a task's own validation scores, or NULL
    PRIMARY KEY (run_id, epoch)
);
CREATE INDEX IF NOT EXISTS runs_by_data ON runs (data_hash, task);
"""


def make_tables(database, transaction: Callable, columns: Callable[[str], set[str]]) -> None:
    """The tables and columns this version needs, made where missing (a new database, or one
    an earlier version made). Skipped when all are there, so that a database role that may only
    read and write rows works; on PostgreSQL under a lock, so that two servers starting at once
    do not both make them. ``transaction()`` gives a connection whose block is one
    transaction; ``columns(table)`` the names a table has."""
    wanted = {"runs": set(ADDED_COLUMNS), "epochs": {"scores"}}
    try:
        if all(names <= database.columns(table) for table, names in wanted.items()):
            return
    except Exception:  # a table is missing: made below
        pass
    with transaction() as db:
        if database.postgres:
            db.execute("SELECT pg_advisory_xact_lock(8437125)")
        real = "DOUBLE PRECISION" if database.postgres else "REAL"
        for statement in SCHEMA.format(REAL=real).split(";\n"):
            if statement.strip():
                db.execute(statement)
    have = columns("runs")
    with transaction() as db:
        for column, kind in ADDED_COLUMNS.items():  # a store made by an earlier version
            if column not in have:
                db.execute(f"ALTER TABLE runs ADD COLUMN {column} {kind}")
    if "scores" not in columns("epochs"):
        with transaction() as db:
            db.execute("ALTER TABLE epochs ADD COLUMN scores TEXT")
