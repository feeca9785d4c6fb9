"""What a live page shows after each epoch of a panel's training: the one-step-ahead validation
forecast of a few series, and every method's mean MASE over the validation windows of all
series (their units differ, so MASE, not MAE, compares them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from .panel import PanelData
from .panel_scores import mase_scales, panel_baselines, per_series

SHOWN = 3  # series drawn live


@dataclass(frozen=True)
class PanelLive:
    ids: tuple[str, ...]                # the series drawn
    times: tuple[pd.Index, ...]         # each one's validation forecast origins
    actual: tuple[np.ndarray, ...]      # what happened there
    forecast: tuple[np.ndarray, ...]    # the LSTM's one-step-ahead forecast now
    scoreboard: dict[str, float]        # "lstm" and each baseline -> mean validation MASE
    alike: bool = False                 # every series as long: none of them is "the longest"


class PanelLiveValidation:
    """Turns each epoch's validation predictions (scaled, every series) into a ``PanelLive``
    for ``callback``; the baselines' scores on the same windows are computed once, up front.
    The series drawn are the ``SHOWN`` longest (the ones with most to see)."""

    def __init__(self, panel: PanelData, val_ids: np.ndarray, val_series: np.ndarray,
                 first: np.ndarray, last: np.ndarray, lookback: int, horizon: int,
                 mean: np.ndarray, std: np.ndarray,
                 callback: Callable[[PanelLive], None] | None):
        self.callback = callback
        if callback is None or not len(val_ids):
            self.callback = None
            return
        y, n = panel.values[:, 0], panel.n_series
        origins = val_ids + lookback
        self.actual = y[origins[:, None] + np.arange(horizon)]
        self.series, self.n = val_series, n
        self.mean, self.std = mean[val_series, :1], std[val_series, :1]
        self.scale = mase_scales(y, first, last, panel.season_length)
        baselines = panel_baselines(y, origins, panel.starts[val_series], horizon,
                                    panel.season_length)
        self.board = {name: self._mean_mase(pred) for name, pred in baselines.items()}
        present = np.unique(val_series)
        self.shown = present[np.argsort(-panel.lengths[present], kind="stable")][:SHOWN]
        self.rows = [np.flatnonzero(val_series == s) for s in self.shown]
        self.ids = tuple(panel.ids[s] for s in self.shown)
        self.times = tuple(pd.Index(panel.times[origins[r]]) for r in self.rows)
        self.alike = bool(panel.lengths.min() == panel.lengths.max())

    def _mean_mase(self, pred: np.ndarray) -> float:
        mase = per_series(self.actual, pred, self.series, self.n, self.scale)["mase"]
        return float(mase.mean()) if mase.notna().any() else float("nan")

    def update(self, pred_scaled: torch.Tensor | np.ndarray) -> None:
        if self.callback is None:
            return
        scaled = (pred_scaled.cpu().double().numpy() if isinstance(pred_scaled, torch.Tensor)
                  else pred_scaled)
        pred = scaled * self.std + self.mean
        self.callback(PanelLive(
            self.ids, self.times, tuple(self.actual[r, 0] for r in self.rows),
            tuple(pred[r, 0] for r in self.rows),
            {"lstm": self._mean_mase(pred), **self.board}, self.alike))
