"""Choosing the text on the Text page: a sample or an upload, what the app read, and its size."""

from __future__ import annotations

import streamlit as st

from ..i18n import N_, language, tr, trn
from ..quoting import no_bidi
from ..text.corpus import read_text
from ..runs.recording import data_fingerprint
from ..tasks import TEXT
from ..text.spans import TextSummary
from .keys import TEXT as KEYS
from .markdown import plain
from .source_picker import Chosen, SourceWidgets, choose_source

PREVIEW_CHARS = 1500


@st.cache_data(show_spinner=False, max_entries=16)
def _read_cached(_data: bytes, digest: str, language: str) -> tuple[str, list[str]]:
    return read_text(_data)


def read_cached(data: bytes, digest: str) -> tuple[str, list[str]]:
    """The text, read once per data (its ``digest``: the bytes are not hashed) and language
    (the notices are in the reader's)."""
    with st.spinner(tr("Reading the text…")):
        return _read_cached(data, digest, language())


SOURCE = SourceWidgets(
    keys=KEYS, kind="text", label=N_("Text"), own_choice=N_("My own text"),
    radio_help=N_("Try a sample first, or upload any plain-text file, in any language."),
    upload_label=N_("Upload a text file"), upload_types=(),  # any: its bytes decide
    upload_help=N_("Any plain text: a book, song lyrics, code, names, your own writing. "
                   "UTF-8 is best; UTF-16, Chinese GBK and Big5, and Windows-1252 are read too."),
    empty_hint=N_("Upload a .txt file to start, or pick a sample above."))


def choose_text() -> Chosen | None:
    """A sample or an upload, and its text as read; None (and why) when there is none to use."""
    source = choose_source(SOURCE)
    text = None if source is None else read_source(source)
    if text is None:
        return None
    return Chosen(text, source["name"], fingerprint_cached(source["data"], source["digest"]),
                  source.get("settings", {}))


@st.cache_data(show_spinner=False, max_entries=16)
def fingerprint_cached(_data: bytes, digest: str) -> str:
    return data_fingerprint(TEXT, read_cached(_data, digest)[0])


def read_source(source: dict) -> str | None:
    """The text of ``source``, with the reader's notices shown; a refusal is shown, not raised."""
    try:
        text, notices = read_cached(source["data"], source["digest"])
    except ValueError as error:
        st.error(plain(error))
        return None
    for notice in notices:
        st.caption(f"ℹ️ {plain(notice)}")
    return text


def show_text(name: str, text: str, summary: TextSummary) -> None:
    """The size of the text and of its vocabulary, the level's notices, and the opening lines."""
    values = dict(name=plain(name), characters=summary.characters,
                  vocab=summary.vocab_size - 1,  # less the unknown token
                  train=summary.train_tokens, val=summary.val_tokens, kept=summary.val_chars)
    if not summary.train_tokens:  # too short to split: the refusal below says what to do
        st.markdown(trn("**{name}**: {count:,} character.", "**{name}**: {count:,} characters.",
                        summary.characters, name=values["name"]))
    elif summary.level == "char":
        st.markdown(trn("**{name}**: {characters:,} characters on one line; a vocabulary of "
                        "**{vocab:,}** distinct characters; **{train:,}** training and {val:,} "
                        "validation characters (the last {kept:,} characters are kept for "
                        "validation).",
                        "**{name}**: {characters:,} characters on {count:,} lines; a vocabulary "
                        "of **{vocab:,}** distinct characters; **{train:,}** training and "
                        "{val:,} validation characters (the last {kept:,} characters are kept "
                        "for validation).", summary.lines, **values))
    else:
        st.markdown(trn("**{name}**: {characters:,} characters on one line; a vocabulary of "
                        "**{vocab:,}** distinct words, punctuation marks and spaces; "
                        "**{train:,}** training and {val:,} validation tokens (the last {kept:,} "
                        "characters are kept for validation).",
                        "**{name}**: {characters:,} characters on {count:,} lines; a vocabulary "
                        "of **{vocab:,}** distinct words, punctuation marks and spaces; "
                        "**{train:,}** training and {val:,} validation tokens (the last "
                        "{kept:,} characters are kept for validation).", summary.lines,
                        **values))
    for notice in summary.notices:
        st.info(plain(notice), icon=":material/translate:")
    with st.expander(tr("The text as read")):
        more = len(text) - PREVIEW_CHARS
        st.text(no_bidi(text[:PREVIEW_CHARS]) + ("\n" + tr("… and {count:,} more characters", count=more)
                                        if more > 0 else ""))
