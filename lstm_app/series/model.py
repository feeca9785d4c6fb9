"""The forecaster: an LSTM (or GRU) that reads a window of the past and outputs the next horizon values."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..training.rnn import make_rnn


@dataclass(frozen=True)
class ForecasterShape:
    """Everything needed to rebuild the network; saved next to its weights."""

    n_features: int          # the target plus covariates
    horizon: int
    hidden_size: int = 32
    num_layers: int = 1
    dropout: float = 0.1
    cell: str = "lstm"       # lstm | gru
    anchor_last: bool = True  # predict the change from the last observed value (as NLinear does)

    def to_dict(self) -> dict:
        return asdict(self)


class Forecaster(nn.Module):
    def __init__(self, shape: ForecasterShape):
        super().__init__()
        self.shape = shape
        self.rnn = make_rnn(shape.cell, shape.n_features, shape.hidden_size, shape.num_layers,
                            shape.dropout)
        self.dropout = nn.Dropout(shape.dropout)
        self.head = nn.Linear(shape.hidden_size, shape.horizon)

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        """x: (batch, lookback, features), target in column 0 -> (batch, horizon) and the MSE loss."""
        out, _ = self.rnn(self.rnn_inputs(x))                  # (batch, lookback, hidden)
        pred = self.head(self.dropout(out[:, -1]))             # (batch, horizon)
        if self.shape.anchor_last:
            pred = pred + x[:, -1:, 0]                         # back from changes to levels
        loss = None if targets is None else nn.functional.mse_loss(pred, targets)
        return pred, loss

    def rnn_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """What the LSTM layer itself reads: with ``anchor_last``, the window minus its last
        target value, so that the network learns changes, which keeps it working when the level
        drifts outside the training range."""
        if not self.shape.anchor_last:
            return x
        last = x[:, -1:, :1]                                   # (batch, 1, 1)
        return torch.cat([x[..., :1] - last, x[..., 1:]], dim=-1)


def build_forecaster(config) -> Forecaster:
    """The network a ForecastConfig describes, once its lookback and horizon are numbers: the one
    place a forecaster is made from settings (training, reopening, bundles, the page's size note)."""
    if not isinstance(config.horizon, int):
        raise ValueError("The horizon must be resolved to a number before the network is built.")
    return Forecaster(ForecasterShape(
        n_features=1 + len(config.covariates), horizon=config.horizon,
        hidden_size=config.hidden_size, num_layers=config.num_layers, dropout=config.dropout,
        cell=config.cell, anchor_last=config.anchor_last))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
