"""An auto-tune: Optuna's TPE sampler over the settings that matter, median pruning after each
epoch, every trial a run in the store.

``tune(callbacks, home=…, task_name=…, data=…, config=…)`` runs trials one after another until
it has run ``trials`` of them, its ``minutes`` are up, or ``callbacks.stop_event`` is set (Stop
ends the trial in progress and keeps every trial that finished). It has the job queue's task
signature (``callbacks`` first, the rest by keyword), so the page runs it in a worker process
like a training; ``callbacks.on_live`` gets a ``TuneLive`` after every epoch (at most once a
second) and every trial; it returns a ``TuneResult``.

The first trial of a new study is the starting settings (the form's, resolved for the data):
the one every other trial is measured against. A trial's score is its best validation loss, the
same number early stopping watches; the test span is never looked at. A trial that is worse
than the median of the earlier trials at the same epoch is pruned (after the first three
trials, from its third epoch on). A study is kept in a database (``storage.py``) with what it tunes: the
task, the data's fingerprint, the starting settings and the search space, so that a worker that
joins it by name (from another machine, with a PostgreSQL storage) tunes exactly the same
thing; its trials' runs are recorded in that worker's run store.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import threading
import time
import warnings
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from ..i18n import sentences, tr
from ..quoting import printable
from ..runs.recording import data_fingerprint, record_fit, save_trained, start_run
from ..runs.store import RunStore
from ..tasks import task_named
from ..training.process import WorkerKilled
from ..training.endings import ending_message
from ..training.trainer import Callbacks, Progress, pick_device
from .result import TrialRow, TuneLive, TuneResult, scored
from .limits import hidden_limits, lookback_limit, too_little_to_tune
from .space import Dimension, search_space, starting_params, suggest, with_params
from .storage import check_study_name, database_url, open_storage, shown_url

log = logging.getLogger(__name__)
LIVE_SECONDS = 1.0       # the live view at most this often within a trial
PRUNE_AFTER_TRIALS = 3   # trials that finish before any is pruned
PRUNE_AFTER_EPOCHS = 3   # a trial is first judged at this epoch
RANDOM_TRIALS = 5        # trials sampled at random before TPE models the good ones
DESCRIBE_SECONDS = 30.0  # a joining worker waits this long for the study's maker to describe it
def _optuna():
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna


def default_study_name(data_name: str, task: str) -> str:
    """``airline_passengers-forecast-20261203-164237-9f3a``: one word, to type after ``--study``.
    Its last four letters are drawn at random: two people tuning files of one name in the same
    second start studies of their own (a study of the same name would be joined)."""
    stem = "_".join(printable(data_name.rsplit(".", 1)[0]).split())[:60] or task  # no controls
    return f"{stem}-{task}-{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def open_study(storage: str, name: str, seed: int | None = None):
    """The study ``name`` in ``storage`` (a SQLAlchemy address) and whether this call made it:
    of two workers starting one study at once, exactly one makes it (the database says which)."""
    optuna = _optuna()
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=RANDOM_TRIALS,
                                         multivariate=True)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=PRUNE_AFTER_TRIALS,
                                         n_warmup_steps=PRUNE_AFTER_EPOCHS)
    rdb = open_storage(storage)
    try:
        return optuna.create_study(storage=rdb, study_name=name, direction="minimize",
                                   sampler=sampler, pruner=pruner), True
    except optuna.exceptions.DuplicatedStudyError:
        # A worker that joins samples with its own randomness: the maker's seed would have it
        # try the very settings the maker tries.
        joiner = optuna.samplers.TPESampler(seed=None, n_startup_trials=RANDOM_TRIALS,
                                            multivariate=True)
        return optuna.load_study(study_name=name, storage=rdb, sampler=joiner,
                                 pruner=pruner), False


def _describe(study, made: bool, task_name: str, data: Any, base: Any, data_name: str,
              fingerprint: str) -> tuple[Any, list[Dimension]]:
    """The study's starting settings and space: stored by the worker that made it (with its
    first trial, the starting settings), read back by one that joins it (checked to tune the
    same data; the space is written last, so a joiner waits for it)."""
    task = task_named(task_name)
    if made:
        space = search_space(task_name, base, lookback_limit(task_name, data, base),
                             getattr(data, "season_length", None),
                             hidden_limits(task_name, data, base))
        study.set_user_attr("task", task_name)
        study.set_user_attr("data_hash", fingerprint)
        study.set_user_attr("data_name", data_name)
        study.set_user_attr("config", json.loads(json.dumps(asdict(base), default=str)))
        study.enqueue_trial(starting_params(base, space), user_attrs={"start": True})
        study.set_user_attr("space", [d.to_dict() for d in space])
        return base, space
    attrs = study.user_attrs
    waited = time.monotonic()
    while "space" not in attrs and time.monotonic() - waited < DESCRIBE_SECONDS:
        time.sleep(0.2)
        attrs = study.user_attrs
    if "space" not in attrs:
        raise ValueError(tr("The study {study} has no settings to tune: the worker that made "
                            "it stopped before it could say them. Choose another study name.",
                            study=f"'{study.study_name}'"))
    if attrs["task"] != task_name or attrs.get("data_hash") != fingerprint:
        raise ValueError(tr("The study {study} tunes a {task} model on other data ({data}); "
                            "give it that data, or choose another study name.",
                            study=f"'{study.study_name}'", task=attrs["task"],
                            data=f"'{attrs.get('data_name', '?')}'"))
    base = task.config(**attrs["config"])
    return base, [Dimension.from_dict(row) for row in attrs["space"]]


def study_data(study_name: str, storage: str | None, home) -> tuple[str, Any, str]:
    """A study's task, data and data name, for a worker that joins it without the data file:
    read from the run of one of its trials in this run store."""
    url = database_url(RunStore(home).home, storage)
    optuna = _optuna()
    try:
        study = optuna.load_study(study_name=study_name, storage=open_storage(url))
    except KeyError:
        raise ValueError(tr("There is no study {study} in {storage}; check its name, or give "
                            "the data to start it.", study=f"'{study_name}'",
                            storage=shown_url(url))) from None
    store = RunStore(home)
    task = task_named(study.user_attrs.get("task", "forecast"))
    for trial in study.get_trials(deepcopy=False):
        run_id = trial.user_attrs.get("run_id")
        folder = store.run_dir(run_id) if run_id and str(run_id).isalnum() else None
        if folder is not None and (folder / task.data_names[0]).exists():
            files = {name: (folder / name).read_bytes() for name in task.data_names
                     if (folder / name).exists()}
            return task.name, task.data_from_files(files), study.user_attrs.get("data_name",
                                                                                 "data")
    raise ValueError(tr("The data of study {study} is in another run store; give the data "
                        "file too: {command}.", study=f"'{study_name}'",
                        command="python -m lstm_app tune DATA --study NAME --storage URL"))


def tune(callbacks: Callbacks = Callbacks(), *, home, task_name: str, data: Any, config: Any,
         data_name: str, trials: int = 20, minutes: float = 10.0, storage: str | None = None,
         study_name: str | None = None, owner: str | None = None,
         seed: int | None = 0, ray: str | None = None) -> TuneResult:
    """Run an auto-tune (see the module docstring); ``seed`` makes the sampler's choices repeat
    (None for a worker that joins a study, so that it does not try the same settings); with
    ``ray`` (a cluster's address) each trial trains there and is recorded here."""
    task = task_named(task_name)
    store = RunStore(home)
    url = database_url(store.home, storage)
    name = check_study_name(study_name or default_study_name(data_name, task_name))
    try:
        return _tune(callbacks, store, task, url, name, data, config, data_name, trials,
                     minutes, owner, seed, ray)
    except Exception as error:  # the study's database stopped answering mid-study
        from sqlalchemy.exc import SQLAlchemyError
        if not isinstance(error, SQLAlchemyError):
            raise
        reason = str(getattr(error, "orig", None) or type(error).__name__).splitlines()[0]
        raise ValueError(tr("The study's database at {url} stopped answering ({reason}); the "
                            "trials that finished are kept.", url=shown_url(url),
                            reason=reason[:200])) from None


def _tune(callbacks, store, task, url, name, data, config, data_name, trials, minutes, owner,
          seed, ray) -> TuneResult:
    task_name = task.name
    started = time.monotonic()
    deadline = started + minutes * 60
    study, made = open_study(url, name, seed)
    if made:
        _check_start(task, data, config, url, name, local=not ray)
    base, space = _describe(study, made, task_name, data, task.resolve(data, config), data_name,
                            data_fingerprint(task, data))
    stop = callbacks.stop_event or threading.Event()
    live = _Live(study, task_name, space, started, minutes, trials, callbacks)
    runner = None
    if ray:
        from ..training.ray_runner import on_ray
        runner = on_ray(ray)
    for _ in range(trials):
        if stop.is_set() or time.monotonic() >= deadline:
            break
        _trial(study, store, task, data, base, space, data_name, owner, deadline, callbacks,
               live, runner)
    ran = study.get_trials(deepcopy=False)
    rows = tuple(_row(t) for t in ran)
    done = [r for r in rows if scored(r)]
    best = min(done, key=lambda r: r.value) if done else None
    start = next((r for r in done if r.start), None)
    return TuneResult(name, task_name, shown_url(url), rows, tuple(space), base, best, start,
                      stop.is_set(), time.monotonic() - started)


def _check_start(task, data, config, url: str, name: str, local: bool = True) -> None:
    """Starting settings that cannot train on the data (too few values for the lookback and
    horizon, a text too short for its batches), a validation part too small to rank trials
    on, or settings that cannot train here (a GPU this machine lacks; ``local``:
    the trials train on this machine) are said before any trial, with the study just made
    taken out again: every trial would end in the same sentence."""
    try:
        resolved = task.resolve(data, config)
        task.check(data, resolved)
        scarce = too_little_to_tune(task.name, data, resolved)
        if scarce:
            raise ValueError(scarce)
        if local:
            pick_device(getattr(resolved, "device", "auto"))
    except ValueError:
        _optuna().delete_study(study_name=name, storage=open_storage(url))
        raise


class _Live:
    """The live view, sent after each trial and at most every ``LIVE_SECONDS`` within one."""

    def __init__(self, study, task_name, space, started, minutes, planned, callbacks):
        self.study, self.task_name, self.space = study, task_name, tuple(space)
        self.started, self.minutes, self.planned = started, minutes, planned
        self.on_live = callbacks.on_live
        self.last = 0.0

    def send(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.on_live is None or not force and now - self.last < LIVE_SECONDS:
            return
        self.last = now
        rows = tuple(_row(t) for t in self.study.get_trials(deepcopy=False))
        self.on_live(TuneLive(self.study.study_name, self.task_name, rows, self.space,
                              now - self.started, self.minutes, self.planned))


def _trial(study, store, task, data, base, space, data_name, owner, deadline, callbacks,
           live: _Live, runner=None) -> None:
    """One trial, told to the study however it ends (a trial left RUNNING would stay so)."""
    trial = study.ask()
    try:
        _train_trial(study, trial, store, task, data, base, space, data_name, owner, deadline,
                     callbacks, live, runner)
    except (ValueError, WorkerKilled) as error:  # these settings, or a lost cluster task
        _fail(study, trial, str(error))
    except BaseException:
        _fail(study, trial, "")
        raise
    live.send(force=True)


def _train_trial(study, trial, store, task, data, base, space, data_name, owner, deadline,
                 callbacks, live: _Live, runner) -> None:
    optuna = _optuna()
    config = with_params(base, suggest(trial, space))  # a combination the config may refuse
    run_id = start_run(store, task.name, data, config,
                       tr("{study} · trial {number}", study=study.study_name,
                          number=trial.number), data_name, owner=owner)
    store.link(run_id, study.study_name, trial.number)
    trial.set_user_attr("run_id", run_id)
    ending = _Ending(trial, callbacks, deadline, live)
    live.send(force=True)
    trained = record_fit(store, run_id, task, data, config,
                         Callbacks(on_progress=ending.progress, stop_event=ending), runner)
    training = trained.training
    value = training.best_val_loss if math.isfinite(training.best_val_loss) else None
    message = training.message
    if value is None:
        status, state = "failed", optuna.trial.TrialState.FAIL
    elif ending.reason == "pruned":
        status, state = "stopped", optuna.trial.TrialState.PRUNED
        message = tr("The auto-tune pruned this trial after epoch {epoch}: its validation loss "
                     "was worse than the median of the earlier trials at that epoch.",
                     epoch=training.history[-1].epoch)
    elif ending.reason == "stopped":
        status, state = "stopped", optuna.trial.TrialState.FAIL
    else:
        status, state = "finished", optuna.trial.TrialState.COMPLETE
        if ending.reason == "time":  # the trainer read the stop as the user's
            message = sentences(ending_message(replace(training, stop_reason="time_budget"),
                                               getattr(config, "keep_best", True)),
                                tr("The auto-tune's time ran out during this trial."))
    save_trained(store, run_id, trained, status, message,
                 {"val_loss": value, "study": study.study_name, "trial": trial.number})
    trial.set_user_attr("ending", ending.reason or status)
    trial.set_user_attr("message", message)
    if state == optuna.trial.TrialState.COMPLETE:
        study.tell(trial, value)
    else:
        study.tell(trial, state=state)


def _fail(study, trial, message: str) -> None:
    optuna = _optuna()
    trial.set_user_attr("message", message)
    study.tell(trial, state=optuna.trial.TrialState.FAIL)


class _Ending:
    """A trial's own stop flag (what its training reads, ``is_set`` between two batches), set
    by the study's Stop, its time running out, or pruning; the reason is kept (None: it
    trained to its end). Stop and the time are looked at whenever the flag is read, so that a
    trial that has not begun to train (a cluster task still waiting) obeys them too."""

    def __init__(self, trial, callbacks: Callbacks, deadline: float, live: _Live):
        self.trial, self.outer, self.deadline, self.live = trial, callbacks, deadline, live
        self.event = threading.Event()
        self.reason: str | None = None

    def _end(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self.event.set()

    def is_set(self) -> bool:
        if self.reason is None:
            if self.outer.stop_event is not None and self.outer.stop_event.is_set():
                self._end("stopped")
            elif time.monotonic() >= self.deadline:
                self._end("time")
        return self.event.is_set()

    def set(self) -> None:
        self.event.set()

    def clear(self) -> None:  # passed on (to a cluster task): a later reading is a new one
        self.event.clear()

    def progress(self, p: Progress) -> None:
        self.is_set()
        record = p.record
        if record is not None and record.val_loss is not None and self.reason != "pruned":
            self.trial.report(record.val_loss, record.epoch)  # its last epoch too, when ended
            if self.reason is None and self.trial.should_prune():
                self._end("pruned")
            self.live.send()
        if self.outer.on_progress is not None:
            self.outer.on_progress(p)


def _row(trial) -> TrialRow:
    """A trial as the table shows it (Optuna's ``FrozenTrial``)."""
    state = trial.state.name
    ending = trial.user_attrs.get("ending")
    shown = {"WAITING": "queued", "RUNNING": "running", "COMPLETE": "done",
             "PRUNED": "pruned"}.get(state, "stopped" if ending == "stopped" else "failed")
    losses = [v for v in trial.intermediate_values.values() if v is not None and math.isfinite(v)]
    value = trial.value if state == "COMPLETE" else (min(losses) if losses else None)
    seconds = ((trial.datetime_complete or datetime.now()) - trial.datetime_start
               ).total_seconds() if trial.datetime_start else None
    return TrialRow(trial.number, shown, value, dict(trial.params), len(losses), seconds,
                    trial.user_attrs.get("run_id"), bool(trial.user_attrs.get("start")),
                    str(trial.user_attrs.get("message", ""))[:500])

