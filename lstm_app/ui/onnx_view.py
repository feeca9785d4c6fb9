"""The Runs page's ONNX export of one run: export (checked against PyTorch, optionally INT8),
the table of sizes, latencies and the task's metric side by side, and the .zip to download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..export.manifest import lstm_not_recommended
from ..export.onnx_export import check_sentence, export_zip, speed_sentence
from ..filenames import run_file_name
from ..i18n import N_, language, tr
from ..runs.onnx import export_run
from ..runs.row import Run
from ..runs.store import RunStore
from .keys import RUNS
from .markdown import plain

# The task's metric as the export's manifest names it (English, stored), as the table shows it.
METRIC_NAMES = {"test MASE": N_("test MASE"), "mean test MASE": N_("mean test MASE"),
                "validation nats per token": N_("validation nats per token"),
                "test accuracy": N_("test accuracy")}


def onnx_export(store: RunStore, run: Run, keep: bool) -> None:
    """The export form and, for this run, the last export's table and download; with
    ``keep`` (its owner) the export is kept with the run, so that its bundle carries it."""
    with st.expander(tr("Export to ONNX (run it without PyTorch)"), expanded=False):
        st.caption(tr("The network as an ONNX model with {manifest} (its settings, scaler or "
                      "vocabulary, labels, inputs and outputs), checked against PyTorch on this "
                      "run's validation data first. Run it with `{command}`: ONNX Runtime and "
                      "{numpy} only.", manifest="export.json", numpy="numpy",
                      command="python -m lstm_app predict FOLDER INPUT"))
        int8 = st.checkbox(tr("Also an INT8 model (8-bit weights, scored beside it)"), value=True,
                           key=RUNS.onnx_int8)
        if st.button(tr("Export to ONNX"), key=RUNS.onnx, icon=":material/deployed_code:",
                     disabled=run.status == "running",
                     help=tr("Stop the training first.") if run.status == "running" else None):
            with st.spinner(tr("Tracing, checking and timing the model…")):
                try:
                    exported = export_run(store, run.id, int8, keep)
                except ValueError as error:
                    st.session_state.pop(RUNS.onnx_done, None)
                    st.info(plain(error))
                    return
            st.session_state[RUNS.onnx_done] = (run.id, exported)
        done = st.session_state.get(RUNS.onnx_done)
        if done is None or done[0] != run.id:
            return
        exported = done[1]
        metric = exported.manifest["metric"]
        shown = tr(METRIC_NAMES[metric]) if metric in METRIC_NAMES else metric
        size, latency = tr("size (KB)"), tr("batch-1 latency (ms)")
        table = pd.DataFrame([{tr("form"): row["form"], size: row["bytes"] / 1024,
                               latency: row["latency_ms"], shown: row[metric]}
                              for row in exported.table])
        st.dataframe(table, hide_index=True, column_config={
            size: st.column_config.NumberColumn(format="%.1f"),
            latency: st.column_config.NumberColumn(format="%.3f"),
            shown: st.column_config.NumberColumn(format="%.4f")})
        matches = check_sentence(exported)
        st.caption(f"{matches}{'' if language() == 'zh' else ' '}{speed_sentence(exported)}")
        other = lstm_not_recommended(exported.manifest)
        if other:
            st.info(plain(other))
        st.download_button(tr("Download the ONNX export (.zip)"), export_zip(exported),
                           key=RUNS.onnx_download, icon=":material/download:",
                           file_name=run_file_name(run.name, run.id, "onnx", "zip"),
                           mime="application/zip")
