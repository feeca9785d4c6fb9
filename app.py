"""LSTM Studio: the Streamlit entry point (page config, sign-in in team mode, navigation).

A training's worker process imports this script as well (multiprocessing imports the script
the server runs as ``__main__`` into each child, under the name ``__mp_main__``): there it draws
nothing and imports nothing of the app.
"""

import streamlit as st


def main() -> None:
    from lstm_app.i18n import tr
    from lstm_app.ui.language import choose_language, language_switch
    from lstm_app.ui.markdown import plain
    from lstm_app.ui.people import require_sign_in, signed_in_sidebar
    from lstm_app.ui.runs_session import run_store

    st.set_page_config(page_title="LSTM Studio", page_icon="🧠", layout="wide")  # an emoji: a
    # Material icon here would point the tab icon at fonts.gstatic.com, asking Google on every page

    choose_language()  # before any word is drawn: ?lang=, the session's choice, or the browser's
    pages = [
        st.Page("pages/home.py", title=tr("Home"), icon=":material/home:", default=True),
        st.Page("pages/forecast.py", title=tr("Forecast"), icon=":material/show_chart:",
                url_path="forecast"),
        st.Page("pages/text.py", title=tr("Text"), icon=":material/edit_note:", url_path="text"),
        st.Page("pages/classify.py", title=tr("Classify"), icon=":material/label:",
                url_path="classify"),
        st.Page("pages/inside.py", title=tr("Inside the LSTM"), icon=":material/memory:",
                url_path="inside"),
        st.Page("pages/runs.py", title=tr("Runs"), icon=":material/history:", url_path="runs"),
    ]
    language_switch()
    require_sign_in(pages)  # in team mode only: nobody gets further without signing in
    signed_in_sidebar()
    try:
        run_store()  # every page records into it: a database that cannot be used is said here, once
    except ValueError as error:
        st.error(plain(error))
        st.stop()
    st.navigation(pages).run()


if __name__ != "__mp_main__":
    main()
