"""Which past time steps drove a forecast: occlusion over the input window.

Each step of the window in turn has its observed values (the value and covariates) replaced by
the window's own average, and the forecast is made again; how far the forecast moves (mean
absolute change over the horizon) is that step's importance. Inputs known without the data (a
panel's calendar columns and series number) are left as they are: a step's date and its series
are not what it observed. All the occluded windows go through the network in one batch.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from .series_input import SeriesInput


@torch.no_grad()
def occlusion(predict: Callable[[torch.Tensor], torch.Tensor], window: torch.Tensor,
              observed: int | None = None) -> np.ndarray:
    """Importance of each step of ``window`` (lookback, features) for ``predict``'s forecast,
    occluding the first ``observed`` features of a step (None: all of them).

    ``predict`` maps (batch, lookback, features) to (batch, horizon). Returns (lookback,)
    non-negative scores in the forecast's own (scaled) units.
    """
    steps = window.shape[0]
    columns = slice(None, observed)
    base = predict(window[None])                                     # (1, horizon)
    occluded = window.repeat(steps, 1, 1)                            # (steps, lookback, features)
    idx = torch.arange(steps)
    occluded[idx, idx, columns] = window[:, columns].mean(dim=0)     # step s of copy s -> the mean
    moved = (predict(occluded) - base).abs().mean(dim=1)             # (steps,)
    return moved.numpy()


@torch.no_grad()
def forecast_attribution(view: SeriesInput, origin: int) -> np.ndarray:
    """Occlusion scores of the window before ``origin``, for the trained forecaster."""
    window = view.inputs[origin - view.lookback:origin]              # (lookback, inputs)
    return occlusion(lambda x: view.model(x, None, view.future(origin, len(x)))[0], window,
                     view.observed)
