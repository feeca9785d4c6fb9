"""Runs: every training saved, compared, reopened, annotated, deleted and exported."""

import streamlit as st

from lstm_app.i18n import tr, trn
from lstm_app.ui.people import shown_runs
from lstm_app.ui.runs_session import close_withdrawn, refresh_statuses, run_store
from lstm_app.ui.runs_view import (choose_runs, compare, empty_hint, export_all, filtered,
                                   import_form, lost_edits, run_actions)
from lstm_app.ui.navigation import use_app_navigation

use_app_navigation(__file__)

st.title(tr("Runs"))
st.caption(tr("Every training is saved here. Select runs to compare their curves and settings; "
              "select one to open, rename, annotate or delete it."))
close_withdrawn()

store = run_store()
refresh_statuses()
import_form(store)
runs = shown_runs(store.list())
lost_edits(runs)
if not runs:
    empty_hint()
    st.stop()

shown = filtered(runs)
if not shown:
    st.info(trn("No run matches these filters and this search: change them, or clear the "
                "search box, to see the {count:,} run there is.",
                "No run matches these filters and this search: change them, or clear the "
                "search box, to see all {count:,} runs.", len(runs)))
    export_all(runs)
    st.stop()
selected = choose_runs(shown)
export_all(runs)

if not selected:
    st.caption(tr("Select rows in the table (the boxes on the left; with the keyboard, "
                  "Shift+Space on a row) to compare runs."))
    st.stop()
st.subheader(tr("Compared") if len(selected) > 1 else tr("Its curves and settings"))
compare(store, selected)
if len(selected) == 1:
    st.subheader(tr("This run"))
    run_actions(store, selected[0])
