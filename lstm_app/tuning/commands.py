"""``python -m lstm_app tune DATA [--task forecast|text|classify] --trials N --minutes M
[--storage URL] [--study NAME]``: an auto-tune from the command line.

Any setting of the task's own command may follow (``--horizon 12``, ``--id-col store``,
``--epochs 30``); they are the starting settings, the first trial's. Without DATA, ``--study
NAME`` joins a study whose data is in this run store (a worker on a second machine names the
same PostgreSQL ``--storage`` and gives the data file). A line is printed as each trial ends;
then the trials, best first, the verdict, and the best settings as options to train with.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from dataclasses import replace
from pathlib import Path

from ..cli_options import (add_future_option, add_ray_option, add_settings, given_settings,
                           suggested_note)
from ..cli_progress import with_progress
from ..file_checks import output_path, write_output
from ..i18n import N_, sentences, tr, trn
from ..series.labelled_texts import labelled_finding
from ..series.numbers import NO_NUMBERS
from ..quoting import printable, quoted, rjust
from ..runs.store import RunStore
from ..tasks import task_named
from .space import TUNED, rounded
from .storage import check_study_name, database_url
from .result import STATES, TrialRow, TuneLive, TuneResult, scored as is_scored
from .study import study_data, tune

TASK_CHOICES = ("forecast", "text", "classify")
SUGGESTED = {"forecast": ("hidden_size", "lookback", "horizon"),
             "text": ("hidden_size", "num_layers", "seq_len", "embedding_dim", "epochs")}


def task_named_in(argv: list[str]) -> str:
    """The task ``--task`` names among the words typed (forecast when none or another):
    the tune command's options are that task's settings."""
    for i, word in enumerate(argv):
        value = (argv[i + 1] if word == "--task" and i + 1 < len(argv)
                 else word.split("=", 1)[1] if word.startswith("--task=") else None)
        if value in TASK_CHOICES:
            return value
    return "forecast"


def add_tune_command(commands, task: str = "forecast") -> None:
    t = commands.add_parser(
        "tune", help=tr("auto-tune a task's settings with Optuna (each trial is a saved run)"),
        description=tr("Search the settings that matter (lookback, hidden units, layers, "
                       "dropout, learning rate, cell; reading both ways for a classifier) with "
                       "Optuna's TPE sampler, pruning trials that fall behind. Trial 0 "
                       "is the starting settings; every trial is scored on the validation span "
                       "only."),
        epilog=tr("Any setting of the task's own command may be given as the starting settings "
                  "(for example {example}); {command} lists a text's or a classifier's.",
                  example="--horizon 12 --id-col store --epochs 30",
                  command="python -m lstm_app tune --task text --help"))
    t.add_argument("data", nargs="?", help=tr(
        "the data file (a CSV series, a text, labelled texts); left out, {option} joins a "
        "study whose trials are in this run store", option="--study"))
    t.add_argument("--task", choices=TASK_CHOICES, default="forecast",
                   help=tr("what to tune (default: {default})", default="forecast"))
    t.add_argument("--trials", default="20", metavar="N",  # read in run_tune_command
                   help=tr("trials to run at most (default: {default})", default=20))
    t.add_argument("--minutes", default="10", metavar="M",
                   help=tr("minutes to run at most (default: {default})", default=10))
    t.add_argument("--storage", metavar="URL", help=tr(
        "the study's database, such as postgresql://user:password@host/database, which "
        "workers on other machines share (default: the run store's database)"))
    t.add_argument("--study", metavar="NAME", help=tr(
        "the study's name: a new study, or one to join (default: the data's name and the time)"))
    t.add_argument("--report", type=output_path,
                   help=tr("write the study's trials and result here (JSON)"))
    if task == "forecast":
        add_future_option(t)
    t.add_argument("--quiet", action="store_true", help=tr("no line per trial"))
    add_ray_option(t)
    add_settings(t.add_argument_group(tr("the starting settings ({task})", task=task)),
                 _settings(task), task_named(task).config(), SUGGESTED.get(task, ()))


def _settings(task: str) -> dict:
    """The task's settings as tune's options: all but its time budget per training, whose
    ``--minutes`` is the study's here."""
    return {name: s for name, s in task_named(task).settings.items() if name != "minutes"}


def _within(text, kind, low, high, sentence: str):
    """``text`` as a number of ``kind`` from ``low`` to ``high``, or a ValueError saying
    ``sentence``."""
    try:
        value = kind(str(text).strip())
    except ValueError:
        raise ValueError(sentence) from None
    if not low <= value <= high:
        raise ValueError(sentence)
    return value


def run_tune_command(args: argparse.Namespace) -> int:
    # Read here, not by argparse: "1e9" or "abc" gets the sentence "0" gets, not its usage.
    args.trials = _within(args.trials, int, 1, 1000, tr(
        "{option} must be a whole number from 1 to 1,000.", option="--trials"))
    args.minutes = _within(args.minutes, float, 0.1, 1440, tr(
        "{option} must be a number of minutes from 0.1 to 1,440.", option="--minutes"))
    given = given_settings(args, _settings(args.task))
    store = RunStore()
    database_url(store.home, args.storage)  # a bad address is said before the data is read
    if args.study is not None:  # given: even "" is a name to check, not the default
        args.study = check_study_name(args.study)
    if args.data is None:
        if not args.study:
            raise ValueError(tr("Give the data file to tune, or {option} NAME to join a study.",
                                option="--study"))
        task, data, data_name = study_data(args.study, args.storage, store.home)
        config = task_named(task).config()  # the study's own starting settings are used
        if given:
            print(tr("note: a study that is joined trains with its own starting settings; the "
                     "options given are not used."), file=sys.stderr)
    else:
        task, data, config, data_name = _load_or_hint(args.task, args.data, given,
                                                      getattr(args, "future", None))
    printer = _TrialPrinter(args.quiet)
    result = with_progress(True, lambda callbacks: tune(
        replace(callbacks, on_live=printer), home=store.home, task_name=task, data=data,
        config=config, data_name=data_name, trials=args.trials, minutes=args.minutes,
        storage=args.storage, study_name=args.study, seed=None if args.data is None else 0,
        ray=args.ray))
    printer(result)
    print(trials_table(result))
    print(result.verdict)
    if result.best is not None and (result.better or result.start is None):  # (no clear gain:
        # the verdict says to keep the starting settings)
        options = " ".join(as_options(rounded(result.best.params)))
        print(tr("Best settings: {options}", options=options))
        print(tr("Train with them: {command}",
                 command=train_command(task, args, result.best.params)))
    print(tr("The trials are saved as runs in {home} (study {study}).", home=store.home,
             study=printable(result.study)))
    if args.report:
        write_output(args.report, json.dumps(study_report(result), indent=2, ensure_ascii=False,
                                             default=str))
        print(tr("Report written to {path}", path=printable(args.report)))
    return 0


def _load_or_hint(task: str, path: str, given: dict, future=None):
    """``_load``; a file the forecaster finds no numbers in may be labelled texts: its refusal
    says how to tune a classifier."""
    try:
        return _load(task, path, given, future)
    except ValueError as error:
        if task != "forecast" or not str(error).startswith(tr(NO_NUMBERS).split("{")[0]):
            raise
        raise ValueError(sentences(str(error), tr(
            "If the file holds labelled texts, tune a classifier with {option}.",
            option="--task classify"))) from None


def _load(task: str, path: str, given: dict, future=None):
    """The data and the starting settings (suggested for it where not given), as the task's
    own command reads them (a forecast's planned values from ``future``, --future), notices on
    stderr."""
    note = lambda text: print(tr("note: {notice}", notice=printable(text)), file=sys.stderr)
    if task == "forecast":
        from ..series.future_file import check_future_option, with_future
        from ..series.loading import load_series
        from ..series.panel import load_panel
        from ..series.sizing import suggested_config

        columns = task_named("forecast").config(**given)
        check_future_option(columns, "--future", future)
        if columns.panel:
            data = load_panel(path, layout="wide" if columns.wide else "long",
                              id_cols=columns.id_col or None, time_col=columns.time_col,
                              value_col=columns.value_col, covariates=columns.covariates)
            task = "panel"
        else:
            data = load_series(path, time_col=columns.time_col, value_col=columns.value_col,
                               covariates=columns.covariates)
            labelled = labelled_finding(data.notices) if columns.value_col is None else None
            if labelled:  # a study of forecasts of its labels would spend the budget for nothing
                raise ValueError(sentences(labelled, tr(
                    "To tune a classifier, add {option}; to forecast {column} all the same, name "
                    "it with {value_option}.", option="--task classify",
                    column=quoted(data.value_col), value_option="--value-col")))
            if future is not None:
                data = with_future(future, data, known=columns.known_covariates)
        for notice in data.notices:
            note(notice)
        return task, data, suggested_config(data, given), Path(path).name
    if task == "text":
        from ..text.corpus import read_text
        from ..text.sizing import suggested_config

        text, notices = read_text(path)
        for notice in notices:
            note(notice)
        config = suggested_note(suggested_config(text, given), task_named("text"),
                                N_("note: suggested for this text's size: {settings}"))
        return task, text, config, Path(path).name
    from ..classify.labelled import load_labelled

    config = task_named("classify").config(**given)
    data = load_labelled(Path(path), text_col=config.text_col, label_col=config.label_col)
    return task, data, config, data.name


def train_command(task: str, args: argparse.Namespace, params: dict) -> str:
    """The task's own command that trains what the study tuned: the data file, the starting
    settings given on this command line, and the tuned ``params`` over them (for a joined
    study, whose file this machine may not have and whose starting settings were given where
    it was made: DATA and the tuned settings only)."""
    settings = _settings(args.task)
    given = {name: getattr(args, name) for name, s in settings.items()
             if s.on_cli and getattr(args, name, None) is not None and name not in params
             and args.data is not None}  # a joined study trained with its own, not these
    options = [f"--{name.replace('_', '-')}" if value is True else
               f"--no-{name.replace('_', '-')}" if value is False else
               f"--{name.replace('_', '-')} {shlex.quote(str(value))}"
               for name, value in given.items()]
    data = shlex.quote(str(args.data)) if args.data is not None else "DATA"
    if getattr(args, "future", None) is not None and args.data is not None:
        options.append(f"--future {shlex.quote(str(args.future))}")
    command = "forecast" if task == "panel" else task
    return " ".join(["python -m lstm_app", command, data, *options,
                     *as_options(rounded(params))])


def as_options(params: dict) -> list[str]:
    """Settings as the options that give them: ``--hidden-size 64``, ``--no-bidirectional``."""
    options = []
    for name, value in params.items():
        flag = name.replace("_", "-")
        if isinstance(value, bool):
            options.append(f"--{flag}" if value else f"--no-{flag}")
        else:
            options.append(f"--{flag} {value:g}" if isinstance(value, float)
                           else f"--{flag} {value}")
    return options


class _TrialPrinter:
    """A line on stdout as each trial ends (the live view says which have)."""

    def __init__(self, quiet: bool):
        self.quiet, self.shown = quiet, set()

    def __call__(self, live: TuneLive | TuneResult) -> None:
        for row in live.trials:
            if row.state in ("queued", "running") or row.number in self.shown:
                continue
            self.shown.add(row.number)
            if not self.quiet:
                print(trial_line(row), flush=True)


def trial_line(row: TrialRow) -> str:
    value = tr("n/a") if row.value is None else f"{row.value:.4g}"
    line = trn("trial {number}: validation loss {value} ({state}, {count} epoch) {options}",
               "trial {number}: validation loss {value} ({state}, {count} epochs) {options}",
               row.epochs, number=row.number, value=value, state=tr(STATES[row.state]),
               options=" ".join(as_options(rounded(row.params))))
    if row.state == "failed" and row.message:
        line += "\n  " + printable(row.message)
    return line


def trials_table(result: TuneResult, rows: int = 10) -> str:
    """The best ``rows`` trials (and the starting settings'), lowest validation loss first."""
    scored = sorted((t for t in result.trials if is_scored(t)), key=lambda t: t.value)
    shown = scored[:rows] + [t for t in scored[rows:] if t.start]
    names = TUNED[result.task]
    widths = [max(len(n), 8) for n in names]
    header = (rjust(tr("trial"), 6) + "  " + rjust(tr("validation loss"), 16) + "  "
              + "  ".join(rjust(n, w) for n, w in zip(names, widths)))
    lines = [header]
    for t in shown:
        mark = "*" if t.start else " "
        values = "  ".join(rjust(_value(t.params.get(n)), w) for n, w in zip(names, widths))
        lines.append(f"{t.number:>5}{mark}  {t.value:>16.4g}  {values}")
    if any(t.start for t in shown):
        lines.append(tr("* the starting settings"))
    return "\n".join(lines)


def _value(value) -> str:
    if isinstance(value, bool):
        return tr("true") if value else tr("false")
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def study_report(result: TuneResult) -> dict:
    """The study as JSON: what was searched, every trial, the verdict and the best settings."""
    return {"study": result.study, "task": result.task, "storage": result.storage,
            "verdict": result.verdict, "seconds": round(result.seconds, 1),
            "stopped": result.stopped, "improvement": result.improvement,
            "best_trial": None if result.best is None else result.best.number,
            "start_trial": None if result.start is None else result.start.number,
            "best_settings": None if result.best is None else rounded(result.best.params),
            "space": [d.to_dict() for d in result.space],
            "trials": [{"number": t.number, "state": t.state, "val_loss": t.value,
                        "epochs": t.epochs, "seconds": t.seconds, "run_id": t.run_id,
                        "start": t.start, "settings": t.params, "message": t.message}
                       for t in result.trials]}
