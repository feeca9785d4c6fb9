"""Text: choose a text and settings, train a language model live, then generate and explore."""

import dataclasses

import streamlit as st

from lstm_app.ui.coach_view import text_coach
from lstm_app.ui.live import watch
from lstm_app.ui.runs_session import attach_from_url, run_caption, start_text
from lstm_app.ui.session import TEXT_JOB, current_job, use_app_navigation
from lstm_app.ui.text_generation import (all_samples, forget_samples, generation_panel,
                                         temperature_explorer)
from lstm_app.ui.text_input import choose_text, read_source, show_text
from lstm_app.ui.text_settings import current_summary, model_size_note, suggest_for, text_settings
from lstm_app.ui.text_view import downloads, render_live, show_result, token_speed

use_app_navigation(__file__)
attach_from_url(TEXT_JOB, "text")  # a reload or a shared link shows its run again

st.title("Text")
st.caption("Upload a text or pick a sample, press Train, and watch an LSTM learn to write like it.")

source = choose_text()
if source is None:
    st.stop()
text = read_source(source)
if text is None:
    st.stop()
suggest_for(f"{source['name']}:{len(source['data'])}", text, source.get("settings", {}))
summary = current_summary(text)
show_text(source["name"], text, summary)

st.subheader("Settings")
config = text_settings()
can_train = model_size_note(summary, config)

job = current_job(TEXT_JOB)
busy = job is not None and not job.snapshot().done
train = st.button("Train", type="primary", disabled=busy or not can_train, key="tx_train",
                  help="Start training in the background; you can switch pages meanwhile.")
autostart = st.session_state.pop("tx_autostart", False)  # Home's demo; never over a running job
if autostart and busy:
    st.info("Your earlier training is still running: stop it or let it finish, then press Train.")
if can_train and not busy and (train or autostart):
    forget_samples()
    job = start_text(TEXT_JOB, text, source["name"], config)
    job.wait_for_first_epoch(timeout=0.6)
    st.rerun()

job = current_job(TEXT_JOB)
running = job.config if job is not None else config  # the settings of the training shown below
run_caption(job)
snap = watch(TEXT_JOB, lambda s: render_live(s, running), speed=token_speed(running))
if snap is None or not snap.done:
    st.stop()

if snap.state == "failed":
    st.error(snap.error)
    st.stop()
result = job.result()
if result is None:
    st.info("Training was stopped before it started.")
    st.stop()

st.divider()
show_result(result)
generation_panel(result)
temperature_explorer(result)
downloads(result, all_samples(result))

text_coach(result)

st.subheader("Train more")
more = st.number_input("More epochs", min_value=1, max_value=10000, value=10, key="tx_more",
                       help="Continue from the current weights for this many more epochs.")
if st.button("Train more", key="tx_train_more"):
    more_config = dataclasses.replace(result.config, epochs=int(more))
    forget_samples()
    start_text(TEXT_JOB, result.text, job.label, more_config, resume=result)

    st.rerun()
