"""Which past time steps drove a forecast: occlusion over the input window.

Each step of the window in turn is replaced by the window's own average and the forecast is
made again; how far the forecast moves (mean absolute change over the horizon) is that step's
importance. All the occluded windows go through the network in one batch.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch


@torch.no_grad()
def occlusion(predict: Callable[[torch.Tensor], torch.Tensor], window: torch.Tensor) -> np.ndarray:
    """Importance of each step of ``window`` (lookback, features) for ``predict``'s forecast.

    ``predict`` maps (batch, lookback, features) to (batch, horizon). Returns (lookback,)
    non-negative scores in the forecast's own (scaled) units.
    """
    steps = window.shape[0]
    base = predict(window[None])                                     # (1, horizon)
    occluded = window.repeat(steps, 1, 1)                            # (steps, lookback, features)
    idx = torch.arange(steps)
    occluded[idx, idx] = window.mean(dim=0)                          # step s of copy s -> the mean
    moved = (predict(occluded) - base).abs().mean(dim=1)             # (steps,)
    return moved.numpy()


@torch.no_grad()
def forecast_attribution(result, origin: int) -> np.ndarray:
    """Occlusion scores of the window before ``origin``, for the trained forecaster."""
    lookback = result.config.lookback
    rows = result.series.frame.iloc[origin - lookback:origin].to_numpy(dtype="float64")
    window = torch.as_tensor(result.scaler.transform(rows), dtype=torch.float32)
    model = result.model.cpu().eval()
    return occlusion(lambda x: model(x)[0], window)
