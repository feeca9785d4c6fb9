"""Every training in the app is a saved run: starting one, and finding it again from the URL.

The run id goes into the page's query parameters (``?run=…``), so a reload or a new tab with
that address shows the same training: live if it still runs in this server, otherwise reopened
from the run store with its saved weights (loaded and scored, not retrained).
"""

from __future__ import annotations

import functools
from dataclasses import asdict

import streamlit as st

from ..runs.recording import end_cancelled, end_killed, record, reopen, start_run
from ..runs.store import RunStore
from ..runs.table import settings_summary
from ..samples import list_samples
from ..tasks import Task
from ..training.jobs import FinishedJob, Job
from .keys import FORECAST, TaskKeys
from .series_input import SOURCE as SERIES_SOURCE
from .session import current_job, job_queue, start_job
from .source_picker import use_sample
from .text_input import SOURCE as TEXT_SOURCE

RUN_PARAM = "run"


@st.cache_resource
def run_store() -> RunStore:
    """The server's run store; opening it marks runs left running by a dead process interrupted."""
    store = RunStore()
    store.mark_interrupted()
    return store


def start_training(keys: TaskKeys, task: Task, data, name: str, config, start=None) -> Job:
    """Save a new run of ``task`` on ``data`` and train it in a worker; ``start`` is the trained
    value a Train more continues (the new run is a child of the one shown)."""
    store = run_store()
    parent = getattr(current_job(keys.job), "run_id", None) if start is not None else None
    run_id = start_run(store, task.name, data, config, name, name, parent=parent)
    work = functools.partial(record, store.home, run_id, task.name, data, config, start=start)
    job = start_job(keys.job, work, label=name, run_id=run_id, config=config,
                    on_killed=functools.partial(end_killed, store.home, run_id),
                    on_cancelled=functools.partial(end_cancelled, store.home, run_id))
    st.query_params[RUN_PARAM] = run_id
    return job


def attach_from_url(keys: TaskKeys, task: str) -> None:
    """If the address names a run this session does not show yet, show it: live or reopened."""
    run_id = st.query_params.get(RUN_PARAM)
    shown = current_job(keys.job)
    if not run_id or getattr(shown, "run_id", None) == run_id:
        return
    live = job_queue().find(run_id)
    if live is not None:
        st.session_state[keys.job] = live
        return
    store = run_store()
    store.mark_interrupted()
    run = store.get(run_id) if run_id.isalnum() else None
    if run is None or run.task != task:
        st.warning(f"There is no saved {task} run '{run_id[:40]}' here; it may have been "
                   f"deleted. The Runs page lists the saved runs.")
        del st.query_params[RUN_PARAM]
        return
    if run.status == "running":
        st.info(f"Run {run.name} ({run.id}) is training in another process, such as the command "
                f"line; open it again once it has finished.")
        return
    if _show_saved(keys, run):
        _show_its_data(run, store, task)


def show_checkpoint(keys: TaskKeys, job) -> bool:
    """A training whose process was killed leaves an interrupted run with its last checkpoint:
    show that, scored, in the job's place (True), rather than only the failure."""
    run = run_store().get(job.run_id) if getattr(job, "run_id", None) else None
    return run is not None and run.status == "interrupted" and _show_saved(keys, run)


def _show_saved(keys: TaskKeys, run) -> bool:
    """The saved run, reopened from its weights (not retrained), as the job the page shows."""
    try:
        with st.spinner(f"Opening run {run.name}…"):
            result = reopen(run_store(), run.id)
    except ValueError as error:
        st.warning(str(error))
        return False
    state = "finished" if run.status == "finished" else "stopped"
    notice = run.message if run.status == "interrupted" else None
    st.session_state[keys.job] = FinishedJob(result, run.name, run.id, state, notice)
    return True


def _show_its_data(run, store: RunStore, task: str) -> None:
    """Point the page's data picker at the run's data, so the page shows what it trained on."""
    source = SERIES_SOURCE if task == "forecast" else TEXT_SOURCE
    keys = source.keys
    samples = {s.path.name: s.name for s in list_samples(source.kind)}
    if run.data_name in samples:
        use_sample(keys, samples[run.data_name])
    else:
        data = store.run_dir(run.id) / ("data.csv" if task == "forecast" else "text.txt")
        st.session_state[keys.kind] = source.own_choice
        st.session_state[keys.uploaded] = {"name": run.data_name, "data": data.read_bytes(),
                                           "settings": {}}
    if task == "forecast" and run.config.get("value_col"):  # series_input's column pickers
        st.session_state[FORECAST.value_col(run.data_name)] = run.config["value_col"]
        st.session_state[FORECAST.setting("covariates")] = list(run.config.get("covariates") or [])
        if run.config.get("time_col"):
            st.session_state[FORECAST.time_col(run.data_name)] = run.config["time_col"]


def run_caption(job) -> None:
    """Above the live view or the results: which saved run this is, with its own settings (the
    widgets above may differ: they are for the next Train)."""
    if getattr(job, "notice", None):
        st.warning(job.notice)
    if getattr(job, "run_id", None) is None or job.config is None:
        return
    result = job.result()
    config = result.config if result is not None else job.config  # "auto" resolved once trained
    st.caption(f"Saved as run **{job.run_id}** ({settings_summary(asdict(config))}); its address "
               f"reopens it. The settings above are for the next Train.")
