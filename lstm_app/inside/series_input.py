"""One series as a trained forecaster reads it: a forecast's series with its scaler, or one series
of a panel with its own scaler, calendar inputs and series number. The Inside page's forecast
functions (``forecast_trace``, ``forecast_attribution``, ``forecast_features``) take this, so
that a panel's series is looked into exactly as a single series is.

What the network reads, one row per time step of the series (a panel's series 3 of 5, with
calendar inputs and a series embedding; a single series has no series number):

    value and covariates, scaled | calendar (sin, cos …) | series number
    (x − mean_3) / std_3 …       | 0.43  0.90 …         | 3.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..series.known import future_inputs, known_positions, network_table
from ..series.loading import SeriesData
from ..series.model import Forecaster
from ..series.panel_pipeline import PanelResult
from ..series.panel_future import ahead_rows
from ..series.panel_windows import trained_inputs


@dataclass(frozen=True)
class SeriesInput:
    series: SeriesData    # its rows in their own units: the value, then the covariates
    inputs: torch.Tensor  # (rows, network inputs) float32: what the network reads (see above)
    model: Forecaster
    lookback: int
    test_start: int       # its first test row, counted in its own rows
    # (rows + horizon, known) scaled: the inputs also read over the horizon, through the
    # forecast's own horizon after the last row; None when the network reads none
    ahead: torch.Tensor | None = None

    def future(self, origin: int, batch: int = 1) -> torch.Tensor | None:
        """What the network reads over the horizon from ``origin``: (batch, horizon, known)."""
        if self.ahead is None:
            return None
        steps = self.model.shape.horizon
        return self.ahead[origin:origin + steps][None].expand(batch, -1, -1)

    @property
    def observed(self) -> int:
        """The leading input columns read from the data (value, covariates); the others are
        known without it (calendar inputs, the series' number)."""
        return 1 + len(self.series.covariates)


def series_input(result, i: int | None = None) -> SeriesInput:
    """The forecast's series (a ForecastResult), or series ``i`` of a PanelResult."""
    lookback = result.config.lookback
    model = result.model.cpu().eval()
    if not isinstance(result, PanelResult):
        trained, series = result.trained, result.series
        raw = network_table(series, trained.config, trained.inputs)
        inputs = torch.as_tensor(trained.scaler.transform(raw), dtype=torch.float32)
        return SeriesInput(series, inputs, model, lookback, int(result.split.test[0]),
                           _ahead(result, inputs))
    trained, panel, split = result.trained, result.panel, result.split
    inputs, _ = trained_inputs(trained, panel, torch.device("cpu"), only=i)
    ahead = None
    if trained.known:  # the inputs read ahead, over the series and then over its horizon
        config = trained.config
        after = ahead_rows(panel, config.horizon, trained.calendar, config.holidays,
                           trained.known, config.known_covariates, trained.mean, trained.std)[i]
        ahead = torch.cat([inputs[:, trained.ahead_columns], torch.as_tensor(after)])
    return SeriesInput(panel.series(i), inputs, model, lookback,
                       int(split.test[i] - split.starts[i]), ahead)


def _ahead(result, inputs: torch.Tensor) -> torch.Tensor | None:
    """The known-ahead inputs, scaled, over the series and then over its forecast's horizon."""
    trained = result.trained
    positions = known_positions(trained.inputs, trained.config)
    if not positions:
        return None
    future = future_inputs(result.series, trained.config, trained.inputs, result.known)
    future = torch.as_tensor(trained.scaler.transform(future), dtype=torch.float32)
    return torch.cat([inputs, future])[:, positions]


def readable_series(result: PanelResult) -> np.ndarray:
    """The panel's series with at least one whole window (``lookback`` values) for the network
    to read; shorter ones are forecast without it."""
    return np.flatnonzero(result.panel.lengths >= result.config.lookback)
