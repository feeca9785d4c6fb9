"""What a task page says above the run it shows: which saved run it is (its settings, its note)
and, where the page's data has changed since, that the run is on other data, with a button to
show it with its own."""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from ..i18n import sentences, tr
from ..runs.table import settings_summary
from ..tasks import TASKS
from ..training.jobs import FinishedJob
from .keys import TaskKeys
from .markdown import plain, plain_lines
from .runs_session import run_store, show_run
from .settings_form import page_settings


def run_caption(job, config) -> None:
    """Above the live view or the results: which saved run this is. A run opened from its
    address or the Runs page says so while the widgets above still hold its settings; otherwise
    the caption gives the run's own settings (the widgets may differ: they are for the next
    Train)."""
    if getattr(job, "notice", None):
        st.warning(plain(job.notice))
    if getattr(job, "run_id", None) is None or job.config is None:
        return
    result = job.result()
    trained = result.config if result is not None else job.config  # "auto" resolved once trained
    task = next((t for t in TASKS.values() if isinstance(trained, t.config)), None)
    if task is None:  # a config of classes the server has since reloaded: nothing to say
        return
    if isinstance(job, FinishedJob) and page_settings(task, trained) == page_settings(task, config):
        st.info(tr("Viewing saved run **{name}** ({id}): its data, settings and results. "
                   "Change any of them and Train makes a new run.", name=plain(job.label),
                   id=job.run_id), icon=":material/history:")
        _its_note(job.run_id)
        return
    st.caption(tr("Saved as run **{id}** ({settings}); its address reopens it. The settings "
                  "above are for the next Train.", id=job.run_id,
                  settings=settings_summary(asdict(trained))))


def _its_note(run_id: str) -> None:
    """The note written on the Runs page for the run shown, each of its lines as written."""
    run = run_store().get(run_id)
    if run is not None and run.note.strip():
        st.caption(tr("Note on this run: {note}", note=plain_lines(run.note)))


def elsewhere(keys: TaskKeys, job, fingerprint: str, name: str = "",
              can_train: bool = True) -> bool:
    """Whether the training shown is on other data than the page's (whose run-store
    ``fingerprint`` and file ``name`` are given); if so, say which (and, where Train is offered:
    ``can_train``, that it trains on the page's data), and offer to show it with its own
    data."""
    run = run_store().get(job.run_id) if getattr(job, "run_id", None) else None
    if run is None or run.data_hash == fingerprint:
        return False
    done = job.snapshot().done
    values = dict(data=plain(run.data_name), id=run.id)
    if run.data_name == name:  # the same file read another way: "not on the data above" puzzled
        said = (sentences(tr("The last training on this page was on **{data}** read another way "
                             "(other columns, or one series in place of many: run {id}), so its "
                             "results are not shown here.", **values),
                          tr("Press Train to train on the data as it is read now.")
                          if can_train else "")
                if done else
                tr("The training running is on **{data}** read another way (other columns, or "
                   "one series in place of many: run {id}); its live view is below. Once it has "
                   "ended (or you stop it), press Train to train on the data as it is read now.",
                   **values))
    else:
        said = (sentences(tr("The last training on this page was on **{data}** (run {id}), not "
                             "on the data above, so its results are not shown here.", **values),
                          tr("Press Train to train on this data.") if can_train else "")
                if done else
                tr("The training running is on **{data}** (run {id}), not on the data above; "
                   "its live view is below. Once it has ended (or you stop it), press Train to "
                   "train on this data.", **values))
    st.info(said, icon=":material/swap_horiz:")
    if done:  # a callback: it runs before the data picker's widgets are drawn again
        st.button(tr("Show run {id} with its own data", id=run.id), key=keys.key("show_run"),
                  on_click=show_run, args=(keys, run))
    return True

