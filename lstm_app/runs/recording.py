"""Recording a training as a run.

``start_run`` saves the data and the settings before any training. ``record`` fits and scores
any task (see ``lstm_app.tasks``) with the job queue's task signature (``callbacks`` last), so
the app's worker process and the command line record the same way: every finished epoch, the
trained model (weights, settings as trained, scaler or vocabulary) at every checkpoint, then the
results and the final status. It is a module function of plain data, so it pickles into a worker.

Opening a run again (its model read back and scored) is ``reopening``.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import logging
import time
from contextlib import contextmanager
from dataclasses import asdict, replace
from typing import Any

from ..i18n import LANGUAGES, in_language, language, said_form, speaking, tr
from ..series import statistical_saved
from ..tasks import Task, task_named
from ..training.checkpoint import WEIGHTS, weights_bytes, weights_epoch
from ..training.process import WorkerKilled, killed_sentence
from ..training.trainer import Callbacks, Progress
from ..export.manifest import FILES as ONNX_FILES
from . import reopening
from .store import MAX_NAME_CHARS, RunStore

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
reopen = reopening.reopen  # where the load_run.py of bundles made before it moved looks for it


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def data_fingerprint(task: Task, data: Any) -> str:
    """The run store's fingerprint of data as a task trains on it (its main file as saved), so
    that a page can tell whether the results it holds belong to the data it shows."""
    return fingerprint(task.data_files(data)[task.data_names[0]])


def start_run(store: RunStore, task_name: str, data: Any, config: Any, name: str,
              data_name: str, parent: str | None = None, owner: str | None = None) -> str:
    """Create the run (``owner``'s, with sign-in) and save its data and settings, before any
    training; return its id."""
    task = task_named(task_name)
    files = task.data_files(data)
    run_id = store.create(task.name, name, asdict(config), data_name, task.data_size(data),
                          fingerprint(files[task.data_names[0]]), parent, owner=owner)
    for file_name, content in files.items():
        store.write_bytes(run_id, file_name, content)
    store.write_json(run_id, "config.json", asdict(config))
    return run_id


def trained_more_name(earlier: str) -> str:
    """The name of a run that goes on from the run named ``earlier`` (Train more), told apart
    from it on the Runs page; a run trained more again keeps the name it has."""
    for code in LANGUAGES:
        with speaking(code):
            if earlier.endswith(tr("{name}, trained more", name="")):
                return earlier
    ending = tr("{name}, trained more", name="")  # kept whole where a long name is cut
    room = MAX_NAME_CHARS - len(ending)
    cut = earlier if len(earlier) <= room else earlier[:room - 1] + "…"
    return tr("{name}, trained more", name=cut)


class _Recorder:
    """The callbacks that write a training into the store as it goes, around the caller's own."""

    def __init__(self, store: RunStore, run_id: str, callbacks: Callbacks):
        self.store, self.run_id, self.outer = store, run_id, callbacks
        stop = callbacks.stop_event
        self.callbacks = replace(callbacks, on_progress=self.progress,
                                 on_checkpoint=self.checkpoint,
                                 stop_event=None if stop is None else _ReadStop(stop, self.beat))
        self.last_beat = 0.0
        self.last_beat_clock = time.monotonic()
        self.model_files_saved = False

    def beat(self) -> None:
        """A heartbeat every ``HEARTBEAT_SECONDS`` while the training is alive, even before its
        first batch (a cluster task waiting for a free CPU reads its stop flag meanwhile)."""
        if time.monotonic() - self.last_beat_clock >= HEARTBEAT_SECONDS:
            self.last_beat_clock = time.monotonic()
            self.store.heartbeat(self.run_id)

    def progress(self, p: Progress) -> None:
        if p.record is not None:
            self.store.add_epoch(self.run_id, p.record)
            self.last_beat = p.elapsed
        elif p.elapsed - self.last_beat >= HEARTBEAT_SECONDS:  # long epochs still show life
            self.store.heartbeat(self.run_id)
            self.last_beat = p.elapsed
        if self.outer.on_progress is not None:
            self.outer.on_progress(p)

    def checkpoint(self, trained, epoch: int) -> None:
        """The weights of ``epoch``; the first time also the settings as trained and the scaler
        or vocabulary, so that even a run killed later can be loaded and scored."""
        if not self.model_files_saved:
            self.save_model(trained, epoch)
            self.model_files_saved = True
        else:
            self.store.write_bytes(self.run_id, WEIGHTS, weights_bytes(trained.model, epoch))
        if self.outer.on_checkpoint is not None:
            self.outer.on_checkpoint(trained, epoch)

    def save_model(self, trained, epoch: int) -> None:
        for file_name, content in trained.files().items():
            self.store.write_bytes(self.run_id, file_name, content)
        self.store.write_bytes(self.run_id, WEIGHTS, weights_bytes(trained.model, epoch))


def record(home, run_id: str, task_name: str, data: Any, config: Any,
           callbacks: Callbacks = Callbacks(), start: Any = None, runner=None):
    """Fit and score ``data`` with ``config`` into the run ``run_id``; return the result.

    ``start`` is the trained value a Train more continues (its history is written first, so the
    run holds the whole curve it shows). ``runner`` (``ray_runner.on_ray(address)``) runs the
    fitting and scoring elsewhere; what they report comes back and is recorded here."""
    task, store = task_named(task_name), RunStore(home)
    store.claim(run_id)
    recorder = _Recorder(store, run_id, callbacks)
    if start is not None:  # the model it goes on from is this run's first checkpoint
        for epoch in start.training.history:
            store.add_epoch(run_id, epoch)
        recorder.save_model(start, start.training.kept_epoch)
    with _ended_on_error(store, run_id):
        trained, result, statistical, heeded = run_with(
            runner, fit_and_score, recorder.callbacks, task_name, data, config, start=start)
    if runner is not None and statistical:  # fitted on the cluster: kept here to be saved
        statistical_saved.remember(statistical)
    # Stopped where the Stop cut the training or the scoring short; not where it came after
    # everything it could leave out had been done.
    save_result(store, run_id, task, trained, result, "stopped" if heeded else "finished")
    return result


def record_fit(store: RunStore, run_id: str, task: Task, data: Any, config: Any,
               callbacks: Callbacks = Callbacks(), runner=None):
    """Fit ``data`` with ``config`` into the run ``run_id`` (every epoch, every checkpoint) and
    return the trained value, unscored: the caller ends the run (``save_trained``), as an
    auto-tune's trial does, whose score is its validation loss. ``runner``: as ``record``'s."""
    store.claim(run_id)
    recorder = _Recorder(store, run_id, callbacks)
    with _ended_on_error(store, run_id):
        return run_with(runner, fit_only, recorder.callbacks, task.name, data, config)


def fit_and_score(task_name: str, data: Any, config: Any, callbacks: Callbacks = Callbacks(),
                  start: Any = None):
    """The trained value, its result, the statistical forecasts it was scored against as their
    file (None without them), and whether a Stop cut the training or the scoring short: what a
    training does, wherever it runs (there the Stop is read, here or on a cluster)."""
    task = task_named(task_name)
    stop = None if callbacks.stop_event is None else _ReadStop(callbacks.stop_event)
    callbacks = replace(callbacks, stop_event=stop)
    trained = task.fit(data, config, callbacks, start)
    result = task.score(trained, data, callbacks.on_stage, callbacks.scoring_stop())
    key = getattr(result, "statistical_key", "")
    heeded = trained.training.stop_reason == "stopped" or (stop is not None and stop.heeded)
    return trained, result, statistical_saved.file_bytes(key) if key else None, heeded


class _ReadStop:
    """A training's stop flag as the pipeline reads it: ``on_read`` runs at each read (a run's
    heartbeat), and ``heeded`` remembers whether a Stop was ever read (it cut the training or
    the scoring short; one pressed after the last place that reads it changed nothing)."""

    def __init__(self, stop, on_read=lambda: None):
        self.stop, self.on_read, self.heeded = stop, on_read, False

    def is_set(self) -> bool:
        self.on_read()
        seen = self.stop.is_set()
        self.heeded = self.heeded or seen
        return seen

    def set(self) -> None:
        self.stop.set()

    def clear(self) -> None:
        self.stop.clear()


def fit_only(task_name: str, data: Any, config: Any, callbacks: Callbacks = Callbacks()):
    return task_named(task_name).fit(data, config, callbacks)


def run_with(runner, work, callbacks: Callbacks, *args, **kwargs):
    """``work(*args, callbacks, **kwargs)`` here, or through ``runner`` (in the reader's
    language there too)."""
    if runner is None:
        return work(*args, callbacks, **kwargs)
    return runner(functools.partial(in_language, language(), work, *args, **kwargs))(callbacks)


@contextmanager
def _ended_on_error(store: RunStore, run_id: str):
    """A training that raises ends its run: failed (a sentence for a ValueError, the log for a
    bug), interrupted (aborted, or the disk is full: a ValueError that says so)."""
    try:
        yield
    except (ValueError, WorkerKilled) as error:  # (a cluster lost it: its checkpoint stays)
        store.finish(run_id, "failed", _sentence(error))
        raise
    except KeyboardInterrupt:  # a second Ctrl-C on the command line: aborted, not failed
        store.finish(run_id, "interrupted", tr("Training was aborted; the last saved checkpoint "
                                               "is kept."))
        raise
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            _failed(store, run_id, error)
            raise
        message = tr("The disk holding the runs ({home}) is full, so training stopped: the last "
                     "checkpoint that was saved whole is kept. Free some space, then open the run "
                     "and train more.", home=str(store.home))
        try:
            store.finish(run_id, "interrupted", message)
        except (OSError, ValueError):
            log.exception("run %s: its end could not be recorded either", run_id)
        raise ValueError(message) from None
    except BaseException as error:  # a bug
        _failed(store, run_id, error)
        raise


def _sentence(error: BaseException) -> str:
    """What ``error`` says, as it was said (a sentence of the app keeps how, to be said again in
    another language)."""
    said = error.args[0] if len(error.args) == 1 else None
    return said if isinstance(said, str) else str(error)


def _failed(store: RunStore, run_id: str, error: BaseException) -> None:
    """A run ended by a bug: a sentence in the run, what the error said in the log."""
    log.error("run %s failed: %s: %s", run_id, type(error).__name__, error)
    store.finish(run_id, "failed", tr("Training failed because of an internal error; its "
                                      "details are in the log."))


def save_result(store: RunStore, run_id: str, task: Task, trained, result, status: str) -> None:
    """A trained model and its result into the run: the weights it holds, its files, its scores
    and the final status (also how an imported bundle is written)."""
    for file_name, content in task.result_files(result).items():
        store.write_bytes(run_id, file_name, content)
    metrics = task.summary(result)
    said = said_form(metrics.get("verdict"))
    if said is not None:  # how the verdict was said, to say it again in another language
        metrics["verdict_said"] = said
    save_trained(store, run_id, trained, status, trained.training.message, metrics)


def save_trained(store: RunStore, run_id: str, trained, status: str, message: str,
                 metrics: dict) -> None:
    """A trained model into the run (its files and the weights it holds) and the run's end:
    its status, ``message``, ``metrics`` and the settings as trained ("auto" resolved)."""
    training = trained.training
    for file_name, content in trained.files().items():
        store.write_bytes(run_id, file_name, content)
    store.write_bytes(run_id, WEIGHTS, weights_bytes(trained.model, training.kept_epoch))
    for name in ONNX_FILES:  # an export of earlier weights no longer matches these
        (store.run_dir(run_id) / name).unlink(missing_ok=True)
    store.finish(run_id, status, message, metrics=metrics,
                 best_epoch=training.best_epoch or None,
                 best_val_loss=_finite(training.best_val_loss), seconds=training.seconds,
                 config=asdict(trained.config))


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None


def end_killed(home, run_id: str, exitcode: int | None) -> str:
    """A run whose training process was killed from outside: marked interrupted, its last saved
    checkpoint kept. Returns the sentences that say so."""
    store = RunStore(home)
    weights = store.run_dir(run_id) / WEIGHTS
    epoch = weights_epoch(weights.read_bytes()) if weights.exists() else None
    kept = (f"The weights of epoch {epoch}, its last checkpoint, are kept: open the run from the "
            f"Runs page to see its results." if epoch
            else "No epoch had finished, so there is no checkpoint to keep.")
    message = f"{killed_sentence(exitcode)} {kept}"
    store.finish_if_running(run_id, "interrupted", message)
    return message


def end_cancelled(home, run_id: str) -> None:
    """A run whose training was stopped, or left, while it waited for a free training slot."""
    RunStore(home).finish_if_running(run_id, "stopped", "Stopped before it started, while it "
                                                        "waited for a free training slot.")
