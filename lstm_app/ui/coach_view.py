"""The coach on the Forecast and Text pages: its diagnoses of the run shown, each with one click
that changes the settings (for the next Train)."""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from ..series.evaluation import lstm_wins
from ..series.model import count_parameters
from ..series.windows import window_ids
from ..text import sizing
from ..training.coach import Diagnosis, diagnose
from . import forecast_settings, text_settings

FORECAST_KEYS = {"hidden_size": "fc_hidden", "dropout": "fc_dropout", "lr": "fc_lr",
                 "epochs": "fc_epochs", "lookback": "fc_lookback"}
TEXT_KEYS = {k: text_settings.KEYS[k] for k in ("hidden_size", "dropout", "lr", "epochs")}


def forecast_coach(result) -> None:
    config = result.config
    windows = len(window_ids(result.split.train, config.lookback, config.horizon))
    found = diagnose(result.training.history, asdict(config), result.training.stop_reason,
                     weights=count_parameters(result.model), examples=windows,
                     too_big_ratio=forecast_settings.TOO_BIG,
                     beats_seasonal_naive=lstm_wins(result.test, result.baselines),
                     season=result.series.season_length)
    _show(found, FORECAST_KEYS, forecast_settings.LEARNING_RATES, "fc")


def text_coach(result) -> None:
    config = result.config
    found = diagnose(result.training.history, asdict(config), result.training.stop_reason,
                     weights=count_parameters(result.model),
                     examples=result.counts["train_tokens"], too_big_ratio=sizing.TOO_BIG)
    if result.counts["train_tokens"] < sizing.TINY_TOKENS:
        # A tiny text is meant to be learnt by heart: overfitting and size are the point.
        found = [d for d in found if d.kind not in ("overfitting", "too_big")]
    _show(found, TEXT_KEYS, text_settings.LEARNING_RATES, "tx")


def _show(found: list[Diagnosis], keys: dict, rates: list[float], prefix: str) -> None:
    st.subheader("Coach")
    if not found:
        st.caption("The coach read the curves and sees nothing to change: no overfitting, no "
                   "blow-up, no plateau, and the model's size suits the data.")
        return
    for i, d in enumerate(found):
        with st.container(border=True):
            st.markdown(f"**{d.title}.** {d.explanation}")
            changes = {k: _allowed(k, v, rates) for k, v in d.changes.items() if k in keys}
            label = d.change_label
            if "lr" in changes and changes["lr"] != d.changes["lr"]:  # snapped to the slider
                label = f"{label.rsplit('→', 1)[0]}→ {changes['lr']:g}"
            if changes:
                st.button(f"Apply: {label}", key=f"{prefix}_coach_{i}",
                          on_click=_apply, args=(changes, keys),
                          help="Changes the settings above; press Train to try them.")


def _allowed(name: str, value, rates: list[float]):
    """The learning-rate slider offers a few values: take the one nearest the advice."""
    if name == "lr":
        return min(rates, key=lambda r: abs(r - value) / r)
    return value


def _apply(changes: dict, keys: dict) -> None:
    for name, value in changes.items():
        st.session_state[keys[name]] = value
    st.toast("Settings changed: press Train to try them.")
