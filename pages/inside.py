"""Inside the LSTM: the cell equations on a trained model's own numbers, and its gates over time."""

import streamlit as st

from lstm_app.inside_charts import attribution_chart
from lstm_app.i18n import sentences, tr
from lstm_app.inside.attribution import forecast_attribution
from lstm_app.inside.explain import (classify_trace, directions_label, forecast_labels,
                                     forecast_origins, forecast_trace, text_trace, token_labels,
                                     unknown_note)
from lstm_app.inside.features import classify_features, forecast_features, text_features
from lstm_app.inside.series_input import series_input
from lstm_app.ui.inside_view import (choose_model, choose_series, classifier_answer,
                                     equations, features_section, features_title, heatmap_grid,
                                     kept_inputs, read_here, snippet_box, step_through,
                                     text_units_section, whole_words)
from lstm_app.ui.keys import INSIDE
from lstm_app.ui.markdown import plain
from lstm_app.ui.navigation import use_app_navigation
from lstm_app.ui.runs_session import close_withdrawn

use_app_navigation(__file__)
SHOWN_CHARACTERS = 400  # of a text the language model reads here: more steps would not fit
CLASSIFIED_CHARACTERS = 2000  # ... and of a text a classifier reads here

st.title(tr("Inside the LSTM"))
close_withdrawn()  # a run no longer shared with this reader is not looked into
st.markdown(tr("This page opens a network you trained and shows what it computes: for one input, "
               "every gate and memory cell of every unit, step by step, worked out from its own "
               "weights. Read the equations once, follow one step's numbers, then look at the "
               "heatmaps to see which units keep, forget or pass on what they read."))

chosen = choose_model()
if chosen is None:
    st.stop()
task, result, model_label = chosen
lstm = result.config.cell != "gru"  # a peephole LSTM has the LSTM's gates and cell
equations(result.config.cell)

st.subheader(tr("Its input"))
if task in ("forecast", "panel"):
    series = choose_series(result) if task == "panel" else None
    if task == "panel" and series is None:
        st.stop()
    view = series_input(result, series)
    origins = forecast_origins(view)
    labels = forecast_labels(view)
    if len(origins) > 1:
        origin = st.select_slider(tr("Forecast made for"), origins, value=origins[-1],
                                  key=INSIDE.origin, format_func=labels.__getitem__,
                                  help=tr("The window of past values the network read for this "
                                          "forecast."))
    else:  # a series that ends before the test span
        origin = origins[0]
        st.caption(tr("This series ends before the test span: its one forecast is the one after "
                      "its last value."))
    traces, times = forecast_trace(view, origin)
    value = view.series.value_col
    scores = forecast_attribution(view, origin)
    st.plotly_chart(attribution_chart(times, view.series.frame[value].loc[times], scores,
                                      value), key=INSIDE.attribution)
    st.caption(sentences(
        tr("Each step of the window in turn has its values replaced by the window's average and "
           "the forecast is made again: the taller the bar, the more the forecast moved, so the "
           "more that step drove it."),
        kept_inputs(view.inputs.shape[1] - view.observed,
                    task == "panel" and result.config.id_embedding > 0)))
    steps = labels[origin - len(times):origin]
    input_id = f"{model_label} {series} {origin}"
elif task == "classify":
    first_test = int(result.split.test[0])
    default = whole_words(result.data.texts[first_test], 120,  # never learnt
                          result.config.level == "word")
    length = min(result.config.max_length, CLASSIFIED_CHARACTERS) \
        if result.config.level == "char" else result.config.max_length
    snippet = snippet_box(model_label, default,
                          tr("The classifier reads it character by character, up to the first "
                             "{length:,}.", length=length)
                          if result.config.level == "char" else
                          tr("The classifier reads it word by word, up to the first {length:,}.",
                             length=length))
    snippet = read_here(snippet, CLASSIFIED_CHARACTERS, result.config.level == "word")
    try:
        traces, tokens = classify_trace(result, snippet)
    except ValueError as error:
        st.warning(plain(error))
        st.stop()
    classifier_answer(result, snippet, result.data.classes[result.data.y[first_test]]
                      if snippet == default else None)
    steps = token_labels(tokens)
    input_id = f"{model_label} {snippet}"
else:
    char = result.config.level == "char"
    unseen = result.text[len(result.train_text):] or result.text
    default = whole_words(unseen, 80, not char)
    if not char:  # from a whole word on
        default = default.split(maxsplit=1)[-1] if " " in default.strip() else default
    snippet = snippet_box(model_label, default,
                          tr("The network reads this text character by character.")
                          if char else tr("The network reads this text word by word."))
    snippet = read_here(snippet, SHOWN_CHARACTERS, words=False)
    try:
        traces, tokens = text_trace(result, snippet)
    except ValueError as error:
        st.warning(plain(error))
        st.stop()
    unseen = unknown_note(tokens, result.config.level)
    if unseen:
        st.caption(unseen)
    steps = token_labels(tokens)
    input_id = f"{model_label} {snippet}"

layer = 0
if len(traces) > 1:
    names = [directions_label(traces, i) for i in range(len(traces))]  # in this run's language
    layer = st.radio(tr("Layer"), list(range(len(traces))), horizontal=True, key=INSIDE.layer,
                     format_func=names.__getitem__)
if traces[layer].backward:  # it read the text from its end: its steps run that way
    steps = steps[::-1]
    st.caption(tr("The backward LSTM reads the text from its last token to its first: its steps "
                  "below run in that order, and h(t−1) is the token after in the text."))
st.subheader(tr("Step through"))
step_through(traces[layer], steps, lstm, f"{input_id} {layer}")
st.subheader(tr("Gates and states over time"))
heatmap_grid(traces[layer], steps)

if task == "text":
    st.subheader(tr("Units that track something"))
    text_units_section(result, layer)

st.subheader(tr("Hidden states as features"))
if task in ("forecast", "panel"):
    series_id = None if series is None else result.panel.ids[series]
    features_section(forecast_features(view), features_title(view, series_id),
                     "hidden_states.csv")
elif task == "classify":
    features_section(classify_features(traces, tokens), tr("The output at each token of the text "
                     "above, which the pooling reads"), "hidden_states.csv")
else:
    features_section(text_features(traces[-1], tokens),
                     tr("The hidden state after each character of the text above")
                     if result.config.level == "char" else
                     tr("The hidden state after each word of the text above"),
                     "hidden_states.csv")
