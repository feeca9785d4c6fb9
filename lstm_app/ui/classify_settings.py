"""The Classify page's settings: the classifier's settings table laid out, and the config the
widgets describe with the columns picked above."""

from __future__ import annotations

import streamlit as st

from ..i18n import N_
from ..classify.settings import ClassifyConfig
from ..tasks import CLASSIFY as TASK
from .keys import CLASSIFY as KEYS
from .markdown import plain
from .settings_form import config_from_settings, init_settings, settings_form

BASIC = ["level", "max_length", "hidden_size", "minutes"]
MORE = {N_("The network"): [["embedding_dim", "num_layers", "cell"],
                        ["bidirectional", "pooling", "dropout"]],
        N_("Training"): [["epochs", "batch_size", "lr", "patience"],
                     ["optimizer", "lr_schedule", "grad_clip"], ["class_weights"]],
        N_("The texts"): [["max_vocab", "val_size", "test_size", "seed"]]}


def start_settings() -> None:
    """The widgets' values, the defaults until the user (or a reopened run) changes them."""
    init_settings(TASK, KEYS)


def classify_settings(text_col: str, label_col: str) -> ClassifyConfig | None:
    """Render the settings and return the config they describe with the columns picked, or
    None, with the reason shown, if they do not make one."""
    settings_form(TASK, KEYS, BASIC, MORE)
    try:
        return config_from_settings(TASK, KEYS, fixed={"text_col": text_col,
                                                       "label_col": label_col})
    except ValueError as error:
        st.error(plain(error))
        return None
