"""The peephole LSTM made traceable: each layer's steps are a Python loop, which ``torch.export``
would unroll at the example's length. Here one direction of one layer is a single custom op,
``lstm_studio::peephole_layer`` (run by the same steps as training, training/peephole.py), and
exporting turns it into ONNX's own LSTM node, whose P input holds the peephole weights: the
graph takes texts and windows of any length, and ONNX Runtime's dynamic quantization makes it
an 8-bit LSTM as it does the plain cell's.

ONNX orders the gates input, output, forget, cell where torch has input, forget, cell, output,
and the peepholes input, output, forget where training/peephole.py has input, forget, output.
"""

from __future__ import annotations

import torch

from ..training.peephole import WEIGHTS, PeepholeLSTM, layer_steps


@torch.library.custom_op("lstm_studio::peephole_layer", mutates_args=())
def peephole_layer(x: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor, b_ih: torch.Tensor,
                   b_hh: torch.Tensor, peephole: torch.Tensor, h: torch.Tensor,
                   c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    out, h, c = layer_steps(x, w_ih, w_hh, b_ih, b_hh, peephole, h, c)
    return out, h.clone(), c.clone()  # never the inputs themselves


@peephole_layer.register_fake
def _(x, w_ih, w_hh, b_ih, b_hh, peephole, h, c):
    return x.new_empty(x.shape[0], x.shape[1], h.shape[-1]), torch.empty_like(h), \
        torch.empty_like(c)


class TracedPeephole(PeepholeLSTM):
    """A trained peephole LSTM (eval mode) whose layers run as ``peephole_layer``: the same
    numbers, in a form ``torch.onnx.export`` keeps whole."""

    @classmethod
    def of(cls, rnn: PeepholeLSTM) -> "TracedPeephole":
        traced = cls(rnn.input_size, rnn.hidden_size, rnn.num_layers, 0.0, rnn.bidirectional)
        traced.load_state_dict(rnn.state_dict())
        return traced.eval()

    def _layer(self, x, name, h, c, inside):
        if inside is not None:
            raise ValueError("A traced peephole layer reads whole sequences; the classifier's "
                             "graph reverses each text within its length itself.")
        return peephole_layer(x, *(getattr(self, f"{what}_{name}") for what in WEIGHTS), h, c)


def translations() -> dict:
    """``torch.onnx.export``'s custom translation table: the op as an ONNX LSTM node."""
    from onnxscript import opset18 as op

    def gates(w):  # rows i, f, g, o (torch) -> i, o, f, g (ONNX)
        i, f, g, o = op.Split(w, num_outputs=4, axis=0)
        return op.Concat(i, o, f, g, axis=0)

    def onnx_peephole_layer(x, w_ih, w_hh, b_ih, b_hh, peephole, h, c):
        p_i, p_f, p_o = op.Split(peephole, num_outputs=3, axis=0)
        y, y_h, y_c = op.LSTM(
            op.Transpose(x, perm=[1, 0, 2]),                          # (steps, batch, width)
            op.Unsqueeze(gates(w_ih), [0]), op.Unsqueeze(gates(w_hh), [0]),
            op.Unsqueeze(op.Concat(gates(b_ih), gates(b_hh), axis=0), [0]),
            None, op.Unsqueeze(h, [0]), op.Unsqueeze(c, [0]),
            op.Reshape(op.Concat(p_i, p_o, p_f, axis=0), [1, -1]),
            hidden_size=w_hh.shape[1])
        # y (steps, directions 1, batch, hidden) -> (batch, steps, hidden)
        return op.Transpose(op.Squeeze(y, [1]), perm=[1, 0, 2]), op.Squeeze(y_h, [0]), \
            op.Squeeze(y_c, [0])

    return {torch.ops.lstm_studio.peephole_layer.default: onnx_peephole_layer}
