"""The reader's language: the sidebar's English / 简体中文 switch, remembered for the session
and in the address (``?lang=zh``, so a shared link opens in it), first taken from the browser's
preferred language. app.py calls ``choose_language`` before anything is drawn."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ..i18n import LANGUAGES, ask_language_with, from_locale, language, set_language, tr

CHOSEN = "language"          # the session's language
SWITCH = "language_switch"   # the sidebar's widget


def _session_language() -> str | None:
    """The session's language, or None where there is no session (a background thread, a
    training's worker process): asked without touching the session there, which would log
    Streamlit's warnings for each sentence."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    try:
        return st.session_state.get(CHOSEN)
    except Exception:
        return None


ask_language_with(_session_language)  # callbacks run before app.py sets the language


def choose_language() -> str:
    """The language of this run: the address's ``lang`` if it names one, else the session's
    choice, else the browser's; kept in the session and, where it is not the browser's own,
    written into the address (a page opened from the navigation keeps it)."""
    written = st.query_params.get("lang")  # "zh", "en", or a locale tag such as zh-CN
    asked = written if written in LANGUAGES else (
        "zh" if written and from_locale(written) == "zh" else None)
    # None when a run comes without the browser's context (a rerun the server starts): then
    # English for this run, nothing remembered, and the next run with the context decides.
    browser = None if st.context.locale is None else from_locale(st.context.locale)
    if asked in LANGUAGES:
        st.session_state[CHOSEN] = asked
    elif CHOSEN not in st.session_state and browser is not None:
        st.session_state[CHOSEN] = browser
    code = set_language(st.session_state.get(CHOSEN, "en"))
    if written != code and CHOSEN in st.session_state and (written is not None or code != browser):
        st.query_params["lang"] = code
    return code


TRANSLATED = "translated_widgets"  # the keys of widgets whose options show translated words


def translated(key: str) -> str:
    """``key``, noted as a choice widget whose options are shown in the reader's language.
    Streamlit keeps such a choice as the words it shows; after a language switch those words
    are no option any more and the choice would fall back to the first one (an upload to the
    first sample). The switch sets each such choice again, as the value it stands for."""
    st.session_state.setdefault(TRANSLATED, set()).add(key)
    return key


def language_switch() -> None:
    """English / 简体中文 at the top of the sidebar."""
    def switched():
        st.session_state[CHOSEN] = st.session_state[SWITCH]
        st.query_params["lang"] = st.session_state[SWITCH]  # the address says it from now on
        for key in st.session_state.get(TRANSLATED, ()):
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]  # shown in the new words

    st.session_state[SWITCH] = st.session_state.get(CHOSEN, language())
    st.sidebar.radio(tr("Language"), list(LANGUAGES), format_func=LANGUAGES.get,
                     horizontal=True, key=SWITCH, on_change=switched)


def choices_placeholder(options) -> str:
    """What an empty multiselect says, in the reader's language (Streamlit writes its own in
    English: "Choose options", "No options to select")."""
    return tr("Choose options") if len(options) else tr("No options to select")


def select_all() -> bool:
    """Whether a multiselect offers Streamlit's "Select all", which it writes in English only:
    to English readers."""
    return language() == "en"


def uploader_words(key: str, types) -> None:
    """The file uploader ``key``'s own words in the reader's language. Streamlit writes its
    button ("Upload") and its limits ("50MB per file • CSV, TXT") in English only, so in
    Chinese a style hides them and writes the Chinese in their place."""
    if language() == "en":
        return
    size = st.get_option("server.maxUploadSize")
    limit = (tr("{size}MB per file • {types}", size=size,
                types=tr(", ").join(t.upper() for t in types)) if types else
             tr("{size}MB per file", size=size))
    button = tr("Upload")
    zone = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    st.html(f"""<style>
{zone} button [data-testid="stMarkdownContainer"] p,
{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0}}
{zone} button [data-testid="stMarkdownContainer"] p::after {{
  content: "{_css(button)}"; font-size: 14px}}
{zone} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: "{_css(limit)}"; font-size: 14px}}
</style>""")


def _css(text: str) -> str:
    """``text`` inside a CSS string: its quotes, backslashes and angle brackets escaped."""
    return "".join(f"\\{ord(c):x} " if c in '"\\<>' or ord(c) < 32 else c for c in text)
