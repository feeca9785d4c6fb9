"""The Runs page's ONNX export of one run: export (checked against PyTorch, optionally INT8),
the table of sizes, latencies and the task's metric side by side, and the .zip to download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..export.onnx_export import export_zip, speed_sentence
from ..filenames import download_name
from ..runs.onnx import export_run
from ..runs.store import Run, RunStore
from .keys import RUNS
from .markdown import plain


def onnx_export(store: RunStore, run: Run, keep: bool) -> None:
    """The export form and, for this run, the last export's table and download; with
    ``keep`` (its owner) the export is kept with the run, so that its bundle carries it."""
    with st.expander("Export to ONNX (run it without PyTorch)", expanded=False):
        st.caption("The network as an ONNX model with export.json (its settings, scaler or "
                   "vocabulary, labels, inputs and outputs), checked against PyTorch on this "
                   "run's validation data first. Run it with `python -m lstm_app predict "
                   "FOLDER INPUT`: ONNX Runtime and numpy only.")
        int8 = st.checkbox("Also an INT8 model (8-bit weights, scored beside it)", value=True,
                           key=RUNS.onnx_int8)
        if st.button("Export to ONNX", key=RUNS.onnx, icon=":material/deployed_code:",
                     disabled=run.status == "running",
                     help="Stop the training first." if run.status == "running" else None):
            with st.spinner("Tracing, checking and timing the model…"):
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
        table = pd.DataFrame([{"form": row["form"], "size (KB)": row["bytes"] / 1024,
                               "batch-1 latency (ms)": row["latency_ms"], metric: row[metric]}
                              for row in exported.table])
        st.dataframe(table, hide_index=True, column_config={
            "size (KB)": st.column_config.NumberColumn(format="%.1f"),
            "batch-1 latency (ms)": st.column_config.NumberColumn(format="%.3f"),
            metric: st.column_config.NumberColumn(format="%.4f")})
        check = exported.manifest["check"]
        st.caption(f"ONNX fp32 matches PyTorch on {check['batches']} batches of this run's "
                   f"validation data to {check['largest_difference']:.1e} (at most "
                   f"{check['tolerance']:.0e}, relative beyond ±1). {speed_sentence(exported)}")
        st.download_button("Download the ONNX export (.zip)", export_zip(exported),
                           key=RUNS.onnx_download, icon=":material/download:",
                           file_name=download_name(run.name, run.id, "onnx", "zip"),
                           mime="application/zip")
