"""Hidden states as features (LSTMs as local feature extractors), and their 2-D picture.

For a forecast model, the feature vector of time step t is the last layer's hidden state after
reading the window that ends just before t: the summary of the past the network forecasts from.
For a text model, it is the hidden state after each token of a snippet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .cells import LayerTrace

CHUNK = 2048  # windows per forward pass


@torch.no_grad()
def forecast_features(result) -> pd.DataFrame:
    """One row per forecast origin (every time step with a full window before it), h_0 … h_{H−1}."""
    lookback = result.config.lookback
    frame = result.series.frame
    values = torch.as_tensor(result.scaler.transform(frame.to_numpy(dtype="float64")),
                             dtype=torch.float32)
    windows = values.unfold(0, lookback, 1).transpose(1, 2)  # views: (windows, lookback, features)
    model = result.model.cpu().eval()
    last = [model.rnn(model.rnn_inputs(windows[i:i + CHUNK]))[0][:, -1]
            for i in range(0, len(windows), CHUNK)]
    h = torch.cat(last).numpy()                               # window i ends at row i+lookback-1
    # The window ending at row r feeds the forecast of row r+1: label it with that row's time,
    # and the last window with "the next step" after the data.
    index = list(frame.index[lookback:]) + ["next"]
    return pd.DataFrame(h, index=pd.Index(index, name="forecast for"),
                        columns=[f"h_{u}" for u in range(h.shape[1])])


def text_features(layer: LayerTrace, tokens: list[str]) -> pd.DataFrame:
    h = layer.h[0].numpy()
    index = pd.MultiIndex.from_arrays([range(len(tokens)), tokens], names=["position", "token"])
    return pd.DataFrame(h, index=index, columns=[f"h_{u}" for u in range(h.shape[1])])


def pca_2d(features: pd.DataFrame) -> tuple[np.ndarray, tuple[float, float]]:
    """The rows projected on their two main directions, and the share of variance each explains."""
    x = features.to_numpy(dtype="float64")
    x = x - x.mean(axis=0)
    if len(x) < 2:
        return np.zeros((len(x), 2)), (0.0, 0.0)
    _, s, vt = np.linalg.svd(x, full_matrices=False)
    coords = x @ vt[:2].T
    if coords.shape[1] < 2:
        coords = np.pad(coords, ((0, 0), (0, 2 - coords.shape[1])))
    total = float((s ** 2).sum()) or 1.0
    shares = [float(v ** 2 / total) for v in s[:2]] + [0.0, 0.0]
    return coords, (shares[0], shares[1])
