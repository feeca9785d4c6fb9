"""A panel as one global LSTM reads it: the split by time (the same cut-off for every series),
each series scaled on its own training span, and the windows of every series as views of one
tensor (a window never crosses from one series into the next).

Rows are the panel's rows (series after series). Series i has rows [starts[i], ends[i]) split
into training [starts[i], val[i]), validation [val[i], test[i]) and test [test[i], ends[i]).
With dates, validation and test begin at the same date for every series (the last
``val_size`` and ``test_size`` slots of the panel's time axis); in row order, every series
keeps its own last rows for them (the M4 competition's rule). All of it is computed for every
series at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .panel import PanelData
from .panel_grid import ranges, within
from .panel_future import network_rows
from .panel_scores import mase_scales
from .windows import rows_for, spread_or_one


@dataclass(frozen=True)
class PanelSplit:
    starts: np.ndarray  # (series,) first row of each series
    val: np.ndarray  # (series,) first validation row
    test: np.ndarray  # (series,) first test row
    ends: np.ndarray  # (series,) one past the last row

    def trainable(self, lookback: int, horizon: int) -> np.ndarray:
        """The series with a training window of their own (before the validation span)."""
        return self.val - self.starts >= lookback + horizon

    def scorable(self, lookback: int, horizon: int) -> np.ndarray:
        """The series with a whole horizon in the test span and a lookback before it, and a
        training span of their own (a series that starts later is scaled by all its rows, its
        test span among them, so scoring it would score what it was scaled on)."""
        return ((self.ends - self.test >= horizon) & (self.test - self.starts >= lookback)
                & (self.val > self.starts))


def split_panel(panel: PanelData, val_size: float, test_size: float,
                horizon: int) -> PanelSplit:
    """Validation and test spans of at least one horizon each, cut at the same time for every
    series (with dates) or at the same distance from each series' end (row order)."""
    starts, ends = panel.starts[:-1], panel.starts[1:]
    if panel.freq is None:
        typical = int(np.median(panel.lengths))
        n_test = max(rows_for(test_size, typical), horizon)
        n_val = max(rows_for(val_size, typical), horizon)
        test = np.maximum(ends - n_test, starts)
        return PanelSplit(starts, np.maximum(test - n_val, starts), test, ends)
    axis = panel.times.unique().sort_values()  # every slot some series has
    n_test = max(rows_for(test_size, len(axis)), horizon)
    n_val = max(rows_for(val_size, len(axis)), horizon)
    test_cut = axis[max(len(axis) - n_test, 0)]
    val_cut = axis[max(len(axis) - n_test - n_val, 0)]
    code = np.repeat(np.arange(len(starts)), panel.lengths)
    before = lambda cut: starts + np.bincount(code, weights=panel.times < cut,
                                              minlength=len(starts)).astype(np.int64)
    return PanelSplit(starts, before(val_cut), before(test_cut), ends)


def fit_scalers(values: np.ndarray, split: PanelSplit,
                season: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each series' mean and spread per column, ``(series, columns)``, from its training rows
    only (a constant series is only centred). The value's spread is its typical change from one
    season back (the MASE scale: so the loss weighs each series as its MASE does), or its
    standard deviation where that change is zero. A series that starts after the validation
    cut has no training rows: it is never scored, and its forecast reads it scaled by all the
    rows it has."""
    mean, std = _scalers(values, split.starts, split.val, season)
    late = split.val <= split.starts
    if late.any():
        whole_mean, whole_std = _scalers(values, split.starts, split.ends, season)
        mean[late], std[late] = whole_mean[late], whole_std[late]
    return mean, std


def _scalers(values: np.ndarray, first: np.ndarray, last: np.ndarray,
             season: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Means and spreads over the rows [first, last) of each series."""
    n = len(first)
    counts = np.maximum(last - first, 1)
    code = np.repeat(np.arange(n), np.maximum(last - first, 0))
    x = values[ranges(first, last)]
    mean = np.stack([np.bincount(code, weights=x[:, j], minlength=n) for j in range(x.shape[1])],
                    axis=1) / counts[:, None]
    centred = x - mean[code]
    var = np.stack([np.bincount(code, weights=centred[:, j] ** 2, minlength=n)
                    for j in range(x.shape[1])], axis=1) / counts[:, None]
    std = np.sqrt(var)
    change = mase_scales(values[:, 0], first, last, season)
    std[:, 0] = np.where(np.isfinite(change), change, std[:, 0])
    return mean, spread_or_one(std, mean)


def network_inputs(panel: PanelData, mean: np.ndarray, std: np.ndarray, calendar: int,
                   ids: bool, device: torch.device, only: int | None = None,
                   holidays: str = "") -> torch.Tensor:
    """``network_rows`` (panel_future.py) as one float32 tensor on ``device``."""
    return torch.as_tensor(network_rows(panel, mean, std, calendar, ids, only,
                                        holidays=holidays), device=device)


def trained_inputs(trained, panel: PanelData, device: torch.device,
                   only: int | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """What ``trained`` (a TrainedPanel) reads of ``panel`` (or of its series ``only``): the
    rows (``network_inputs``), and for every window (a window's id is its first row) the
    inputs it reads over the horizon ``(windows, horizon, known)``, views of those rows; None
    when it reads none ahead."""
    config = trained.config
    values = network_inputs(panel, trained.mean, trained.std, trained.calendar,
                            config.id_embedding > 0, device, only, config.holidays)
    return values, ahead_windows(values, config.lookback, config.horizon, trained.ahead_columns)


def ahead_windows(values: torch.Tensor, lookback: int, horizon: int,
                  columns: list[int]) -> torch.Tensor | None:
    """Every window's inputs of ``columns`` over its horizon ``(windows, horizon, columns)``:
    views of one copy of those columns; None for none."""
    if not columns:
        return None
    ahead = values[lookback:, columns]
    if len(ahead) < horizon:  # (rows of one series too short for a whole window: none)
        return ahead.new_zeros((0, horizon, len(columns)))
    return ahead.unfold(0, horizon, 1).transpose(1, 2)


def span_windows(split: PanelSplit, first: np.ndarray, last: np.ndarray, lookback: int,
                 horizon: int, series: np.ndarray, stride: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The windows whose targets lie in [first, last) of each chosen series (a boolean mask
    over the series): their ids (a window's id is its first input row) and series numbers."""
    lo = np.maximum(first, split.starts + lookback)
    counts = np.where(series, np.maximum(0, (last - horizon - lo) // stride + 1), 0)
    origins = np.repeat(lo, counts) + within(counts) * stride
    return origins - lookback, np.repeat(np.arange(len(counts)), counts)
