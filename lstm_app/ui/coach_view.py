"""The coach on the Forecast and Text pages: its diagnoses of the run shown, each with one click
that changes the settings (for the next Train)."""

from __future__ import annotations

from dataclasses import asdict

import streamlit as st

from ..series.evaluation import lstm_wins
from ..series.model import count_parameters
from ..series.windows import window_ids
from ..tasks import FORECAST, TEXT, Task
from ..text import sizing
from ..training.coach import Diagnosis, diagnose
from . import forecast_settings
from .keys import FORECAST as FORECAST_KEYS
from .keys import TEXT as TEXT_KEYS
from .keys import TaskKeys
from .settings_form import nearest


def forecast_coach(result) -> None:
    config = result.config
    windows = len(window_ids(result.split.train, config.lookback, config.horizon))
    found = diagnose(result.training.history, asdict(config), result.training.stop_reason,
                     weights=count_parameters(result.model), examples=windows,
                     too_big_ratio=forecast_settings.TOO_BIG,
                     beats_seasonal_naive=lstm_wins(result.test, result.baselines),
                     season=result.series.season_length)
    _show(found, FORECAST, FORECAST_KEYS)


def text_coach(result) -> None:
    config = result.config
    found = diagnose(result.training.history, asdict(config), result.training.stop_reason,
                     weights=count_parameters(result.model),
                     examples=result.counts.train_tokens, too_big_ratio=sizing.TOO_BIG)
    if result.counts.train_tokens < sizing.TINY_TOKENS:
        # A tiny text is meant to be learnt by heart: overfitting and size are the point.
        found = [d for d in found if d.kind not in ("overfitting", "too_big")]
    _show(found, TEXT, TEXT_KEYS)


def _show(found: list[Diagnosis], task: Task, keys: TaskKeys) -> None:
    st.subheader("Coach")
    if not found:
        st.caption("The coach read the curves and sees nothing to change: no overfitting, no "
                   "blow-up, no plateau, and the model's size suits the data.")
        return
    for i, d in enumerate(found):
        with st.container(border=True):
            st.markdown(f"**{d.title}.** {d.explanation}")
            changes = {k: _allowed(task, k, v) for k, v in d.changes.items()
                       if task.settings[k].on_page}
            label = d.change_label
            if "lr" in changes and changes["lr"] != d.changes["lr"]:  # snapped to the slider
                label = f"{label.rsplit('→', 1)[0]}→ {changes['lr']:g}"
            if changes:
                st.button(f"Apply: {label}", key=keys.coach(i),
                          on_click=_apply, args=(changes, keys),
                          help="Changes the settings above; press Train to try them.")


def _allowed(task: Task, name: str, value):
    """The value as the page's widget can hold it: the nearest learning rate its slider offers,
    a number within the setting's bounds."""
    row = task.settings[name]
    if row.presets:
        return nearest(row.presets, value)
    if row.kind in (int, float):
        return min(max(value, row.low), row.high)
    return value


def _apply(changes: dict, keys: TaskKeys) -> None:
    for name, value in changes.items():
        st.session_state[keys.setting(name)] = value
    st.toast("Settings changed: press Train to try them.")
