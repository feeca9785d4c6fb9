"""The recurrent layers' biases in 8 bits, which ONNX Runtime's dynamic quantization leaves in
fp32.

Its quantized LSTM (``DynamicQuantizeLSTM``) takes 8-bit weights but only an fp32 bias, eight
numbers per unit and direction. For a small network that is a tenth of the INT8 file (a
forecaster of 32 units: 1.0 kB of its 9.9 kB). Each such bias that no other node reads is stored
as 8-bit integers with one scale, ``b ≈ scale · q`` with ``scale = max|b| / 127``, and turned
back into fp32 by a standard ``DequantizeLinear`` node before the layer reads it: the bias is
off by at most half a scale step, ``max|b| / 254``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

LSTM_OPS = {("com.microsoft", "DynamicQuantizeLSTM")}
BIAS_INPUT = 3  # X, W, R, B, …
SMALLEST = 32  # fewer numbers than this gain nothing from the scale and the extra node


def biases_in_8_bits(model) -> int:
    """Rewrites ``model`` (an onnx ModelProto) in place; the number of biases rewritten."""
    from onnx import TensorProto, helper, numpy_helper

    if _default_opset(model) < 10:  # DequantizeLinear's first version
        return 0
    graph = model.graph
    initializers = {t.name: t for t in graph.initializer}
    readers = Counter(name for node in graph.node for name in node.input)
    taken = set(initializers) | {v for node in graph.node for v in (*node.input, *node.output)}
    nodes, rewritten = [], 0
    for node in graph.node:
        bias = node.input[BIAS_INPUT] if len(node.input) > BIAS_INPUT else ""
        tensor = initializers.get(bias)
        if ((node.domain, node.op_type) not in LSTM_OPS or tensor is None or readers[bias] != 1
                or tensor.data_type != TensorProto.FLOAT):
            nodes.append(node)
            continue
        values = numpy_helper.to_array(tensor).astype(np.float64)
        largest = float(np.max(np.abs(values))) if values.size else 0.0
        if values.size < SMALLEST or not np.isfinite(largest) or largest == 0.0:
            nodes.append(node)
            continue
        scale = largest / 127.0
        q = np.clip(np.rint(values / scale), -127, 127).astype(np.int8)
        names = [_free(f"{bias}_{part}", taken) for part in ("q", "scale", "zero", "fp32")]
        graph.initializer.remove(tensor)
        graph.initializer.extend([numpy_helper.from_array(q, names[0]),
                                  numpy_helper.from_array(np.array(scale, np.float32), names[1]),
                                  numpy_helper.from_array(np.array(0, np.int8), names[2])])
        nodes.append(helper.make_node("DequantizeLinear", names[:3], [names[3]]))
        node.input[BIAS_INPUT] = names[3]
        nodes.append(node)
        rewritten += 1
    if rewritten:
        del graph.node[:]
        graph.node.extend(nodes)
    return rewritten


def _free(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _default_opset(model) -> int:
    return max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)
