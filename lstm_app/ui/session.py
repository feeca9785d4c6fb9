"""Process-wide and per-user state: the one job queue, and starting jobs for this browser session.

The app knows its tasks, so it is the app that tells the workers' forkserver what to import
once for every training: the task table and the run recorder (``TASK_MODULES``)."""

from __future__ import annotations

import os
import threading
import time
import weakref
from typing import Callable

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..training.jobs import Job, JobQueue
from ..training.memory import trainings_at_once
from ..training.process import in_worker_process, warm_up

TASK_MODULES = ("lstm_app.tasks", "lstm_app.runs.recording")  # what every training imports


@st.cache_resource
def job_queue() -> JobQueue:
    """One queue for every browser session of this server process."""
    limit = trainings_at_once()
    grace = float(os.environ.get("LSTM_APP_GRACE_SECONDS", "120"))
    threading.Thread(target=warm_up, args=(TASK_MODULES,), name="lstm-forkserver-warm-up",
                     daemon=True).start()
    queue = JobQueue(max_concurrent=limit, grace_seconds=grace)
    threading.Thread(target=_beat_waiting, args=(queue,), name="lstm-run-heartbeats",
                     daemon=True).start()
    return queue


def _beat_waiting(queue: JobQueue, seconds: float = 20.0) -> None:
    """Heartbeats for the runs of this server's jobs, a waiting one's too: in a run store that
    several servers share, another server marks a run without them interrupted."""
    from ..runs.store import RunStore

    while True:
        time.sleep(seconds)
        try:
            store = RunStore()
            for run_id in queue.run_ids():
                store.heartbeat(run_id)
        except Exception:  # the store is unreachable now: said where it is used
            pass


def _session_watcher() -> Callable[[], bool] | None:
    """A thread-safe "is this browser tab still connected?" for the worker; None outside a server."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return None
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


class Watched:
    """Someone else's training, watched live through a run shared with this person: all that a
    job shows, and a Stop that only its owner has (``stop`` does nothing here)."""

    watch_only = True

    def __init__(self, job: Job):
        self._job = job

    def __getattr__(self, name: str):
        return getattr(self._job, name)

    def stop(self) -> None:
        pass

    def heartbeat(self) -> None:
        pass  # watching keeps nobody's training alive: its owner's tab does


@st.cache_resource
def studies_running() -> weakref.WeakValueDictionary:
    """The auto-tunes this server started, by (person, task, data fingerprint), the last of each:
    a page reloaded mid-study (a new session) finds its study again, whatever data it shows
    now (an uploaded file is forgotten). Weak: a running study is kept alive by its thread, and
    a finished one (its data, its result) is not kept here."""
    return weakref.WeakValueDictionary()


@st.cache_resource
def study_addresses() -> weakref.WeakValueDictionary:
    """The auto-tunes this server started, by the random token its page's address holds
    (``?tune=``): a reload of that tab finds its study on other data than the page shows now,
    and no other visitor's page does."""
    return weakref.WeakValueDictionary()


def watch_here(job: Job) -> None:
    """``job``, started by a tab now gone, watched from this session's tab instead (its
    training is stopped once this tab, not the old one, has been gone a while)."""
    job.rewatch(_session_watcher())


def watch_only(job) -> bool:
    """Whether ``job`` is someone else's training watched here (it neither stops nor blocks
    this person's own Train)."""
    return bool(getattr(job, "watch_only", False))


def current_job(key: str) -> Job | None:
    job_queue()  # the first page view starts the worker forkserver, before anyone presses Train
    return st.session_state.get(key)


def start_job(key: str, task, label: str, run_id: str | None = None, config=None,
              on_killed: Callable[[int | None], str] | None = None,
              on_cancelled: Callable[[], None] | None = None, on_cluster: bool = False) -> Job:
    """Submit ``task`` and remember its job under ``key`` in this browser session. A task
    ``on_cluster`` sends its training to a Ray cluster itself: it runs in a thread here."""
    # Each training runs in a worker process with one torch thread: a thread of this server
    # would share the GIL with every page poll, and torch's thread pool slows down many times
    # over when two trainings and the server compete for the cores.
    threads = int(os.environ.get("LSTM_APP_TORCH_THREADS", "1"))
    work = task if on_cluster else in_worker_process(task, threads, on_killed)
    job = job_queue().submit(work, label=label,
                             watcher=_session_watcher(), run_id=run_id, config=config,
                             on_cancelled=on_cancelled)
    st.session_state[key] = job
    return job
