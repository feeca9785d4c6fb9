"""Deep links with st.navigation next to a pages/ folder: ours work, and Streamlit still needs the
workaround in lstm_app/ui/navigation.py.

A fresh server's very first request goes straight to a page. With a folder named pages/ beside
the entry script, Streamlit (1.67) runs that page alone, in its legacy pages-folder mode, until
st.navigation has run once in the process. The first test checks that the app's workaround
routes such a visit through app.py; the second runs a tiny app of the same layout without the
workaround and fails the day Streamlit routes it through st.navigation by itself: then
lstm_app/ui/navigation.py and its calls can go.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from conftest import REPO, VIEWPORT, start_streamlit, stop_streamlit
from helpers import key_locator, open_page, open_task_page, shot
from playwright.sync_api import expect

ENTRY = '''
import streamlit as st

st.session_state["through_the_entry_script"] = True
pages = [st.Page("pages/start.py", title="Start page", default=True),
         st.Page("pages/second.py", title="Second page", url_path="second")]
st.navigation(pages).run()
'''
SECOND = '''
import streamlit as st

st.write(f"entry script ran: {st.session_state.get('through_the_entry_script', False)}")
'''


def test_a_deep_link_as_a_new_servers_first_visit_has_the_app_navigation(browser, tmp_path):
    """A bookmark to /forecast, as a fresh server's very first request, gets app.py's navigation
    (the legacy mode would show the file names 'app', 'forecast', 'home' and skip app.py)."""
    base_url, proc, log = start_streamlit(REPO / "app.py", REPO, tmp_path / "server.log",
                                          {"LSTM_APP_HOME": str(tmp_path / "home")})
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        open_task_page(page, base_url, "forecast", "Forecast", "fc_train")
        expect(key_locator(page, "fc_epochs").locator("input")).to_be_visible()
        shot(page, "forecast_deep_link_first_visit")
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav).to_contain_text(re.compile("Home"))
        expect(nav).to_contain_text(re.compile("Inside the LSTM"))
        expect(nav.get_by_role("link", name=re.compile(r"^\s*app\s*$"))).to_have_count(0)
    finally:
        context.close()
        stop_streamlit(proc, log)


def test_streamlit_still_runs_a_first_deep_link_without_the_entry_script(browser, tmp_path):
    """Without the workaround, the same layout's first deep link skips the entry script. When
    this fails, Streamlit has fixed it: remove lstm_app/ui/navigation.py and its calls."""
    app = tmp_path / "app"
    (app / "pages").mkdir(parents=True)
    (app / "app.py").write_text(textwrap.dedent(ENTRY))
    (app / "pages" / "start.py").write_text("import streamlit as st\nst.write('start')\n")
    (app / "pages" / "second.py").write_text(textwrap.dedent(SECOND))
    base_url, proc, log = start_streamlit(app / "app.py", app, tmp_path / "server.log")
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = open_page(context.new_page(), base_url, "second")
        ran = page.get_by_test_id("stMarkdown").filter(has_text="entry script ran")
        expect(ran).to_contain_text("False")  # the page ran alone, in the legacy mode
        expect(page.get_by_test_id("stSidebarNav")).not_to_contain_text("Second page")
    finally:
        context.close()
        stop_streamlit(proc, log)


def test_every_page_routes_through_the_one_workaround():
    for page in sorted((REPO / "pages").glob("*.py")):
        source = page.read_text(encoding="utf-8")
        assert "use_app_navigation(__file__)" in source, page.name
        assert "uses_pages_directory" not in source, page.name
    users = [p for p in Path(REPO / "lstm_app").rglob("*.py")
             if "uses_pages_directory" in p.read_text(encoding="utf-8")]
    assert users == [REPO / "lstm_app" / "ui" / "navigation.py"]


def test_a_run_link_as_a_new_servers_first_visit_opens_its_run(browser, tmp_path):
    """A shared ``?run=`` link, the first request after a restart: the workaround's page switch
    keeps the address's query, so the run opens (it was dropped, and the default sample shown)."""
    from lstm_app.runs.recording import record, start_run
    from lstm_app.runs.store import RunStore
    from lstm_app.series.loading import load_series
    from lstm_app.series.settings import ForecastConfig

    store = RunStore(tmp_path / "home")
    series = load_series(REPO / "sample_data" / "airline_passengers.csv")
    config = ForecastConfig(hidden_size=8, num_layers=1, epochs=1)
    run_id = start_run(store, "forecast", series, config, "kept run", series.name)
    record(store.home, run_id, "forecast", series, config)
    base_url, proc, log = start_streamlit(REPO / "app.py", REPO, tmp_path / "server.log",
                                          {"LSTM_APP_HOME": str(store.home)})
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/forecast?run={run_id}")
        expect(page.get_by_test_id("stAlert").filter(has_text="Viewing saved run")).to_be_visible(
            timeout=60_000)
        assert f"run={run_id}" in page.url, page.url
        shot(page, "run_link_first_visit_after_restart")
    finally:
        context.close()
        stop_streamlit(proc, log)
