"""What an ONNX file says twice is said once (export/redundancy.py): attributes equal to their
operator's default go (for standard operators and ONNX Runtime's own), others stay; constants with
the same type, shape and numbers become one, unless a caller may replace them; the outputs do not
change."""

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from lstm_app.export.redundancy import defaults_left_out, same_constants_merged


def _model() -> onnx.ModelProto:
    """x (batch, 4) → two Gathers (axis 0, the default, and axis 1) → sums with Gemm (alpha 1,
    the default, and 2) and two equal constants, one more a graph input with a default value."""
    constants = [numpy_helper.from_array(np.array([1, 0], np.int64), name)
                 for name in ("rows_a", "rows_b", "rows_input")]
    constants.append(numpy_helper.from_array(np.eye(4, dtype=np.float32), "eye"))
    nodes = [helper.make_node("Gather", ["x", "rows_a"], ["g0"], axis=0),
             helper.make_node("Gather", ["x", "rows_b"], ["g1"], axis=1),
             helper.make_node("Gather", ["x", "rows_input"], ["g2"], axis=0),
             helper.make_node("Gemm", ["g0", "eye"], ["m0"], alpha=1.0, transA=0),
             helper.make_node("Gemm", ["g2", "eye"], ["m1"], alpha=2.0),
             helper.make_node("Add", ["m0", "m1"], ["y"])]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4]),
         helper.make_tensor_value_info("rows_input", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4]),
         helper.make_tensor_value_info("g1", TensorProto.FLOAT, [2, 2])], constants)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def _run(model) -> list[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    return session.run(None, {"x": x})


def _attributes(model) -> list[dict]:
    return [{a.name: helper.get_attribute_value(a) for a in node.attribute}
            for node in model.graph.node]


def test_default_attributes_go_and_the_others_stay():
    model = _model()
    before = _run(model)
    assert defaults_left_out(model) == 4  # two Gathers' axis 0, one Gemm's alpha 1 and transA 0
    assert _attributes(model) == [{}, {"axis": 1}, {}, {}, {"alpha": 2.0}, {}]
    for old, new in zip(before, _run(model)):
        np.testing.assert_array_equal(old, new)


def test_equal_constants_become_one_but_a_replaceable_one_stays():
    model = _model()
    before = _run(model)
    assert same_constants_merged(model) == 1
    assert [t.name for t in model.graph.initializer] == ["rows_a", "rows_input", "eye"]
    assert [list(n.input) for n in model.graph.node][:3] == [
        ["x", "rows_a"], ["x", "rows_a"], ["x", "rows_input"]]
    for old, new in zip(before, _run(model)):
        np.testing.assert_array_equal(old, new)


def test_onnx_runtime_operators_defaults_come_from_onnx_runtime():
    model = _model()
    lstm = helper.make_node("DynamicQuantizeLSTM", ["a"], ["b"], domain="com.microsoft",
                            hidden_size=4, direction="forward", input_forget=0)
    backward = helper.make_node("DynamicQuantizeLSTM", ["a"], ["c"], domain="com.microsoft",
                                hidden_size=4, direction="reverse")
    model.graph.node.extend([lstm, backward])
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    unknown = helper.make_node("NoSuchOp", ["a"], ["d"], domain="com.example", axis=0)
    model.graph.node.append(unknown)
    defaults_left_out(model)
    assert _attributes(model)[-3:] == [{"hidden_size": 4},
                                       {"hidden_size": 4, "direction": b"reverse"}, {"axis": 0}]


def _softmax(opset: int) -> onnx.ModelProto:
    node = helper.make_node("Softmax", ["x"], ["y"], axis=1)
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def test_the_default_is_the_one_of_the_models_operator_set():
    """Softmax's axis defaulted to 1 up to operator set 12 and to -1 from 13."""
    old, new = _softmax(11), _softmax(13)
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype(np.float32)
    run = lambda m: ort.InferenceSession(m.SerializeToString(),
                                         providers=["CPUExecutionProvider"]).run(None, {"x": x})
    before = run(old)
    assert defaults_left_out(old) == 1 and defaults_left_out(new) == 0
    assert _attributes(old) == [{}] and _attributes(new) == [{"axis": 1}]
    np.testing.assert_array_equal(run(old)[0], before[0])


def test_a_constant_the_graph_gives_out_is_not_merged_away():
    model = _model()
    model.graph.output.append(helper.make_tensor_value_info("rows_b", TensorProto.INT64, [2]))
    assert same_constants_merged(model) == 0
    assert _run(model)[2].tolist() == [1, 0]


def test_every_export_drops_defaults_and_merges_constants():
    from lstm_app.export.compact import compacted
    small = onnx.load_from_string(compacted(_model().SerializeToString()))
    assert _attributes(small) == [{}, {"axis": 1}, {}, {}, {"alpha": 2.0}, {}]
    assert len(small.graph.initializer) == 3 - 1 + 1  # rows_a and rows_b one; the input's; eye
