"""The runs as one table, for the Runs page, `runs list` and `runs export-csv`, and settings compared.

Summaries use the best value of a run, never its last: the best validation loss, and the test
scores of the weights that were kept.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..i18n import N_, language, speaking, tr
from ..quoting import no_bidi, spreadsheet_csv
from ..series.calendar import holiday_choices
from ..tasks import TASKS
from ..training.settings import CHOICE_LABELS
from .row import Run

# The table's columns, named in English wherever it is data (the CSV, the command line), shown
# with ``tr`` on the Runs page; and its task and status words, likewise.
COLUMNS = (N_("id"), N_("best val loss"), N_("test MASE"), N_("bits per char"),
           N_("test accuracy"), N_("name"), N_("task"), N_("data"), N_("status"), N_("created"),
           N_("settings"), N_("best epoch"), N_("test MAE"), N_("test macro-F1"), N_("seconds"),
           N_("note"))
TASK_NAMES = {"forecast": N_("forecast"), "panel": N_("panel"), "text": N_("text"),
              "classify": N_("classify")}
STATUS_NAMES = {"finished": N_("finished"), "stopped": N_("stopped"), "running": N_("running"),
                "interrupted": N_("interrupted"), "failed": N_("failed")}
LEVEL_NAMES = {"char": N_("char level"), "word": N_("word level"), "auto": N_("auto level")}
POOLING_NAMES = {"last": N_("last pooling"), "max": N_("max pooling"),
                 "mean": N_("mean pooling"), "attention": N_("attention pooling")}

KEY_SETTINGS = ("hidden_size", "num_layers", "dropout", "cell", "lr", "batch_size", "epochs",
                "lookback", "horizon", "level", "seq_len", "max_length", "bidirectional",
                "pooling")


def runs_table(runs: list[Run]) -> pd.DataFrame:
    """One row per run: who, what data, key settings, best validation loss, test scores, time
    (in English: the CSV's words; shown_table translates them for the page)."""
    rows = []
    for run in runs:
        metrics = run.metrics if isinstance(run.metrics, dict) else {}
        test = metrics.get("test") if isinstance(metrics.get("test"), dict) else {}
        test = {key: _score(value) for key, value in test.items()}  # a damaged run's: blank
        rows.append({
            "id": run.id, "name": run.name, "task": run.task, "data": run.data_name,
            "status": run.status,
            "created": dt.datetime.fromtimestamp(run.created).strftime("%Y-%m-%d %H:%M"),
            "settings": _english_summary(run.config),
            "best val loss": run.best_val_loss, "best epoch": run.best_epoch,
            "test MAE": test.get("mae"), "test MASE": test.get("mase"),
            "test accuracy": test.get("accuracy"), "test macro-F1": test.get("macro_f1"),
            "bits per char": _score(metrics.get("bits_per_char")),
            "seconds": round(run.seconds, 1) if run.seconds is not None else None,
            "note": run.note,
        })
    # The scores first: a table of runs is read to find the best one.
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return table.astype({"best epoch": "Int64"})  # a whole number (2, not 2.0) or blank


def _score(value) -> float | None:
    """A score as stored, or None where a damaged run holds something else there ("abc", [1])."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return float(value) if number else None


def _english_summary(config: dict) -> str:
    with speaking("en"):
        return settings_summary(config)


def task_name(task: str) -> str:
    """A task's word in the reader's language (an unknown one as it is)."""
    return tr(TASK_NAMES[task]) if task in TASK_NAMES else task


def status_name(status: str) -> str:
    """A status's word in the reader's language (an unknown one as it is)."""
    return tr(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def shown_table(runs: list[Run]) -> pd.DataFrame:
    """The runs table as the Runs page shows it: its column names and its task and status
    words in the reader's language (the stored values and the CSV stay English)."""
    table = runs_table(runs)
    for column in ("name", "data", "note"):  # drawn as written, never backwards
        table[column] = table[column].map(no_bidi)
    table["settings"] = [settings_summary(run.config) for run in runs]
    table["task"] = table["task"].map(task_name)
    table["status"] = table["status"].map(status_name)
    scores = ["best val loss", "test MAE", "test MASE", "bits per char", "test accuracy",
              "test macro-F1", "seconds"]
    # a score a run lacks (or a damaged run holds as text) is blank, not "None"
    table[scores] = table[scores].apply(pd.to_numeric, errors="coerce")
    return table.rename(columns={c: tr(c) for c in COLUMNS})


def runs_csv(runs: list[Run]) -> str:
    """The runs table as CSV, safe to open in a spreadsheet (quoting.spreadsheet_csv)."""
    return spreadsheet_csv(runs_table(runs))


def settings_summary(config: dict) -> str:
    """The few settings that tell runs apart, e.g. "LSTM 32×1, lr 0.003, lookback 24"; what a
    run's settings lack (an imported or broken run) is left out, never a crash."""
    get = (config if isinstance(config, dict) else {}).get
    cell = str(get("cell", "lstm"))
    cell = tr(CHOICE_LABELS[cell]) if cell in CHOICE_LABELS else cell.upper()  # "Peephole LSTM"
    parts = [f"{cell} {get('hidden_size', '?')}×{get('num_layers', '?')}"]
    if isinstance(get("lr"), (int, float)):
        parts.append(tr("lr {lr:g}", lr=get("lr")))
    if get("lookback") is not None:
        auto = lambda v: tr(CHOICE_LABELS["auto"]).lower() if v == "auto" else v
        parts.append(tr("lookback {lookback}, horizon {horizon}", lookback=auto(get("lookback")),
                        horizon=auto(get("horizon"))))
    level = get("level")
    if level is not None:
        level = (tr(LEVEL_NAMES[level]) if level in LEVEL_NAMES
                 else tr("{level} level", level=level))
    if level is not None and get("seq_len") is not None:
        parts.append(tr("{level}, seq {seq}", level=level, seq=get("seq_len")))
    elif level is not None:  # a classifier
        pooling = get("pooling")
        pooling = (tr(POOLING_NAMES[pooling]) if pooling in POOLING_NAMES
                   else tr("{pooling} pooling", pooling=pooling))
        values = dict(level=level, pooling=pooling, count=get("max_length"))
        parts.append(tr("{level}, {pooling}, up to {count} tokens, both ways", **values)
                     if get("bidirectional") else
                     tr("{level}, {pooling}, up to {count} tokens", **values))
    return ("，" if language() == "zh" else ", ").join(parts)


SCORES = {  # per task: the runs table's score columns, named with their units for comparing
    "forecast": {"best val loss": N_("best validation loss (MSE on scaled values)"),
                 "test MAE": N_("test MAE (the data's units)"), "test MASE": N_("test MASE")},
    "panel": {"best val loss": N_("best validation loss (MSE on scaled values)"),
              "test MASE": N_("test MASE (mean over the series)")},
    "text": {"best val loss": N_("best validation loss (nats per token)"),
             "bits per char": N_("bits per character")},
    "classify": {"best val loss": N_("best validation loss (cross-entropy)"),
                 "test accuracy": N_("test accuracy"), "test macro-F1": N_("test macro-F1")},
}
HIDDEN_SETTINGS = ("suggested",)  # which settings came from suggestions: not a setting itself


def scores_side_by_side(runs: list[Run]) -> list[tuple[str, pd.DataFrame]]:
    """Each kind of run's scores, a row per run in the order given, columns named with their
    units: a forecast's loss (scaled MSE) and a text model's (nats) never share a column, named
    in the reader's language. Cells are text ("–" where a run has no such score)."""
    table = runs_table(runs).set_axis([f"{no_bidi(r.name)} ({r.id[:6]})" for r in runs])
    out = []
    for task, columns in SCORES.items():
        rows = table[table["task"] == task]
        if rows.empty:
            continue
        # each as the runs table shows it (accuracy a percentage there, so here too)
        frame = pd.DataFrame({tr(name): rows[key].map(
            lambda v, form=("{:.2%}" if key == "test accuracy" else "{:.4g}"):
            "–" if v is None or pd.isna(v) else form.format(v))
            for key, name in columns.items() if rows[key].notna().any()}, index=rows.index)
        out.append((task, frame))
    return out


def settings_side_by_side(runs: list[Run]) -> pd.DataFrame:
    """Every setting (rows, named as the pages name them, in their tables' order and the
    reader's language) of each run (columns), and a column saying whether they differ."""
    labels = {}
    for task in dict.fromkeys(run.task for run in runs):
        if task in TASKS:
            labels.update({k: tr(s.label) for k, s in TASKS[task].settings.items()
                           if k not in labels})
    present = {k for run in runs for k in run.config if k not in HIDDEN_SETTINGS}
    keys = [k for k in labels if k in present] + sorted(present - set(labels))
    choices = {k for task in TASKS.values() for k, s in task.settings.items() if s.choices}
    names = [labels.get(k, k) for k in keys]
    # Two tasks may call two settings alike (the text's val_fraction, the others' val_size):
    # such rows also show their setting's name, so that each row is one setting.
    names = [f"{name} ({k})" if names.count(name) > 1 else name for name, k in zip(names, keys)]
    frame = pd.DataFrame({f"{no_bidi(run.name)} ({run.id[:6]})": [_shown(k, run.config.get(k),
                                                                 k in choices)
                                                          for k in keys]
                          for run in runs},
                         index=pd.Index(names, name=tr("setting")))
    frame["differs"] = frame.nunique(axis=1, dropna=False) > 1
    return frame


def _shown(key: str, value, choice: bool) -> str:
    """A setting's value in the table: a holiday calendar by its country's name, "China (CN)"
    (in the reader's language), any other as ``_plain`` writes it."""
    if key == "holidays" and isinstance(value, str) and value:
        return holiday_choices().get(value, value)
    return _plain(value, choice)


def _plain(value, choice: bool = False) -> str:
    """A setting's value as the table shows it: a choice by its label (Characters, GRU)."""
    if choice and isinstance(value, str) and value in CHOICE_LABELS:
        return tr(CHOICE_LABELS[value])
    if value is None:
        return "–"
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    # a float as a person wrote it: 0.1 + 0.2 (a tuned dropout) is 0.3, not 0.30000000000000004
    written = lambda v: f"{v:.10g}" if isinstance(v, float) else str(v)
    return ", ".join(map(written, value)) if isinstance(value, (list, tuple)) else written(value)
