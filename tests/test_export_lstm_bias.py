"""The quantized LSTM's bias is stored in 8 bits (export/lstm_bias.py): the file shrinks by
three bytes a number, the outputs move by no more than the bias's rounding allows, and a bias
that another node also reads is left as it was."""

import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.shape_inference import quant_pre_process

from lstm_app.export.lstm_bias import biases_in_8_bits
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
    assert biases_in_8_bits(model) == 1
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
    assert biases_in_8_bits(model) == 0
    assert _bias_feed(model) == ("DynamicQuantizeLSTM", "FLOAT")
    assert not [n for n in model.graph.node if n.op_type == "DequantizeLinear"]
