"""Forecast error metrics, each a plain function of actual and predicted arrays (any equal shapes)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# MAPE divides by the actual values; below this share of their mean absolute size it explodes.
NEAR_ZERO = 0.01
# A MASE scale below this share of the series' typical size is rounding noise, not change (an
# exactly repeating season of values near 1e10 left 5e-6): no scale, as for a flat series.
FLAT_SHARE = 1e-12  # (float64 keeps about 16 digits: noise is near 1e-16 of the size)


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)


def mae(y_true, y_pred) -> float:
    """Mean absolute error: mean(|y - ŷ|)."""
    y, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y - p)))


def mse(y_true, y_pred) -> float:
    """Mean squared error: mean((y - ŷ)²)."""
    y, p = _pair(y_true, y_pred)
    return float(np.mean((y - p) ** 2))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error: sqrt(mean((y - ŷ)²))."""
    return float(np.sqrt(mse(y_true, y_pred)))


def mape(y_true, y_pred) -> float | None:
    """Mean absolute percentage error: 100 · mean(|y - ŷ| / |y|).

    None (undefined) when some actual value is zero or near zero (below 1% of the mean absolute
    actual value), where the ratio explodes and says nothing.
    """
    y, p = _pair(y_true, y_pred)
    scale = np.mean(np.abs(y))
    if scale == 0 or np.min(np.abs(y)) < NEAR_ZERO * scale:
        return None
    return float(100 * np.mean(np.abs(y - p) / np.abs(y)))


def smape(y_true, y_pred) -> float:
    """Symmetric MAPE: 100 · mean(2|y - ŷ| / (|y| + |ŷ|)), with 0/0 counted as 0; between 0 and 200."""
    y, p = _pair(y_true, y_pred)
    denom = np.abs(y) + np.abs(p)
    ratio = np.divide(2 * np.abs(y - p), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100 * np.mean(ratio))


def mase_scale(train_values, season_length: int | None) -> float:
    """MASE's denominator: the in-sample MAE of the seasonal naive forecast on the training span
    (naive with no season): mean(|y_t - y_{t-m}|)."""
    y = np.asarray(train_values, dtype=np.float64)
    m = season_length if season_length and season_length < len(y) else 1
    scale = float(np.mean(np.abs(y[m:] - y[:-m])))
    return scale if scale > FLAT_SHARE * float(np.mean(np.abs(y))) else 0.0


def mase(y_true, y_pred, scale: float) -> float | None:
    """Mean absolute scaled error: MAE / scale (see ``mase_scale``); None if the scale is 0.
    Below 1 means better than the in-sample seasonal naive forecast."""
    if scale <= 0:
        return None
    return mae(y_true, y_pred) / scale


@dataclass(frozen=True)
class Scores:
    """One forecaster's errors over a set of windows, in the data's own units."""

    mae: float
    rmse: float
    mape: float | None   # None: some actual values are (near) zero, where it explodes
    smape: float
    mase: float | None   # None: the training span never changes, so there is no scale

    def to_dict(self) -> dict:
        return asdict(self)


def all_metrics(y_true, y_pred, scale: float) -> Scores:
    """The metric table row for one forecaster, in the data's own units."""
    return Scores(mae=mae(y_true, y_pred), rmse=rmse(y_true, y_pred), mape=mape(y_true, y_pred),
                  smape=smape(y_true, y_pred), mase=mase(y_true, y_pred, scale))
