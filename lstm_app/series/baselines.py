"""The baselines every LSTM is measured against: naive, seasonal naive and drift, on the same windows.

Each takes the whole series ``y`` (original units), the forecast ``origins`` (the index of the
first predicted row of each window) and the ``horizon``, and returns ``(len(origins), horizon)``.
Only values before each origin are read.
"""

from __future__ import annotations

import numpy as np


def naive(y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """Repeat the last observed value: ŷ_{t+h} = y_{t-1}."""
    return np.repeat(y[origins - 1][:, None], horizon, axis=1)


def seasonal_naive(y: np.ndarray, origins: np.ndarray, horizon: int, season_length: int) -> np.ndarray:
    """Repeat the last observed season: ŷ_{t+h} = y_{t+h-m·k}, k = ceil(h/m), h = 1…horizon."""
    steps = np.arange(1, horizon + 1)
    back = season_length * np.ceil(steps / season_length).astype(int)  # (horizon,)
    return y[origins[:, None] - 1 + steps[None, :] - back[None, :]]


def drift(y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """Extend the line from the first observation to the last: ŷ_{t+h} = y_{t-1} + h·(y_{t-1} - y_0)/(t-1)."""
    last = y[origins - 1]
    slope = (last - y[0]) / np.maximum(origins - 1, 1)
    return last[:, None] + slope[:, None] * np.arange(1, horizon + 1)[None, :]
