"""The run store: one database of every training, and a folder of artifacts per run.

Layout under the data directory (``LSTM_APP_HOME``, default ``./lstm_runs``)::

    runs.sqlite3            the runs table and their per-epoch history
    runs/<id>/              weights.safetensors, config/vocabulary/scaler JSON, report, samples, data

With ``LSTM_APP_DATABASE_URL`` the tables live in that PostgreSQL database instead (same schema,
same behaviour; ``database.py``), and the folder is one that every app server shares: several
servers behind one address then show the same runs.

Every database write is one transaction, and every artifact is written to a temporary file and
renamed over the old one, so a crash or a kill at any moment leaves the database consistent and
each artifact either the old or the new version, never half of one. Several processes (the web
server and its training workers, the command line) may use one store at once: SQLite serialises
the writers (WAL mode, with a busy timeout), PostgreSQL does what databases do.

A run that says "running" but whose process stopped sending heartbeats is marked
"interrupted" by ``mark_interrupted`` (the app calls it when it starts and when it lists runs).

With sign-in (team mode) a run belongs to its ``owner`` (who trained or imported it); it is
shared by an explicit action: with everyone signed in (``shared``), or with whoever holds its
``share_token`` (an unguessable link). Who may see what is ``access.py``'s to say.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from ..i18n import tr
from ..file_checks import default_home, os_reason
from ..quoting import name_given, printable, printable_lines
from ..user_json import parse_json
from ..training.trainer import EpochRecord, valid_scores
from .database import Database, StoreError, database_url, store_problem
from .row import Run, run_from_row, said_json
from .schema import make_tables

STATUSES = ("finished", "stopped", "running", "interrupted", "failed")
STALE_SECONDS = 60.0  # a running run without a heartbeat for this long is taken as interrupted
ORPHAN_GRACE = 30.0  # seconds a run of this process may wait for its job to be queued
MAX_NAME_CHARS = 200     # a run's name and its data's name
MAX_NOTE_CHARS = 10_000  # a run's note

def _scores(text: str | None) -> dict | None:
    try:
        return valid_scores(parse_json(text)) if text else None
    except ValueError:
        return None


class RunStore:
    def __init__(self, home: Path | str | None = None, url: str | None = None):
        """The store in ``home`` (its artifacts; its database too unless ``url`` or
        ``LSTM_APP_DATABASE_URL`` names another)."""
        self.home = Path(home) if home is not None else default_home()
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            (self.home / "runs").mkdir(exist_ok=True)
        except OSError as error:  # a file on the way, a system folder, no permission
            raise StoreError(tr("The run store's folder {path} cannot be made or used "
                                "({reason}): set {variable} to a folder you can write to.",
                                path=f"'{printable(self.home)}'", reason=os_reason(error),
                                variable="LSTM_APP_HOME")) from None
        self.url = database_url(self.home, url)
        try:
            self.database = Database.at(self.url)
        except Exception as error:  # no such driver, a port that is not a number, …
            raise StoreError(store_problem(error, self.home, self.url)) from None
        if not self.database.ready:
            make_tables(self.database, self._db, self._columns)
            self.database.ready = True

    def _columns(self, table: str) -> set[str]:
        try:
            return self.database.columns(table)
        except Exception as error:  # SQLAlchemy's, or the driver's own
            raise StoreError(store_problem(getattr(error, "orig", None) or error, self.home,
                                           self.url)) from error

    # --- the database -----------------------------------------------------------------------
    @contextmanager
    def _db(self) -> Iterator:
        """A connection whose ``with`` block is one transaction (committed or rolled back);
        ``execute(sql, params)`` takes ``?`` placeholders and returns rows as ``Row`` dicts.

        The connections are pooled and kept open: opening and closing one for every write made
        each epoch's record cost milliseconds (closing the last connection folds SQLite's WAL
        back into the database), a tenth of a short epoch.
        """
        from sqlalchemy.exc import SQLAlchemyError

        try:
            with self.database.transaction() as db:
                yield db
        except SQLAlchemyError as error:
            raise StoreError(store_problem(getattr(error, "orig", None) or error, self.home,
                                           self.url)) from error

    def create(self, task: str, name: str, config: dict, data_name: str, data_rows: int,
               data_hash: str, parent: str | None = None, note: str = "",
               owner: str | None = None) -> str:
        """A new running run. Its name and data name are cut to ``MAX_NAME_CHARS`` and its note
        to ``MAX_NOTE_CHARS``: they come from a file name or a bundle made elsewhere, which
        nobody is there to shorten (``rename`` and ``annotate`` refuse instead). Control
        characters in them (a bundle's escape sequences, a line break in a name) are spaces."""
        run_id = uuid.uuid4().hex[:12]
        name = name_given(name) or run_id
        data_name, note = printable(data_name).strip(), printable_lines(note)
        now = time.time()
        with self._db() as db:
            db.execute(
                "INSERT INTO runs (id, task, name, note, data_name, data_rows, data_hash, "
                "config, status, created, heartbeat, pid, host, parent, owner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                (run_id, task, name[:MAX_NAME_CHARS], note[:MAX_NOTE_CHARS],
                 data_name[:MAX_NAME_CHARS], data_rows, data_hash, json.dumps(config), now, now,
                 os.getpid(), socket.gethostname(), parent, owner))
        self.run_dir(run_id).mkdir(parents=True, exist_ok=True)
        return run_id

    def link(self, run_id: str, study: str, trial: int) -> None:
        """The run is trial ``trial`` of the auto-tune study ``study``."""
        with self._db() as db:
            db.execute("UPDATE runs SET study = ?, trial = ? WHERE id = ?",
                       (study, trial, run_id))

    def trials_of(self, study: str) -> list[Run]:
        """The runs of a study's trials (those recorded in this store), by trial number."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM runs WHERE study = ? ORDER BY trial",
                              (study,)).fetchall()
        return [run_from_row(r) for r in rows]

    def claim(self, run_id: str) -> None:
        """The process that trains the run (a worker, not the page that created it) takes it over,
        so that its death, not the page's, marks the run interrupted."""
        with self._db() as db:
            db.execute("UPDATE runs SET pid = ?, host = ?, heartbeat = ? WHERE id = ?",
                       (os.getpid(), socket.gethostname(), time.time(), run_id))

    def add_epoch(self, run_id: str, record: EpochRecord) -> None:
        """One finished epoch (and a heartbeat), in one transaction."""
        with self._db() as db:
            db.execute("INSERT INTO epochs (run_id, epoch, train_loss, val_loss, lr, seconds, "
                       "scores) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, epoch) DO "
                       "UPDATE SET train_loss = excluded.train_loss, val_loss = "
                       "excluded.val_loss, lr = excluded.lr, seconds = excluded.seconds, "
                       "scores = excluded.scores",
                       (run_id, record.epoch, record.train_loss, record.val_loss, record.lr,
                        record.seconds,
                        None if record.scores is None else json.dumps(record.scores)))
            db.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time.time(), run_id))

    def heartbeat(self, run_id: str) -> None:
        with self._db() as db:
            db.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time.time(), run_id))

    def finish(self, run_id: str, status: str, message: str = "", metrics: dict | None = None,
               best_epoch: int | None = None, best_val_loss: float | None = None,
               seconds: float | None = None, config: dict | None = None) -> None:
        """The final status and scores; ``config`` replaces the stored one (e.g. with "auto"
        settings resolved to what training used)."""
        if status not in STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        with self._db() as db:
            if config is not None:
                db.execute("UPDATE runs SET config = ? WHERE id = ?",
                           (json.dumps(config, default=str), run_id))
            db.execute(
                "UPDATE runs SET status = ?, message = ?, said = ?, metrics = ?, best_epoch = ?, "
                "best_val_loss = ?, seconds = ?, finished = ?, heartbeat = ? WHERE id = ?",
                (status, message, said_json(message), json.dumps(metrics or {}), best_epoch,
                 best_val_loss, seconds, time.time(), time.time(), run_id))

    def finish_if_running(self, run_id: str, status: str, message: str) -> None:
        """End a run that still says "running" (its training process died) with ``status``."""
        with self._db() as db:
            db.execute("UPDATE runs SET status = ?, message = ?, said = ?, finished = ? "
                       "WHERE id = ? AND status = 'running'",
                       (status, message, said_json(message), time.time(), run_id))

    def mark_interrupted(self, stale_after: float = STALE_SECONDS,
                         known: Callable[[str], bool] | None = None) -> list[str]:
        """Mark running runs whose process is gone, or silent for ``stale_after`` s, interrupted.
        Given ``known`` (does this process still hold a job for the run?), a run that this very
        process started and no longer holds a job for is interrupted too, once it is a little
        older than the moment between creating a run and queueing its job."""
        host, me = socket.gethostname(), os.getpid()
        now = time.time()
        with self._db() as db:
            rows = db.execute("SELECT id, pid, host, heartbeat FROM runs "
                              "WHERE status = 'running'").fetchall()
            # On this machine the training process itself answers; from elsewhere, only its
            # heartbeats (every finished epoch, and every few seconds within one) can.
            gone = [r["id"] for r in rows
                    if (not _alive(r["pid"]) if r["host"] == host
                        else now - r["heartbeat"] > stale_after)
                    or (known is not None and r["host"] == host and r["pid"] == me
                        and now - r["heartbeat"] > ORPHAN_GRACE and not known(r["id"]))]
            message = tr("Training was interrupted (the app or the machine stopped); the last "
                         "saved checkpoint is kept.")
            for run_id in gone:
                self.clean_temporary(run_id)
                db.execute("UPDATE runs SET status = 'interrupted', message = ?, said = ?, "
                           "finished = ? WHERE id = ? AND status = 'running'",
                           (message, said_json(message), now, run_id))
        return gone

    def get(self, run_id: str) -> Run | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return run_from_row(row) if row is not None else None

    def list(self) -> list[Run]:
        """Every run, newest first."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM runs ORDER BY created DESC").fetchall()
        return [run_from_row(r) for r in rows]

    def trained_on(self, task: str, data_hash: str,
                   statuses: tuple[str, ...] = ("finished",)) -> list[Run]:
        """The runs of ``task`` trained from scratch on this data, newest first: the finished
        ones, or those of ``statuses``."""
        assert statuses and not isinstance(statuses, str), statuses  # a tuple of statuses
        marks = ", ".join("?" * len(statuses))
        with self._db() as db:
            rows = db.execute(f"SELECT * FROM runs WHERE task = ? AND data_hash = ? AND "
                              f"status IN ({marks}) AND parent IS NULL ORDER BY created DESC",
                              (task, data_hash, *statuses)).fetchall()
        return [run_from_row(r) for r in rows]

    def history(self, run_id: str) -> list[EpochRecord]:
        with self._db() as db:
            rows = db.execute("SELECT epoch, train_loss, val_loss, lr, seconds, scores FROM "
                              "epochs WHERE run_id = ? ORDER BY epoch", (run_id,)).fetchall()
        return [EpochRecord(*r[:5], _scores(r[5])) for r in rows]

    def rename(self, run_id: str, name: str) -> None:
        """A blank name (or one of invisible characters only) falls back to the run's id; one over ``MAX_NAME_CHARS`` is refused;
        control characters are spaces."""
        name = name_given(name)
        if len(name) > MAX_NAME_CHARS:
            raise ValueError(tr("A run's name can be at most {limit:,} characters long; this "
                                "one has {count:,}. Shorten it and try again.",
                                limit=MAX_NAME_CHARS, count=len(name)))
        with self._db() as db:
            db.execute("UPDATE runs SET name = ? WHERE id = ?", (name or run_id, run_id))

    def annotate(self, run_id: str, note: str) -> None:
        """A note over ``MAX_NOTE_CHARS`` is refused; control characters but its line breaks and
        tabs are spaces."""
        note = printable_lines(note)
        if len(note) > MAX_NOTE_CHARS:
            raise ValueError(tr("A run's note can be at most {limit:,} characters long; this "
                                "one has {count:,}. Shorten it and try again.",
                                limit=MAX_NOTE_CHARS, count=len(note)))
        with self._db() as db:
            db.execute("UPDATE runs SET note = ? WHERE id = ?", (note, run_id))

    def share(self, run_id: str, everyone: bool) -> None:
        """Share the run with everyone signed in, or stop sharing it so (its link stays)."""
        with self._db() as db:
            db.execute("UPDATE runs SET shared = ? WHERE id = ?", (int(everyone), run_id))

    def share_link(self, run_id: str) -> str:
        """The run's share token, made the first time it is asked for (unguessable: 128 bits)."""
        with self._db() as db:
            db.execute("UPDATE runs SET share_token = ? WHERE id = ? AND share_token IS NULL",
                       (secrets.token_urlsafe(16), run_id))
            row = db.execute("SELECT share_token FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise ValueError(tr("There is no run {run_id}.", run_id=f"'{run_id}'"))
        return row["share_token"]

    def unshare_link(self, run_id: str) -> None:
        """Withdraw the run's share link: links given out no longer open it."""
        with self._db() as db:
            db.execute("UPDATE runs SET share_token = NULL WHERE id = ?", (run_id,))

    def delete(self, run_id: str) -> None:
        """The run's rows, then its folder (a crash in between leaves only an orphan folder)."""
        with self._db() as db:
            db.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        shutil.rmtree(self.run_dir(run_id), ignore_errors=True)

    # --- artifacts ----------------------------------------------------------------------------
    def run_dir(self, run_id: str) -> Path:
        if not run_id.isalnum():
            raise ValueError(f"not a run id: {run_id!r}")
        return self.home / "runs" / run_id

    def write_bytes(self, run_id: str, name: str, data: bytes) -> Path:
        """Write an artifact atomically: a temporary file in the same folder, then a rename."""
        folder = self.run_dir(run_id)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return folder / name

    def clean_temporary(self, run_id: str) -> None:
        """Remove the temporary files a write killed half-way left (``.name.xxxx``); the real
        artifacts are whole, so nothing of value goes. Only for a run no process writes to."""
        folder = self.run_dir(run_id)
        if folder.exists():
            for leftover in folder.glob(".*"):
                leftover.unlink(missing_ok=True)

    def write_json(self, run_id: str, name: str, obj: Any) -> Path:
        return self.write_bytes(run_id, name, json.dumps(obj, indent=2, default=str).encode())

    def read_json(self, run_id: str, name: str) -> Any:
        """A run's JSON file (a bundle's user may have made it): a ValueError if it is no JSON
        (nested too deep included), an OSError if it cannot be read."""
        return parse_json((self.run_dir(run_id) / name).read_bytes())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
