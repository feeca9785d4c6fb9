"""The Runs page's parts: the filtered table, curves and settings compared, and one run's actions."""

from __future__ import annotations

import hashlib

import streamlit as st

from ..charts import runs_loss_chart
from ..filenames import bundle_name
from ..runs.access import can_change
from ..runs.bundle import export_bundle, import_bundle
from ..runs.store import MAX_NAME_CHARS, MAX_NOTE_CHARS, STATUSES, Run, RunStore
from ..runs.table import runs_csv, runs_table, scores_side_by_side, settings_side_by_side
from ..tasks import TASKS
from .keys import RUNS
from .markdown import plain
from .onnx_view import onnx_export
from .people import current_user, team_mode

PAGES = {"forecast": "pages/forecast.py", "panel": "pages/forecast.py", "text": "pages/text.py",
         "classify": "pages/classify.py"}
DIFFERS = "background-color: #fff3c4"


def filtered(runs: list[Run]) -> list[Run]:
    """Filters by task, status and a search in the names, data and notes."""
    a, b, c = st.columns([1, 1, 2])
    tasks = a.multiselect("Task", list(TASKS), key=RUNS.task, placeholder="all tasks")
    statuses = b.multiselect("Status", list(STATUSES), key=RUNS.status, placeholder="any status")
    search = c.text_input("Search", key=RUNS.search, placeholder="name, data, note or id",
                          help="Shows the runs whose name, data file, note or id contains this.")
    needle = search.strip().lower()
    return [r for r in runs
            if (not tasks or r.task in tasks) and (not statuses or r.status in statuses)
            and (not needle or needle in f"{r.id} {r.name} {r.data_name} {r.note}".lower())]


def choose_runs(runs: list[Run]) -> list[Run]:
    """The table; returns the runs whose rows are selected (in table order)."""
    table = runs_table(runs)
    # A selection is kept as row positions; when the rows change (a filter, a deletion) those
    # positions would point at other runs, so a new set of rows gets a new, empty selection.
    rows_id = hashlib.sha1(" ".join(r.id for r in runs).encode()).hexdigest()[:12]
    columns = {
        "best val loss": st.column_config.NumberColumn(format="%.4g",
                                                       help="The best epoch's, not the last"),
        "test MAE": st.column_config.NumberColumn(format="%.4g"),
        "test MASE": st.column_config.NumberColumn(format="%.3f",
                                                   help="Below 1 beats the naive forecast"),
        "bits per char": st.column_config.NumberColumn(format="%.3f"),
        "seconds": st.column_config.NumberColumn(format="%.1f")}
    with st.container(key=RUNS.table):
        event = st.dataframe(table, key=RUNS.grid(rows_id), on_select="rerun",
                             selection_mode="multi-row", hide_index=True, column_config=columns,
                             column_order=[c for c in table.columns if c != "id"])
    return [runs[i] for i in event.selection.rows if i < len(runs)]


def compare(store: RunStore, runs: list[Run]) -> None:
    """Their scores side by side, their loss curves overlaid, then the settings that differ
    (all of them at a click), the differences highlighted."""
    if len(runs) > 1:
        tables = scores_side_by_side(runs)
        if len(tables) > 1:
            st.caption("These are runs of different tasks: their scores are in different "
                       "units, so each kind has a table of its own.")
        for task, scores in tables:
            st.dataframe(scores, key=f"{RUNS.scores}_{task}")
        if tables:
            st.caption("Lower is better for the losses, forecast errors and bits per "
                       "character; higher for a classifier's accuracy and macro-F1.")
    log_y = st.toggle("Log scale", key=RUNS.log)
    curves = [(f"{r.name} ({r.id[:6]})", store.history(r.id)) for r in runs]
    st.plotly_chart(runs_loss_chart(curves, log_y=log_y), key=RUNS.chart)
    side = settings_side_by_side(runs)
    differs = side.pop("differs")
    if len(runs) == 1:
        st.caption("Its settings.")
    else:
        every = st.toggle("Show every setting", key=RUNS.every_setting,
                          help="Off: only the settings in which the runs differ.")
        n = int(differs.sum())
        st.caption("The runs have the same settings." if n == 0 else
                   f"The {n} settings that differ are highlighted." if every else
                   f"The {n} settings that differ." if n > 1 else "The one setting that differs.")
        if not every:
            side, differs = side[differs], differs[differs]
    styled = side.style.apply(lambda row: [DIFFERS if differs[row.name] else ""] * len(row),
                              axis=1)
    st.dataframe(styled, key=RUNS.settings)


def run_actions(store: RunStore, run: Run) -> None:
    """Open it again, download it; its owner (anyone, without sign-in) also renames,
    annotates, shares and deletes it."""
    owner = f" Trained by **{plain(run.owner)}**." if run.owner and team_mode() else ""
    st.markdown(f"**{plain(run.name)}** ({run.id}): {run.task} on {plain(run.data_name)}, "
                f"{run.status}. {plain(run.message)}{owner}")
    a, b = st.columns([1, 3])
    a.page_link(PAGES[run.task], label="Open it", icon=":material/open_in_new:",
                query_params={"run": run.id},
                help="Forecast or generate again without retraining, or train it more.")
    try:
        bundle = _bundle(str(store.home), run.id, run.heartbeat, run.name, run.note)
    except ValueError as error:
        b.caption(str(error))
    else:
        b.download_button("Download as a bundle (.zip)", bundle, key=RUNS.bundle,
                          file_name=bundle_name(run.name, run.id), mime="application/zip",
                          icon=":material/archive:",
                          help="The weights, settings, report and data in one file, with a "
                               "snippet that loads it in Python; import it here or with "
                               "python -m lstm_app runs import.")
    onnx_export(store, run, keep=can_change(run, current_user()))
    if not can_change(run, current_user()):
        st.caption("Shared with you: you can open and download it; its owner can rename, "
                   "share or delete it.")
        return
    if team_mode():
        sharing(store, run)
    with st.form(key=RUNS.edit, border=True):
        name = st.text_input("Name", value=run.name, key=RUNS.name(run.id),
                             max_chars=MAX_NAME_CHARS)
        note = st.text_area("Note", value=run.note, key=RUNS.note(run.id), height=80,
                            max_chars=MAX_NOTE_CHARS, placeholder="What you tried, what you saw")
        if st.form_submit_button("Save the name and note"):
            try:
                store.rename(run.id, name)
                store.annotate(run.id, note)
            except ValueError as error:  # the box's own limit aside, the store's refusal
                st.error(plain(error))
            else:
                st.toast("Saved.")
                st.rerun()
    running = run.status == "running"
    if st.button("Delete this run", key=RUNS.delete, icon=":material/delete:",
                 disabled=running, help="Stop it first." if running else None):
        confirm_delete(store, run)


def sharing(store: RunStore, run: Run) -> None:
    """Share a run with everyone signed in, or through a link only its holders can open."""
    with st.container(border=True):
        everyone = st.toggle("Share with everyone signed in", value=run.shared,
                             key=RUNS.share(run.id),
                             help="They see it in their Runs and Inside pages and can open it.")
        if everyone != run.shared:
            store.share(run.id, everyone)
            st.rerun()
        if run.share_token:
            st.caption("Anyone signed in who has this link can open the run (the address of "
                       "this server, then):")
            st.code(f"/{run.task}?run={run.id}&share={run.share_token}", language=None)
            if st.button("Withdraw the link", key=RUNS.withdraw_link):
                store.unshare_link(run.id)
                st.rerun()
        elif st.button("Make a share link", key=RUNS.make_link, icon=":material/link:"):
            store.share_link(run.id)
            st.rerun()


@st.dialog("Delete this run?")
def confirm_delete(store: RunStore, run: Run) -> None:
    st.write(f"**{plain(run.name)}** ({run.id}) and its saved weights, history and samples will be "
             f"deleted for good.")
    if st.button("Delete", type="primary", key=RUNS.delete_confirm):
        store.delete(run.id)
        st.rerun()


def export_all(runs: list[Run]) -> None:
    st.download_button("Export all runs (CSV)", runs_csv(runs),
                       file_name="runs.csv", mime="text/csv", key=RUNS.export,
                       disabled=not runs, icon=":material/download:")


def empty_hint() -> None:
    st.info("No runs yet. Every training on the Forecast, Text and Classify pages is saved "
            "here, and so are command-line trainings with --save-run.")
    st.page_link("pages/forecast.py", label="Train a forecast", icon=":material/show_chart:")
    st.page_link("pages/text.py", label="Train on a text", icon=":material/edit_note:")
    st.page_link("pages/classify.py", label="Classify labelled texts", icon=":material/label:")


def import_form(store: RunStore) -> None:
    """Add a run from a bundle; a refused bundle says why and changes nothing."""
    with st.expander("Import a run bundle (.zip)"):
        uploaded = st.file_uploader("Run bundle", type=["zip"], key=RUNS.import_file,
                                    help="A .zip exported from LSTM Studio (here or with "
                                         "python -m lstm_app runs export).")
        if uploaded is not None and st.button("Import it", key=RUNS.import_button):
            try:
                run_id = import_bundle(store, uploaded.getvalue(), owner=current_user())
            except ValueError as error:
                st.error(plain(error))
            else:
                st.success(f"Imported as run {run_id}.")


@st.cache_data(max_entries=4, show_spinner=False)
def _bundle(home: str, run_id: str, heartbeat: float, name: str, note: str) -> bytes:
    """A run's bundle, zipped once per version of the run (every write moves its heartbeat;
    the name and note are in the manifest), not on every rerun of the page."""
    return export_bundle(RunStore(home), run_id)
