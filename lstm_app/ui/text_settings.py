"""The Text page's settings: suggested for each new text's size (the same suggestion as the
command line's), the language model's settings table laid out, and the size advice."""

from __future__ import annotations

import streamlit as st

from ..i18n import N_, language, listing, tr
from ..tasks import TEXT as TASK
from ..text.settings import TextConfig
from ..text.sizing import count_weights, size_advice, suggested_config
from ..text.spans import TextSummary, check_sizes, summarize
from .keys import TEXT as KEYS
from .markdown import plain
from .settings_form import (config_from_settings, init_settings, own_choices, settings_form,
                            suggest)

BASIC = ["level", "hidden_size", "epochs", "minutes"]
MORE = {N_("The network"): [["seq_len", "num_layers", "embedding_dim"], ["dropout", "cell"]],
        N_("Training"): [["batch_size", "lr", "patience", "keep_best"],
                     ["optimizer", "lr_schedule", "grad_clip"]],
        N_("The text"): [["val_fraction", "max_vocab", "seed"], ["prompt"]]}


def summarize_cached(text: str, level: str, max_vocab: int, val_fraction: float) -> TextSummary:
    """The text's summary, made once per text, settings and language (its notices)."""
    return _summarize_cached(text, level, max_vocab, val_fraction, language())


@st.cache_data(show_spinner=False, max_entries=32)
def _summarize_cached(text: str, level: str, max_vocab: int, val_fraction: float,
                      lang: str) -> TextSummary:
    return summarize(text, level, max_vocab, val_fraction)


@st.cache_data(show_spinner=False, max_entries=16)
def suggestion_cached(text: str, given: dict) -> dict:
    """The settings suggested for ``text`` (with the sample's own ``given``), as a dict."""
    config = suggested_config(text, given)
    return {name: getattr(config, name) for name in (*config.suggested, *given)}


BASIS = ("level", "max_vocab", "val_fraction")  # what a suggestion is made for, besides the text


def suggest_for(source_id: str, text: str, sample_settings: dict) -> None:
    """The widgets set to the settings suggested for this text's size (see ``suggest``): for a
    new text, or for the same text at another level, vocabulary size or validation share."""
    init_settings(TASK, KEYS)
    state = st.session_state
    new_text = state.get(KEYS.suggested_for, (None,))[0] != source_id
    given = (dict(sample_settings) if new_text
             else {name: state[KEYS.setting(name)] for name in BASIS})

    def suggested() -> dict:
        with st.spinner(tr("Sizing the model for this text…")):  # shown if it takes a while
            return suggestion_cached(text, given)

    suggest(TASK, KEYS, source_id, {name: state[KEYS.setting(name)] for name in BASIS},
            suggested)


def current_summary(text: str) -> TextSummary:
    """The vocabulary and token counts for the level and spans the widgets hold now."""
    state = st.session_state
    with st.spinner(tr("Counting the vocabulary and tokens…")):  # shown only if it takes a while
        return summarize_cached(text, state[KEYS.setting("level")],
                                state[KEYS.setting("max_vocab")],
                                state[KEYS.setting("val_fraction")])


def text_settings() -> TextConfig | None:
    """Render the settings (their values live in the session) and return the config they
    describe, or None, with the reason shown, if they do not make one."""
    own, state = own_choices(TASK, KEYS), st.session_state
    if state.get(KEYS.reopened) is not None and state.get(KEYS.reopened) == state.get(
            KEYS.suggested_for):  # no suggestion made since a run was reopened
        st.caption(tr("The settings of the run you opened; change them freely for the next "
                      "training."))
    else:
        st.caption(tr("Suggested for this text's size; change them freely.") if not own else
                   tr("Suggested for this text's size, except what you chose yourself: "
                      "{settings}.", settings=listing(own)))
    settings_form(TASK, KEYS, BASIC, MORE,
                  {"prompt": dict(placeholder=tr("the text's first words"))})
    try:
        return config_from_settings(TASK, KEYS, suggestion=st.session_state.get(KEYS.suggestion))
    except ValueError as error:
        st.error(plain(error))
        return None


def model_size_note(summary: TextSummary, config: TextConfig) -> bool:
    """The weights against the training text, with advice; False (and why) if it cannot train."""
    try:
        check_sizes(summary.train_tokens, summary.val_tokens, config.batch_size)
    except ValueError as error:
        st.warning(plain(error))
        return False
    weights = count_weights(config, summary.vocab_size)
    verdict, sentence = size_advice(weights, summary.train_tokens, summary.level)
    (st.caption if verdict == "ok" else st.info)(sentence)
    return True
