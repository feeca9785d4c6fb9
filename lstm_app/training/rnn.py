"""The recurrent layer both tasks' networks are built around: an LSTM or a GRU."""

from __future__ import annotations

from torch import nn

CELLS = ("lstm", "gru")


def make_rnn(cell: str, input_size: int, hidden_size: int, num_layers: int,
             dropout: float, bidirectional: bool = False) -> nn.Module:
    """A batch-first ``nn.LSTM`` or ``nn.GRU``; dropout between stacked layers only (PyTorch applies
    it there alone, and warns if it is asked for with one layer). Bidirectional (a second layer
    reading each sequence backwards) only where the whole sequence is known: a classifier."""
    if cell not in CELLS:
        raise ValueError(f"Unknown cell type '{cell}'; choose one of: {', '.join(CELLS)}.")
    rnn = nn.LSTM if cell == "lstm" else nn.GRU
    return rnn(input_size, hidden_size, num_layers, batch_first=True,
               dropout=dropout if num_layers > 1 else 0.0, bidirectional=bidirectional)
