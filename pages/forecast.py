"""Forecast: choose data and settings, train live, then read the verdict, charts and downloads."""

import streamlit as st

from lstm_app.tasks import FORECAST
from lstm_app.ui.coach_view import forecast_coach
from lstm_app.ui.forecast_settings import forecast_settings, model_size_note
from lstm_app.ui.forecast_view import render_live, show_result
from lstm_app.ui.keys import FORECAST as KEYS
from lstm_app.ui.navigation import use_app_navigation
from lstm_app.ui.runs_session import attach_from_url, earlier_run, start_training
from lstm_app.ui.series_input import choose_series, show_series
from lstm_app.ui.session import current_job
from lstm_app.ui.task_flow import finished_result, train_button, train_more

use_app_navigation(__file__)
attach_from_url(KEYS, "forecast")  # a reload or a shared link shows its run again


st.title("Forecast")
st.caption("Upload a time series or pick a sample, choose the settings, and press Train.")
offers = st.container()  # an earlier identical run is offered here, in sight

chosen = choose_series()
if chosen is None:
    st.stop()
series = chosen.data
show_series(chosen)

st.subheader("Settings")
config = forecast_settings(chosen)
if config is None:
    st.stop()
model_size_note(series, config)

train_button(KEYS, lambda: start_training(KEYS, FORECAST, series, series.name, config),
             offer_at=offers, earlier=lambda: earlier_run(FORECAST, chosen.fingerprint, config))
result = finished_result(KEYS, chosen, config, lambda snap: render_live(snap, series.value_col))

st.divider()
show_result(result, chosen.unit, current_job(KEYS.job).run_id)
forecast_coach(result)
train_more(KEYS, FORECAST, result, result.series, result.series.name, default_epochs=20)
