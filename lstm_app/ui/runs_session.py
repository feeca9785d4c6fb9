"""Every training in the app is a saved run: starting one, and finding it again from the URL.

The run id goes into the page's query parameters (``?run=…``), so a reload or a new tab with
that address shows the same training: live if it still runs in this server, otherwise reopened
from the run store with its saved weights (loaded and scored, not retrained).
"""

from __future__ import annotations

import functools
import time
from dataclasses import replace

import streamlit as st

from ..i18n import in_language, language, sentences, tr
from ..runs.access import can_change, can_open
from ..runs.recording import end_cancelled, end_killed, record, start_run, trained_more_name
from ..runs.reopening import has_weights, reopen
from ..runs.store import RunStore
from ..runs.table import task_name
from ..tasks import TASKS, Task
from ..training.jobs import FinishedJob, Job
from ..training.ray_runner import on_ray, ray_address
from .forecast_settings import BASIS as FORECAST_BASIS
from .keys import FORECAST, TASK_KEYS, TEXT, TaskKeys, page_keys
from .markdown import plain
from .people import current_user, opened_by_link
from .run_data import SOURCES, show_its_data
from .settings_form import page_settings, restore_settings
from .session import Watched, current_job, job_queue, start_job, watch_here

RUN_PARAM = "run"
SHARE_PARAM = "share"  # a run's share token, in a link that opens it for someone else
OPEN_PARAM = "open"  # in the Runs page's "Open it" link: show the run even where it is shown
PAGES = {"forecast": "pages/forecast.py", "panel": "pages/forecast.py", "text": "pages/text.py",
         "classify": "pages/classify.py"}  # the page each task's runs open on


@st.cache_resource
def run_store() -> RunStore:
    """The server's run store; opening it marks runs left running by a dead process interrupted."""
    store = RunStore()
    store.mark_interrupted()
    return store


def start_training(keys: TaskKeys, task: Task, data, name: str, config, start=None,
                   repaired: tuple = ()) -> Job:
    """Save a new run of ``task`` on ``data`` and train it in a worker; ``start`` is the trained
    value a Train more continues (the new run is a child of the one shown). ``repaired``: what
    was repaired when the data's file was first read (a reopened run's data, saved clean),
    kept among the new run's notices as the first run keeps them."""
    if repaired and hasattr(data, "notices"):  # (a note the saved data gives again: once)
        data = replace(data, notices=type(data.notices)(
            (*repaired, *(n for n in data.notices if n not in repaired))))
    store = run_store()
    shown = current_job(keys.job) if start is not None else None  # what Train more goes on from
    parent = getattr(shown, "run_id", None)
    earlier = store.get(parent) if parent else None
    if parent and earlier is None:  # deleted meanwhile (in another tab): no child of it
        parent = None
        st.toast(tr("The run this trains more was deleted meanwhile, so the new run is saved on "
                    "its own."))
    label = (trained_more_name(earlier.name if earlier is not None else shown.label or name)
             if shown is not None else name)
    run_id = start_run(store, task.name, data, config, label, name, parent=parent,
                       owner=current_user())
    address = ray_address()  # a Ray cluster trains it, when one is configured
    work = functools.partial(in_language, language(), record, store.home, run_id, task.name,
                             data, config, start=start,  # its messages in the reader's language
                             runner=on_ray(address) if address else None)
    try:  # the caption above the live view gives "auto" as it trains (lookback 14, not auto)
        shown = task.resolve(data, config)
    except ValueError:  # (the training says why, in its own words)
        shown = config
    job = start_job(keys.job, work, label=label, run_id=run_id, config=shown,
                    on_killed=functools.partial(end_killed, store.home, run_id),
                    on_cancelled=functools.partial(end_cancelled, store.home, run_id),
                    on_cluster=address is not None)
    st.session_state[keys.key("job_from")] = data_origin(keys)  # (a run's data: stopped with it)
    st.query_params[RUN_PARAM] = run_id
    return job


def run_files_now(run_id: str) -> tuple:
    """The run's files as they are now (name, size, time written), for a cache of what is made
    from them: a file added, deleted or replaced (an export written, weights removed behind the
    app's back) makes it again instead of serving what the files held before."""
    try:
        return tuple(sorted((path.name, stat.st_size, stat.st_mtime_ns)
                            for path in run_store().run_dir(run_id).iterdir()
                            for stat in [path.stat()]))
    except (OSError, ValueError):
        return ()


def still_open(run_id: str) -> bool:
    """Whether this reader may still open ``run_id`` (someone else's live training, watched:
    its owner may stop sharing it meanwhile; a run deleted is left to the page)."""
    run = run_store().get(run_id)
    return run is None or can_open(run, current_user(), opened_by_link().get(run_id))


def close_withdrawn() -> None:
    """In team mode, on every page that shows runs, under its title: a run this session shows
    (opened, watched live) or opened by a link that this person may no longer open (its link
    withdrawn, or sharing turned off) is closed, with a sentence, so that it can no longer be
    looked into or trained on: its data, put in the page's picker when it was opened, goes too,
    and what this session still trains on that data (an auto-tune, Train more) is stopped. A
    run deleted meanwhile is left to the page, which says so its own way."""
    user = current_user()
    if user is None:
        return
    links = opened_by_link()
    shown = [getattr(st.session_state.get(keys.job), "run_id", None) for keys in TASK_KEYS]
    for run_id in dict.fromkeys([*shown, *links]):
        run = run_store().get(run_id) if run_id else None
        if run is None or can_open(run, user, links.get(run_id)):  # (its owner's too)
            continue
        links.pop(run_id, None)
        stopped = _close(run)
        if st.query_params.get(RUN_PARAM) == run_id:
            del st.query_params[RUN_PARAM]
            st.query_params.pop(SHARE_PARAM, None)
        st.warning(sentences(
            tr("Run {name} ({id}) is no longer shared with you, so it was closed.",
               name=plain(run.name), id=run.id),
            tr("Your auto-tune or training on its data was stopped.") if stopped else ""))


def withdrawn_meanwhile() -> bool:
    """Whether a run this session opened by a link may no longer be opened: for a page's
    polling (a live training, a study), which then reruns the page to close it (every few
    seconds at most: one look at the store each)."""
    links = opened_by_link()
    if not links or current_user() is None:
        return False
    now = time.monotonic()
    if now - st.session_state.get(WITHDRAWN_CHECKED, 0.0) < WITHDRAWN_EVERY:
        return False
    st.session_state[WITHDRAWN_CHECKED] = now
    return any(not still_open(run_id) for run_id in links)


WITHDRAWN_CHECKED, WITHDRAWN_EVERY = "withdrawn_checked", 3.0  # (session key, seconds)


def data_origin(keys: TaskKeys) -> str | None:
    """The run whose saved data the page's picker holds (a run reopened puts it there), if the
    page trains on that data now; None for a sample or the user's own upload."""
    source = SOURCES[keys]
    if st.session_state.get(source.keys.kind) != source.own_choice:
        return None
    uploaded = st.session_state.get(source.keys.uploaded)
    return uploaded.get("run") if isinstance(uploaded, dict) else None


def _close(run) -> bool:
    """Take ``run`` (someone else's, no longer shared) and its data off its page, and stop this
    session's auto-tune and training on that data (started from it, or on data of the same
    fingerprint); whether any was still going."""
    keys = page_keys(run.task)
    if getattr(st.session_state.get(keys.job), "run_id", None) == run.id:
        del st.session_state[keys.job]
    source = SOURCES[keys]
    data = st.session_state.get(source.keys.uploaded)
    if isinstance(data, dict) and data.get("run") == run.id:  # its saved data, put there
        del st.session_state[source.keys.uploaded]  # nothing of it left to train on
    going = []
    if run.id == st.session_state.get(keys.key("tune_from")) or \
            st.session_state.get(keys.tune_for) == run.data_hash:  # an auto-tune of its data
        going.append(st.session_state.get(keys.tune_job))
    job = st.session_state.get(keys.job)  # a training of this person's on its data
    mine = run_store().get(job.run_id) if getattr(job, "run_id", None) else None
    if mine is not None and can_change(mine, current_user()) and (
            run.id == st.session_state.get(keys.key("job_from"))
            or mine.data_hash == run.data_hash):
        going.append(job)
    going = [j for j in going if j is not None and not j.snapshot().done]
    for job in going:
        job.stop()
    return bool(going)


def opened_by_address(run_id: str):
    """The run ``run_id`` names and the share token it is opened with (the address's, or the
    one this session opened it with before): (None, token) where this reader may not open it,
    as if it were not there. A link that opens it is remembered for the session's lists."""
    run = run_store().get(run_id) if run_id.isalnum() else None
    token = st.query_params.get(SHARE_PARAM) or opened_by_link().get(run_id)
    if run is not None and not can_open(run, current_user(), token):
        return None, token  # someone else's, not shared
    if run is not None and token:
        opened_by_link()[run.id] = token
    return run, token


def attach_from_url(keys: TaskKeys, tasks: str | tuple[str, ...]) -> None:
    """If the address names a run (of one of the page's ``tasks``) this session does not show
    yet, show it: live or reopened. Without a run in the address (back from another page), the
    run shown is put there."""
    tasks = (tasks,) if isinstance(tasks, str) else tasks
    close_withdrawn()
    run_id = st.query_params.get(RUN_PARAM)
    # "Open it" asks for the run with its own data even where this page shows it already under
    # other data chosen since; a plain rerun with its id in the address keeps the data chosen.
    opening = st.query_params.pop(OPEN_PARAM, None) is not None
    shown = current_job(keys.job)
    if not run_id and getattr(shown, "run_id", None):  # back from another page: name it again
        st.query_params[RUN_PARAM] = shown.run_id
    if not run_id or (getattr(shown, "run_id", None) == run_id and not opening):
        return
    store = run_store()
    run, token = opened_by_address(run_id)
    live = job_queue().find(run_id)
    if live is not None and run is not None and run.task in tasks:
        _show_live(keys, run, live)
        return
    refresh_statuses()
    run = store.get(run_id) if run is not None else None  # its status, now checked
    if run is not None and run.task not in tasks and run.task in PAGES:  # another page's
        st.warning(tr("Run {name} ({id}) is a {task} run: it opens on its own page.",
                      name=plain(run.name), id=run.id, task=task_name(run.task)))
        st.page_link(PAGES[run.task], label=tr("Open it"), icon=":material/open_in_new:",
                     query_params={RUN_PARAM: run.id, **({SHARE_PARAM: token} if token else {})})
        del st.query_params[RUN_PARAM]
        st.query_params.pop(SHARE_PARAM, None)
        return
    if run is None or run.task not in tasks:
        # The address is anyone's to write: it is not echoed.
        st.warning(tr("The address names a {task} run that is not saved here or not shared "
                      "with you; it may have been deleted. The Runs page lists the runs you can "
                      "open.", task=task_name(tasks[0])))
        del st.query_params[RUN_PARAM]
        st.query_params.pop(SHARE_PARAM, None)
        return
    if run.status == "running":  # not a job of this server: an auto-tune's trial, or elsewhere
        st.info(tr("Run {name} ({id}) is still training, as a trial of an auto-tune; open it "
                   "again once it has finished.", name=plain(run.name), id=run.id) if run.study
                else tr("Run {name} ({id}) is training in another process, such as the command "
                        "line; open it again once it has finished.", name=plain(run.name),
                        id=run.id))
        return
    show_run(keys, run)


def _show_live(keys: TaskKeys, run, live) -> None:
    """A run still in this server (another tab's, say), shown with its data: live while it
    trains, else as a saved run opened (its result is already in memory)."""
    snap = live.snapshot()
    result = live.result() if snap.done else None
    mine = can_change(run, current_user())  # a run shared with this person: watched only
    if mine and result is None and not live.tab_open():
        watch_here(live)  # its tab is gone (a reload): this one keeps it alive now
    st.session_state[keys.job] = (live if mine else Watched(live)) if result is None \
        else FinishedJob(result, run.name, run.id, snap.state)
    _restore_page(keys, run)


def show_run(keys: TaskKeys, run) -> None:
    """The saved run as the page's own: reopened (not retrained), with its data chosen in the
    picker, its settings in the widgets and its id in the address."""
    if _show_saved(keys, run):
        st.query_params[RUN_PARAM] = run.id
        _restore_page(keys, run)


def _restore_page(keys: TaskKeys, run) -> None:
    """The page's data picker and settings as the run had them."""
    show_its_data(run, run_store(), run.task)
    restore_settings(keys, TASKS[run.task], run.config)
    # Its settings, not a fresh suggestion for its data over them.
    if run.task == "text":
        st.session_state[TEXT.suggested_for] = st.session_state[TEXT.reopened] = (
            run.data_hash, {name: run.config.get(name)
                            for name in ("level", "max_vocab", "val_fraction")})
    elif run.task in ("forecast", "panel"):
        st.session_state[FORECAST.suggested_for] = (run.data_hash, {
            name: st.session_state.get(FORECAST.setting(name)) for name in FORECAST_BASIS})
    st.session_state[keys.suggestion] = {
        name: run.config.get(name) for name in run.config.get("suggested") or ()}


def refresh_statuses() -> None:
    """Runs still marked running whose training is gone (its process died, or this server no
    longer holds its job) are marked interrupted, keeping their last checkpoint."""
    run_store().mark_interrupted(known=lambda run_id: job_queue().find(run_id) is not None)


def earlier_run(task: Task, fingerprint: str, config, data):
    """The newest run of ``task`` on this ``data`` (its run-store ``fingerprint``) with the
    settings the page holds (``config``, as it would train: a run keeps its "auto" choices
    made, a classifier's level "char"), trained from scratch: finished with its weights saved,
    or training now in this server and left by the tab that started it (a demo's visitor who
    reloaded the page: another visitor's open tab keeps its own); None if there is none."""
    try:
        config = task.resolve(data, config)
    except ValueError:  # settings that cannot train: no run trained with them either
        return None
    wanted, user = page_settings(task, config), current_user()
    store = run_store()
    return next((run for run in store.trained_on(task.name, fingerprint, ("finished", "running"))
                 if can_change(run, user) and page_settings(task, run.config) == wanted
                 and (has_weights(store, run) if run.status == "finished"
                      else _training_here(run.id))), None)


def _training_here(run_id: str) -> bool:
    job = job_queue().find(run_id)
    return job is not None and not job.snapshot().done and not job.tab_open()


def show_checkpoint(keys: TaskKeys, job) -> bool:
    """A training whose process was killed leaves an interrupted run with its last checkpoint:
    show that, scored, in the job's place (True), rather than only the failure."""
    run = run_store().get(job.run_id) if getattr(job, "run_id", None) else None
    return run is not None and run.status == "interrupted" and _show_saved(keys, run)


def _show_saved(keys: TaskKeys, run) -> bool:
    """The saved run, reopened from its weights (not retrained), as the job the page shows."""
    try:
        with st.spinner(tr("Opening run {name}…", name=plain(run.name))):
            result = reopen(run_store(), run.id)
    except ValueError as error:
        st.warning(plain(error))
        return False
    state = "finished" if run.status == "finished" else "stopped"
    notice = run.message if run.status == "interrupted" else None
    st.session_state[keys.job] = FinishedJob(result, run.name, run.id, state, notice)
    return True
