"""What the Forecast page shows while a model trains and after: curves, scoreboard, verdict, charts, downloads."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from ..charts import backtest_chart, forecast_chart, loss_chart, metrics_table, validation_chart
from ..series.evaluation import BASELINE_NAMES, coverage_note, lstm_wins
from ..series.pipeline import ForecastResult, to_report
from ..training.jobs import Snapshot
from .keys import FORECAST as KEYS
from .live import loss_curves

SCOREBOARD_NAMES = {"lstm": "LSTM (now)", **{k: v.capitalize() for k, v in BASELINE_NAMES.items()}}


def render_live(snap: Snapshot, value_label: str) -> None:
    """The live part: loss curves, the validation forecast and the scoreboard against the baselines."""
    left, right = st.columns(2)
    with left:
        loss_curves(snap.history, snap.batches, KEYS.live_loss)
    with right:
        live = snap.live  # a ForecastLive, after the first epoch
        if live is None:
            st.caption("The live forecast on the validation span appears after the first epoch.")
            return
        st.plotly_chart(validation_chart(live.times, live.actual, live.forecast, value_label),
                        key=KEYS.live_validation)
    board = pd.DataFrame({"model": [SCOREBOARD_NAMES[k] for k in live.scoreboard],
                          f"validation MAE ({value_label})": [f"{v:,.4g}" for v in live.scoreboard.values()]})
    st.dataframe(board, hide_index=True, width="content")


def show_result(result: ForecastResult) -> None:
    """Results first in plain words, then the charts and tables, then the downloads."""
    value = result.series.value_col
    (st.success if lstm_wins(result.test, result.baselines) else st.warning)(result.verdict)
    st.caption(f"{result.training.message} Training took {result.training.seconds:.1f} s.")

    with st.expander("How training went", expanded=False):
        st.plotly_chart(loss_chart(result.training.history), key=KEYS.final_loss)

    st.subheader("Scores on the test span")
    st.dataframe(metrics_table(result.test, result.baselines))
    cov = result.interval_coverage
    st.caption(f"Measured interval coverage on the test span: {cov['80']:.0%} of actual values "
               f"fell inside the 80% interval and {cov['95']:.0%} inside the 95% interval. "
               f"MASE divides each error by the typical change from one season to the next in "
               f"the training data, so the rows compare directly: lower is better. "
               f"{_mape_note(result)}")
    note = coverage_note(cov)
    if note:
        st.warning(note)
    horizon = result.config.horizon
    step = 1
    if horizon > 1:
        step = st.slider("Steps ahead", 1, horizon, 1, key=KEYS.step,
                         help="Show the forecasts made this many steps before each date.")
    history = result.series.frame[value]
    st.plotly_chart(backtest_chart(result.backtest, history, value, step=step), key=KEYS.backtest)

    st.subheader(f"Forecast: the next {horizon} steps")
    st.plotly_chart(forecast_chart(history, result.forecast, value), key=KEYS.forecast)
    st.dataframe(readable(result.forecast), hide_index=True,
                 height=min(36 * (len(result.forecast) + 1) + 2, 480))

    report = to_report(result)
    a, b = st.columns(2)
    a.download_button("Download the forecast (CSV)", result.forecast.to_csv(index=False),
                      file_name="forecast.csv", mime="text/csv", key=KEYS.forecast_csv)
    b.download_button("Download the report (JSON)", json.dumps(report, indent=2, default=str),
                      file_name="report.json", mime="application/json", key=KEYS.report)
    with st.expander("How the data was split and repaired"):
        split = report["split"]
        for name, label in (("train", "Training"), ("val", "Validation"), ("test", "Test")):
            span = split[name]
            st.markdown(f"- **{label}**: rows {span['rows'][0]}–{span['rows'][1] - 1} "
                        f"({span['first']} to {span['last']})")
        st.markdown(f"- The scaler was fitted on the **training span only** "
                    f"({split['scaler_fit']['first']} to {split['scaler_fit']['last']}).")
        for notice in result.notices:
            st.markdown(f"- {notice}")


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates without a midnight clock, and numbers rounded to what a reader can take in."""
    shown = frame.copy()
    times = shown["time"]
    if pd.api.types.is_datetime64_any_dtype(times):
        midnight = (times.dt.hour == 0).all() and (times.dt.minute == 0).all()
        shown["time"] = times.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M")
    values = shown.drop(columns="time")
    scale = values.abs().median().median()
    return shown.round(2 if scale >= 10 else 4)


def _mape_note(result: ForecastResult) -> str:
    if result.test.mape is None:
        return "MAPE is left out: some actual values are zero or nearly zero, where it explodes."
    return ""
