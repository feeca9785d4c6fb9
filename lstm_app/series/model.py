"""The forecaster: an LSTM (or GRU) that reads a window of the past and outputs the next horizon values."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..i18n import tr
from ..training.rnn import make_rnn


@dataclass(frozen=True)
class ForecasterShape:
    """Everything needed to rebuild the network; saved next to its weights."""

    n_features: int          # the target, covariates and calendar inputs
    horizon: int
    hidden_size: int = 32
    num_layers: int = 1
    dropout: float = 0.1
    cell: str = "lstm"       # lstm | gru
    anchor_last: bool = True  # predict the change from the last observed value (as NLinear does)
    season_anchor: int = 0   # predict the change from one season back (0: not)
    id_count: int = 0        # a panel's series, when each has a learned embedding
    id_dim: int = 0          # the size of that embedding (0: none)
    known: int = 0           # inputs also read over the horizon (planned values, calendar)
    window_scale: bool = False  # read each window in units of its own typical change, when larger

    def to_dict(self) -> dict:
        return asdict(self)


class Forecaster(nn.Module):
    def __init__(self, shape: ForecasterShape):
        super().__init__()
        self.shape = shape
        self.rnn = make_rnn(shape.cell, shape.n_features + shape.id_dim, shape.hidden_size,
                            shape.num_layers, shape.dropout)
        self.ids = nn.Embedding(shape.id_count, shape.id_dim) if shape.id_dim else None
        self.dropout = nn.Dropout(shape.dropout)
        self.head = nn.Linear(shape.hidden_size, shape.horizon)
        # Each step of the horizon reads its own known-ahead values beside the last state.
        self.ahead = nn.Sequential(
            nn.Linear(shape.hidden_size + shape.known, shape.hidden_size), nn.Tanh(),
            nn.Linear(shape.hidden_size, 1)) if shape.known else None

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None,
                future: torch.Tensor | None = None):
        """x: (batch, lookback, features), target in column 0 (and, with an id embedding, the
        series' number in the last column); future: (batch, horizon, known) the known-ahead
        inputs over the horizon -> (batch, horizon) and the MSE loss."""
        x, ids = self.split_ids(x)
        scale = self.window_scales(x) if self.shape.window_scale else None
        _, state = self.rnn(self.rnn_inputs(x, ids, scale))
        # The top layer's last state: out[:, -1] in fewer ONNX nodes (no reshaping of out).
        top = (state[0] if isinstance(state, tuple) else state)[-1]  # (batch, hidden)
        state = self.dropout(top)
        pred = self.head(state)                                # (batch, horizon)
        if self.ahead is not None:
            if future is None:
                raise ValueError(tr("This forecaster reads known-ahead inputs over the horizon; "
                                    "give their values."))
            steps = state[:, None, :].expand(-1, future.shape[1], -1)
            pred = pred + self.ahead(torch.cat([steps, future], dim=-1))[..., 0]
        if scale is not None:
            pred = pred * scale[:, :, 0]                       # back to the series' own units
        m = self.shape.season_anchor
        if m:  # back from changes to levels: the same step one season earlier, repeated
            back = x.shape[1] - m + torch.arange(pred.shape[1], device=x.device) % m
            pred = pred + x[:, back, 0]
        elif self.shape.anchor_last:
            pred = pred + x[:, -1:, 0]                         # back from changes to levels
        loss = None if targets is None else nn.functional.mse_loss(pred, targets)
        return pred, loss

    def window_scales(self, x: torch.Tensor) -> torch.Tensor:
        """Each window's typical change (from one step to the next, or from one season back
        with a season anchor), never below 1, the unit the series is scaled by (a panel's
        typical change in training, which is what its scaler measures; one series' spread): a
        stretch that moves faster than that is read in its own units, so a steep climb does not
        saturate the network, and its forecast comes back at the stretch's size
        -> (batch, 1, 1)."""
        lag = min(self.shape.season_anchor or 1, x.shape[1] - 1)
        if lag < 1:  # a window of one value has no change to measure
            return torch.ones_like(x[:, :1, :1])
        steps = (x[:, lag:, :1] - x[:, :-lag, :1]).abs().mean(dim=1, keepdim=True)
        return steps.clamp(min=1.0)

    def split_ids(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The window's features, and each window's series number when the network embeds it."""
        if self.ids is None:
            return x, None
        return x[..., :-1], x[:, 0, -1].long()

    def rnn_inputs(self, x: torch.Tensor, ids: torch.Tensor | None = None,
                   scale: torch.Tensor | None = None) -> torch.Tensor:
        """What the LSTM layer itself reads: with ``anchor_last``, the window minus its last
        target value, so that the network learns changes, which keeps it working when the level
        drifts outside the training range; with ``window_scale``, that divided by the window's
        ``scale`` (``window_scales``, computed here unless given); with ``ids``, each series'
        embedding at every step."""
        if self.shape.anchor_last:
            last = x[:, -1:, :1]                               # (batch, 1, 1)
            x = x - nn.functional.pad(last, (0, x.shape[-1] - 1))  # the other inputs less 0
        if self.shape.window_scale:
            scale = self.window_scales(x) if scale is None else scale
            x = torch.cat([x[..., :1] / scale, x[..., 1:]], dim=-1)
        if ids is None:
            return x
        embedded = self.ids(ids)[:, None, :].expand(-1, x.shape[1], -1)
        return torch.cat([x, embedded], dim=-1)


def build_forecaster(config, id_count: int = 0, calendar: int = 0, known: int = 0) -> Forecaster:
    """The network a ForecastConfig describes, once its lookback and horizon are numbers: the one
    place a forecaster is made from settings (training, reopening, bundles, the page's size note).
    It also reads ``calendar`` inputs from the dates (calendar, holidays), ``known`` of its
    inputs over the horizon as well and, with ``config.id_embedding``, embeds each of a
    panel's ``id_count`` series."""
    if not isinstance(config.horizon, int) or not isinstance(config.season_anchor, int):
        raise ValueError("The horizon and season anchor must be resolved to numbers before the "
                         "network is built.")
    id_dim = config.id_embedding if id_count else 0
    return Forecaster(ForecasterShape(
        n_features=1 + len(config.covariates) + calendar, horizon=config.horizon,
        hidden_size=config.hidden_size, num_layers=config.num_layers, dropout=config.dropout,
        cell=config.cell, anchor_last=config.anchor_last, season_anchor=config.season_anchor,
        id_count=id_count if id_dim else 0,
        id_dim=id_dim, known=known, window_scale=config.window_scale))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
