"""The fp32 numbers that dynamic quantization leaves beside 8-bit weights are stored in 8 bits
(export/fp32_leftovers.py): the LSTM's bias and peephole weights and the matrix products' biases.
The file shrinks by three bytes a number, the outputs move by no more than the rounding allows,
and an input that another node also reads, or one too short to gain, is left as it was."""

import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.shape_inference import quant_pre_process

from lstm_app.export.fp32_leftovers import leftovers_in_8_bits
from lstm_app.export.fused import fused
from lstm_app.export.onnx_export import quantized

HIDDEN, FEATURES, STEPS = 16, 3, 7


def _lstm_model() -> bytes:
    """x (steps, batch, 3) → an LSTM of 16 units → its last state, with random weights."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(
        rng.normal(0, 0.4, (1, 4 * HIDDEN, FEATURES)).astype(np.float32), "W")
    r = numpy_helper.from_array(rng.normal(0, 0.3, (1, 4 * HIDDEN, HIDDEN)).astype(np.float32), "R")
    b = numpy_helper.from_array(rng.normal(0, 0.8, (1, 8 * HIDDEN)).astype(np.float32), "B")
    nodes = [helper.make_node("LSTM", ["x", "W", "R", "B"], ["", "h"], hidden_size=HIDDEN)]
    outputs = [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, "batch", HIDDEN])]
    graph = helper.make_graph(
        nodes, "lstm", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                      [STEPS, "batch", FEATURES])],
        outputs, [w, r, b])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _state(blob: bytes, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(blob, providers=["CPUExecutionProvider"])
    return session.run(["h"], {"x": x})[0]


def _bias_feed(model) -> tuple[str, str]:
    """The LSTM node's op and the producer of its bias: an initializer's type or a node's op."""
    lstm = next(n for n in model.graph.node if "LSTM" in n.op_type)
    bias = lstm.input[3]
    for t in model.graph.initializer:
        if t.name == bias:
            return lstm.op_type, TensorProto.DataType.Name(t.data_type)
    return lstm.op_type, next(n.op_type for n in model.graph.node if bias in n.output)


def test_the_quantized_lstm_reads_an_8_bit_bias_and_answers_as_before():
    x = np.random.default_rng(1).normal(size=(STEPS, 4, FEATURES)).astype(np.float32)
    fp32 = _lstm_model()
    small = quantized(fp32)
    model = onnx.load_from_string(small)
    assert _bias_feed(model) == ("DynamicQuantizeLSTM", "DequantizeLinear")
    codes = [t for t in model.graph.initializer if list(t.dims) == [1, 8 * HIDDEN]]
    assert [t.data_type for t in codes] == [TensorProto.INT8]
    assert np.max(np.abs(_state(small, x) - _state(fp32, x))) < 0.05
    # Three bytes saved per bias number, less the scale, the zero point and the extra node.
    assert len(onnx.load_from_string(fp32).SerializeToString()) > len(small)


def _dynamic(blob: bytes) -> bytes:
    """ONNX Runtime's own dynamic quantization, as export/onnx_export.py calls it."""
    with tempfile.TemporaryDirectory() as folder:
        source, folded, target = (Path(folder) / n for n in ("a.onnx", "b.onnx", "c.onnx"))
        source.write_bytes(blob)
        quant_pre_process(str(source), str(folded), skip_symbolic_shape=True)
        quantize_dynamic(str(folded), str(target), weight_type=QuantType.QInt8)
        return target.read_bytes()


def test_rewriting_moves_the_state_by_no_more_than_the_bias_rounding_allows():
    x = np.random.default_rng(2).normal(size=(STEPS, 4, FEATURES)).astype(np.float32)
    before = _dynamic(_lstm_model())
    model = onnx.load_from_string(before)
    assert leftovers_in_8_bits(model) == 1
    after = model.SerializeToString()
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    codes, scale, zero = next(n for n in model.graph.node if n.op_type == "DequantizeLinear").input
    exact = numpy_helper.to_array(onnx.load_from_string(_lstm_model()).graph.initializer[2])
    assert values[codes].dtype == np.int8 and values[zero] == 0
    rounding = np.max(np.abs(values[codes] * values[scale] - exact))
    assert rounding <= np.max(np.abs(exact)) / 254 + 1e-6
    assert len(before) - len(after) >= 3 * 8 * HIDDEN - 120  # the scale, zero point, node
    moved = np.max(np.abs(_state(after, x) - _state(before, x)))
    assert 0 < moved < 0.03  # each bias number off by at most max|b| / 254 (about 0.01 here)


def test_a_bias_that_another_node_reads_is_left_in_fp32():
    model = onnx.load_from_string(_dynamic(_lstm_model()))
    bias = next(n for n in model.graph.node if n.op_type == "DynamicQuantizeLSTM").input[3]
    model.graph.node.append(helper.make_node("Identity", [bias], ["b_out"]))
    model.graph.output.append(helper.make_tensor_value_info("b_out", TensorProto.FLOAT,
                                                            [1, 8 * HIDDEN]))
    assert leftovers_in_8_bits(model) == 0
    assert _bias_feed(model) == ("DynamicQuantizeLSTM", "FLOAT")
    assert not [n for n in model.graph.node if n.op_type == "DequantizeLinear"]


def _lstm_and_linear(peephole: bool, outputs: int) -> bytes:
    """x (steps, batch, 3) → an LSTM of 16 units (with peephole weights) → its last state
    (batch, 16) → a linear layer of ``outputs`` units, with random weights."""
    rng = np.random.default_rng(3)
    weights = {"W": (1, 4 * HIDDEN, FEATURES), "R": (1, 4 * HIDDEN, HIDDEN),
               "B": (1, 8 * HIDDEN), "P": (1, 3 * HIDDEN), "M": (HIDDEN, outputs),
               "b": (outputs,)}
    tensors = [numpy_helper.from_array(rng.normal(0, 0.4, shape).astype(np.float32), name)
               for name, shape in weights.items() if peephole or name != "P"]
    tensors.append(numpy_helper.from_array(np.array([0], np.int64), "axis0"))
    lstm_inputs = ["x", "W", "R", "B", "", "", "", "P"] if peephole else ["x", "W", "R", "B"]
    nodes = [helper.make_node("LSTM", lstm_inputs, ["", "h"], hidden_size=HIDDEN),
             helper.make_node("Squeeze", ["h", "axis0"], ["state"]),
             helper.make_node("MatMul", ["state", "M"], ["product"]),
             helper.make_node("Add", ["product", "b"], ["y"])]
    graph = helper.make_graph(
        nodes, "lstm", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                      [STEPS, "batch", FEATURES])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", outputs])], tensors)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _fed_by(model, op_type: str, k: int) -> str:
    """What feeds input ``k`` of the ``op_type`` node: a node's op or an initializer's type."""
    node = next(n for n in model.graph.node if n.op_type == op_type)
    for t in model.graph.initializer:
        if t.name == node.input[k]:
            return TensorProto.DataType.Name(t.data_type)
    return next(n.op_type for n in model.graph.node if node.input[k] in n.output)


def test_peephole_weights_and_a_linear_bias_are_stored_in_8_bits_too():
    x = np.random.default_rng(4).normal(size=(STEPS, 5, FEATURES)).astype(np.float32)
    fp32 = _lstm_and_linear(peephole=True, outputs=40)
    small = quantized(fp32)
    model = onnx.load_from_string(small)
    assert _fed_by(model, "DynamicQuantizeLSTM", 7) == "DequantizeLinear"   # P
    assert _fed_by(model, "DynamicQuantizeMatMul", 4) == "DequantizeLinear"  # the bias
    assert not [t for t in model.graph.initializer if t.data_type == TensorProto.FLOAT
                and int(np.prod(t.dims)) >= 32]  # every long fp32 input is in 8 bits now
    run = lambda blob: ort.InferenceSession(blob, providers=["CPUExecutionProvider"]).run(
        ["y"], {"x": x})[0]
    exact, approximate = run(fp32), run(small)
    assert np.max(np.abs(approximate - exact)) < 0.05 * np.max(np.abs(exact))


def test_a_linear_bias_of_fewer_than_32_numbers_stays_in_fp32():
    model = onnx.load_from_string(quantized(_lstm_and_linear(peephole=False, outputs=12)))
    assert _fed_by(model, "DynamicQuantizeMatMul", 4) == "FLOAT"
    assert _fed_by(model, "DynamicQuantizeLSTM", 3) == "DequantizeLinear"


def test_a_bias_the_graph_lists_as_an_input_or_output_stays_in_fp32():
    unlisted = onnx.load_from_string(fused(_dynamic(_lstm_and_linear(peephole=False,
                                                                     outputs=40))))
    assert leftovers_in_8_bits(unlisted) == 2  # the LSTM's bias and the product's
    for listed in ("input", "output"):
        model = onnx.load_from_string(fused(_dynamic(_lstm_and_linear(peephole=False,
                                                                      outputs=40))))
        matmul = next(n for n in model.graph.node if n.op_type == "DynamicQuantizeMatMul")
        bias = next(t for t in model.graph.initializer if list(t.dims) == [40])
        value = helper.make_tensor_value_info(bias.name, TensorProto.FLOAT, [40])
        getattr(model.graph, listed).append(value)
        lstm_bias = next(n for n in model.graph.node if n.op_type == "DynamicQuantizeLSTM").input[3]
        assert leftovers_in_8_bits(model) == 1, listed  # the LSTM's bias only
        assert next(n for n in model.graph.node
                    if n.op_type == "DynamicQuantizeLSTM").input[3] != lstm_bias
        assert bias in model.graph.initializer and matmul in model.graph.node, listed
        ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def test_a_graph_with_a_graph_inside_a_node_is_left_as_it_was():
    model = onnx.load_from_string(_dynamic(_lstm_model()))
    body = helper.make_graph([helper.make_node("Identity", ["h"], ["h_out"])], "body", [],
                             [helper.make_tensor_value_info("h_out", TensorProto.FLOAT, None)])
    model.graph.node.append(helper.make_node("If", ["cond"], ["chosen"], then_branch=body,
                                             else_branch=body))
    before = model.SerializeToString()
    assert leftovers_in_8_bits(model) == 0 and model.SerializeToString() == before
