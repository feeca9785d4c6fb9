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

The peephole cell has no traced form (its steps are a Python loop): its networks are refused
with a sentence.
"""

from __future__ import annotations

import torch
from torch import nn

from ..classify.model import Classifier
from ..series.model import Forecaster
from ..text.model import LanguageModel


def check_exportable(model: nn.Module) -> None:
    """A ValueError in words when ``model`` cannot become an ONNX graph."""
    if model.shape.cell == "peephole":
        raise ValueError("A peephole LSTM cannot be exported to ONNX yet: its gates' extra "
                         "terms have no traced form. Train with the LSTM or GRU cell to "
                         "export the model.")


class ForecasterGraph(nn.Module):
    def __init__(self, model: Forecaster):
        super().__init__()
        check_exportable(model)
        self.model = model.eval()

    def forward(self, window: torch.Tensor, future: torch.Tensor | None = None) -> torch.Tensor:
        return self.model(window, None, future)[0]


class LanguageModelGraph(nn.Module):
    def __init__(self, model: LanguageModel):
        super().__init__()
        check_exportable(model)
        self.model = model.eval()

    def forward(self, tokens: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None = None):
        state = h if c is None else (h, c)
        logits, _, state = self.model(tokens, state=state)
        return (logits, state) if c is None else (logits, *state)


class ClassifierGraph(nn.Module):
    def __init__(self, model: Classifier):
        super().__init__()
        check_exportable(model)
        shape = self.shape = model.shape
        self.embedding, self.head, self.attention = model.embedding, model.head, model.attention
        rnn = nn.LSTM if shape.cell == "lstm" else nn.GRU
        suffixes = ("", "_reverse") if shape.bidirectional else ("",)
        self.layers = nn.ModuleList()
        for layer in range(shape.num_layers):
            width = shape.embedding_dim if layer == 0 else shape.hidden_size * len(suffixes)
            directions = nn.ModuleList()
            for suffix in suffixes:
                one = rnn(width, shape.hidden_size, batch_first=True)
                with torch.no_grad():
                    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                        getattr(one, f"{name}_l0").copy_(
                            getattr(model.rnn, f"{name}_l{layer}{suffix}"))
                directions.append(one)
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
