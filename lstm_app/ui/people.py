"""Sign-in for a team (Streamlit's ``st.login``, OpenID Connect): who is using the app.

Team mode is on when ``.streamlit/secrets.toml`` has an ``[auth]`` section (README "Serving a
team"); then every page asks a visitor to sign in first, runs belong to whoever trained them,
and the run lists and links show one's own runs and those shared with one (``runs/access.py``).
Without it, the app serves one person as before: ``current_user()`` is None everywhere.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from ..i18n import tr
from ..runs.access import identity, visible
from .markdown import plain

OPENED = "people_opened_by_link"  # the runs this session opened through a share link


def team_mode() -> bool:
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def current_user() -> str | None:
    """The signed-in person as ``identity`` reads their provider's claims (an e-mail address,
    else their subject); None without team mode. One the provider names neither way is told
    so, and the page stops: nobody is taken for somebody else, or for everybody."""
    if not team_mode() or not st.user.is_logged_in:
        return None
    person = identity(st.user)
    if person is None:
        st.error(tr("Your sign-in provider sent neither an e-mail address nor a subject, so the "
                    "app cannot tell which runs are yours; ask whoever runs this server to check "
                    "its sign-in settings."))
        st.stop()
    return person


def require_sign_in(pages: list | None = None) -> None:
    """In team mode, the sign-in screen for a visitor not signed in: the page stops there.
    app.py calls it with its ``pages`` before running any, and every page calls it again
    (``use_app_navigation``), so that no way into a page skips it. Given the pages, they are
    registered hidden and not run: the address still names a page (no "page not found"), and
    no list of pages shows before sign-in."""
    if not team_mode() or st.user.is_logged_in:
        return
    if pages is not None:
        st.navigation(pages, position="hidden")
    st.title("LSTM Studio")
    st.markdown(tr("This LSTM Studio is shared by a team: sign in to train models and see your "
                   "runs. A link someone shared with you opens once you are signed in (open it "
                   "again after signing in)."))
    st.button(tr("Sign in"), type="primary", on_click=st.login, key="people_sign_in")
    st.stop()


def signed_in_sidebar() -> None:
    """Who is signed in, and a way out (team mode only)."""
    if current_user() is None:
        return
    with st.sidebar:
        st.caption(tr("Signed in as **{person}**", person=plain(current_user())))
        st.button(tr("Sign out"), on_click=st.logout, key="people_sign_out")


def shown_runs(runs: list) -> list:
    """The runs this person's lists show: all without sign-in; with it, their own, those shared
    with everyone, and those they opened through a share link."""
    return visible(runs, current_user(), opened_by_link())


def opened_by_link() -> dict[str, str]:
    """The runs this session opened through a share link, each with the link's token (shown in
    its lists too, while the link holds)."""
    return st.session_state.setdefault(OPENED, {})
