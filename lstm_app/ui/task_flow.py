"""The flow both task pages share: Train (or Home's demo pressing it), the live view with Stop
while it trains, the result once it has ended, and Train more from that result."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Callable

import streamlit as st

from ..i18n import language, tr, trn
from ..runs.row import Run
from ..tasks import Task
from ..training.jobs import Job, Snapshot
from ..training.trainer import Progress
from .keys import TaskKeys
from .live import scroll_here, watch, windows_per_second
from .markdown import plain
from .run_caption import elsewhere, run_caption
from .runs_session import RUN_PARAM, show_checkpoint, show_run, start_training
from .session import current_job, watch_only
from .settings_form import nearest
from .source_picker import Chosen


def cannot_train(keys: TaskKeys, task: Task, data, config, fingerprint: str) -> str:
    """Why ``config`` cannot train on the data (``task.check``: a classifier's split that leaves
    a part without texts, say), judged once per data and settings; "" where it can."""
    asked = (fingerprint, repr(config), language())  # the sentence is in the reader's language
    memo = st.session_state.get(keys.key("train_check"))
    if memo is None or memo[0] != asked:
        try:
            task.check(data, task.resolve(data, config))
            memo = (asked, "")
        except ValueError as error:
            memo = (asked, str(error))
        st.session_state[keys.key("train_check")] = memo
    return memo[1]


def train_button(keys: TaskKeys, start: Callable[[], Job], can_train: bool = True,
                 on_new_model: Callable[[], None] | None = None,
                 earlier: Callable[[], Run | None] | None = None, offer_at=None) -> None:
    """Train, disabled while a training runs; Home's demo presses it, never over a running one,
    and not while an ``earlier`` identical run is saved (or still training, its tab gone): that
    one is offered instead, in the ``offer_at`` container (the top of the page, where a demo's
    visitor looks) if given."""
    job = current_job(keys.job)
    busy = job is not None and not job.snapshot().done and not watch_only(job)
    train = st.button(tr("Train"), type="primary", disabled=busy or not can_train,
                      key=keys.train,
                      help=tr("Start training in the background; you can switch pages "
                              "meanwhile."))
    autostart = st.session_state.pop(keys.autostart, False)
    if autostart and not can_train:  # Apply and train, or a demo: nothing can train yet
        st.warning(tr("Train was pressed for you, but these settings cannot train as they are: "
                      "see why above, change them, then press Train."))
    if autostart and busy:
        st.info(tr("Nothing new was started: your earlier training on this page is still running "
                   "(below). Stop it or let it finish, then start again."))
    if autostart and not busy and earlier is not None and (run := earlier()) is not None:
        autostart = False
        if getattr(job, "run_id", None) == run.id:  # already on the page
            st.info(tr("You trained this a moment ago: its results are below. Press Train to "
                       "train it again as a new run."), icon=":material/history:")
        else:
            st.session_state[keys.offer] = run.id
    if keys.offer in st.session_state and not train:
        with offer_at if offer_at is not None else st.container():
            train = _offer(keys, earlier)
    if can_train and not busy and (train or autostart):
        st.session_state.pop(keys.offer, None)
        if autostart:  # pressed for the user: the page is at its top, the training far below
            st.session_state[keys.key("to_live")] = True
        if on_new_model is not None:
            on_new_model()
        start().wait_for_first_epoch(timeout=0.6)  # so that the redraw shows the first point
        st.rerun()  # redraw with Train disabled and the live view running


def _offer(keys: TaskKeys, earlier: Callable[[], Run | None] | None) -> bool:
    """A demo pressed while the same training is saved (or training, its tab gone): open or
    watch that run, or train again (True).
    The offer lasts until either is chosen or the data or settings change."""
    run = earlier() if earlier is not None else None
    if run is None or run.id != st.session_state[keys.offer]:
        del st.session_state[keys.offer]
        return False
    when = dt.datetime.fromtimestamp(run.finished or run.created).strftime("%Y-%m-%d %H:%M")
    values = dict(name=plain(run.name), id=run.id, when=when)
    if run.status == "running":
        st.info(tr("This is training already, with the same data and settings: run **{name}** "
                   "({id}), started {when}. Watch it learn, or train again as a new run.",
                   **values), icon=":material/model_training:")
    else:
        st.info(tr("You have trained this before, with the same data and settings: run "
                   "**{name}** ({id}), finished {when}. Open it to see its results now, or "
                   "train again as a new run.", **values), icon=":material/history:")
    a, b = st.columns(2)
    a.button(tr("Watch run {id}", id=run.id) if run.status == "running"
             else tr("Open run {id}", id=run.id), type="primary", key=keys.key("offer_open"),
             on_click=_open_offered, args=(keys, run))
    return b.button(tr("Train again"), key=keys.key("offer_again"))


def _open_offered(keys: TaskKeys, run: Run) -> None:
    st.session_state.pop(keys.offer, None)
    if run.status == "running":  # the page's start attaches the training the address names
        st.query_params[RUN_PARAM] = run.id
    else:
        show_run(keys, run)


def finished_result(keys: TaskKeys, chosen: Chosen, config, render: Callable[[Snapshot], None],
                    speed: Callable[[Progress], str] = windows_per_second,
                    can_train: bool = True):
    """The live view while the training shown runs; its result once it has ended, if it was on
    the ``chosen`` data (results never stand under data they do not belong to). Until then, or
    without a result, the page stops here (saying why)."""
    job = current_job(keys.job)
    if job is not None and elsewhere(keys, job, chosen.fingerprint, chosen.name, can_train):
        if job.snapshot().done:
            st.stop()
    else:
        run_caption(job, config)
    if st.session_state.pop(keys.key("to_live"), False):
        scroll_here()
    snap = watch(keys, render, speed)
    if snap is None or not snap.done:
        st.stop()
    if snap.state == "failed" and not show_checkpoint(keys, current_job(keys.job)):
        st.error(plain(snap.error))
        st.stop()
    if snap.state == "failed":  # killed: its last checkpoint now stands in its place
        st.rerun()
    result = current_job(keys.job).result()
    if result is None:
        st.info(tr("Training was stopped before it started."))
        st.stop()
    _went_on(keys, current_job(keys.job), result)
    return result


def _went_on(keys: TaskKeys, job, result) -> None:
    """After Train more that ended before the epochs asked for: how many it ran, and why."""
    run_id, start, asked = st.session_state.get(keys.key("more_asked"), (None, 0, 0))
    training = getattr(result, "training", None)
    if run_id is None or getattr(job, "run_id", None) != run_id or training is None:
        return
    ran = (training.history[-1].epoch if training.history else start) - start
    if ran >= asked or training.stop_reason not in ("early_stopping", "time_budget"):
        return
    values = dict(ran=ran, asked=asked, setting=tr("Early-stopping patience"))
    st.caption(trn("Train more ran {ran} of the {asked} epoch asked for: {why}",
                   "Train more ran {ran} of the {asked} epochs asked for: {why}", asked,
                   why=tr("the validation loss stopped improving, so early stopping ended it "
                          "({setting}, under More settings, waits longer).", **values)
                   if training.stop_reason == "early_stopping" else
                   tr("its time budget ended it."), **values))


# What Train more takes from the settings above: how training goes on. The network's shape and
# the data stay the run's own (the weights must fit them).
GOES_ON = ("dropout", "batch_size", "lr", "patience", "optimizer", "weight_decay", "grad_clip",
           "lr_schedule", "minutes", "keep_best")


def train_more(keys: TaskKeys, task: Task, result, data, name: str, default_epochs: int,
               on_new_model: Callable[[], None] | None = None) -> None:
    """Continue the result's model for more epochs, as a new run that holds the whole curve,
    with the training settings (``GOES_ON``) the form holds now."""
    st.subheader(tr("Train more"))
    more = st.number_input(tr("More epochs"), min_value=1,
                           max_value=int(task.settings["epochs"].high),
                           value=default_epochs, key=keys.more, persist_state="session",
                           help=tr("Continue from the current weights for this many more "
                                   "epochs, with the learning rate, dropout, batch size, "
                                   "patience and other training settings set above; the "
                                   "network's shape and the data stay this run's."))
    if st.button(tr("Train more"), key=keys.train_more):
        suggested = tuple(n for n in result.config.suggested if n != "epochs")  # chosen now
        try:
            config = replace(result.config, **_going_on(keys, task, result.config),
                             epochs=int(more), suggested=suggested)
        except ValueError as error:  # a setting above that cannot train: said there too
            st.error(plain(error))
            return
        if on_new_model is not None:
            on_new_model()
        history = result.trained.training.history
        job = start_training(keys, task, data, name, config, start=result.trained)
        st.session_state[keys.key("more_asked")] = (
            job.run_id, history[-1].epoch if history else 0, int(more))
        st.rerun()


def _going_on(keys: TaskKeys, task: Task, config) -> dict:
    """The training settings the page's form holds now, for Train more; a value the slider
    only shows as its nearest preset (a learning rate given on the command line) stays the
    run's own unless the user moved it."""
    values = {name: st.session_state[keys.setting(name)] for name in GOES_ON
              if name in task.settings and task.settings[name].on_page
              and keys.setting(name) in st.session_state}
    for name, value in list(values.items()):
        presets, own = task.settings[name].presets, getattr(config, name)
        if presets and own not in presets and value == nearest(presets, own):
            values[name] = own
    return values
