"""The Runs page's parts: the filtered table, curves and settings compared, and one run's actions."""

from __future__ import annotations

import hashlib

import streamlit as st

from ..loss_charts import runs_loss_chart
from ..filenames import bundle_name
from ..i18n import N_, language, tr, translator
from ..quoting import name_given, quoted
from ..runs.access import can_change
from ..runs.bundle import copy_note, earlier_copies, export_bundle, import_bundle
from ..runs.reopening import run_message
from ..runs.row import Run
from ..runs.store import MAX_NAME_CHARS, MAX_NOTE_CHARS, STATUSES, RunStore
from ..runs.table import (STATUS_NAMES, TASK_NAMES, runs_csv, scores_side_by_side,
                          settings_side_by_side, shown_table, status_name, task_name)
from ..tasks import TASKS
from .keys import RUNS
from .language import select_all, translated, uploader_words
from .markdown import plain
from .onnx_view import onnx_export
from .people import current_user, opened_by_link, shown_runs, team_mode
from .runs_session import OPEN_PARAM, PAGES, SHARE_PARAM, run_files_now

DIFFERS = "background-color: #fff3c4"
SCORE_COLUMNS = ("best val loss", "test MAE", "test MASE", "bits per char", "test accuracy",
                 "test macro-F1")  # shown after the name and task, where a run has them


def filtered(runs: list[Run]) -> list[Run]:
    """Filters by task, status and a search in the names, data and notes."""
    a, b, c = st.columns([1, 1, 2])
    # The options are the stored words (the session keeps them); they show translated.
    tasks = a.multiselect(tr("Task"), list(TASKS), key=translated(RUNS.task),
                          placeholder=tr("all tasks"), select_all=select_all(),
                          format_func=_words(TASK_NAMES))
    statuses = b.multiselect(tr("Status"), list(STATUSES), key=translated(RUNS.status),
                             placeholder=tr("any status"), format_func=_words(STATUS_NAMES),
                             select_all=select_all())
    search = c.text_input(tr("Search"), key=RUNS.search, placeholder=tr("name, data, note or id"),
                          help=tr("Shows the runs whose name, data file, note or id contains "
                                  "this."))
    needle = search.strip().lower()
    return [r for r in runs
            if (not tasks or r.task in tasks) and (not statuses or r.status in statuses)
            and (not needle or needle in f"{r.id} {r.name} {r.data_name} {r.note}".lower())]


def _words(names: dict[str, str]):
    """A stored word (a task, a status) as shown, in the language in use now: a widget's
    format_func, which Streamlit may call later and from another thread."""
    label = translator()
    return lambda value: label(names.get(value, value))


def choose_runs(runs: list[Run]) -> list[Run]:
    """The table (its headers and words in the reader's language); returns the runs whose rows
    are selected (in table order)."""
    table = shown_table(runs)
    # A selection is kept as row positions; when the rows change (a filter, a deletion, a run
    # saved meanwhile) those positions would point at other runs, so a new set of rows gets a
    # new grid, which starts with the runs chosen before that it still shows (a name and note
    # being typed for one of them stay on the page).
    rows_id = hashlib.sha1(" ".join(r.id for r in runs).encode()).hexdigest()[:12]
    key, where = RUNS.grid(rows_id), {run.id: i for i, run in enumerate(runs)}
    kept = [where[i] for i in st.session_state.get(RUNS.chosen, []) if i in where]
    columns = {
        tr("best val loss"): st.column_config.NumberColumn(
            format="%.4g", help=tr("The best epoch's, not the last")),
        tr("test MAE"): st.column_config.NumberColumn(format="%.4g"),
        tr("test MASE"): st.column_config.NumberColumn(
            format="%.3f", help=tr("Below 1 beats the naive forecast")),
        tr("bits per char"): st.column_config.NumberColumn(format="%.3f"),
        tr("test accuracy"): st.column_config.NumberColumn(format="percent"),
        tr("test macro-F1"): st.column_config.NumberColumn(format="%.3f"),
        tr("seconds"): st.column_config.NumberColumn(format="%.1f")}
    # Who and what first, then the scores these runs have (a text run has no MASE: no column
    # of blanks), then the rest.
    first = [tr(c) for c in ("name", "task")]
    scores = [tr(c) for c in SCORE_COLUMNS]
    rest = [c for c in table.columns if c not in (*first, *scores, tr("id"))]
    order = first + [c for c in scores if not table[c].isna().all()] + rest
    with st.container(key=RUNS.table):
        event = st.dataframe(table, key=key, on_select="rerun",
                             selection_mode="multi-row", hide_index=True, column_config=columns,
                             placeholder="–",
                             column_order=order,
                             selection_default={"selection": {"rows": sorted(kept)}}
                             if kept and key not in st.session_state else None)
    chosen = [runs[i] for i in event.selection.rows if i < len(runs)]
    st.session_state[RUNS.chosen] = [run.id for run in chosen]
    return chosen


BETTER = {  # under each kind of run's scores: which way is better
    "forecast": N_("Lower is better for the loss and the forecast errors."),
    "panel": N_("Lower is better for the loss and the forecast errors."),
    "text": N_("Lower is better for the loss and bits per character."),
    "classify": N_("Lower is better for the loss; higher for accuracy and macro-F1.")}


def compare(store: RunStore, runs: list[Run]) -> None:
    """Their scores side by side, their loss curves overlaid, then the settings that differ
    (all of them at a click), the differences highlighted."""
    if len(runs) > 1:
        tables = scores_side_by_side(runs)
        if len(tables) > 1:
            st.caption(tr("These are runs of different tasks: their scores are in different "
                          "units, so each kind has a table of its own."))
        for task, scores in tables:
            st.dataframe(scores, key=f"{RUNS.scores}_{task}", placeholder="–")
            st.caption(tr(BETTER[task]))
    log_y = st.toggle(tr("Log scale"), key=RUNS.log)
    curves = [(f"{r.name} ({r.id[:6]})", store.history(r.id)) for r in runs]
    st.plotly_chart(runs_loss_chart(curves, log_y=log_y), key=RUNS.chart)
    side = settings_side_by_side(runs)
    differs = side.pop("differs")
    if len(runs) == 1:
        st.caption(tr("Its settings."))
    else:
        every = st.toggle(tr("Show every setting"), key=RUNS.every_setting,
                          help=tr("Off: only the settings in which the runs differ."))
        n = int(differs.sum())
        st.caption(tr("The runs have the same settings.") if n == 0 else
                   tr("The {count} settings that differ are highlighted.", count=n) if every else
                   tr("The {count} settings that differ.", count=n) if n > 1 else
                   tr("The one setting that differs."))
        if not every:
            side, differs = side[differs], differs[differs]
    styled = side.style.apply(lambda row: [DIFFERS if differs[row.name] else ""] * len(row),
                              axis=1)
    st.dataframe(styled, key=RUNS.settings,  # the settings' names whole, in Chinese too
                 column_config={"_index": st.column_config.TextColumn(width="medium")})


def run_actions(store: RunStore, run: Run) -> None:
    """Open it again, download it; its owner (anyone, without sign-in) also renames,
    annotates, shares and deletes it."""
    about = tr("**{name}** ({id}): {task} on {data}, {status}.", name=plain(run.name), id=run.id,
               task=task_name(run.task), data=plain(run.data_name),
               status=status_name(run.status))
    # A message other than how training ended stays in the language it was written in.
    space = "" if language() == "zh" else " "
    owner = (space + tr("Trained by **{owner}**.", owner=plain(run.owner))
             if run.owner and team_mode() else "")
    st.markdown(f"{about}{space}{plain(run_message(run))}{owner}")
    if run.task not in PAGES:  # made by a newer version that shares this store
        st.warning(tr("This run is of a kind this version of LSTM Studio does not know ({task}); "
                      "a newer version that shares this store may have made it. Open it there; "
                      "here it can only be deleted.", task=plain(quoted(run.task))))
        if can_change(run, current_user()):
            confirm_delete_button(store, run)
        return
    a, b = st.columns([1, 3])
    link = opened_by_link().get(run.id)  # a run opened through a share link: its token too
    a.page_link(PAGES[run.task], label=tr("Open it"), icon=":material/open_in_new:",
                query_params={"run": run.id, OPEN_PARAM: "1",
                              **({SHARE_PARAM: link} if link else {})},
                help=tr("Forecast or generate again without retraining, or train it more."))
    try:
        version = (run.heartbeat, run.status, run_files_now(run.id))
        bundle = _bundle(str(store.home), run.id, version, run.name, run.note)
    except ValueError as error:
        b.caption(str(error))
    else:
        command = "python -m lstm_app runs import"
        page_takes = len(bundle) <= st.get_option("server.maxUploadSize") * 2**20
        b.download_button(tr("Download as a bundle (.zip)"), bundle, key=RUNS.bundle,
                          file_name=bundle_name(run.name, run.id), mime="application/zip",
                          icon=":material/archive:",
                          help=tr("The weights, settings, report and data in one file, with a "
                                  "snippet that loads it in Python; import it here or with "
                                  "{command}.", command=command) if page_takes else
                          tr("The weights, settings, report and data in one file, with a "
                             "snippet that loads it in Python. At {size:.0f} MB it is larger "
                             "than this page takes: import it with {command}.",
                             size=len(bundle) / 2**20, command=command))
    onnx_export(store, run, keep=can_change(run, current_user()))
    if not can_change(run, current_user()):
        st.caption(tr("Shared with you: you can open and download it; its owner can rename, "
                      "share or delete it."))
        return
    if team_mode():
        sharing(store, run)
    _edit_form(store, run)
    confirm_delete_button(store, run)


def lost_edits(runs: list[Run]) -> None:
    """A name and note saved for a run deleted meanwhile (in another tab, or by someone else)
    cannot be saved: said, with what was typed, so that it is not lost without a word."""
    if not st.session_state.get(RUNS.save):
        return
    there = {run.id for run in runs}
    for key in [k for k in st.session_state if str(k).startswith(RUNS.note(""))]:
        run_id = key.removeprefix(RUNS.note(""))
        if run_id in there:
            continue
        st.warning(tr("Run {id} was deleted meanwhile (in another tab, or by someone else), so "
                      "its name and note were not saved. What you typed is below, to copy.",
                      id=run_id))
        st.code(f"{st.session_state.get(RUNS.name(run_id)) or ''}\n"
                f"{st.session_state.get(key) or ''}", language=None, wrap_lines=True)


def _edit_form(store: RunStore, run: Run) -> None:
    """The run's name and note; Save writes the one(s) this reader changed. The boxes follow
    the store where another tab or person changed it and this reader has not written over it,
    and Save never puts back what this tab showed before (it undid a rename made elsewhere)."""
    state, stored = st.session_state, (run.name, run.note)
    keys = (RUNS.name(run.id), RUNS.note(run.id))
    shown = state.get(RUNS.shown(run.id), stored)  # what the boxes were last filled with
    for key, was, now in zip(keys, shown, stored):
        if key not in state or (was != now and state[key] == was):
            state[key] = now
    state[RUNS.shown(run.id)] = stored
    with st.form(key=RUNS.edit, border=True):
        name = st.text_input(tr("Name"), key=keys[0], max_chars=MAX_NAME_CHARS)
        note = st.text_area(tr("Note"), key=keys[1], height=80, max_chars=MAX_NOTE_CHARS,
                            placeholder=tr("What you tried, what you saw"))
        if st.form_submit_button(tr("Save the name and note"), key=RUNS.save):
            try:
                if name != run.name:
                    store.rename(run.id, name)
                if note != run.note:
                    store.annotate(run.id, note)
            except ValueError as error:  # the box's own limit aside, the store's refusal
                st.error(plain(error))
            else:
                st.toast(tr("Saved.") if name_given(name) else
                         tr("Saved. A run without a name is called by its id."))
                for key in keys:  # filled again with what the store made of them (trimmed)
                    del state[key]
                st.rerun()


def confirm_delete_button(store: RunStore, run: Run) -> None:
    running = run.status == "running"
    if st.button(tr("Delete this run"), key=RUNS.delete, icon=":material/delete:",
                 disabled=running, help=tr("Stop it first.") if running else None):
        confirm_delete(store, run)


def sharing(store: RunStore, run: Run) -> None:
    """Share a run with everyone signed in, or through a link only its holders can open."""
    with st.container(border=True):
        # The toggle shows the store's value on every run (another tab may have changed it), and
        # only a flip by this reader changes the store: a tab showing an old value never writes.
        st.session_state[RUNS.share(run.id)] = run.shared
        st.toggle(tr("Share with everyone signed in"), key=RUNS.share(run.id),
                  on_change=_share, args=(store, run.id),
                  help=tr("They see it in their Runs and Inside pages and can open it."))
        if run.share_token:
            st.caption(tr("Anyone signed in who has this link can open the run (the address of "
                          "this server, then):"))
            st.code(f"/{run.task}?run={run.id}&share={run.share_token}", language=None)
            if st.button(tr("Withdraw the link"), key=RUNS.withdraw_link):
                store.unshare_link(run.id)
                st.rerun()
        elif st.button(tr("Make a share link"), key=RUNS.make_link, icon=":material/link:"):
            store.share_link(run.id)
            st.rerun()


def _share(store: RunStore, run_id: str) -> None:
    """The reader flipped the toggle (a callback: before the page is drawn again, so who may
    change the run is asked again here)."""
    run = store.get(run_id)
    if run is not None and can_change(run, current_user()):
        store.share(run_id, bool(st.session_state[RUNS.share(run_id)]))


def confirm_delete(store: RunStore, run: Run) -> None:
    """The dialog that asks before deleting; its title in the reader's language (a dialog's
    title is fixed when the dialog is made, so it is made here, not at import)."""
    st.dialog(tr("Delete this run?"))(_confirm_delete)(store, run)


def _confirm_delete(store: RunStore, run: Run) -> None:
    st.write(tr("**{name}** ({id}) and its saved weights, history and samples will be deleted "
                "for good.", name=plain(run.name), id=run.id))
    delete, cancel = st.columns(2)
    if delete.button(tr("Delete"), type="primary", key=RUNS.delete_confirm):
        store.delete(run.id)
        st.rerun()
    if cancel.button(tr("Cancel"), key=RUNS.delete_cancel):
        st.rerun()  # closes the dialog, the run kept


def export_all(runs: list[Run]) -> None:
    st.download_button(tr("Export all runs (CSV)"), runs_csv(runs),
                       file_name="runs.csv", mime="text/csv", key=RUNS.export,
                       disabled=not runs, icon=":material/download:")


def empty_hint() -> None:
    st.info(tr("No runs yet. Every training on the Forecast, Text and Classify pages is saved "
               "here, and so are command-line trainings with {option}.", option="--save-run"))
    st.page_link("pages/forecast.py", label=tr("Train a forecast"), icon=":material/show_chart:")
    st.page_link("pages/text.py", label=tr("Train on a text"), icon=":material/edit_note:")
    st.page_link("pages/classify.py", label=tr("Classify labelled texts"),
                 icon=":material/label:")


def import_form(store: RunStore) -> None:
    """Add a run from a bundle; a refused bundle says why and changes nothing."""
    with st.expander(tr("Import a run bundle (.zip)")):
        uploaded = st.file_uploader(tr("Run bundle"), type=["zip"], key=RUNS.import_file,
                                    help=tr("A .zip exported from LSTM Studio (here or with "
                                            "{command}).",
                                            command="python -m lstm_app runs export"))
        uploader_words(RUNS.import_file, ["zip"])
        if uploaded is not None and st.button(tr("Import it"), key=RUNS.import_button):
            try:
                run_id = import_bundle(store, uploaded.getvalue(), owner=current_user())
            except ValueError as error:
                st.error(plain(error))
            else:
                st.success(tr("Imported as run {id}.", id=run_id))
                copies = [run.id for run in shown_runs(  # not another person's private run
                    [store.get(i) for i in earlier_copies(store, run_id)])]
                if copies:
                    st.info(copy_note(copies))


@st.cache_data(max_entries=4, show_spinner=False)
def _bundle(home: str, run_id: str, version: tuple, name: str, note: str) -> bytes:
    """A run's bundle, zipped once per version of the run (its heartbeat and status, which
    every record moves, and its files, which an ONNX export adds to; the name and note are in
    the manifest), not on every rerun of the page."""
    return export_bundle(RunStore(home), run_id)
