"""The networks as ONNX sees them: for each task a module with plain tensor inputs and outputs,
made from a trained network and sharing its weights, that ``torch.onnx.export`` can trace.

- forecaster: ``window`` (batch, lookback, inputs) scaled, and with known-ahead inputs
  ``future`` (batch, horizon, known) -> ``forecast`` (batch, horizon) scaled;
- language model: ``tokens`` (batch, steps) and the state ``h`` (and ``c`` for an LSTM), each
  (layers, batch, hidden) -> ``logits`` (batch, steps, vocabulary) and the new state: one step
  at a time generates text, a long chunk scores it;
- classifier: ``tokens`` (batch, steps) padded with 0 and ``lengths`` (batch,) ->
  ``probabilities`` (batch, classes).

The classifier packs its padded batches when it trains, which ONNX cannot express; here each
direction of each layer is a one-way recurrent layer, and the backward one reads every text
reversed within its own length, so a text's outputs do not depend on its padding (the same
numbers as the packed network, checked on the run's validation texts before export).

A peephole LSTM's layers become one custom op each (peephole_op.py), exported as ONNX's LSTM
with its peephole input.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from ..classify.model import Classifier
from ..series.model import Forecaster
from ..text.model import LanguageModel
from ..training.peephole import WEIGHTS, PeepholeLSTM
from .peephole_op import TracedPeephole


def traceable(model: nn.Module) -> nn.Module:
    """``model`` in eval mode, or for a peephole LSTM a copy whose recurrent layer is traced
    whole (the trained model is left as it is)."""
    if model.shape.cell != "peephole":
        return model.eval()
    model = copy.deepcopy(model).eval()
    model.rnn = TracedPeephole.of(model.rnn)
    return model


class ForecasterGraph(nn.Module):
    def __init__(self, model: Forecaster):
        super().__init__()
        self.model = traceable(model)

    def forward(self, window: torch.Tensor, future: torch.Tensor | None = None) -> torch.Tensor:
        return self.model(window, None, future)[0]


class LanguageModelGraph(nn.Module):
    def __init__(self, model: LanguageModel):
        super().__init__()
        self.model = traceable(model)

    def forward(self, tokens: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None = None):
        state = h if c is None else (h, c)
        logits, _, state = self.model(tokens, state=state)
        return (logits, state) if c is None else (logits, *state)


class ClassifierGraph(nn.Module):
    def __init__(self, model: Classifier):
        super().__init__()
        shape = self.shape = model.shape
        self.embedding, self.head, self.attention = model.embedding, model.head, model.attention
        hidden = shape.hidden_size
        one_way = {"lstm": lambda width: nn.LSTM(width, hidden, batch_first=True),
                   "gru": lambda width: nn.GRU(width, hidden, batch_first=True),
                   "peephole": lambda width: PeepholeLSTM(width, hidden)}[shape.cell]
        names = WEIGHTS if shape.cell == "peephole" else WEIGHTS[:4]
        suffixes = ("", "_reverse") if shape.bidirectional else ("",)
        self.layers = nn.ModuleList()
        for layer in range(shape.num_layers):
            width = shape.embedding_dim if layer == 0 else shape.hidden_size * len(suffixes)
            directions = nn.ModuleList()
            for suffix in suffixes:
                one = one_way(width)
                with torch.no_grad():
                    for name in names:
                        getattr(one, f"{name}_l0").copy_(
                            getattr(model.rnn, f"{name}_l{layer}{suffix}"))
                directions.append(TracedPeephole.of(one) if shape.cell == "peephole" else one)
            self.layers.append(directions)
        self.eval()

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        steps = torch.arange(tokens.shape[1], device=tokens.device)[None, :]      # (1, steps)
        inside = steps < lengths[:, None]                                          # (batch, steps)
        # Each text reversed within its own length (an involution); padding stays after it.
        flip = torch.where(inside, lengths[:, None] - 1 - steps, steps)            # (batch, steps)
        rows = torch.arange(tokens.shape[0], device=tokens.device)                 # (batch,)
        x = self.embedding(tokens)                                                 # (batch, steps, e)
        outs = []
        for directions in self.layers:
            outs = [directions[0](x)[0]]
            if len(directions) == 2:
                backward = directions[1](x[rows[:, None], flip])[0]
                outs.append(backward[rows[:, None], flip])
            x = torch.cat(outs, dim=-1)                                            # (batch, steps, width)
        return torch.softmax(self.head(self._pooled(x, outs, rows, lengths, inside)), dim=1)

    def _pooled(self, out, directions, rows, lengths, inside) -> torch.Tensor:
        pooling = self.shape.pooling
        if pooling == "last":  # forward: at the text's end; backward: at its start
            return torch.cat([directions[0][rows, lengths - 1]] + [d[:, 0] for d in directions[1:]],
                             dim=1)
        if pooling == "max":
            return out.masked_fill(~inside[..., None], float("-inf")).amax(dim=1)
        if pooling == "mean":
            return (out * inside[..., None]).sum(dim=1) / lengths[:, None].to(out.dtype)
        scores = self.attention(out).squeeze(-1).masked_fill(~inside, float("-inf"))
        return (torch.softmax(scores, dim=1)[..., None] * out).sum(dim=1)
