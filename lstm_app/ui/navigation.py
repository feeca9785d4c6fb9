"""Deep links with ``st.navigation`` and a top-level ``pages/`` folder: the one workaround.

The product keeps its pages in ``pages/`` (the layout is fixed), and Streamlit (1.67) still
treats a ``pages/`` folder beside the entry script as the old multipage layout until
``st.navigation`` has run once in the server process: a new server's very first request that
goes straight to /forecast runs that page alone, with the old sidebar and without app.py. Its
source and issues offer no public switch for this (``PagesManager.uses_pages_directory`` is set
from the folder's existence when the first session starts, and only ``st.navigation`` clears
it), so each page calls ``use_app_navigation(__file__)`` first: in that one case it clears the
flag and switches to the same page, which now goes through app.py, keeping the address's query
(a shared ``?run=`` link opened as the first request after a restart keeps its run). Everywhere
else it does nothing. tests/browser/test_navigation.py fails the day Streamlit's behaviour changes, so that
this can go then; tests/test_layers.py checks that the flag is still there to clear.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime import Runtime

from .language import choose_language
from .people import require_sign_in


def use_app_navigation(page_file: str) -> None:
    """Route a new server's first deep link through app.py's ``st.navigation`` (see above);
    in team mode, a visitor not signed in gets no further than the sign-in screen. The page
    speaks the reader's language however it was reached (app.py chose it already, but a page
    run on its own, as AppTest runs one, had not)."""
    choose_language()
    from streamlit.runtime.pages_manager import PagesManager
    # AppTest resets the flag before every run and stands in a mock runtime: leave it alone there.
    real_server = Runtime.exists() and type(Runtime.instance()) is Runtime
    if real_server and getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.switch_page(page_file, query_params=st.query_params.to_dict())
    require_sign_in()  # after the switch: app.py's navigation, not the legacy one, is drawn
