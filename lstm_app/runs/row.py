"""A run as the run store hands it back: one row of the runs table, its JSON columns decoded
(``run_from_row``), and how a run's message was said, kept to say it again in another language
(``said_json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields

from ..i18n import said_form
from ..user_json import parse_json
from .database import Row


@dataclass(frozen=True)
class Run:
    """One row of the runs table, with its JSON columns decoded."""

    id: str
    task: str
    name: str
    note: str
    data_name: str
    data_rows: int
    data_hash: str
    config: dict
    status: str
    message: str
    created: float
    finished: float | None
    heartbeat: float
    pid: int
    host: str
    best_epoch: int | None
    best_val_loss: float | None
    metrics: dict
    seconds: float | None
    parent: str | None
    owner: str | None = None
    shared: bool = False
    share_token: str | None = None
    study: str | None = None
    trial: int | None = None
    said: str | None = None  # JSON: how ``message`` was said, where it is a sentence of the app


_RUN_FIELDS = [f.name for f in fields(Run)]


def said_json(message: str) -> str | None:
    form = said_form(message)
    return None if form is None else json.dumps(form, ensure_ascii=False)


def run_from_row(row: Row) -> Run:
    d = dict(row)
    d["config"] = _object(d["config"])
    d["metrics"] = _object(d["metrics"])
    d["shared"] = bool(d["shared"])
    # Only the columns this version knows: a newer version sharing the store may have added more.
    return Run(**{name: d[name] for name in _RUN_FIELDS if name in d})


def _object(text: str | None) -> dict:
    """A JSON column that holds an object, as a dict: an empty one where a hand edit or
    another program left something else (the run stays listed, and can be deleted)."""
    try:
        value = parse_json(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
