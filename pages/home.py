"""Home: what the app does, and one-click demos."""

import streamlit as st

from lstm_app.i18n import language, tr
from lstm_app.ui.keys import CLASSIFY, FORECAST, TEXT, demo
from lstm_app.ui.navigation import use_app_navigation
from lstm_app.ui.session import current_job
from lstm_app.ui.source_picker import use_sample

use_app_navigation(__file__)

st.title("LSTM Studio")
st.markdown(tr(
    "Train an LSTM neural network on your own data, right here in the browser, and watch it "
    "learn. Give it a time series and get a forecast scored honestly against simple rules of "
    "thumb, with intervals and a verdict in plain words; give it a text and it learns to write "
    "like it; give it labelled texts and it learns to classify them."))

for keys, page, training in (
        (FORECAST, "pages/forecast.py", tr("A forecast is training in the background.")),
        (TEXT, "pages/text.py", tr("A text model is training in the background.")),
        (CLASSIFY, "pages/classify.py", tr("A classifier is training in the background."))):
    running = current_job(keys.job)
    if running is not None and not running.snapshot().done:
        st.info(training, icon=":material/model_training:")
        st.page_link(page, label=tr("Watch it"), icon=":material/visibility:")

DEMOS = [  # (the page's keys, sample, page, title, what it shows); in Chinese, a Chinese text
    (FORECAST, "airline_passengers", "pages/forecast.py", tr("Forecast airline passengers"),
     tr("Monthly passengers 1949–1960: learn the trend and the summer peaks, then forecast the "
        "next year.")),
    (TEXT, "shakespeare_excerpt", "pages/text.py", tr("Generate Shakespeare-like text"),
     tr("100,000 characters of Shakespeare's plays: watch gibberish turn into names, verse and "
        "old spelling. About a minute on a quiet machine, longer on a busy one; the page shows "
        "the time left.")) if language() == "en" else
    (TEXT, "lstm_zh", "pages/text.py", tr("Write like a Chinese article"),
     tr("About 2,100 characters of a Chinese article on RNNs and LSTMs, too few to learn how "
        "Chinese goes on: the model learns this article by heart, character by character, then "
        "recites it from a prompt you give it; the page shows how much it copies and the time "
        "left.")),
    (FORECAST, "stores", "pages/forecast.py", tr("Forecast 50 stores at once"),
     tr("Daily sales of the 50 stores of one chain: one LSTM learns from every store together, "
        "then forecasts each and scores it against simple rules of thumb and against the "
        "statistical models fitted to each store.")),
    (CLASSIFY, "hotel_reviews_zh", "pages/classify.py", tr("Is this hotel review positive?"),
     tr("2,000 Chinese hotel reviews: an LSTM learns to tell praise (`positive`) from complaint "
        "(`negative`), character by character, is scored against a classic text classifier, then reads a review you "
        "type. About half a minute on a quiet machine, longer on a busy one.")),
]
st.subheader(tr("Try it in one click"))
for column, (keys, sample, page, title, what) in zip(st.columns(len(DEMOS)), DEMOS):
    with column.container(border=True):
        st.markdown(f"**{title}**  \n{what}")
        if st.button(title, type="primary", key=demo(sample)):
            use_sample(keys, sample)
            st.session_state[keys.autostart] = True  # the page presses Train itself
            st.switch_page(page)

st.subheader(tr("Or bring your own data"))
st.page_link("pages/forecast.py", label=tr("Forecast a time series (CSV or Excel)"),
             icon=":material/show_chart:")
st.page_link("pages/text.py", label=tr("Train on a text file"), icon=":material/edit_note:")
st.page_link("pages/classify.py", label=tr("Classify labelled texts (CSV or Excel)"),
             icon=":material/label:")
st.caption(tr("Your data stays on this server; nothing is sent anywhere else."))
