"""Text: choose a text and settings, train a language model live, then generate and explore."""

import streamlit as st

from lstm_app.i18n import tr
from lstm_app.tasks import TEXT
from lstm_app.ui.coach_view import text_coach
from lstm_app.ui.keys import TEXT as KEYS
from lstm_app.ui.navigation import use_app_navigation
from lstm_app.ui.runs_session import attach_from_url, earlier_run, start_training
from lstm_app.ui.session import current_job
from lstm_app.ui.task_flow import finished_result, train_button, train_more
from lstm_app.ui.tune_view import auto_tune
from lstm_app.ui.text_generation import (all_samples, forget_generation, forget_samples,
                                         generation_panel, temperature_explorer)
from lstm_app.ui.text_input import choose_text, show_text
from lstm_app.ui.text_settings import current_summary, model_size_note, suggest_for, text_settings
from lstm_app.ui.text_view import downloads, render_live, show_result, token_speed

use_app_navigation(__file__)

st.title(tr("Text"))
st.caption(tr("Upload a text or pick a sample, press Train, and watch an LSTM learn to write like "
              "it."))
attach_from_url(KEYS, "text")  # a reload or a link: its run (under the title)
offers = st.container()  # an earlier identical run is offered here, in sight

chosen = choose_text()
if chosen is None:
    st.stop()
text = chosen.data
suggest_for(chosen.fingerprint, text, chosen.settings)
summary = current_summary(text)
show_text(chosen.name, text, summary)

st.subheader(tr("Settings"))
config = text_settings()
if config is None:
    st.stop()
can_train = model_size_note(summary, config)

train_button(KEYS, lambda: start_training(KEYS, TEXT, text, chosen.name, config),
             can_train=can_train, on_new_model=forget_generation,
             offer_at=offers, earlier=lambda: earlier_run(TEXT, chosen.fingerprint, config, text))
auto_tune(KEYS, TEXT, text, chosen.name, config, chosen.fingerprint)
job = current_job(KEYS.job)
running = job.config if job is not None else config  # the settings of the training shown below
result = finished_result(KEYS, chosen, config, lambda snap: render_live(snap, running),
                         speed=token_speed(running))

st.divider()
show_result(result)
generation_panel(result)
temperature_explorer(result)
downloads(result, all_samples(result), chosen.name, job.run_id)
text_coach(result)
train_more(KEYS, TEXT, result, result.text, job.label, default_epochs=10,
           on_new_model=forget_samples)
