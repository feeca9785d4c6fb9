"""Classify: choose labelled texts and settings, train a classifier live, then score it, try it
and look at its mistakes."""

import streamlit as st

from lstm_app.i18n import tr
from lstm_app.tasks import CLASSIFY
from lstm_app.ui.classify_input import choose_labelled, show_labelled
from lstm_app.ui.classify_settings import classify_settings, start_settings
from lstm_app.ui.classify_try import forget_tried, try_it
from lstm_app.ui.classify_view import details, downloads, headline, render_live, text_speed
from lstm_app.ui.coach_view import classify_coach
from lstm_app.ui.keys import CLASSIFY as KEYS
from lstm_app.ui.navigation import use_app_navigation
from lstm_app.ui.runs_session import attach_from_url, earlier_run, start_training
from lstm_app.ui.session import current_job
from lstm_app.ui.task_flow import cannot_train, finished_result, train_button, train_more
from lstm_app.ui.tune_view import auto_tune

use_app_navigation(__file__)

st.title(tr("Classify"))
st.caption(tr("Upload texts with their labels (reviews and their sentiment, tickets and their "
              "topic), press Train, and watch an LSTM learn to tell the classes apart."))
attach_from_url(KEYS, "classify")  # a reload or a link: its run (under the title)
offers = st.container()  # an earlier identical run is offered here, in sight

chosen = choose_labelled()
if chosen is None:
    st.stop()
data = chosen.data
start_settings()
show_labelled(data, chosen.fingerprint, st.session_state[KEYS.setting("level")],
              st.session_state[KEYS.setting("max_length")])

st.subheader(tr("Settings"))
config = classify_settings(data.text_col, data.label_col)
if config is None:
    st.stop()

problem = cannot_train(KEYS, CLASSIFY, data, config, chosen.fingerprint)
if problem:  # said before Train, not by a run that fails
    st.error(problem)
train_button(KEYS, lambda: start_training(KEYS, CLASSIFY, data, chosen.name, config,
                                          repaired=chosen.repaired),
             can_train=not problem, on_new_model=forget_tried, offer_at=offers,
             earlier=lambda: earlier_run(CLASSIFY, chosen.fingerprint, config, data))
auto_tune(KEYS, CLASSIFY, data, chosen.name, config, chosen.fingerprint)
result = finished_result(KEYS, chosen, config, render_live, speed=text_speed)
job = current_job(KEYS.job)

st.divider()
headline(result)
try_it(result, job.run_id)
details(result)
downloads(result, chosen.name, job.run_id)
classify_coach(result)
train_more(KEYS, CLASSIFY, result, result.data, job.label, default_epochs=5,
           on_new_model=forget_tried)
