"""The language model: an embedding, an LSTM (or GRU), and a linear layer onto the vocabulary."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..training.rnn import make_rnn


@dataclass(frozen=True)
class LanguageModelShape:
    """Everything needed to rebuild the network; saved next to its weights."""

    vocab_size: int
    embedding_dim: int = 64
    hidden_size: int = 256
    num_layers: int = 2
    dropout: float = 0.1
    cell: str = "lstm"       # lstm | gru

    def to_dict(self) -> dict:
        return asdict(self)


class LanguageModel(nn.Module):
    def __init__(self, shape: LanguageModelShape):
        super().__init__()
        self.shape = shape
        self.embedding = nn.Embedding(shape.vocab_size, shape.embedding_dim)
        self.rnn = make_rnn(shape.cell, shape.embedding_dim, shape.hidden_size, shape.num_layers,
                            shape.dropout)
        self.dropout = nn.Dropout(shape.dropout)
        self.head = nn.Linear(shape.hidden_size, shape.vocab_size)

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None, state=None,
                last_only: bool = False):
        """x: (streams, steps) token ids -> logits (streams, steps, vocab), the mean loss in nats
        per token (None without targets), and the recurrent state to carry into the next chunk.

        ``last_only`` projects only the last step onto the vocabulary, giving logits (streams, 1,
        vocab): generation reads a long prompt that way, since logits for every prompt token
        would cost 4 bytes × vocabulary per token (800 MB for a 20,000-token prompt)."""
        out, state = self.rnn(self.rnn_inputs(x), state)       # (streams, steps, hidden)
        if last_only:
            out = out[:, -1:]                                   # (streams, 1, hidden)
        logits = self.head(self.dropout(out))                   # (streams, steps or 1, vocab)
        loss = None
        if targets is not None:
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                               targets.reshape(-1))
        return logits, loss, state

    def rnn_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """What the LSTM layer itself reads: each token's embedding vector."""
        return self.embedding(x)


def build_language_model(config, vocab_size: int) -> LanguageModel:
    """The network a TextConfig describes for a vocabulary of ``vocab_size``: the one place a
    language model is made from settings (training, reopening, bundles, the size advice)."""
    return LanguageModel(LanguageModelShape(vocab_size, config.embedding_dim, config.hidden_size,
                                            config.num_layers, config.dropout, config.cell))


def detach_state(state):
    """Cut the graph between chunks: otherwise backprop would run back to the start of the text."""
    if state is None:
        return None
    if isinstance(state, tuple):  # LSTM: (h, c)
        return tuple(s.detach() for s in state)
    return state.detach()
