"""What scoring a panel says besides the scores: the series too short to train on or to score,
a horizon the plans chose, the calendar inputs a frequency leaves out; and the sentence for a
panel with no series long enough to train on."""

from __future__ import annotations

import numpy as np

from ..i18n import trn
from ..quoting import listed
from .calendar import calendar_left_out
from .panel import PanelData
from .panel_trained import TrainedPanel
from .panel_windows import PanelSplit
from .settings import ForecastConfig
from .window_choice import auto_horizon


def scoring_notices(trained: TrainedPanel, panel: PanelData, split: PanelSplit,
                     trainable: np.ndarray, scorable: np.ndarray) -> list[str]:
    """The file's notices, then what the split, the plan and the calendar leave out."""
    config = trained.config
    notices = list(panel.notices) + _notices(panel, split, trainable, scorable, config.lookback,
                                             config.horizon)
    notices += _horizon_planned(panel, config)
    if config.calendar:
        notices += [n for n in [calendar_left_out(panel.freq, trained.calendar // 2)] if n]
    return notices


def too_short(panel, split, lookback, horizon) -> str:
    return trn("No series is long enough to train on: with lookback {lookback} and horizon "
               "{count} a series needs {needed} values before its validation and test spans (at "
               "least {count} value each), and the longest has {longest} there. Use longer "
               "series, or choose a shorter lookback or horizon, or smaller validation and test "
               "spans.",
               "No series is long enough to train on: with lookback {lookback} and horizon "
               "{count} a series needs {needed} values before its validation and test spans (at "
               "least {count} values each), and the longest has {longest} there. Use longer "
               "series, or choose a shorter lookback or horizon, or smaller validation and test "
               "spans.", horizon, lookback=lookback, needed=lookback + horizon,
               longest=int((split.val - split.starts).max()))


def _horizon_planned(panel: PanelData, config: ForecastConfig) -> list[str]:
    """The sentence for a horizon chosen for the user that the plans cut short."""
    typical = panel.series(panel.typical())
    if "horizon" not in config.suggested or not config.known_covariates or \
            config.horizon >= auto_horizon(len(typical.frame), typical.season_length):
        return []
    return [trn("Horizon {horizon} was chosen from the plans: each series forecast has {columns} "
                "planned for at least {count} step after its last value.", "Horizon {horizon} "
                "was chosen from the plans: each series forecast has {columns} planned for at "
                "least {count} steps after its last value.", config.horizon,
                horizon=config.horizon, columns=listed(config.known_covariates))]


def _notices(panel, split, trainable, scorable, lookback, horizon) -> list[str]:
    notices = []
    untrained = np.flatnonzero(~trainable)
    if len(untrained) and not (panel.lengths[untrained] >= lookback).any():  # rules forecast all
        notices.append(trn("{count:,} of {series:,} series is too short to train on (a window "
                           "needs {needed} values before the validation span): {names}.",
                           "{count:,} of {series:,} series are too short to train on (a window "
                           "needs {needed} values before the validation span): {names}.",
                           len(untrained), series=panel.n_series, needed=lookback + horizon,
                           names=listed([panel.ids[i] for i in untrained])))
    elif len(untrained):
        notices.append(trn("{count:,} of {series:,} series is too short to train on (a "
                           "window needs {needed} values before the validation span): {names}. "
                           "The model still forecasts it if it can read {lookback} values of it.",
                           "{count:,} of {series:,} series are too short to train on (a window "
                           "needs {needed} values before the validation span): {names}. The "
                           "model still forecasts those it can read {lookback} values of.",
                           len(untrained), series=panel.n_series, needed=lookback + horizon,
                           names=listed([panel.ids[i] for i in untrained]), lookback=lookback))
    unscored = np.flatnonzero(~scorable)
    if len(unscored):
        notices.append(trn("{count:,} series has no whole horizon in the test span, or no values "
                           "before the validation span (it ends early, starts late or is "
                           "short), so it is not scored: {names}.", "{count:,} series have no "
                           "whole horizon in the test span, or no values before the validation "
                           "span (they end early, start late or are short), so they are not "
                           "scored: {names}.", len(unscored),
                           names=listed([panel.ids[i] for i in unscored])))
    return notices
