"""Hidden states as features (LSTMs as local feature extractors), and their 2-D picture.

For a forecast model, the feature vector of time step t is the last layer's hidden state after
reading the window that ends just before t: the summary of the past the network forecasts from
(for a panel, over one series' windows, read as the network reads that series).
For a text model, it is the hidden state after each token of a snippet.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .cells import LayerTrace
from .series_input import SeriesInput

CHUNK = 2048  # windows per forward pass
MAX_FEATURE_ROWS = 4_000  # forecasts whose hidden state is computed (and drawn), at most


@torch.no_grad()
def forecast_features(view: SeriesInput) -> pd.DataFrame:
    """One row per forecast origin (every time step with a full window before it), h_0 … h_{H−1}.
    A series with more origins than ``MAX_FEATURE_ROWS`` gets that many, evenly spaced, the
    first and last kept: a chart cannot show more, and every state costs a pass over its window."""
    lookback = view.lookback
    frame = view.series.frame
    windows = view.inputs.unfold(0, lookback, 1).transpose(1, 2)  # views: (windows, lookback, inputs)
    count = min(len(windows), MAX_FEATURE_ROWS)
    picked = np.unique(np.linspace(0, len(windows) - 1, count).round().astype(np.int64))
    model = view.model
    last = []
    for i in range(0, len(picked), CHUNK):
        x, ids = model.split_ids(windows[torch.as_tensor(picked[i:i + CHUNK])])
        last.append(model.rnn(model.rnn_inputs(x, ids))[0][:, -1])
    h = torch.cat(last).numpy()                               # window p ends at row p+lookback-1
    # The window ending at row r feeds the forecast of row r+1: label it with that row's time,
    # and the last window with "the next step" after the data.
    index = [frame.index[p + lookback] if p + lookback < len(frame) else "next" for p in picked]
    return pd.DataFrame(h, index=pd.Index(index, name="forecast for"),
                        columns=[f"h_{u}" for u in range(h.shape[1])])


def text_features(layer: LayerTrace, tokens: list[str]) -> pd.DataFrame:
    h = layer.h[0].numpy()
    index = pd.MultiIndex.from_arrays([range(len(tokens)), tokens], names=["position", "token"])
    return pd.DataFrame(h, index=index, columns=[f"h_{u}" for u in range(h.shape[1])])


def classify_features(traces: list[LayerTrace], tokens: list[str]) -> pd.DataFrame:
    """The top layer's output at each token, in text order (both directions side by side for a
    bidirectional classifier): what its pooling reads."""
    top = traces[-2:] if traces[-1].backward else traces[-1:]
    columns, blocks = [], []
    for t in top:
        name = "h_back" if t.backward else "h"
        h = t.h[0].flip(0) if t.backward else t.h[0]
        blocks.append(h.numpy())
        columns += [f"{name}_{u}" for u in range(h.shape[1])]
    index = pd.MultiIndex.from_arrays([range(len(tokens)), tokens], names=["position", "token"])
    return pd.DataFrame(np.concatenate(blocks, axis=1), index=index, columns=columns)


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
