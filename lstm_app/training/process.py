"""Running a training task in a worker process, so that the web server's own Python work cannot slow it.

A thread of the server would share Python's GIL with every page poll; measured, 30 ms of other
Python work per second slowed a training by 17%. ``in_worker_process(task)`` returns a task with
the same signature (``task(callbacks)``) that runs ``task`` in a child process and relays its
progress, live views, result and errors back, so the job queue does not change. A bug in the
child comes back with the child's own traceback (``WorkerFailed``); a child killed from outside
(out of memory, SIGKILL) is reported as such (``WorkerKilled``), in plain words.

Children are forked from a forkserver that has the engine imported already, which makes a start
take tens of milliseconds instead of seconds: ``warm_up(preload)`` names the modules to import
(the app passes the ones that know its tasks; this package knows none). The task must be
picklable (``functools.partial`` of a module-level function with plain data).
"""

from __future__ import annotations

import multiprocessing
import pickle
import signal
import threading
import time
import traceback
from typing import Any, Callable, Sequence

from .trainer import Callbacks

KERNEL_WARM_UP = "lstm_app.training.forkserver_warmup"
_context = None
_context_lock = threading.Lock()


class WorkerFailed(RuntimeError):
    """A bug in the worker process; ``child_traceback`` is where it happened, in the child."""

    def __init__(self, summary: str, child_traceback: str):
        super().__init__(summary)
        self.child_traceback = child_traceback


class WorkerKilled(RuntimeError):
    """The worker process was killed from outside; the message says so in plain words."""


def _mp_context(preload: Sequence[str] = ()):
    global _context
    with _context_lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload([KERNEL_WARM_UP, *preload])
        return _context


def warm_up(preload: Sequence[str] = ()) -> None:
    """Start the forkserver now, importing torch and the ``preload`` modules once, so that the
    first training starts fast. Only the first call (in a process) chooses what is preloaded."""
    process = _mp_context(preload).Process(target=_nothing, daemon=True)
    process.start()
    process.join()


def _nothing() -> None:
    pass


def _child(task: Callable[..., Any], conn, stop, threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    # Plain pickle, by value: the connection's own pickler would hand tensors over as shared
    # memory that vanishes when this process ends.
    send = lambda kind, payload: conn.send_bytes(pickle.dumps((kind, payload)))
    throttle = _Throttle(send)
    try:
        result = task(Callbacks(on_progress=throttle.progress, on_live=throttle.live,
                                stop_event=stop, on_stage=lambda text: send("stage", text)))
        throttle.flush()
        send("result", result)
    except ValueError as error:  # the user's problem, already in plain words
        send("user_error", str(error))
    except Exception as error:  # a bug: say which, and where in this process
        send("bug", (f"{type(error).__name__}: {error}", traceback.format_exc()))
    finally:
        conn.close()


class _Throttle:
    """Every epoch record goes out (the curves need them); batch records and live views at most
    every ``seconds``, so that a busy page never makes the training wait on a full pipe."""

    def __init__(self, send, seconds: float = 0.25):
        self.send, self.seconds = send, seconds
        self.last_sent = {"batch": 0.0, "live": 0.0}
        self.pending_live = None

    def _due(self, kind: str) -> bool:
        now = time.monotonic()
        if now - self.last_sent[kind] < self.seconds:
            return False
        self.last_sent[kind] = now
        return True

    def progress(self, progress) -> None:
        if progress.kind == "epoch" or self._due("batch"):
            self.send("progress", progress)

    def live(self, live: dict) -> None:
        self.pending_live = live
        if self._due("live"):
            self.flush()

    def flush(self) -> None:
        if self.pending_live is not None:
            self.send("live", self.pending_live)
            self.pending_live = None


def in_worker_process(task: Callable[..., Any], threads: int = 1,
                      on_killed: Callable[[int | None], str] | None = None) -> Callable[..., Any]:
    """Wrap ``task`` so that calling it runs it in a child process (see the module docstring).

    ``on_killed(exitcode)``, if given, is called when the child dies without an answer and
    returns the sentence to report (the run recorder marks its run interrupted there)."""

    def run(callbacks: Callbacks):
        ctx = _mp_context()
        parent_end, child_end = ctx.Pipe(duplex=False)
        stop = ctx.Event()
        process = ctx.Process(target=_child, args=(task, child_end, stop, threads), daemon=True)
        process.start()
        child_end.close()
        try:
            while True:
                if callbacks.stop_event is not None and callbacks.stop_event.is_set():
                    stop.set()  # the child checks it between two batches, and while scoring
                    callbacks.stop_event.clear()  # passed on: a later Stop is a new request
                if not parent_end.poll(0.1):
                    if not process.is_alive() and not parent_end.poll(0):
                        raise _killed(process, on_killed)
                    continue
                try:
                    kind, payload = pickle.loads(parent_end.recv_bytes())
                except EOFError:  # the child is gone: its end of the pipe closed unanswered
                    raise _killed(process, on_killed) from None
                if kind == "progress" and callbacks.on_progress is not None:
                    callbacks.on_progress(payload)
                elif kind == "live" and callbacks.on_live is not None:
                    callbacks.on_live(payload)
                elif kind == "stage" and callbacks.on_stage is not None:
                    callbacks.on_stage(payload)
                elif kind == "result":
                    return payload
                elif kind == "user_error":
                    raise ValueError(payload)
                elif kind == "bug":
                    raise WorkerFailed(*payload)
        finally:
            parent_end.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()

    return run


def _killed(process, on_killed) -> WorkerKilled:
    process.join(timeout=5)
    return WorkerKilled(on_killed(process.exitcode) if on_killed
                        else killed_sentence(process.exitcode))


def killed_sentence(exitcode: int | None) -> str:
    """Training's process died without a word: say how, in plain words."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"signal {-exitcode}"
    else:
        how = f"exit code {exitcode}"
    return (f"Training ended unexpectedly because its process was killed ({how}; a machine "
            f"that runs out of memory does this).")
