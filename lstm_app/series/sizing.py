"""Fitting the forecaster to the series: the suggested network size, and the weights-to-windows
advice.

A network with far more weights than training windows can learn each window by heart instead of
the pattern they share. The suggestion takes the largest of a few hidden sizes, up to the
default 32 (measured on the samples and ETTh1), whose weights stay within ``TOO_BIG`` per
training window, so that the page never warns against its own settings.
"""

from __future__ import annotations

import numpy as np
import torch

from ..i18n import sentences, tr
from .loading import SeriesData
from .known import input_names
from .model import build_forecaster, count_parameters
from .trained import build_single
from .panel import PanelData
from .panel_future import check_plan
from .panel_notices import too_short
from .panel_pipeline import panel_calendar, resolve_panel
from .panel_windows import span_windows, split_panel
from .pipeline import check_changes, resolve
from .settings import ForecastConfig
from .window_choice import lookback_by_horizon
from .windows import split_rows, window_ids

TOO_BIG = 200                  # weights per training window above which it can memorise
HIDDEN_SIZES = (4, 8, 16, 32)  # the sizes the suggestion picks from, smallest first
STEADY = 0.1                   # season means spread below this share of the series': steady


def training_windows(series: SeriesData | PanelData, config: ForecastConfig) -> int:
    """How many windows the training span of ``series`` (of every series of a panel) holds
    with these settings (a ValueError in plain words when they do not fit the series)."""
    if isinstance(series, PanelData):
        resolved = resolve_panel(series, config)
        lookback, horizon = resolved.lookback, resolved.horizon
        split = split_panel(series, config.val_size, config.test_size, horizon)
        trainable = split.trainable(lookback, horizon)
        if not trainable.any():
            raise ValueError(too_short(series, split, lookback, horizon))
        check_plan(series, resolved.known_covariates, horizon, lookback)  # Train waits for it
        return len(span_windows(split, split.starts, split.val, lookback, horizon, trainable)[0])
    check_changes(series)
    resolved = resolve(series, config)
    split, _ = split_rows(len(series.frame), config.val_size, config.test_size,
                          resolved.lookback, resolved.horizon, column=series.value_col,
                          lookback_for=lookback_by_horizon(series, config))
    return len(window_ids(split.train, resolved.lookback, resolved.horizon))


def count_weights(series: SeriesData | PanelData, config: ForecastConfig) -> int:
    """The number of weights of the network ``config`` describes for ``series`` or a panel
    (counted on the meta device, not allocated)."""
    with torch.device("meta"):
        if isinstance(series, PanelData):
            dated = panel_calendar(series, config) + bool(config.holidays)  # read ahead too
            known = dated + len(config.known_covariates)
            return count_parameters(build_forecaster(resolve_panel(series, config),
                                                     series.n_series, dated, known))
        resolved = resolve(series, config)
        return count_parameters(build_single(resolved, input_names(series, resolved)))


def suggested_config(series: SeriesData | PanelData, given: dict | None = None) -> ForecastConfig:
    """The config for ``series``: the settings ``given`` leaves out take their defaults, the
    hidden size the largest the training windows can fill, and lookback and horizon are left to
    the data ("auto"); ``suggested`` names what was chosen for the data. A panel with a season
    also learns changes from one season back (measured on M4 hourly: MASE 1.36 without, 0.96
    with), and every panel reads a window that moves faster than its series' usual change in
    the window's own units (M4 weekly: 2.62 without, 2.55 with). One series whose level holds
    steady reads levels, not changes from its last value (``steady_level``). The page and the
    command line both start from it."""
    given = dict(given or {})
    if isinstance(series, PanelData):
        extra = {name: value for name, value in [
            ("season_anchor", "auto" if series.season_length else None),
            ("window_scale", True)] if name not in given and value is not None}
    else:
        extra = ({"anchor_last": False} if "anchor_last" not in given
                 and not given.get("season_anchor") and steady_level(series, given) else {})
    if extra:
        config = suggested_config(series, {**given, **extra})
        return ForecastConfig(**{**config.__dict__, "suggested": (*config.suggested, *extra)})
    config = ForecastConfig(**given)
    if "hidden_size" in given:
        return config
    try:
        windows = training_windows(series, config)
    except ValueError:
        return config  # the settings do not fit the series: Train will say why
    fits = [h for h in HIDDEN_SIZES
            if count_weights(series, ForecastConfig(**{**given, "hidden_size": h}))
            <= TOO_BIG * windows]
    hidden = max(fits, default=HIDDEN_SIZES[0])
    return ForecastConfig(**{**given, "hidden_size": hidden, "suggested": ("hidden_size",)})


def steady_level(series: SeriesData, given: dict) -> bool:
    """Whether the series' level holds still over its training span: the means of its whole
    seasons there spread by less than ``STEADY`` of the series' own spread (the noisy sine 0.007;
    the airline's growth 0.92, the daily sales 0.40, ETTh1's temperature 0.98). There, changes
    from the last value carry that one value's noise into every step of the forecast, and the
    network does better reading levels (the noisy sine's test MASE 0.77 against 0.87, seeds 0
    and 1). Without a season, or with fewer than two whole seasons to compare, it says no."""
    m = series.season_length or 0
    if m < 2:
        return False
    try:
        resolved = resolve(series, ForecastConfig(**given))
        split, _ = split_rows(len(series.frame), resolved.val_size, resolved.test_size,
                              resolved.lookback, resolved.horizon, column=series.value_col)
    except ValueError:
        return False  # the settings do not fit the series: Train will say why
    y = series.frame[series.value_col].to_numpy(dtype=np.float64)[split.train[0]:split.train[1]]
    seasons = len(y) // m
    spread = float(np.std(y))
    if seasons < 2 or not spread > 0:
        return False
    means = y[len(y) - seasons * m:].reshape(seasons, m).mean(axis=1)
    return bool(np.std(means) < STEADY * spread)


def size_advice(weights: int, windows: int, num_layers: int) -> tuple[str, str]:
    """("ok" | "too_big", one plain sentence) on the weights against the training windows."""
    head = tr("The network has **{weights:,}** weights to learn from **{windows:,}** training "
              "windows.", weights=weights, windows=windows)
    if not windows or weights <= TOO_BIG * windows:
        return "ok", head
    advice = (tr("That is far too large for this data: it can memorise instead of learn. Try "
                 "fewer hidden units or a single layer.") if num_layers > 1 else
              tr("That is far too large for this data: it can memorise instead of learn. Try "
                 "fewer hidden units."))
    return "too_big", sentences(head, advice)
