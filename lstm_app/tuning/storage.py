"""Where a study lives: in the run store's database, unless another is named.

With nothing configured that is the run store's SQLite file (``runs.sqlite3`` beside the runs,
Optuna's tables next to the runs table); with ``LSTM_APP_DATABASE_URL`` (a shared run store in
PostgreSQL) it is that database; ``--storage URL`` on the command line names any other. Workers
on other machines join a study by naming the same PostgreSQL database and the study's name.

Optuna is imported here, when a study is opened, never when the app starts.
"""

from __future__ import annotations

import re
import time

from ..i18n import tr
from ..quoting import CONTROL
from ..runs.database import database_url, shown_url

__all__ = ["database_url", "shown_url", "check_study_name", "open_storage"]

MAX_STUDY_NAME = 100


def check_study_name(name: str) -> str:
    """A study's name as given, trimmed, or a ValueError that says what a name may hold."""
    name = (name or "").strip()
    # (nor a control that turns text around: printed, such a name could not be copied back)
    if not name or len(name) > MAX_STUDY_NAME or CONTROL.search(name) or re.search(
            "[\u2028\u2029\u200e\u200f\u061c]", name):
        raise ValueError(tr("A study's name must be 1 to {limit} characters long, without line "
                            "breaks or control characters.", limit=MAX_STUDY_NAME))
    return name


def open_storage(url: str):
    """Optuna's storage for ``url`` (a SQLAlchemy address from ``database_url``), or a ValueError
    that says the database cannot be reached and what to check. Two workers opening a new
    database at once may both try to make Optuna's tables: the other tries again."""
    import optuna
    from sqlalchemy.exc import SQLAlchemyError

    engine = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        engine["connect_args"] = {"timeout": 30}  # the run store writes to the same file
    else:
        engine["connect_args"] = {"connect_timeout": 10}
    for attempt in range(1, 6):
        try:
            return optuna.storages.RDBStorage(url, engine_kwargs=engine)
        except (SQLAlchemyError, OSError, ImportError, RuntimeError) as error:
            if attempt < 5 and isinstance(error, SQLAlchemyError) and not _unreachable(error):
                time.sleep(0.5 * attempt)  # another worker is making the tables: it ends soon
                continue
            reason = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
            if url.startswith("sqlite"):  # a file: no server, no password
                raise ValueError(tr("The study's database at {url} cannot be opened "
                                    "({reason}); check that the file's folder is there and "
                                    "can be written to.", url=shown_url(url),
                                    reason=reason)) from None
            raise ValueError(tr("The study's database at {url} cannot be opened ({reason}); "
                                "check the address, that the server runs, and the password.",
                                url=shown_url(url), reason=reason)) from None


def _unreachable(error) -> bool:
    """A database that does not answer (no point in trying again at once)."""
    from sqlalchemy.exc import OperationalError

    text = str(error).lower()
    return isinstance(error, OperationalError) and any(
        word in text for word in ("connection", "connect", "timeout", "refused", "password"))

