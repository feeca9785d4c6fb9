"""What the exported graphs leave out (export/zero_inputs.py, export/fused.py): a recurrent
layer's starting state that can only be zeros, zero points of 0, and the five-node 8-bit matrix
product ONNX Runtime fuses anyway; each file computes exactly what it did, in fewer bytes."""

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from lstm_app.export.fused import fused
from lstm_app.export.onnx_export import quantized
from lstm_app.export.zero_inputs import zero_inputs_left_out

HIDDEN, FEATURES, STEPS = 8, 3, 5


def _lstm_from_zeros(start: float = 0.0) -> onnx.ModelProto:
    """x (steps, batch, 3) → an LSTM whose starting state is built as the exporter builds it:
    the batch size read from x, a shape put together, a scalar ``start`` expanded and sliced."""
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.normal(0, 0.4, shape).astype(np.float32), name)
               for name, shape in (("W", (1, 4 * HIDDEN, FEATURES)),
                                   ("R", (1, 4 * HIDDEN, HIDDEN)), ("B", (1, 8 * HIDDEN)))]
    constants = [numpy_helper.from_array(np.array(start, np.float32), "start"),
                 numpy_helper.from_array(np.array([2], np.int64), "two"),
                 numpy_helper.from_array(np.array([0], np.int64), "zero"),
                 numpy_helper.from_array(np.array([1], np.int64), "one"),
                 numpy_helper.from_array(np.array([HIDDEN], np.int64), "hidden")]
    nodes = [helper.make_node("Shape", ["x"], ["x_shape"]),
             helper.make_node("Slice", ["x_shape", "one", "two"], ["batch"]),
             helper.make_node("Concat", ["one", "one", "batch", "hidden"], ["state_shape"],
                              axis=0),
             helper.make_node("Expand", ["start", "state_shape"], ["states"]),
             helper.make_node("Slice", ["states", "zero", "one"], ["state"]),
             helper.make_node("Squeeze", ["state", "zero"], ["h0"]),
             helper.make_node("LSTM", ["x", "W", "R", "B", "", "h0", "h0"], ["", "h"],
                              hidden_size=HIDDEN)]
    graph = helper.make_graph(
        nodes, "lstm", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                      [STEPS, "batch", FEATURES])],
        [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, "batch", HIDDEN])],
        weights + constants)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _run(blob: bytes, as_written: bool = False, **feed) -> np.ndarray:
    """The first output; ``as_written``: without ONNX Runtime's own graph optimizations."""
    options = ort.SessionOptions()
    if as_written:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(blob, options, providers=["CPUExecutionProvider"])
    return session.run(None, feed)[0]


def test_a_starting_state_of_zeros_is_left_out_with_the_nodes_that_built_it():
    model = _lstm_from_zeros()
    before = model.SerializeToString()
    assert zero_inputs_left_out(model) == 2
    onnx.checker.check_model(model)
    assert [node.op_type for node in model.graph.node] == ["LSTM"]
    assert list(model.graph.node[0].input) == ["x", "W", "R", "B"]
    assert {t.name for t in model.graph.initializer} == {"W", "R", "B"}
    after = model.SerializeToString()
    assert len(after) < len(before)
    x = np.random.default_rng(1).normal(size=(STEPS, 3, FEATURES)).astype(np.float32)
    np.testing.assert_array_equal(_run(after, x=x), _run(before, x=x))


def test_a_starting_state_that_is_not_zeros_stays():
    model = _lstm_from_zeros(start=0.5)
    before = model.SerializeToString()
    assert zero_inputs_left_out(model) == 0
    assert model.SerializeToString() == before


def test_zeros_that_a_caller_may_replace_stay():
    """A weight also listed among the inputs is only a default: a caller may feed another."""
    model = _lstm_from_zeros()
    model.graph.input.append(helper.make_tensor_value_info("start", TensorProto.FLOAT, []))
    before = model.SerializeToString()
    assert zero_inputs_left_out(model) == 0
    assert model.SerializeToString() == before
    x = np.ones((STEPS, 2, FEATURES), np.float32)
    assert not np.array_equal(_run(before, x=x, start=np.array(1.0, np.float32)),
                              _run(before, x=x, start=np.array(0.0, np.float32)))


def _dequantized(zero_point: int) -> onnx.ModelProto:
    """y = x + dequantize(q, 0.1, zero_point): an int8 constant added to the input."""
    q = numpy_helper.from_array(np.array([-5, 0, 7, 127], np.int8), "q")
    scale = numpy_helper.from_array(np.array(0.1, np.float32), "scale")
    zero = numpy_helper.from_array(np.array(zero_point, np.int8), "zero_point")
    graph = helper.make_graph(
        [helper.make_node("DequantizeLinear", ["q", "scale", "zero_point"], ["b"]),
         helper.make_node("Add", ["x", "b"], ["y"])], "dq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], [q, scale, zero])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def test_a_zero_point_of_zero_is_left_out_and_any_other_stays():
    x = np.arange(4, dtype=np.float32)
    model = _dequantized(0)
    before = model.SerializeToString()
    assert zero_inputs_left_out(model) == 1
    onnx.checker.check_model(model)
    assert list(model.graph.node[0].input) == ["q", "scale"]  # nothing missing at the end
    assert "zero_point" not in {t.name for t in model.graph.initializer}
    np.testing.assert_array_equal(_run(model.SerializeToString(), x=x), _run(before, x=x))
    np.testing.assert_allclose(_run(before, x=x), x + 0.1 * np.array([-5, 0, 7, 127]),
                               rtol=1e-6)

    shifted = _dequantized(3)
    kept = shifted.SerializeToString()
    assert zero_inputs_left_out(shifted) == 0
    assert shifted.SerializeToString() == kept


def _dense() -> bytes:
    """y = tanh(x · W1 + b1) · W2: two matrix products big enough to be quantized."""
    rng = np.random.default_rng(3)
    w1 = numpy_helper.from_array(rng.normal(0, 0.3, (24, 32)).astype(np.float32), "W1")
    b1 = numpy_helper.from_array(rng.normal(0, 0.3, 32).astype(np.float32), "b1")
    w2 = numpy_helper.from_array(rng.normal(0, 0.3, (32, 16)).astype(np.float32), "W2")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W1"], ["a"]), helper.make_node("Add", ["a", "b1"],
                                                                          ["z"]),
         helper.make_node("Tanh", ["z"], ["t"]), helper.make_node("MatMul", ["t", "W2"], ["y"])],
        "dense", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 24])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 16])], [w1, b1, w2])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def test_the_int8_file_holds_the_fused_products_onnx_runtime_would_run():
    from onnxruntime.quantization import QuantType, quantize_dynamic
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "a.onnx", Path(folder) / "b.onnx"
        source.write_bytes(_dense())
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
        unfused = target.read_bytes()
    ops = [n.op_type for n in onnx.load_from_string(unfused).graph.node]
    assert ops.count("MatMulInteger") == 2
    once, twice = fused(unfused), fused(fused(unfused))
    assert [n.op_type for n in onnx.load_from_string(once).graph.node].count(
        "DynamicQuantizeMatMul") == 2
    assert "MatMulInteger" not in [n.op_type for n in onnx.load_from_string(once).graph.node]
    assert len(once) < len(unfused) and len(twice) == len(once)
    x = np.random.default_rng(4).normal(size=(6, 24)).astype(np.float32)
    np.testing.assert_array_equal(_run(once, as_written=True, x=x),
                                  _run(unfused, as_written=True, x=x))

    small = quantized(_dense())  # the export's whole INT8 step
    model = onnx.load_from_string(small)
    # (b1, 32 numbers, is read in 8 bits through a DequantizeLinear: fp32_leftovers.py)
    assert {n.op_type for n in model.graph.node} <= {"DynamicQuantizeMatMul", "Tanh", "Add",
                                                     "DequantizeLinear"}
    assert all(len(n.input) < 4 or not n.input[3] for n in model.graph.node)  # no zero points
    # As close to fp32 as ONNX Runtime's own quantization (0.058 against 0.063 here, on outputs
    # up to 2.7): the bias's rounding is small beside the weights' and the inputs'.
    exact = _run(_dense(), as_written=True, x=x)
    ours = np.abs(_run(small, as_written=True, x=x) - exact).max()
    theirs = np.abs(_run(unfused, as_written=True, x=x) - exact).max()
    assert 0 < ours <= 1.25 * theirs


def test_the_page_default_forecasters_int8_file_is_at_most_30_percent_of_its_fp32_one():
    """Issue 16's size target on its smallest model (the airline sample at the page's default
    sizes, 6,285 weights), where what the graph carries besides its weights weighs most:
    29.95% on 2026-12-04, 12 bytes to spare; a change that adds nodes to the forecaster's graph
    shows here first."""
    from lstm_app.export.onnx_export import export_trained
    from lstm_app.samples import sample_path
    from lstm_app.series.loading import load_series
    from lstm_app.series.pipeline import fit_forecast
    from lstm_app.series.settings import ForecastConfig
    series = load_series(sample_path("airline_passengers"))
    trained = fit_forecast(series, ForecastConfig(epochs=1, statistical_seconds=0))
    files = export_trained("forecast", trained, series, int8=True).files
    int8, fp32 = len(files["model.int8.onnx"]), len(files["model.onnx"])
    assert int8 <= 0.30 * fp32, (
        f"INT8 {int8:,} bytes against fp32 {fp32:,} ({int8 / fp32:.2%}): a size budget; a newer "
        f"onnx, onnxruntime or exporter may also write the graph differently")
