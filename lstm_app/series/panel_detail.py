"""One series of a scored panel, in the single-series shapes the Forecast page draws: its data,
its test-span backtest (every origin, the baselines beside), its forecast and its what-if.
Computed when a series is opened, from that series' rows only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from . import evaluation
from .ahead import WhatIf
from .calendar import holiday_name
from .evaluation import backtest_frame
from .intervals import floored, future_table
from .known import future_index, trained_ranges
from .loading import SeriesData
from .panel_future import FAR, dated_rows, with_id_columns
from .panel_pipeline import PanelResult
from .panel_plan import plan_frame
from .panel_results import panel_forecast
from .panel_windows import span_windows, trained_inputs
from .pipeline import predict
from .windows import make_windows


@dataclass(frozen=True)
class PanelSeries:
    series: SeriesData
    backtest: pd.DataFrame | None  # None when the series has no whole horizon in the test span
    forecast: pd.DataFrame         # time, forecast, lower_80, upper_80, lower_95, upper_95
    scores: pd.Series              # its row of the panel's per-series table


def series_detail(result: PanelResult, i: int, method: str | None = None) -> PanelSeries:
    """Series ``i``'s data, backtest (with ``method``'s test forecasts and intervals where it
    is not the LSTM) and the forecast of ``method`` (the recommended one when None) after its
    last value."""
    trained, panel, split = result.trained, result.panel, result.split
    config = trained.config
    lookback, horizon = config.lookback, config.horizon
    series = panel.series(i)
    mine = np.zeros(panel.n_series, dtype=bool)
    mine[i] = True
    ids, _ = span_windows(split, split.test, split.ends, lookback, horizon,
                          mine & split.scorable(lookback, horizon), config.stride)
    every = panel_forecast(result, method or result.recommended)
    forecast = (every[every["id"] == panel.ids[i]].drop(columns=["id", "method"])
                .reset_index(drop=True))
    backtest = None
    if len(ids):
        values, future = trained_inputs(trained, panel, torch.device("cpu"), only=i)
        inputs, _ = make_windows(values, lookback, horizon)
        local = ids - panel.starts[i]
        origins = local + lookback
        y = series.frame[panel.value_col].to_numpy()
        floor = 0.0 if result.floor[i] == 0 else None
        std, mean = trained.std[i, 0], trained.mean[i, 0]
        pred = predict(trained.model, inputs, local, future=future) * std + mean
        if floor is not None:
            pred = np.maximum(pred, floor)
        actual = y[origins[:, None] + np.arange(horizon)]
        baselines = evaluation.baseline_forecasts(y, origins, horizon, panel.season_length)
        widths = {level: w[i] * std for level, w in result.widths.items()}
        method_widths = {}
        if method in result.test_forecasts and method != "lstm":
            baselines[method] = _tested(result, i, ids + lookback, method)
            method_widths[method] = {level: w[i] * std for level, w in
                                     result.method_widths.get(method, result.widths).items()}
        backtest = backtest_frame(series, origins, actual, pred, baselines, widths, floor,
                                  method_widths)
    return PanelSeries(series, backtest, forecast, result.series.iloc[i])


def _tested(result: PanelResult, i: int, origins: np.ndarray, method: str) -> np.ndarray:
    """``method``'s test forecasts of series ``i`` at ``origins`` (rows of the panel), found
    among every series' windows by their origins."""
    windows = result.test_windows
    mine = np.flatnonzero(windows.series == i)
    mine = mine[np.argsort(windows.origins[mine], kind="stable")]
    at = np.searchsorted(windows.origins[mine], origins)
    return result.test_forecasts[method][mine[at]]


def series_what_if(result: PanelResult, i: int) -> WhatIf | None:
    """The what-if of series ``i``'s LSTM forecast: its plan (the columns known ahead, then the
    public holidays), redrawn by one pass of the network over its last window; None where the
    network reads no plan or does not forecast the series (shorter than the lookback)."""
    trained, panel, config = result.trained, result.panel, result.config
    lookback, horizon = config.lookback, config.horizon
    series = panel.series(i)
    plan = plan_frame(panel, config, i)
    if not trained.known or not plan.shape[1] or panel.lengths[i] < lookback:
        return None
    plan = plan.set_axis(future_index(series, horizon))
    std, mean = trained.std[i], trained.mean[i]
    floor = 0.0 if result.floor[i] == 0 else None
    known = list(config.known_covariates)
    columns = [1 + panel.covariates.index(c) for c in known]

    def redraw(edited: pd.DataFrame) -> pd.DataFrame:
        values, _ = trained_inputs(trained, panel, torch.device("cpu"), only=i)
        dated = dated_rows(plan.index, panel.freq, trained.calendar, config.holidays)
        if config.holidays:  # the count as edited, not as the dates give it
            dated[:, -1] = edited[holiday_name(config.holidays)].to_numpy()
        scaled = np.clip((edited[known].to_numpy() - mean[columns]) / std[columns], -FAR, FAR)
        ahead = torch.as_tensor(np.concatenate([scaled, dated], axis=1)[None], dtype=torch.float32)
        pred = predict(trained.model, values[-lookback:][None], np.arange(1), future=ahead)[0]
        widths = {level: w[i] * std[0] for level, w in result.widths.items()}
        return future_table(plan.index, floored(pred * std[0] + mean[0], floor), widths, floor)

    every = panel_forecast(result, "lstm")
    base = every[every["id"] == panel.ids[i]].drop(columns=["id", "method"]).reset_index(drop=True)
    trained_rows = int(result.split.val[i] - panel.starts[i])
    ranges = trained_ranges(series, config, (0, trained_rows)) if trained_rows > 0 else {}
    names = with_id_columns(pd.DataFrame({"id": [panel.ids[i]]}), panel).iloc[0].to_dict()
    return WhatIf(series, plan, base, ranges, redraw, result.recommended, result.labels, names)
