"""Running a training task in a worker process, so that the web server's own Python work cannot slow it.

A thread of the server would share Python's GIL with every page poll; measured, 30 ms of other
Python work per second slowed a training by 17%. ``in_worker_process(task)`` returns a task with
the same signature (``on_progress``, ``stop_event``, ``on_live``) that runs ``task`` in a child
process and relays its progress, live views, result and errors back, so the job queue does not
change. Children are forked from a forkserver that has the engine imported already, which makes
a start take tens of milliseconds instead of seconds. The task must be picklable
(``functools.partial`` of a module-level function with plain data).
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
import time
from typing import Any, Callable

_PRELOAD = ["lstm_app.training.forkserver_warmup"]
_context = None
_context_lock = threading.Lock()


def _mp_context():
    global _context
    with _context_lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(_PRELOAD)
        return _context


def warm_up() -> None:
    """Start the forkserver now (it imports torch once), so that the first training starts fast."""
    process = _mp_context().Process(target=_nothing, daemon=True)
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
        result = task(on_progress=throttle.progress, stop_event=stop, on_live=throttle.live)
        throttle.flush()
        send("result", result)
    except ValueError as error:  # the user's problem, already in plain words
        send("user_error", str(error))
    except Exception as error:  # a bug: say which
        send("bug", f"{type(error).__name__}: {error}")
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


def in_worker_process(task: Callable[..., Any], threads: int = 1) -> Callable[..., Any]:
    """Wrap ``task`` so that calling it runs it in a child process (see the module docstring)."""

    def run(on_progress, stop_event, on_live):
        ctx = _mp_context()
        parent_end, child_end = ctx.Pipe(duplex=False)
        stop = ctx.Event()
        process = ctx.Process(target=_child, args=(task, child_end, stop, threads), daemon=True)
        process.start()
        child_end.close()
        try:
            while True:
                if stop_event.is_set():
                    stop.set()  # the child checks it between two batches
                if not parent_end.poll(0.1):
                    if not process.is_alive() and not parent_end.poll(0):
                        raise RuntimeError(f"the training process ended unexpectedly "
                                           f"(exit code {process.exitcode})")
                    continue
                kind, payload = pickle.loads(parent_end.recv_bytes())
                if kind == "progress":
                    on_progress(payload)
                elif kind == "live":
                    on_live(payload)
                elif kind == "result":
                    return payload
                elif kind == "user_error":
                    raise ValueError(payload)
                else:
                    raise RuntimeError(payload)
        finally:
            parent_end.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()

    return run
