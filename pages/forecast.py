"""Forecast: choose data and settings, train live, then read the verdict, charts and downloads.
One series, or a file of many (a panel: one LSTM for all of them)."""

import streamlit as st

from lstm_app.i18n import tr
from lstm_app.tasks import FORECAST, PANEL
from lstm_app.ui.coach_view import forecast_coach, panel_coach
from lstm_app.ui.forecast_settings import forecast_settings, model_size_note
from lstm_app.ui.forecast_view import show_result
from lstm_app.ui.keys import FORECAST as KEYS
from lstm_app.ui.known_view import planned_series, show_panel_plan
from lstm_app.ui.navigation import use_app_navigation
from lstm_app.ui.panel_input import is_panel, show_panel
from lstm_app.ui.panel_view import live_view, show_panel_result
from lstm_app.ui.runs_session import attach_from_url, earlier_run, start_training
from lstm_app.ui.series_input import choose_series, show_series
from lstm_app.ui.session import current_job
from lstm_app.ui.task_flow import finished_result, train_button, train_more
from lstm_app.ui.tune_view import auto_tune

use_app_navigation(__file__)

st.title(tr("Forecast"))
st.caption(tr("Upload a time series (or a file of many: every store, product or meter) or pick "
              "a sample, choose the settings, and press Train."))
attach_from_url(KEYS, ("forecast", "panel"))  # a reload or a link: its run (under the title)
offers = st.container()  # an earlier identical run is offered here, in sight

chosen = choose_series()
if chosen is None:
    st.stop()
data = chosen.data
many = is_panel(data)
task = PANEL if many else FORECAST
(show_panel if many else show_series)(chosen)

st.subheader(tr("Settings"))
config = forecast_settings(chosen)
if config is None:
    st.stop()
trainable = model_size_note(data, config)
planned = data
if many:  # each series' plan, to look at (it comes from the file)
    show_panel_plan(data, config)
else:  # the plan of the known-ahead inputs over the horizon, editable
    planned = planned_series(data, config, chosen.fingerprint)  # None: a blank, named above
data = planned or data

can_train = trainable and planned is not None
train_button(KEYS, lambda: start_training(KEYS, task, data, data.name, config,
                                          repaired=chosen.repaired),
             can_train=can_train, offer_at=offers,
             earlier=lambda: earlier_run(task, chosen.fingerprint, config, data))
auto_tune(KEYS, task, data, data.name, config, chosen.fingerprint)
shown = current_job(KEYS.job)  # its training may be on other data than the page's now
result = finished_result(KEYS, chosen, config, live_view(
    many, getattr(getattr(shown, "config", None), "value_col", None) or data.value_col),
    can_train=can_train)

st.divider()
run_id = current_job(KEYS.job).run_id
if many:
    show_panel_result(result, chosen.unit, run_id)
    panel_coach(result)
    train_more(KEYS, task, result, result.panel, result.panel.name, default_epochs=20)
else:
    show_result(result, chosen.unit, run_id)
    forecast_coach(result)
    train_more(KEYS, task, result, result.series, result.series.name, default_epochs=20)
