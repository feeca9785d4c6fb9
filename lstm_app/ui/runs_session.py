"""Every training in the app is a saved run: starting one, and finding it again from the URL.

The run id goes into the page's query parameters (``?run=…``), so a reload or a new tab with
that address shows the same training: live if it still runs in this server, otherwise reopened
from the run store with its saved weights.
"""

from __future__ import annotations

import functools
from dataclasses import asdict

import streamlit as st

from ..runs.recording import (record_forecast, record_text, reopen, start_forecast_run,
                              start_text_run)
from ..runs.store import RunStore
from ..runs.table import settings_summary
from ..samples import list_samples
from ..training.jobs import FinishedJob, Job
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


def start_forecast(job_key: str, series, config, resume=None) -> Job:
    store = run_store()
    parent = getattr(current_job(job_key), "run_id", None) if resume is not None else None
    run_id = start_forecast_run(store, series, config, name=series.name, parent=parent)
    task = functools.partial(record_forecast, store.home, run_id, series, config, resume=resume)
    return _start(job_key, task, series.name, run_id, config)


def start_text(job_key: str, text: str, name: str, config, resume=None) -> Job:
    store = run_store()
    parent = getattr(current_job(job_key), "run_id", None) if resume is not None else None
    run_id = start_text_run(store, text, name, config, name, parent=parent)
    task = functools.partial(record_text, store.home, run_id, text, config, resume=resume)
    return _start(job_key, task, name, run_id, config)


def _start(job_key: str, task, label: str, run_id: str, config) -> Job:
    job = start_job(job_key, task, label=label, run_id=run_id, config=config)
    st.query_params[RUN_PARAM] = run_id
    return job


def attach_from_url(job_key: str, task: str) -> None:
    """If the address names a run this session does not show yet, show it: live or reopened."""
    run_id = st.query_params.get(RUN_PARAM)
    shown = current_job(job_key)
    if not run_id or getattr(shown, "run_id", None) == run_id:
        return
    live = job_queue().find(run_id)
    if live is not None:
        st.session_state[job_key] = live
        return
    store = run_store()
    store.mark_interrupted()
    run = store.get(run_id) if run_id.isalnum() else None
    if run is None or run.task != task:
        st.warning(f"There is no saved {task} run '{run_id}' here; it may have been deleted. "
                   f"The Runs page lists the saved runs.")
        del st.query_params[RUN_PARAM]
        return
    if run.status == "running":
        st.info(f"Run {run.name} ({run.id}) is training in another process, such as the command "
                f"line; open it again once it has finished.")
        return
    try:
        with st.spinner(f"Opening run {run.name}…"):
            result = reopen(store, run_id)
    except ValueError as error:
        st.warning(str(error))
        return
    state = "finished" if run.status == "finished" else "stopped"
    st.session_state[job_key] = FinishedJob(result, run.name, run_id, state)
    _show_its_data(run, store, task)


def _show_its_data(run, store: RunStore, task: str) -> None:
    """Point the page's data picker at the run's data, so the page shows what it trained on."""
    source = SERIES_SOURCE if task == "forecast" else TEXT_SOURCE
    samples = {s.path.name: s.name for s in list_samples(source.kind)}
    if run.data_name in samples:
        use_sample(source.prefix, samples[run.data_name])
    else:
        data = store.run_dir(run.id) / ("data.csv" if task == "forecast" else "text.txt")
        st.session_state[f"{source.prefix}_kind"] = source.own_choice
        st.session_state[f"{source.prefix}_uploaded"] = {"name": run.data_name,
                                                         "data": data.read_bytes(), "settings": {}}
    if task == "forecast" and run.config.get("value_col"):  # series_input's column pickers
        st.session_state[f"fc_value_{run.data_name}"] = run.config["value_col"]
        st.session_state["fc_covariates"] = list(run.config.get("covariates") or [])
        if run.config.get("time_col"):
            st.session_state[f"fc_time_{run.data_name}"] = run.config["time_col"]


def run_caption(job) -> None:
    """Above the live view or the results: which saved run this is, with its own settings (the
    widgets above may differ: they are for the next Train)."""
    if getattr(job, "run_id", None) is None or job.config is None:
        return
    result = job.result()
    config = result.config if result is not None else job.config  # "auto" resolved once trained
    st.caption(f"Saved as run **{job.run_id}** ({settings_summary(asdict(config))}); its address "
               f"reopens it. The settings above are for the next Train.")
