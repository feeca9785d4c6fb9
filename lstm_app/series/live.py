"""What a live page shows after each epoch of a forecaster's training: its one-step-ahead forecast
on the validation span, and a scoreboard of validation errors against the baselines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from . import evaluation
from .loading import SeriesData
from .metrics import mae


@dataclass(frozen=True)
class ForecastLive:
    times: pd.Index                 # the validation span's forecast origins
    actual: np.ndarray              # (origins,) what happened there
    forecast: np.ndarray            # (origins,) the LSTM's one-step-ahead forecast now
    scoreboard: dict[str, float]    # "lstm" and each baseline -> validation MAE, in data units


class LiveValidation:
    """Turns the validation predictions of each epoch into a ``ForecastLive`` for ``callback``.

    The baselines' errors on the same windows are computed once, up front."""

    def __init__(self, series: SeriesData, y: np.ndarray, origins: np.ndarray, horizon: int,
                 unscale: Callable[[np.ndarray], np.ndarray],
                 callback: Callable[[ForecastLive], None] | None):
        self.callback, self.unscale = callback, unscale
        if callback is None:
            return
        steps = np.arange(horizon)
        self.actual = y[origins[:, None] + steps]                          # (windows, horizon)
        self.times = series.frame.index[origins]
        preds = evaluation.baseline_forecasts(y, origins, horizon, series.season_length)
        self.baseline_mae = {name: mae(self.actual, p) for name, p in preds.items()}

    def update(self, pred_scaled: torch.Tensor) -> None:
        if self.callback is None:
            return
        pred = self.unscale(pred_scaled.cpu().double().numpy())          # (windows, horizon)
        self.callback(ForecastLive(self.times, self.actual[:, 0], pred[:, 0],
                                   {"lstm": mae(self.actual, pred), **self.baseline_mae}))
