"""The peephole LSTM (Gers and Schmidhuber, 2000): an LSTM whose gates also read the cell state.

With [h, x] the previous hidden state next to the input, and ⊙ the elementwise product, the
input and forget gates read the previous cell state and the output gate the new one:

    i_t = σ(W_i·[h_{t−1}, x_t] + b_i + p_i ⊙ C_{t−1})
    f_t = σ(W_f·[h_{t−1}, x_t] + b_f + p_f ⊙ C_{t−1})
    C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)
    C_t = f_t ⊙ C_{t−1} + i_t ⊙ C̃_t
    o_t = σ(W_o·[h_{t−1}, x_t] + b_o + p_o ⊙ C_t)
    h_t = o_t ⊙ tanh(C_t)

With the peephole weights p at zero it is ``nn.LSTM``: the weights are named and laid out as
torch's (``weight_ih_l0``: rows of the input gate, the forget gate, the candidate, the output
gate), with ``peephole_l0`` (3, hidden) holding p_i, p_f, p_o, and ``_reverse`` for the backward
direction. The extra terms sit inside the recurrence, so the fused LSTM kernel cannot run it:
each step is a few small matrix products in Python, slower than ``nn.LSTM`` (the README and the
settings' help give the measured factor).

``forward(x, state=None, lengths=None)``: x (batch, steps, input) batch-first. With
``lengths`` (a padded batch of sequences, as a classifier reads), a sequence's state stops at
its own end, its outputs are zero after it, and the backward direction starts there.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class PeepholeLSTM(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 dropout: float = 0.0, bidirectional: bool = False):
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.dropout, self.bidirectional = dropout, bidirectional
        self.batch_first = True
        directions = 2 if bidirectional else 1
        bound = 1 / math.sqrt(hidden_size)  # nn.LSTM's initialisation
        for layer in range(num_layers):
            width = input_size if layer == 0 else hidden_size * directions
            for suffix in self._suffixes():
                name = f"l{layer}{suffix}"
                for what, shape in ((f"weight_ih_{name}", (4 * hidden_size, width)),
                                    (f"weight_hh_{name}", (4 * hidden_size, hidden_size)),
                                    (f"bias_ih_{name}", (4 * hidden_size,)),
                                    (f"bias_hh_{name}", (4 * hidden_size,)),
                                    (f"peephole_{name}", (3, hidden_size))):
                    self.register_parameter(what, nn.Parameter(
                        torch.empty(shape).uniform_(-bound, bound)))

    def _suffixes(self) -> tuple[str, ...]:
        return ("", "_reverse") if self.bidirectional else ("",)

    def forward(self, x: torch.Tensor, state=None, lengths: torch.Tensor | None = None):
        """(out (batch, steps, hidden × directions), (h_n, c_n) each (layers × directions,
        batch, hidden)), as ``nn.LSTM`` gives them."""
        batch, steps, _ = x.shape
        directions = len(self._suffixes())
        rows = self.num_layers * directions
        if state is None:
            zeros = x.new_zeros(rows, batch, self.hidden_size)
            state = (zeros, zeros)
        inside = None
        if lengths is not None:
            inside = (torch.arange(steps, device=x.device)[None, :]
                      < lengths.to(x.device)[:, None])                 # (batch, steps)
        finals_h, finals_c, inputs = [], [], x
        for layer in range(self.num_layers):
            outs = []
            for d, suffix in enumerate(self._suffixes()):
                k = layer * directions + d
                seq = inputs if d == 0 else _reversed(inputs, lengths)
                out, h, c = self._layer(seq, f"l{layer}{suffix}", state[0][k], state[1][k],
                                        None if inside is None else
                                        (inside if d == 0 else _reversed(inside, lengths)))
                outs.append(out if d == 0 else _reversed(out, lengths))
                finals_h.append(h)
                finals_c.append(c)
            inputs = torch.cat(outs, dim=-1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                inputs = nn.functional.dropout(inputs, self.dropout)
        return inputs, (torch.stack(finals_h), torch.stack(finals_c))

    def _layer(self, x, name, h, c, inside):
        return layer_steps(x, *(getattr(self, f"{what}_{name}") for what in WEIGHTS), h, c,
                           inside)


WEIGHTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "peephole")  # one layer's, in order


def layer_steps(x, w_ih, w_hh, b_ih, b_hh, peephole, h, c, inside=None):
    """One direction of one layer over x (batch, steps, width) from the state h, c (batch,
    hidden) -> (out (batch, steps, hidden), h, c); ``inside`` (batch, steps) says which steps
    are a sequence's own (the state holds still on the others)."""
    p_i, p_f, p_o = peephole
    from_input = x @ w_ih.T + b_ih + b_hh
    outs = []
    for t in range(x.shape[1]):
        zi, zf, zg, zo = (from_input[:, t] + h @ w_hh.T).chunk(4, dim=-1)
        i = torch.sigmoid(zi + p_i * c)
        f = torch.sigmoid(zf + p_f * c)
        c_new = f * c + i * torch.tanh(zg)
        h_new = torch.sigmoid(zo + p_o * c_new) * torch.tanh(c_new)
        if inside is not None:
            keep = inside[:, t, None]
            h_new, c_new = torch.where(keep, h_new, h), torch.where(keep, c_new, c)
            outs.append(h_new * keep)
        else:
            outs.append(h_new)
        h, c = h_new, c_new
    return torch.stack(outs, dim=1), h, c


def _reversed(x: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    """Each sequence of ``x`` (batch, steps, …) backwards within its own length (the padding
    stays after it); the whole of each sequence when ``lengths`` is None."""
    if lengths is None:
        return x.flip(1)
    steps = x.shape[1]
    ahead = torch.arange(steps, device=x.device)[None, :]
    lengths = lengths.to(x.device)[:, None]
    where = torch.where(ahead < lengths, lengths - 1 - ahead, ahead)      # (batch, steps)
    index = where.reshape(*where.shape, *([1] * (x.dim() - 2))).expand_as(x)
    return x.gather(1, index)
