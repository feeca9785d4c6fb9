"""A task page's Auto-tune: start a study on the data and settings shown, watch its trials live
(the table, the optimisation history, the parallel coordinates), Stop it, and put the best
settings into the form with one click. The study runs as one job in a worker process, like a
training, one trial after another; each trial is a run on the Runs page."""

from __future__ import annotations

import functools
import secrets

import pandas as pd
import streamlit as st

from ..i18n import in_language, language, listing, sentences, tr
from ..tasks import Task
from ..training.ray_runner import ray_address
from ..training.settings import CHOICE_LABELS
from ..tune_charts import history_chart, parallel_chart
from ..tuning.space import NOT_TUNED, TUNED, rounded

from ..tuning.limits import too_little_to_tune
from ..tuning.result import STATES, TuneLive, TuneResult
from ..tuning.study import tune
from .cluster_view import where_caption
from .keys import TaskKeys, page_keys
from .markdown import plain
from .people import current_user
from .runs_session import data_origin, run_store, withdrawn_meanwhile
from .session import current_job, start_job, studies_running, study_addresses, watch_here
from .settings_form import restore_settings
from .task_flow import cannot_train

PAGE_TRIALS, PAGE_MINUTES = 200, 240  # a study on a shared server; the tune command runs longer

POLL_SECONDS = 1.0
STOP_SECONDS = 3.0  # how long Stop waits for the study to end, to draw the page at once
TUNE_PARAM = "tune"  # the address's token of the study its tab started


def auto_tune(keys: TaskKeys, task: Task, data, data_name: str, config,
              fingerprint: str) -> None:
    """The Auto-tune section, folded until a study runs or has a result for this data."""
    job = current_job(keys.tune_job) or _left_study(keys, task, fingerprint)
    if job is not None and st.session_state.get(keys.tune_for) != fingerprint:
        if not job.snapshot().done:  # still running on other data: it can be stopped here
            with st.expander(tr("Auto-tune"), expanded=True, icon=":material/tune:"):
                st.info(tr("An auto-tune of other data is still running; stop it to start one "
                           "on this data."))
                _poll(keys, task, trials=False)  # its progress, and a Stop that redraws the page
            return
        job = None  # a study of other data: its result does not belong here
    with st.expander(tr("Auto-tune"), expanded=job is not None,
                     icon=":material/tune:"):
        if job is None:
            _start_form(keys, task, data, data_name, config, fingerprint)
            return
        snap = job.snapshot()
        if not snap.done:
            where_caption()
            _poll(keys, task)
            return
        if snap.state == "failed":
            st.error(plain(snap.error))
        elif job.result() is not None:
            _result(keys, task, job.result())
        st.divider()
        _start_form(keys, task, data, data_name, config, fingerprint, explain=False)


def _start_form(keys: TaskKeys, task: Task, data, data_name: str, config,
                fingerprint: str, explain: bool = True) -> None:
    names = [tr(task.settings[n].label) for n in TUNED[task.name]]
    if explain:
        st.caption(sentences(
            tr("Trains the model many times with other values of {names}, each trial guided by "
               "the trials before it (Optuna). Trial 0 is the settings above; trials "
               "that fall behind the others are stopped early (pruned). Each trial is scored "
               "on the validation span and saved as a run.", names=listing(names)),
            tr(NOT_TUNED[task.name])))
    a, b = st.columns(2)
    trials = a.number_input(tr("Trials"), min_value=2, max_value=PAGE_TRIALS, value=20, step=1,
                            key=keys.tune_trials, persist_state="session",
                            help=tr("How many trainings to try at most: up to {most} on this page, which "
                                    "shares the server; the command line runs longer studies.",
                                    most=PAGE_TRIALS))
    minutes = b.number_input(tr("Minutes"), min_value=1, max_value=PAGE_MINUTES, value=10,
                             step=1,
                             key=keys.tune_minutes, persist_state="session",
                             help=tr("The study stops after this many minutes (up to {most} on this "
                                     "page), and keeps every trial that finished.",
                                     most=PAGE_MINUTES))
    problem, scarce = _cannot_train(keys, task, data, config, fingerprint)
    if problem:  # every trial would end in it: Start is held back
        st.caption(tr("The settings above cannot train on this data yet (the warning above "
                      "says why); change them, then start the auto-tune."))
    elif scarce:  # a best trial would be chance: held back too
        st.caption(plain(scarce))
        problem = scarce
    if st.button(tr("Start auto-tune"), key=keys.tune_start, icon=":material/tune:",
                 disabled=bool(problem)):
        store, address = run_store(), ray_address()  # with a cluster, each trial trains there
        work = functools.partial(in_language, language(), tune, home=store.home,
                                 task_name=task.name, data=data, config=config,
                                 data_name=data_name, trials=int(trials),
                                 minutes=float(minutes), owner=current_user(), ray=address)
        job = start_job(keys.tune_job, work, label=tr("Auto-tune: {name}", name=data_name),
                        on_cluster=address is not None)
        studies_running()[(current_user(), task.name, fingerprint)] = job
        token = secrets.token_urlsafe(12)
        study_addresses()[token] = job
        st.query_params[TUNE_PARAM] = token
        st.session_state[keys.tune_for] = fingerprint
        st.session_state[keys.key("tune_from")] = data_origin(keys)  # stopped with that run
        st.session_state.pop(keys.tune_applied, None)
        st.rerun()


def _left_study(keys: TaskKeys, task: Task, fingerprint: str):
    """This person's study on this page, still running with no tab watching it, made this
    session's (the page was reloaded: a new session): its progress, Stop and result come back.
    The study of the data shown, else the one this tab's address names (a reload forgets an
    uploaded file: said as a study of other data). None if none: without sign-in every visitor
    is the same person, so another's study on other data is never taken."""
    user, addressed = current_user(), study_addresses().get(st.query_params.get(TUNE_PARAM, ""))
    left = [(tuned, job) for (person, task_name, tuned), job in list(studies_running().items())
            if person == user and page_keys(task_name) == keys and not job.snapshot().done
            and not job.tab_open() and (tuned == fingerprint or job is addressed)]
    if not left:
        return None
    tuned, job = next(((f, j) for f, j in left if f == fingerprint), left[0])
    watch_here(job)  # a second tab of this person's now leaves it to this one
    st.session_state[keys.tune_job] = job
    st.session_state[keys.tune_for] = tuned
    return job


def _cannot_train(keys: TaskKeys, task: Task, data, config, fingerprint: str) -> tuple[str, str]:
    """(why the settings cannot train on the data, why its validation part is too small to
    rank trials on): "" each where they can, judged once per data and settings (a text's
    check reads the whole text)."""
    problem = cannot_train(keys, task, data, config, fingerprint)
    if problem:
        return problem, ""
    asked = (fingerprint, repr(config), language())  # the sentence is in the reader's language
    memo = st.session_state.get(keys.key("tune_check"))
    if memo is None or memo[0] != asked:
        memo = (asked, too_little_to_tune(task.name, data, task.resolve(data, config)))
        st.session_state[keys.key("tune_check")] = memo
    return "", memo[1]


@st.fragment(run_every=POLL_SECONDS)
def _poll(keys: TaskKeys, task: Task, trials: bool = True) -> None:
    """The running study's progress and Stop, and (``trials``: a study of the data shown) its
    trials; the whole page is drawn again once it ends."""
    job = current_job(keys.tune_job)
    if job is None:
        return
    job.heartbeat()
    snap = job.snapshot()
    if snap.done or withdrawn_meanwhile():
        st.rerun()  # the whole page, once: it now shows the result (or closes a run withdrawn)
    live: TuneLive | None = snap.live
    left, right = st.columns([5, 1])
    with left:
        if snap.state == "queued":
            st.progress(0.0, text=tr("Waiting for a free training slot: number {position} in "
                                     "the queue.", position=snap.queue_position))
        elif live is None:
            st.progress(0.0, text=tr("Opening the study…"))
        else:
            ended = sum(t.state not in ("queued", "running") for t in live.trials)
            share = max(ended / live.planned, live.elapsed / (live.minutes * 60))
            st.progress(min(share, 1.0), text=tr(
                "{ended} of at most {planned} trials ended; {elapsed} of {minutes} used",
                ended=ended, planned=live.planned, elapsed=_clock(live.elapsed),
                minutes=_clock(live.minutes * 60)))
    if right.button(tr("Stop"), key=keys.tune_stop, width="stretch",
                    help=tr("End the study now: the trial in progress stops, and every trial "
                            "that finished is kept.")):
        job.stop()
        if job.wait(STOP_SECONDS):  # ended: the page at once, not at the next poll
            st.rerun()
    if live is not None and trials:
        _trials(keys, task, live.trials, live.space, running=True)


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def _trials(keys: TaskKeys, task: Task, trials, space, running: bool) -> None:
    """The trials table and its charts; while ``running``, a caption says when a chart that is
    not drawn yet will be (a study that ended says nothing of charts that never come)."""
    st.dataframe(trials_frame(task, trials), hide_index=True, width="stretch", placeholder="–")
    st.caption(tr("Trial 0 is the settings you started from."))
    labels = {d.name: tr(task.settings[d.name].label) for d in space}
    if any(t.state in ("done", "pruned") for t in trials):
        st.plotly_chart(history_chart(trials), key=keys.tune_history)
    elif running:
        st.caption(tr("Each trial's validation loss is drawn here when it ends."))
    if sum(t.state == "done" for t in trials) >= 2:
        st.plotly_chart(parallel_chart(trials, space, labels), key=keys.tune_parallel)
        st.caption(tr("One line per finished trial through its settings to its validation loss "
                      "(the last axis): blue for the lowest losses, orange for the highest."))
    elif running:
        st.caption(tr("The settings of the finished trials are drawn side by side once two "
                      "have finished."))


def trials_frame(task: Task, trials) -> pd.DataFrame:
    """The trials table: its state, validation loss and settings, in the reader's words."""
    rows = []
    for t in trials:
        row = {tr("Trial"): t.number, tr("State"): tr(STATES[t.state]),
               tr("Validation loss"): None if t.value is None else float(f"{t.value:.4g}"),
               tr("Epochs"): t.epochs}
        for name, value in rounded(t.params).items():  # numbers stay numbers (they sort)
            row[tr(task.settings[name].label)] = _shown(value) if isinstance(
                value, (bool, str)) else value
        row[tr("Seconds")] = None if t.seconds is None else round(t.seconds, 1)
        rows.append(row)
    return pd.DataFrame(rows)


def _shown(value) -> str:
    if isinstance(value, bool):
        return tr("yes") if value else tr("no")
    return tr(CHOICE_LABELS.get(value, value))


def _result(keys: TaskKeys, task: Task, result: TuneResult) -> None:
    better = result.better
    (st.success if better else st.info)(plain(result.verdict))
    if result.stopped:
        st.caption(tr("The study was stopped; the trials that finished are kept."))
    _trials(keys, task, result.trials, result.space, running=False)
    if not better:
        return
    applied = st.session_state.get(keys.tune_applied) == (result.study, result.best.number)
    st.button(tr("Use trial {trial}'s settings", trial=result.best.number), type="primary",
              key=keys.tune_apply, on_click=_apply, args=(keys, task, result),
              disabled=applied, icon=":material/input:")
    text = result.task == "text"  # a text has no test span
    if applied:
        st.success(tr("The settings above now hold trial {trial}'s: press Train to train them "
                      "as a new run.", trial=result.best.number) if text else
                   tr("The settings above now hold trial {trial}'s: press Train to train them "
                      "as a new run and score them on the test span.",
                      trial=result.best.number))
    else:
        st.caption(tr("This puts them into the settings above; Train then trains them as a "
                      "new run, scored on the validation span that chose them (a text has no "
                      "test span).") if text else
                   tr("This puts them into the settings above; Train then trains them as a "
                      "new run and scores them on the test span, which no trial looked at."))


def _apply(keys: TaskKeys, task: Task, result: TuneResult) -> None:
    """Before the widgets are drawn (a button's callback): the best trial's settings in."""
    restore_settings(keys, task, result.best_config)
    st.session_state[keys.tune_applied] = (result.study, result.best.number)
