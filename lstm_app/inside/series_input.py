"""One series as a trained forecaster reads it: a forecast's series with its scaler, or one series
of a panel with its own scaler, calendar inputs and series number. The Inside page's forecast
functions (``forecast_trace``, ``forecast_attribution``, ``forecast_features``) take this, so
that a panel's series is looked into exactly as a single series is.

What the network reads, one row per time step of the series (a panel's series 3 of 5, with
calendar inputs and a series embedding; a single series has the first block only):

    value and covariates, scaled | calendar (sin, cos …) | series number
    (x − mean_3) / std_3 …       | 0.43  0.90 …         | 3.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..series.loading import SeriesData
from ..series.model import Forecaster
from ..series.panel_pipeline import PanelResult
from ..series.panel_windows import network_inputs


@dataclass(frozen=True)
class SeriesInput:
    series: SeriesData    # its rows in their own units: the value, then the covariates
    inputs: torch.Tensor  # (rows, network inputs) float32: what the network reads (see above)
    model: Forecaster
    lookback: int
    test_start: int       # its first test row, counted in its own rows

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
        frame = result.series.frame
        inputs = torch.as_tensor(result.scaler.transform(frame.to_numpy(dtype="float64")),
                                 dtype=torch.float32)
        return SeriesInput(result.series, inputs, model, lookback, int(result.split.test[0]))
    trained, panel, split = result.trained, result.panel, result.split
    inputs = network_inputs(panel, trained.mean, trained.std, trained.config.calendar,
                            trained.config.id_embedding > 0, torch.device("cpu"), only=i)
    return SeriesInput(panel.series(i), inputs, model, lookback,
                       int(split.test[i] - split.starts[i]))


def readable_series(result: PanelResult) -> np.ndarray:
    """The panel's series with at least one whole window (``lookback`` values) for the network
    to read; shorter ones are forecast without it."""
    return np.flatnonzero(result.panel.lengths >= result.config.lookback)
