"""The test OpenID Connect provider (tests/oidc_provider.py) proven with Streamlit itself: a tiny
app of its own with ``st.login``/``st.logout``, independent of LSTM Studio's pages. Alice signs
in through the provider's form and out again; Bob signs in in a fresh browser context."""

from __future__ import annotations

import importlib.util
import os
import re

import pytest
from conftest import free_port, start_streamlit, stop_streamlit
from helpers import DEFAULT_TIMEOUT_MS, open_page, wait_for_app
from streamlit_auth import auth_secrets

CLIENT_ID, CLIENT_SECRET = "lstm-studio-test", "test-client-secret"
TINY_APP = """\
import streamlit as st

if not st.user.is_logged_in:
    st.button("Log in", on_click=st.login)
else:
    st.write(f"hello {st.user.email}")
    st.button("Log out", on_click=st.logout)
"""


@pytest.fixture
def signed_in_app(tmp_path):
    """(app URL, provider URL, server log) for the tiny app wired to a fresh provider."""
    missing = [m for m in ("authlib", "httpx", "flask") if importlib.util.find_spec(m) is None]
    if missing:  # st.login needs Authlib and httpx; the provider needs Flask
        why = f"not installed: {', '.join(missing)} (see requirements.txt, tests/requirements.txt)"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(why, pytrace=False)  # under CI nothing may skip
        pytest.skip(why)
    from oidc_provider import start_provider

    entry = tmp_path / "tiny_auth_app.py"
    entry.write_text(TINY_APP)
    port = free_port()  # first: the secrets' redirect_uri and the provider's client both name it
    app_url = f"http://127.0.0.1:{port}"
    provider_url, stop_provider = start_provider(CLIENT_ID, CLIENT_SECRET, [f"{app_url}/oauth2callback"])
    log = tmp_path / "server.log"
    try:
        secrets = auth_secrets(tmp_path, app_url, provider_url, CLIENT_ID, CLIENT_SECRET)
        _, proc, log_file = start_streamlit(entry, tmp_path, log, port=port,
                                            extra_args=("--secrets.files", str(secrets)))
        try:
            yield app_url, provider_url, log
        finally:
            stop_streamlit(proc, log_file)
    finally:
        stop_provider()


def sign_in(page, app_url: str, provider_url: str, name: str) -> None:
    open_page(page, app_url)
    page.get_by_role("button", name="Log in").click()  # navigates away: no rerun to wait for
    page.wait_for_url(re.compile(re.escape(f"{provider_url}/authorize?")), timeout=DEFAULT_TIMEOUT_MS)
    page.get_by_label("Username").fill(name)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{app_url}/", timeout=DEFAULT_TIMEOUT_MS)  # back via /oauth2callback
    wait_for_app(page)


def test_sign_in_and_out_through_the_test_provider(browser, signed_in_app):
    app_url, provider_url, log = signed_in_app

    def expect_text(page, text: str) -> None:
        try:
            page.get_by_text(text, exact=True).wait_for(timeout=DEFAULT_TIMEOUT_MS)
        except Exception as exc:  # say what the server said: a failed token exchange is logged
            raise AssertionError(f"{text!r} not shown at {page.url}\n--- server log ---\n"
                                 f"{log.read_text(errors='replace')[-4000:]}") from exc

    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, app_url, provider_url, "alice")
        expect_text(page, "hello alice@example.test")
        assert {c["name"] for c in context.cookies(app_url)} >= {"_streamlit_user"}

        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="Log in").wait_for(timeout=DEFAULT_TIMEOUT_MS)
        wait_for_app(page)
        assert page.get_by_text("hello alice@example.test").count() == 0
        assert "_streamlit_user" not in {c["name"] for c in context.cookies(app_url)}
    finally:
        context.close()

    context = browser.new_context()  # a new browser: nothing of Alice's session is left
    try:
        page = context.new_page()
        sign_in(page, app_url, provider_url, "bob")
        expect_text(page, "hello bob@example.test")
    finally:
        context.close()
