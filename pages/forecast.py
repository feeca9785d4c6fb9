"""Forecast: choose data and settings, train live, then read the verdict, charts and downloads."""

import dataclasses

import streamlit as st

from lstm_app.ui.forecast_settings import forecast_settings, model_size_note
from lstm_app.ui.forecast_view import render_live, show_result
from lstm_app.ui.coach_view import forecast_coach
from lstm_app.ui.live import watch
from lstm_app.ui.series_input import choose_columns, choose_series_source, show_series
from lstm_app.ui.runs_session import attach_from_url, run_caption, start_forecast
from lstm_app.ui.session import FORECAST_JOB, current_job, use_app_navigation

use_app_navigation(__file__)
attach_from_url(FORECAST_JOB, "forecast")  # a reload or a shared link shows its run again


st.title("Forecast")
st.caption("Upload a time series or pick a sample, choose the settings, and press Train.")

source = choose_series_source()
if source is None:
    st.stop()
series = choose_columns(source)
if series is None:
    st.stop()
show_series(series)

st.subheader("Settings")
config = forecast_settings(series)
model_size_note(series, config)

job = current_job(FORECAST_JOB)
busy = job is not None and not job.snapshot().done
train = st.button("Train", type="primary", disabled=busy, key="fc_train",
                  help="Start training in the background; you can switch pages meanwhile.")
autostart = st.session_state.pop("fc_autostart", False)  # Home's demo; never over a running job
if autostart and busy:
    st.info("Your earlier training is still running: stop it or let it finish, then press Train.")
if not busy and (train or autostart):
    job = start_forecast(FORECAST_JOB, series, config)
    job.wait_for_first_epoch(timeout=0.6)  # so that the redraw can show the first point at once
    st.rerun()  # redraw with Train disabled and the live view running

run_caption(current_job(FORECAST_JOB))
snap = watch(FORECAST_JOB, lambda s: render_live(s, series.value_col))
if snap is None or not snap.done:
    st.stop()

if snap.state == "failed":
    st.error(snap.error)
    st.stop()
result = current_job(FORECAST_JOB).result()
if result is None:
    st.info("Training was stopped before it started.")
    st.stop()

st.divider()
show_result(result)

forecast_coach(result)

st.subheader("Train more")
more = st.number_input("More epochs", min_value=1, max_value=5000, value=20, key="fc_more",
                       help="Continue from the current weights for this many more epochs.")
if st.button("Train more", key="fc_train_more"):
    more_config = dataclasses.replace(result.config, epochs=int(more))
    start_forecast(FORECAST_JOB, result.series, more_config, resume=result)
    st.rerun()
