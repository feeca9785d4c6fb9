"""The LSTM, peephole LSTM and GRU cells written out from their equations, run on a trained
network's own weights.

torch's fused kernels give only the outputs; these explicit cells give every gate at every step,
so a page can show the numbers in each equation. They reproduce ``nn.LSTM`` and ``nn.GRU``
(tested to 1e-5 across layers). In torch's weight layout the LSTM rows are the input gate, the
forget gate, the candidate and the output gate; the GRU rows are the reset gate, the update gate
and the candidate. The equations, with [h, x] the previous hidden state next to the input:

    LSTM  f_t = σ(W_f·[h_{t−1}, x_t] + b_f)      GRU  r_t = σ(W_r·[h_{t−1}, x_t] + b_r)
          i_t = σ(W_i·[h_{t−1}, x_t] + b_i)           z_t = σ(W_z·[h_{t−1}, x_t] + b_z)
          C̃_t = tanh(W_C·[h_{t−1}, x_t] + b_C)        ñ_t = tanh(W_n·x_t + b_in + r_t ∗ (U_n·h_{t−1} + b_hn))
          C_t = f_t ∗ C_{t−1} + i_t ∗ C̃_t              h_t = (1 − z_t) ∗ ñ_t + z_t ∗ h_{t−1}
          o_t = σ(W_o·[h_{t−1}, x_t] + b_o)
          h_t = o_t ∗ tanh(C_t)

The peephole LSTM adds p_i ∗ C_{t−1} and p_f ∗ C_{t−1} inside the input and forget gates and
p_o ∗ C_t inside the output gate (training/peephole.py).

A bidirectional network (a classifier's) has a second cell per layer, with the ``_reverse``
weights, that reads the input from its last step to its first; the next layer reads both
directions' outputs side by side, in time order. Its trace keeps the order it read in (its
step 0 is the input's last step), so that h_{t−1} in its equations is the step before in its
own reading.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

LSTM_GATES = ("i", "f", "g", "o")  # torch's row blocks: input, forget, candidate (C̃), output
GRU_GATES = ("r", "z", "n")        # reset, update, candidate (ñ)


@dataclass
class LayerTrace:
    """Every quantity of one layer at every step: each tensor is (batch, steps, hidden)."""

    inputs: torch.Tensor             # x_t: (batch, steps, input size)
    gates: dict[str, torch.Tensor]   # LSTM: f, i, g (C̃), o; GRU: r, z, n (ñ)
    pre: dict[str, torch.Tensor]     # each gate before its σ or tanh, e.g. W_f·[h, x] + b_f
    h: torch.Tensor                  # h_t
    c: torch.Tensor | None           # C_t (LSTM only)
    h0: torch.Tensor                 # h_{t−1} before the first step: (batch, hidden)
    c0: torch.Tensor | None
    backward: bool = False           # the reverse direction: its steps run from the input's end
    # A peephole LSTM's terms, inside ``pre``: p_i ∗ C_{t−1}, p_f ∗ C_{t−1}, p_o ∗ C_t by gate
    peep: dict[str, torch.Tensor] | None = None


@torch.no_grad()
def trace(rnn: nn.Module, x: torch.Tensor, state=None) -> list[LayerTrace]:
    """Run ``rnn`` (batch_first) over ``x`` step by step; one trace per layer and direction,
    bottom first (a bidirectional layer's forward trace, then its backward one).

    ``state`` is what the module takes: (h0, c0) for an LSTM, h0 for a GRU, each
    (layers × directions, batch, hidden); None starts from zeros. Dropout between layers is
    not applied (the network as it predicts).
    """
    lstm = not isinstance(rnn, nn.GRU)  # nn.LSTM, or the peephole LSTM
    directions = 2 if getattr(rnn, "bidirectional", False) else 1
    layers, hidden = rnn.num_layers, rnn.hidden_size
    zeros = x.new_zeros(layers * directions, x.shape[0], hidden)
    if state is None:
        h0, c0 = zeros, (zeros if lstm else None)
    else:
        h0, c0 = (state if lstm else (state, None))
    traces, inputs = [], x
    for layer in range(layers):
        outputs = []
        for direction, suffix in enumerate(("", "_reverse")[:directions]):
            row = layer * directions + direction
            read = inputs.flip(1) if direction else inputs  # backward: from the last step
            layer_trace = _layer(rnn, f"l{layer}{suffix}", read, h0[row],
                                 c0[row] if lstm else None, lstm)
            layer_trace.backward = bool(direction)
            traces.append(layer_trace)
            outputs.append(layer_trace.h.flip(1) if direction else layer_trace.h)
        inputs = torch.cat(outputs, dim=-1)  # what the next layer reads, in time order
    return traces


def _layer(rnn: nn.Module, name: str, x, h, c, lstm: bool) -> LayerTrace:
    """One layer in one direction, with the weights named ``*_<name>`` (e.g. l0_reverse)."""
    w_ih, w_hh = getattr(rnn, f"weight_ih_{name}"), getattr(rnn, f"weight_hh_{name}")
    b_ih = getattr(rnn, f"bias_ih_{name}", None)
    b_hh = getattr(rnn, f"bias_hh_{name}", None)
    b_ih = b_ih if b_ih is not None else w_ih.new_zeros(w_ih.shape[0])
    b_hh = b_hh if b_hh is not None else w_hh.new_zeros(w_hh.shape[0])
    if lstm:
        return _lstm_layer(x, w_ih, w_hh, b_ih, b_hh, h, c, getattr(rnn, f"peephole_{name}",
                                                                    None))
    return _gru_layer(x, w_ih, w_hh, b_ih, b_hh, h, None)


def _lstm_layer(x, w_ih, w_hh, b_ih, b_hh, h, c, peephole=None) -> LayerTrace:
    """One LSTM layer step by step; with ``peephole`` (3, H: p_i, p_f, p_o) the input and
    forget gates also read C_{t−1} and the output gate C_t (their "pre" values include it)."""
    from_input = x @ w_ih.T + b_ih                  # (batch, steps, 4H): all steps at once
    p_i, p_f, p_o = peephole if peephole is not None else (0.0, 0.0, 0.0)
    out = {name: [] for name in LSTM_GATES}
    pres = {name: [] for name in LSTM_GATES}
    peeps = {name: [] for name in ("i", "f", "o")}
    hs, cs, h0, c0 = [], [], h, c
    for t in range(x.shape[1]):
        pre = from_input[:, t] + h @ w_hh.T + b_hh  # W·[h_{t−1}, x_t] + b, split in four
        zi, zf, zg, zo = pre.chunk(4, dim=-1)
        peeps["i"].append(p_i * c)                  # the peepholes read C_{t−1} (0 without)
        peeps["f"].append(p_f * c)
        zi, zf = zi + peeps["i"][-1], zf + peeps["f"][-1]
        i, f, g = torch.sigmoid(zi), torch.sigmoid(zf), torch.tanh(zg)
        c = f * c + i * g
        peeps["o"].append(p_o * c)                  # ... and the output gate C_t
        zo = zo + peeps["o"][-1]
        o = torch.sigmoid(zo)
        h = o * torch.tanh(c)
        for name, value, z in zip(LSTM_GATES, (i, f, g, o), (zi, zf, zg, zo)):
            out[name].append(value)
            pres[name].append(z)
        hs.append(h)
        cs.append(c)
    stack = lambda values: torch.stack(values, dim=1)
    return LayerTrace(x, {k: stack(v) for k, v in out.items()},
                      {k: stack(v) for k, v in pres.items()}, stack(hs), stack(cs), h0, c0,
                      peep=None if peephole is None else {k: stack(v) for k, v in peeps.items()})


def _gru_layer(x, w_ih, w_hh, b_ih, b_hh, h, _c) -> LayerTrace:
    from_input = x @ w_ih.T + b_ih                  # (batch, steps, 3H)
    out = {name: [] for name in GRU_GATES}
    pres = {name: [] for name in GRU_GATES}
    hs, h0 = [], h
    for t in range(x.shape[1]):
        xr, xz, xn = from_input[:, t].chunk(3, dim=-1)
        hr, hz, hn = (h @ w_hh.T + b_hh).chunk(3, dim=-1)
        zr, zz, zn = xr + hr, xz + hz, xn + torch.sigmoid(xr + hr) * hn
        r, z, n = torch.sigmoid(zr), torch.sigmoid(zz), torch.tanh(zn)
        h = (1 - z) * n + z * h
        for name, value, pre in zip(GRU_GATES, (r, z, n), (zr, zz, zn)):
            out[name].append(value)
            pres[name].append(pre)
        hs.append(h)
    stack = lambda values: torch.stack(values, dim=1)
    return LayerTrace(x, {k: stack(v) for k, v in out.items()},
                      {k: stack(v) for k, v in pres.items()}, stack(hs), None, h0, None)
