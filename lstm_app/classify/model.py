"""The text classifier: an embedding, an LSTM (or GRU; optionally reading each text both ways),
a pooling of its outputs over the text, and a linear layer onto the classes.

Dropout falls on the embeddings (a one-layer LSTM has no dropout of its own) and on the pooled
summary. Padded batches are packed before the LSTM, so no step is computed on padding, and every pooling
reads a text's own steps only:

- ``last``: the final state at the text's own end (and, reading backwards, at its start),
- ``max`` / ``mean``: each output unit's largest or mean value over the text,
- ``attention``: a weighted mean of the outputs, each step's weight learnt from its output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..i18n import tr
from ..training.rnn import make_rnn

POOLINGS = ("last", "max", "mean", "attention")


@dataclass(frozen=True)
class ClassifierShape:
    """Everything needed to rebuild the network; saved next to its weights."""

    vocab_size: int
    n_classes: int
    embedding_dim: int = 64
    hidden_size: int = 128
    num_layers: int = 1
    dropout: float = 0.2
    cell: str = "lstm"
    bidirectional: bool = True
    pooling: str = "max"

    def to_dict(self) -> dict:
        return asdict(self)


class Classifier(nn.Module):
    def __init__(self, shape: ClassifierShape):
        super().__init__()
        if shape.pooling not in POOLINGS:
            raise ValueError(tr("Unknown pooling '{pooling}'; choose one of: {choices}.",
                                pooling=shape.pooling, choices=", ".join(POOLINGS)))
        self.shape = shape
        self.embedding = nn.Embedding(shape.vocab_size, shape.embedding_dim, padding_idx=0)
        self.rnn = make_rnn(shape.cell, shape.embedding_dim, shape.hidden_size, shape.num_layers,
                            shape.dropout, shape.bidirectional)
        width = shape.hidden_size * (2 if shape.bidirectional else 1)
        self.attention = nn.Linear(width, 1) if shape.pooling == "attention" else None
        self.dropout = nn.Dropout(shape.dropout)
        self.head = nn.Linear(width, shape.n_classes)
        # Each class's weight in the loss (1: all alike); set from the training texts' counts.
        self.register_buffer("class_weights", torch.ones(shape.n_classes))

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor,
                targets: torch.Tensor | None = None):
        """tokens (batch, steps) padded with 0, lengths (batch,) -> logits (batch, classes) and
        the weighted cross-entropy (None without targets)."""
        logits = self.head(self.dropout(self.pooled(tokens, lengths)))   # (batch, classes)
        loss = None
        if targets is not None:
            loss = nn.functional.cross_entropy(logits, targets, weight=self.class_weights)
        return logits, loss

    def pooled(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """One vector per text (batch, hidden × directions): the pooling of its outputs."""
        out, final = self.run(tokens, lengths)                        # (batch, steps, width)
        pooling = self.shape.pooling
        if pooling == "last":
            h = final[0] if isinstance(final, tuple) else final        # (layers × dirs, batch, hidden)
            directions = 2 if self.shape.bidirectional else 1
            return torch.cat(list(h[-directions:]), dim=1)             # the top layer's
        inside = (torch.arange(out.shape[1], device=out.device)[None, :]
                  < lengths.to(out.device)[:, None])                   # (batch, steps)
        if pooling == "max":
            return out.masked_fill(~inside[..., None], float("-inf")).amax(dim=1)
        if pooling == "mean":
            return (out * inside[..., None]).sum(dim=1) / lengths.to(out.device)[:, None]
        scores = self.attention(out).squeeze(-1).masked_fill(~inside, float("-inf"))
        weights = torch.softmax(scores, dim=1)                         # (batch, steps)
        return (weights[..., None] * out).sum(dim=1)

    def run(self, tokens: torch.Tensor, lengths: torch.Tensor):
        """The LSTM's outputs over each text, packed so that padding costs nothing:
        (batch, longest, width) with zeros after each text's end, and the final state."""
        embedded = self.dropout(self.embedding(tokens))                # (batch, steps, embedding)
        if self.shape.cell == "peephole":  # no packed form: it masks the padding itself
            return self.rnn(embedded, lengths=lengths)
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)
        out, final = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=tokens.shape[1])
        return out, final


def build_classifier(config, vocab_size: int, n_classes: int) -> Classifier:
    """The network a ClassifyConfig describes: the one place a classifier is made from
    settings (training, reopening, the size advice)."""
    return Classifier(ClassifierShape(vocab_size, n_classes, config.embedding_dim,
                                      config.hidden_size, config.num_layers, config.dropout,
                                      config.cell, config.bidirectional, config.pooling))
