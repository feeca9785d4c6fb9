"""Team mode in a real browser: two people sign in through a local OpenID Connect provider
(tests/oidc_provider.py, started on 127.0.0.1), each sees only their runs, a shared link opens
someone else's run, an unshared run's link is refused."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, VIEWPORT, free_port, start_streamlit, stop_streamlit
from helpers import assert_no_traceback, key_locator, main, shot, wait_for_app
from playwright.sync_api import expect

from lstm_app.runs.recording import record, start_run
from lstm_app.runs.store import RunStore
from lstm_app.series.loading import load_series
from lstm_app.series.settings import ForecastConfig
from oidc_provider import start_provider
from streamlit_auth import auth_secrets


ALICE, BOB = "alice@example.test", "bob@example.test"


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A signed-in LSTM Studio with Alice's run and Bob's run: (app url, store, ids)."""
    tmp = tmp_path_factory.mktemp("team")
    store = RunStore(tmp / "home")
    series = load_series(REPO / "sample_data" / "airline_passengers.csv")
    config = ForecastConfig(hidden_size=8, num_layers=1, epochs=1)
    ids = {}
    for who, name in ((ALICE, "alices-run"), (BOB, "bobs-run")):
        ids[who] = start_run(store, "forecast", series, config, name, series.name, owner=who)
        record(store.home, ids[who], "forecast", series, config)
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    provider_url, stop_provider = start_provider("lstm-studio", "s3cret",
                                                 [f"{app_url}/oauth2callback"])
    secrets = auth_secrets(tmp, app_url, provider_url, "lstm-studio", "s3cret")
    try:
        _, proc, log = start_streamlit(REPO / "app.py", REPO, tmp / "server.log",
                                       {"LSTM_APP_HOME": str(store.home)}, port=port,
                                       extra_args=("--secrets.files", str(secrets)))
        try:
            yield app_url, store, ids
        finally:
            stop_streamlit(proc, log)
    finally:
        stop_provider()


def signed_in(browser, app_url: str, who: str, path: str = "runs"):
    """A fresh browser context (cookies do not tell ports apart), signed in as ``who``."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{app_url}/{path}")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Username").fill(who.split("@")[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(app_url) + r"/?($|\?)"))
    wait_for_app(page)
    # (an invisible word joiner follows the "@": the address is shown, never linked)
    expect(page.get_by_test_id("stSidebar")).to_contain_text(
        re.compile(r"Signed in as " + re.escape(who).replace("@", "@\u2060?")))
    return context, page


def runs_listed(page) -> str:
    page.goto(page.url.split("?")[0].rsplit("/", 1)[0] + "/runs")
    wait_for_app(page)
    grid = key_locator(page, "runs_table")
    expect(grid.locator("canvas").first).to_be_visible()
    return grid.locator("table").first.text_content() or ""


def test_a_visitor_not_signed_in_sees_only_the_sign_in(browser, team):
    app_url, _, ids = team
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/forecast?run={ids[ALICE]}")
        expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
        expect(main(page)).not_to_contain_text("alices-run")
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        shot(page, "team_sign_in")
    finally:
        context.close()


def test_two_people_see_their_own_runs_and_what_is_shared_with_them(browser, team):
    app_url, store, ids = team
    alice, page = signed_in(browser, app_url, ALICE)
    try:
        listed = runs_listed(page)
        assert "alices-run" in listed and "bobs-run" not in listed, listed
        # Bob's run is not shared: its address is refused, and it is not echoed.
        page.goto(f"{app_url}/forecast?run={ids[BOB]}")
        wait_for_app(page)
        expect(main(page)).to_contain_text("not saved here or not shared with you")
        expect(main(page)).not_to_contain_text("Viewing saved run")
        assert_no_traceback(page)
    finally:
        alice.close()

    bob, page = signed_in(browser, app_url, BOB)
    try:
        listed = runs_listed(page)
        assert "bobs-run" in listed and "alices-run" not in listed, listed
    finally:
        bob.close()

    token = store.share_link(ids[BOB])  # Bob's "Make a share link" (tests/test_app_team.py)
    alice, page = signed_in(browser, app_url, ALICE)
    try:
        page.goto(f"{app_url}/forecast?run={ids[BOB]}&share={token}")
        wait_for_app(page)
        expect(main(page).get_by_test_id("stAlert").filter(has_text="Viewing saved run")
               ).to_be_visible(timeout=60_000)
        shot(page, "team_shared_link_opened")
        page.goto(f"{app_url}/forecast?run={ids[BOB]}&share={token[:-3]}abc")  # guessed
        wait_for_app(page)
        expect(main(page)).to_contain_text("not saved here or not shared with you")
    finally:
        alice.close()
