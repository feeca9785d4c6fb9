"""The recurrent layer every task's network is built around: an LSTM, a GRU, or a peephole LSTM
(peephole.py: gates that also read the cell state; slower, as it cannot use the fused kernel)."""

from __future__ import annotations

from torch import nn

from .peephole import PeepholeLSTM

CELLS = ("lstm", "gru", "peephole")


def make_rnn(cell: str, input_size: int, hidden_size: int, num_layers: int,
             dropout: float, bidirectional: bool = False) -> nn.Module:
    """A batch-first ``nn.LSTM`` or ``nn.GRU``; dropout between stacked layers only (PyTorch applies
    it there alone, and warns if it is asked for with one layer). Bidirectional (a second layer
    reading each sequence backwards) only where the whole sequence is known: a classifier."""
    if cell not in CELLS:
        raise ValueError(f"Unknown cell type '{cell}'; choose one of: {', '.join(CELLS)}.")
    if cell == "peephole":
        return PeepholeLSTM(input_size, hidden_size, num_layers,
                            dropout if num_layers > 1 else 0.0, bidirectional)
    rnn = nn.LSTM if cell == "lstm" else nn.GRU
    return rnn(input_size, hidden_size, num_layers, batch_first=True,
               dropout=dropout if num_layers > 1 else 0.0, bidirectional=bidirectional)
