"""Background training jobs: a process-wide queue with a concurrency limit, snapshots, stop, heartbeats.

A page submits a task and polls ``job.snapshot()``; a worker thread runs the task and never
touches the page. The interface (``submit``, ``snapshot``, ``stop``, ``heartbeat``, ``result``)
is the seam where a process or cluster runner could later replace the thread.

A task is any callable taking one ``Callbacks`` and returning its result
(``functools.partial(run_forecast, series, config)`` is one). A failure the user can fix (a
``ValueError``) shows as its own sentence; a bug is logged with its traceback (the worker
process's own, when it ran in one) and shown as one plain sentence.
A job that nobody polls for ``grace_seconds`` stops itself; an optional ``watcher`` (the page's
"is my browser session still connected?") counts as polling, so a user who is on another page
of the app keeps their training alive, and one who closed the tab does not.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

from ..i18n import tr
from .process import WorkerFailed, WorkerKilled
from .trainer import Callbacks, EpochRecord, Progress

log = logging.getLogger(__name__)
MAX_BATCH_POINTS = 400  # live curve points kept per job; older ones are thinned (cheap to draw)
_ids = itertools.count(1)


@dataclass(frozen=True)
class BatchPoint:
    """The running training loss every few batches, for the faint line under the epoch curves."""

    x: float                      # fractional epoch, e.g. 2.4
    train_loss: float


@dataclass(frozen=True)
class Snapshot:
    """A copy of a job's state, safe to read in the page while the worker goes on."""

    job_id: int
    label: str
    state: str                    # queued | running | finished | stopped | failed
    queue_position: int           # 1 = next to start; 0 when not queued
    progress: Progress | None
    history: tuple[EpochRecord, ...]  # one record per finished epoch
    batches: tuple[BatchPoint, ...]   # every few batches
    live: Any                     # the task's own frozen live view (ForecastLive, TextLive)
    error: str | None
    seconds_left: float | None
    stage: str | None = None      # what scoring does after the training, while it runs

    @property
    def done(self) -> bool:
        return self.state in ("finished", "stopped", "failed")


class Job:
    def __init__(self, task: Callable[..., Any], label: str, queue: "JobQueue",
                 watcher: Callable[[], bool] | None = None, run_id: str | None = None,
                 config: Any = None, on_cancelled: Callable[[], None] | None = None):
        self.id = next(_ids)
        self._on_cancelled = on_cancelled  # stopped or abandoned before it could start
        self.run_id = run_id  # the saved run it records into, if any
        self.config = config  # the settings it trains with, for the live view
        self._watcher = watcher
        self.label = label
        self._task, self._queue = task, queue
        self._lock = threading.Lock()
        self._stop = threading.Event()  # a request not yet passed on (the worker consumes it)
        self._stopped = False           # whether Stop was ever asked for (the job's end state)
        self._first_epoch = threading.Event()
        self._state, self._error, self._result = "queued", None, None
        self._progress: Progress | None = None
        self._history: list[EpochRecord] = []
        self._batches: list[BatchPoint] = []
        self._live: Any = None
        self._stage: str | None = None
        self.abandoned = False
        self._last_seen = time.monotonic()
        self._thread = threading.Thread(target=self._run, name=f"lstm-job-{self.id}", daemon=True)

    # --- the page's side -------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(self.id, self.label, self._state, self._queue.position(self),
                            self._progress, tuple(self._history), tuple(self._batches),
                            self._live, self._error, _seconds_left(self._progress, self._state),
                            self._stage)

    def stop(self) -> None:
        """Ask the worker to stop between two batches (it keeps the best weights so far), or,
        once training is done, to leave out the statistical models not yet fitted."""
        self._stopped = True
        self._stop.set()
        self._queue.wake()

    def heartbeat(self) -> None:
        self._last_seen = time.monotonic()

    def rewatch(self, watcher: Callable[[], bool] | None) -> None:
        """Watched from another browser tab from now on (the one that started it is gone)."""
        self._watcher = watcher
        self.heartbeat()

    def tab_open(self) -> bool:
        """Whether the browser tab that started it is still connected (False outside a
        server, where no tab started it)."""
        return self._watcher is not None and self._watcher()

    def result(self) -> Any:
        """The task's result once the job has finished or stopped; None before, or if it failed."""
        with self._lock:
            return self._result

    def wait_for_first_epoch(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for the first finished epoch (or the end of the job)."""
        return self._first_epoch.wait(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # --- the worker's side -----------------------------------------------------------------
    def _unwatched(self) -> bool:
        if self._watcher is not None and self._watcher():
            self.heartbeat()
        if time.monotonic() - self._last_seen > self._queue.grace_seconds:
            self.abandoned = True
            self._stopped = True
            self._stop.set()
        return self.abandoned

    def _on_progress(self, progress: Progress) -> None:
        self._unwatched()
        with self._lock:
            self._progress = progress
            if progress.record is not None:
                self._first_epoch.set()
                self._history.append(progress.record)
            elif progress.kind == "batch":
                self._batches.append(BatchPoint(progress.epochs_done, progress.train_loss))
                if len(self._batches) > MAX_BATCH_POINTS:
                    self._batches = self._batches[::2]

    def _on_live(self, live: Any) -> None:
        with self._lock:
            self._live = live

    def _on_stage(self, stage: str) -> None:
        self._unwatched()
        with self._lock:
            self._stage = stage

    def _run(self) -> None:
        if not self._queue.acquire(self):
            with self._lock:
                self._state = "stopped"
            if self._on_cancelled is not None:
                self._on_cancelled()
            self._first_epoch.set()
            return
        with self._lock:
            self._state = "running"
        try:
            result = self._task(Callbacks(on_progress=self._on_progress, on_live=self._on_live,
                                          stop_event=self._stop, on_stage=self._on_stage))
            with self._lock:
                self._result = result
                self._state = "stopped" if self._stopped else "finished"
        except (ValueError, WorkerKilled) as error:  # already in plain words
            with self._lock:
                self._state, self._error = "failed", str(error)
        except Exception as error:  # a bug: keep the page alive, log where it happened
            # The page gets a sentence and a reference; what the error says (which may quote
            # paths, data or internals) goes to the server's log only.
            if isinstance(error, WorkerFailed):
                log.error("training job %s failed in its worker process (%s):\n%s", self.id,
                          error, error.child_traceback)
            else:
                log.exception("training job %s failed", self.id)
            with self._lock:
                self._state = "failed"
                self._error = failed_inside(self.id)
        finally:
            self._first_epoch.set()
            self._queue.release(self)


def failed_inside(reference: int) -> str:
    """What the page says of a training that failed by a bug: a reference the server's log
    holds the details under, and what to do."""
    return tr("Training failed because of an internal error (reference {reference}). Press Train "
              "again; if it fails again, tell whoever runs this app, with the reference.",
              reference=reference)


def _seconds_left(progress: Progress | None, state: str) -> float | None:
    if progress is None or state != "running":
        return None
    done = progress.fraction_done
    return progress.elapsed / done * (1 - done) if done > 0 else None


class JobQueue:
    """Runs at most ``max_concurrent`` jobs at once; the rest wait in order of submission."""

    def __init__(self, max_concurrent: int = 2, grace_seconds: float = 120.0):
        self.max_concurrent = max_concurrent
        self.grace_seconds = grace_seconds
        self._cond = threading.Condition()
        self._waiting: deque[Job] = deque()
        self._running: set[Job] = set()
        # Jobs by saved run, so a reloaded tab can find its training again; weak, so that a job
        # nobody shows any more is freed (its run can still be reopened from the store).
        self._by_run: weakref.WeakValueDictionary[str, Job] = weakref.WeakValueDictionary()

    def submit(self, task: Callable[..., Any], label: str = "",
               watcher: Callable[[], bool] | None = None, run_id: str | None = None,
               config: Any = None, on_cancelled: Callable[[], None] | None = None) -> Job:
        """Queue ``task``; ``on_cancelled`` is called if it is stopped (or abandoned) before it
        starts, since the task itself then never runs to say so."""
        job = Job(task, label, self, watcher, run_id, config, on_cancelled)
        with self._cond:
            self._waiting.append(job)
            if run_id is not None:
                self._by_run[run_id] = job
        job._thread.start()
        return job

    def find(self, run_id: str) -> Job | None:
        """The job recording into ``run_id`` in this process, if it is still known."""
        with self._cond:
            return self._by_run.get(run_id)

    def position(self, job: Job) -> int:
        with self._cond:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    def running(self) -> int:
        with self._cond:
            return len(self._running)

    def run_ids(self) -> list[str]:
        """The saved runs of the jobs waiting or running in this process."""
        with self._cond:
            return [job.run_id for job in (*self._waiting, *self._running) if job.run_id]

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def acquire(self, job: Job) -> bool:
        """Block until ``job`` may run; False if it was stopped or abandoned while waiting."""
        with self._cond:
            while len(self._running) >= self.max_concurrent or self._waiting[0] is not job:
                if job._stop.is_set() or job._unwatched():
                    self._waiting.remove(job)
                    self._cond.notify_all()
                    return False
                self._cond.wait(timeout=0.5)
            self._waiting.popleft()
            if job._stop.is_set():
                self._cond.notify_all()
                return False
            self._running.add(job)
            return True

    def release(self, job: Job) -> None:
        with self._cond:
            self._running.discard(job)
            self._cond.notify_all()


class FinishedJob:
    """A result that is already there (a run reopened from the store), behind the Job interface
    the pages use: its snapshot is done, ``result()`` returns it, stopping does nothing.
    ``notice`` is what the page should say above it (e.g. why its training ended early)."""

    def __init__(self, result: Any, label: str, run_id: str | None = None,
                 state: str = "finished", notice: str | None = None):
        self.id, self.label, self.run_id, self.notice = 0, label, run_id, notice
        self.config = getattr(result, "config", None)
        self._result, self._state = result, state
        self._history = tuple(getattr(getattr(result, "training", None), "history", ()))

    def snapshot(self) -> Snapshot:
        return Snapshot(self.id, self.label, self._state, 0, None, self._history, (), None, None,
                        None)

    def result(self) -> Any:
        return self._result

    def stop(self) -> None:
        pass

    def heartbeat(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def wait_for_first_epoch(self, timeout: float) -> bool:
        return True
