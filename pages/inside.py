"""Inside the LSTM: the cell equations on a trained model's own numbers, and its gates over time."""

import streamlit as st

from lstm_app.charts import attribution_chart
from lstm_app.inside.attribution import forecast_attribution
from lstm_app.inside.explain import forecast_origins, forecast_trace, text_trace
from lstm_app.inside.features import forecast_features, text_features
from lstm_app.ui.inside_view import (choose_model, equations, features_section, heatmap_grid,
                                     step_through, text_units_section)
from lstm_app.ui.keys import INSIDE
from lstm_app.ui.navigation import use_app_navigation

use_app_navigation(__file__)

st.title("Inside the LSTM")
st.caption("Pick a trained model and an input, then follow the numbers through its gates.")

chosen = choose_model()
if chosen is None:
    st.stop()
task, result = chosen
lstm = result.config.cell == "lstm"
equations(lstm)

st.subheader("Its input")
if task == "forecast":
    origins = forecast_origins(result)
    index = result.series.frame.index
    label = lambda o: "the future (the forecast)" if o == len(index) else str(index[o])
    origin = st.select_slider("Forecast made for", origins, value=origins[-1], key=INSIDE.origin,
                              format_func=label,
                              help="The window of past values the network read for this forecast.")
    traces, times = forecast_trace(result, origin)
    value = result.series.value_col
    scores = forecast_attribution(result, origin)
    st.plotly_chart(attribution_chart(times, result.series.frame[value].loc[times], scores,
                                      value), key=INSIDE.attribution)
    st.caption("Each step of the window in turn is replaced by the window's average and the "
               "forecast made again: the taller the bar, the more the forecast moved, so the "
               "more that step drove it.")
    steps = [str(t)[:10] if str(t).endswith("00:00:00") else str(t)[:16] for t in times]
else:
    default = result.text[len(result.train_text):][:80] or result.text[:80]
    snippet = st.text_area("Text", value=default, key=INSIDE.snippet, height=80,
                           help="The network reads this text character by character.")
    try:
        traces, steps = text_trace(result, snippet[:400])
    except ValueError as error:
        st.warning(str(error))
        st.stop()

layer = 0
if len(traces) > 1:
    layer = st.radio("Layer", list(range(len(traces))), horizontal=True, key=INSIDE.layer,
                     format_func=lambda i: f"layer {i + 1}")
st.subheader("Step through")
step_through(traces[layer], steps, lstm)
st.subheader("Gates and states over time")
heatmap_grid(traces[layer], steps)

if task == "text":
    st.subheader("Units that track something")
    text_units_section(result, layer)

st.subheader("Hidden states as features")
if task == "forecast":
    features_section(forecast_features(result), "The hidden state before each forecast, "
                     "over the whole series", "hidden_states.csv")
else:
    features_section(text_features(traces[-1], steps), "The hidden state after each character "
                     "of the text above", "hidden_states.csv")
