"""The fp32 numbers that ONNX Runtime's dynamic quantization leaves beside 8-bit weights, in 8
bits too.

Its quantized LSTM (``DynamicQuantizeLSTM``) takes 8-bit weights but only an fp32 bias, eight
numbers per unit and direction, and fp32 peephole weights (three per unit); its fused 8-bit
matrix product (``DynamicQuantizeMatMul``) takes an fp32 bias. For a small network that weighs:
the bias of a forecaster of 32 units alone was 1.0 kB of its 9.9 kB INT8 file. Each such input
of 32 numbers or more that no other node reads (nor the graph lists as an input or output) is
stored as 8-bit integers with one scale, ``v ≈ scale · q`` with ``scale = max|v| / 127``, and
turned back into fp32 by a standard ``DequantizeLinear`` node before the operator reads it: each
number is off by at most half a scale step, ``max|v| / 254``. Fewer numbers than 32 gain
nothing from the scale and the node.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .inner_graphs import has_inner_graphs

# The operators' fp32 inputs: the LSTM's B and P (X, W, R, B, lengths, h, c, P, …) and the
# matrix product's bias (A, B, B's scale, B's zero point, bias).
FLOAT_INPUTS = {("com.microsoft", "DynamicQuantizeLSTM"): (3, 7),
                ("com.microsoft", "DynamicQuantizeMatMul"): (4,)}
SMALLEST = 32  # fewer numbers than this gain nothing from the scale and the extra node


def leftovers_in_8_bits(model) -> int:
    """Rewrites ``model`` (an onnx ModelProto) in place; the number of inputs rewritten."""
    graph = model.graph
    if _default_opset(model) < 10:  # DequantizeLinear's first version
        return 0
    if has_inner_graphs(graph):
        return 0  # a graph inside a node may read a weight by name
    # A weight the graph lists as an input (a caller may replace it) or output stays as it is.
    named = {value.name for value in (*graph.input, *graph.output)}
    initializers = {t.name: t for t in graph.initializer if t.name not in named}
    readers = Counter(name for node in graph.node for name in node.input)
    taken = ({t.name for t in graph.initializer} | named
             | {v for node in graph.node for v in (*node.input, *node.output)})
    nodes, rewritten = [], 0
    for node in graph.node:
        for k in FLOAT_INPUTS.get((node.domain, node.op_type), ()):
            name = node.input[k] if len(node.input) > k else ""
            tensor = initializers.get(name)
            if tensor is not None and readers[name] == 1 and _worth_it(tensor):
                nodes.append(_in_8_bits(graph, tensor, taken))
                node.input[k] = nodes[-1].output[0]
                rewritten += 1
        nodes.append(node)
    if rewritten:
        del graph.node[:]
        graph.node.extend(nodes)
    return rewritten


def _worth_it(tensor) -> bool:
    from onnx import TensorProto, numpy_helper
    if tensor.data_type != TensorProto.FLOAT:
        return False
    values = numpy_helper.to_array(tensor)
    largest = float(np.max(np.abs(values))) if values.size else 0.0
    return values.size >= SMALLEST and np.isfinite(largest) and largest > 0.0


def _in_8_bits(graph, tensor, taken: set[str]):
    """Replaces the initializer ``tensor`` by its 8-bit codes and scale; -> the node that turns
    them back into fp32."""
    from onnx import helper, numpy_helper
    values = numpy_helper.to_array(tensor).astype(np.float64)
    scale = float(np.max(np.abs(values))) / 127.0
    q = np.clip(np.rint(values / scale), -127, 127).astype(np.int8)
    names = [_free(f"{tensor.name}_{part}", taken) for part in ("q", "scale", "zero", "fp32")]
    graph.initializer.remove(tensor)
    graph.initializer.extend([numpy_helper.from_array(q, names[0]),
                              numpy_helper.from_array(np.array(scale, np.float32), names[1]),
                              numpy_helper.from_array(np.array(0, np.int8), names[2])])
    return helper.make_node("DequantizeLinear", names[:3], [names[3]])


def _free(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _default_opset(model) -> int:
    return max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=0)
