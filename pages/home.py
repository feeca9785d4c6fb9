"""Home: what the app does, and one-click demos."""

import streamlit as st

from lstm_app.ui.series_input import use_sample
from lstm_app.ui.session import FORECAST_JOB, current_job, use_app_navigation

use_app_navigation(__file__)

st.title("LSTM Studio")
st.markdown(
    "Train an LSTM neural network on your own time series, right here in the browser, and watch "
    "it learn. You get a forecast scored honestly against simple rules of thumb, with intervals "
    "and a verdict in plain words.")

running = current_job(FORECAST_JOB)
if running is not None and not running.snapshot().done:
    st.info("A forecast is training in the background.", icon=":material/model_training:")
    st.page_link("pages/forecast.py", label="Watch it on the Forecast page", icon=":material/show_chart:")

st.subheader("Try it in one click")
left, _ = st.columns(2)
with left.container(border=True):
    st.markdown("**Forecast airline passengers**  \nMonthly passengers 1949–1960: learn the "
                "trend and the summer peaks, then forecast the next year.")
    if st.button("Forecast airline passengers", type="primary", key="demo_airline"):
        use_sample("airline_passengers")
        st.session_state["fc_autostart"] = True
        st.switch_page("pages/forecast.py")

st.subheader("Or bring your own data")
st.page_link("pages/forecast.py", label="Forecast a CSV time series", icon=":material/show_chart:")
st.caption("Your data stays on this server; nothing is sent anywhere else.")
