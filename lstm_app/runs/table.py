"""The runs as one table, for the Runs page, `runs list` and `runs export-csv`, and settings compared.

Summaries use the best value of a run, never its last: the best validation loss, and the test
scores of the weights that were kept.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..quoting import spreadsheet_csv
from ..tasks import TASKS
from .store import Run

KEY_SETTINGS = ("hidden_size", "num_layers", "dropout", "cell", "lr", "batch_size", "epochs",
                "lookback", "horizon", "level", "seq_len", "max_length", "bidirectional",
                "pooling")


def runs_table(runs: list[Run]) -> pd.DataFrame:
    """One row per run: who, what data, key settings, best validation loss, test scores, time."""
    rows = []
    for run in runs:
        test = run.metrics.get("test", {})
        rows.append({
            "id": run.id, "name": run.name, "task": run.task, "data": run.data_name,
            "status": run.status,
            "created": dt.datetime.fromtimestamp(run.created).strftime("%Y-%m-%d %H:%M"),
            "settings": settings_summary(run.config),
            "best val loss": run.best_val_loss, "best epoch": run.best_epoch,
            "test MAE": test.get("mae"), "test MASE": test.get("mase"),
            "test accuracy": test.get("accuracy"), "test macro-F1": test.get("macro_f1"),
            "bits per char": run.metrics.get("bits_per_char"),
            "seconds": round(run.seconds, 1) if run.seconds is not None else None,
            "note": run.note,
        })
    # The scores first: a table of runs is read to find the best one.
    columns = ["id", "best val loss", "test MASE", "bits per char", "test accuracy", "name",
               "task", "data", "status", "created", "settings", "best epoch", "test MAE",
               "test macro-F1", "seconds", "note"]
    return pd.DataFrame(rows, columns=columns)


def runs_csv(runs: list[Run]) -> str:
    """The runs table as CSV, safe to open in a spreadsheet (quoting.spreadsheet_csv)."""
    return spreadsheet_csv(runs_table(runs))


def settings_summary(config: dict) -> str:
    """The few settings that tell runs apart, e.g. "LSTM 32×1, lr 0.003, lookback 24"; what a
    run's settings lack (an imported or broken run) is left out, never a crash."""
    get = (config if isinstance(config, dict) else {}).get
    parts = [f"{str(get('cell', 'lstm')).upper()} {get('hidden_size', '?')}×"
             f"{get('num_layers', '?')}"]
    if isinstance(get("lr"), (int, float)):
        parts.append(f"lr {get('lr'):g}")
    if get("lookback") is not None:
        parts.append(f"lookback {get('lookback')}, horizon {get('horizon')}")
    if get("level") is not None and get("seq_len") is not None:
        parts.append(f"{get('level')} level, seq {get('seq_len')}")
    elif get("level") is not None:  # a classifier
        parts.append(f"{get('level')} level, {get('pooling')} pooling, up to "
                     f"{get('max_length')} tokens" + (", both ways" if get("bidirectional")
                                                      else ""))
    return ", ".join(parts)


SCORES = {  # per task: the runs table's score columns, named with their units for comparing
    "forecast": {"best val loss": "best validation loss (MSE on scaled values)",
                 "test MAE": "test MAE (the data's units)", "test MASE": "test MASE"},
    "panel": {"best val loss": "best validation loss (MSE on scaled values)",
              "test MASE": "test MASE (mean over the series)"},
    "text": {"best val loss": "best validation loss (nats per token)",
             "bits per char": "bits per character"},
    "classify": {"best val loss": "best validation loss (cross-entropy)",
                 "test accuracy": "test accuracy", "test macro-F1": "test macro-F1"},
}
HIDDEN_SETTINGS = ("suggested",)  # which settings came from suggestions: not a setting itself


def scores_side_by_side(runs: list[Run]) -> list[tuple[str, pd.DataFrame]]:
    """Each kind of run's scores, a row per run in the order given, columns named with their
    units: a forecast's loss (scaled MSE) and a text model's (nats) never share a column.
    Cells are text ("–" where a run has no such score)."""
    table = runs_table(runs).set_axis([f"{r.name} ({r.id[:6]})" for r in runs])
    out = []
    for task, columns in SCORES.items():
        rows = table[table["task"] == task]
        if rows.empty:
            continue
        frame = rows[list(columns)].rename(columns=columns).dropna(axis=1, how="all")
        out.append((task, frame.map(lambda v: "–" if v is None or pd.isna(v) else f"{v:.4g}")))
    return out


def settings_side_by_side(runs: list[Run]) -> pd.DataFrame:
    """Every setting (rows, named as the pages name them, in their tables' order) of each run
    (columns), and a column saying whether they differ."""
    labels = {}
    for task in dict.fromkeys(run.task for run in runs):
        if task in TASKS:
            labels.update({k: s.label for k, s in TASKS[task].settings.items()
                           if k not in labels})
    present = {k for run in runs for k in run.config if k not in HIDDEN_SETTINGS}
    keys = [k for k in labels if k in present] + sorted(present - set(labels))
    frame = pd.DataFrame({f"{run.name} ({run.id[:6]})": [_plain(run.config.get(k)) for k in keys]
                          for run in runs},
                         index=pd.Index([labels.get(k, k) for k in keys], name="setting"))
    frame["differs"] = frame.nunique(axis=1, dropna=False) > 1
    return frame


def _plain(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
