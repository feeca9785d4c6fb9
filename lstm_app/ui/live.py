"""Watching a training live: a fragment that polls the job's snapshot only while it runs, and Stop."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from ..i18n import N_, tr
from ..loss_charts import loss_chart
from ..training.jobs import Snapshot
from ..training.trainer import Progress
from .cluster_view import where_caption
from .keys import TaskKeys, loss_curve_keys
from .markdown import plain
from .runs_session import still_open, withdrawn_meanwhile
from .session import current_job, watch_only

POLL_SECONDS = 1.0


# Once, where the live view starts: the page brought there (smoothly), the settings above it.
SCROLL_HERE = ('<div id="lstm-live-start"></div><script>'
               'const here = document.getElementById("lstm-live-start");'
               'if (here) here.scrollIntoView({block: "start", behavior: "smooth"});</script>')


def scroll_here() -> None:
    """Bring the page to this point: a training Home's demo (or the coach's Apply and train)
    started lies far below the settings, out of sight on a projector's screen."""
    st.html(SCROLL_HERE, unsafe_allow_javascript=True)


def windows_per_second(p: Progress) -> str:
    return tr("{rate:,.0f} windows/s", rate=p.samples_per_sec)


def progress_line(snap: Snapshot, speed: Callable[[Progress], str] = windows_per_second) -> None:
    """The progress bar with "epoch x of N" and the time left, or the queue position."""
    if snap.state == "queued":
        st.progress(0.0, text=tr("Waiting for a free training slot: number {position} in the "
                                 "queue.", position=snap.queue_position))
        return
    p = snap.progress
    if snap.stage is not None:  # the training is over; scoring goes on
        st.progress(1.0, text=tr("Training done. {stage}…", stage=plain(snap.stage)))
        return
    if p is None:
        st.progress(0.0, text=tr("Starting…"))
        return
    values = dict(epoch=p.epoch, epochs=p.epochs, speed=speed(p),
                  left=_duration(snap.seconds_left or 0), budget=_duration(p.max_seconds or 0))
    if p.max_seconds and snap.seconds_left is not None:
        text = tr("Epoch {epoch} of {epochs} (time budget {budget}), about {left} left "
                  "({speed})", **values)
    elif p.max_seconds:
        text = tr("Epoch {epoch} of {epochs} (time budget {budget}) ({speed})", **values)
    elif snap.seconds_left is not None:
        text = tr("Epoch {epoch} of {epochs}, about {left} left ({speed})", **values)
    else:
        text = tr("Epoch {epoch} of {epochs} ({speed})", **values)
    st.progress(min(p.fraction_done, 1.0), text=text)


def training_took(seconds: float) -> str:
    """How long a training took, under its results ("0.0 s" read as if nothing ran)."""
    return (tr("Training took under 0.1 s.") if seconds < 0.05 else
            tr("Training took {seconds:.1f} s.", seconds=seconds))


def scoring_took(seconds: float) -> str:
    """How long scoring took besides the training ("" under a second): fitting the statistical
    models, those left out at their time limit included, can make a training of seconds a wait
    of minutes."""
    return (tr("Scoring it against the other methods took {duration} more.",
               duration=_duration(seconds)) if seconds >= 1 else "")


def _duration(seconds: float) -> str:
    return (tr("{seconds:.0f} s", seconds=seconds) if seconds < 90
            else tr("{minutes:.0f} min", minutes=seconds / 60))


def loss_curves(history, batches, key: str, loss_label: str = N_("loss (MSE, scaled)"),
                perplexity_option: bool = False) -> None:
    """The loss chart with its toggles: a log scale, and for language models perplexity."""
    log_key, ppl_key, chart_key = loss_curve_keys(key)
    a, b = st.columns(2)
    log_y = a.toggle(tr("Log scale"), key=log_key, persist_state="session",
                     help=tr("A log scale shows small late improvements that a plain scale "
                             "flattens."))
    perplexity = perplexity_option and b.toggle(
        tr("Perplexity"), key=ppl_key, persist_state="session",
        help=tr("Perplexity is exp(loss): the number of equally likely choices the model is as "
                "unsure as, at each step. 1 would be certain; the vocabulary size is a blind "
                "guess."))
    label = tr("perplexity") if perplexity else tr(loss_label)
    st.plotly_chart(loss_chart(history, batches, log_y=log_y, loss_label=label,
                               perplexity=perplexity), key=chart_key)


@st.fragment(run_every=POLL_SECONDS)
def _poll(keys: TaskKeys, render: Callable[[Snapshot], None],
          speed: Callable[[Progress], str]) -> None:
    job = current_job(keys.job)
    if job is None:
        return
    job.heartbeat()
    snap = job.snapshot()
    if snap.done or (watch_only(job) and not still_open(job.run_id)) or withdrawn_meanwhile():
        # The whole page, once: it shows the result and stops polling, or (someone else's
        # training, or a run this session trains on the data of, no longer shared with this
        # reader) closes it.
        st.rerun(scope="app")
    left, right = st.columns([5, 1])
    with left:
        progress_line(snap, speed)
    scoring = snap.stage is not None  # training is over: Stop skips the models left to fit
    if watch_only(job):
        right.caption(tr("Shared with you: only its owner can stop it."))
    elif right.button(tr("Stop"), key=keys.stop, width="stretch",
                    help=tr("Training is done: stop fitting the statistical models, and score "
                            "the LSTM against those already fitted.") if scoring else
                    tr("Stop now and keep the best weights so far.")):
        job.stop()
    render(snap)


def watch(keys: TaskKeys, render: Callable[[Snapshot], None],
          speed: Callable[[Progress], str] = windows_per_second) -> Snapshot | None:
    """Show the live view while the job runs; return the latest snapshot (None without a job)."""
    job = current_job(keys.job)
    if job is None:
        return None
    snap = job.snapshot()
    if not snap.done:
        where_caption()
        _poll(keys, render, speed)
    return snap
