"""The Forecast page's settings: the forecaster's settings table laid out for this series, and the
weights-to-windows note."""

from __future__ import annotations

import streamlit as st
import torch

from ..series.loading import SeriesData
from ..series.model import build_forecaster, count_parameters
from ..series.pipeline import resolve, resolve_window
from ..series.settings import ForecastConfig
from ..series.windows import split_rows, window_ids
from ..tasks import FORECAST as TASK
from .keys import FORECAST as KEYS
from .settings_form import config_from_settings, init_settings, settings_form

TOO_BIG = 200  # weights per training window above which the model can simply memorise
BASIC = [["lookback", "horizon", "hidden_size", "num_layers"],
         ["dropout", "epochs", "batch_size", "patience"], ["cell", "lr"]]
ADVANCED = [["covariates"], ["optimizer", "lr_schedule", "grad_clip"],
            ["val_size", "test_size", "stride", "seed"]]


def forecast_settings(series: SeriesData) -> ForecastConfig | None:
    """Render the settings and return the config they describe (lookback/horizon may be "auto"),
    or None, with the reason shown, if they do not make one."""
    init_settings(TASK, KEYS)
    auto_lookback, auto_horizon = resolve_window(series, ForecastConfig())
    n = len(series.frame)
    limits = {
        "lookback": dict(max_value=n, placeholder=f"auto: {auto_lookback}"),
        "horizon": dict(max_value=max(1, n // 4), placeholder=f"auto: {auto_horizon}"),
        "covariates": dict(options=[c for c in series.numeric_columns if c != series.value_col]),
    }
    settings_form(TASK, KEYS, BASIC, ADVANCED, limits)
    try:
        return config_from_settings(TASK, KEYS, fixed=dict(value_col=series.value_col,
                                                           time_col=series.time_col))
    except ValueError as error:
        st.error(str(error))
        return None


def model_size_note(series: SeriesData, config: ForecastConfig) -> None:
    """The number of weights against the number of training windows, with a warning when far too big."""
    try:
        resolved = resolve(series, config)
        split, _ = split_rows(len(series.frame), config.val_size, config.test_size,
                              resolved.lookback, resolved.horizon, column=series.value_col)
    except ValueError as error:
        st.warning(str(error))  # the same sentence Train would give, before pressing it
        return
    windows = len(window_ids(split.train, resolved.lookback, resolved.horizon))
    with torch.device("meta"):  # counted, not allocated
        weights = count_parameters(build_forecaster(resolved))
    text = f"The network has **{weights:,}** weights to learn from **{windows:,}** training windows."
    if windows and weights > TOO_BIG * windows:
        st.warning(text + " That is far too large for this data: it can memorise instead of "
                          "learn. Try fewer hidden units or a single layer.")
    else:
        st.caption(text)
