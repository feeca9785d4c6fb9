"""The exported ONNX files carry no debugging notes and short names (export/compact.py): the
graph computes exactly what it did, its inputs and outputs keep their names, a loop's body that
reads outer names still finds them, the notes on its inputs and outputs go, and operator sets no
node uses are dropped."""

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

from lstm_app.export.compact import compacted


def _model_with_a_loop() -> bytes:
    """y = x · W, then a Loop adding the outer tensor ``long_outer_bias_name`` three times;
    long names, notes, shapes and an unused operator set, as exporters leave them."""
    weight = helper.make_tensor("model.head.weight_very_long_name", TensorProto.FLOAT, [3, 2],
                                [0.5, -1.0, 2.0, 0.25, 1.5, -0.75])
    bias = helper.make_tensor("long_outer_bias_name", TensorProto.FLOAT, [2], [0.1, -0.2])
    trips = helper.make_tensor("trip_count_constant", TensorProto.INT64, [], [3])
    body = helper.make_graph(
        [helper.make_node("Add", ["carried_in", "long_outer_bias_name"], ["carried_out"],
                          name="/body/Add", doc_string="File 'model.py', line 12"),
         helper.make_node("Identity", ["condition_in"], ["condition_out"], name="/body/Id")],
        "loop_body",
        [helper.make_tensor_value_info("iteration", TensorProto.INT64, []),
         helper.make_tensor_value_info("condition_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("carried_in", TensorProto.FLOAT, ["batch", 2])],
        [helper.make_tensor_value_info("condition_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("carried_out", TensorProto.FLOAT, ["batch", 2])])
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["window", "model.head.weight_very_long_name"],
                          ["/model/head/MatMul_output_0"], name="/model/head/MatMul",
                          doc_string="a long Python stack " * 20),
         helper.make_node("Loop", ["trip_count_constant", "", "/model/head/MatMul_output_0"],
                          ["forecast"], name="/model/Loop", body=body)],
        "main_graph_with_a_long_name",
        [helper.make_tensor_value_info("window", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("forecast", TensorProto.FLOAT, ["batch", 2])],
        [weight, bias, trips],
        value_info=[helper.make_tensor_value_info("/model/head/MatMul_output_0",
                                                  TensorProto.FLOAT, ["batch", 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    helper.set_model_props(model, {"pkg.torch.onnx.stack": "x" * 500})
    model.graph.metadata_props.add(key="pkg.exporter", value="y" * 500)
    for value in (*model.graph.input, *model.graph.output, *body.input):
        value.metadata_props.add(key="pkg.torch.onnx.original_node_name", value="add_102")
        value.doc_string = "the exporter's note"
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _run(blob: bytes, window: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(blob, providers=["CPUExecutionProvider"])
    return session.run(["forecast"], {"window": window})[0]


def test_a_compacted_graph_computes_the_same_under_short_names():
    blob = _model_with_a_loop()
    small = compacted(blob)
    window = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    expected = window @ np.array([[0.5, -1.0], [2.0, 0.25], [1.5, -0.75]], np.float32) \
        + 3 * np.array([0.1, -0.2], np.float32)
    np.testing.assert_allclose(_run(blob, window), expected, rtol=1e-6)
    np.testing.assert_array_equal(_run(small, window), _run(blob, window))
    assert len(small) < len(blob) / 2

    model = onnx.load_from_string(small)
    onnx.checker.check_model(model)
    graph, body = model.graph, model.graph.node[1].attribute[0].g
    assert [v.name for v in graph.input] == ["window"]
    assert [v.name for v in graph.output] == ["forecast"]
    names = {t.name for t in graph.initializer} | {n for node in (*graph.node, *body.node)
                                                   for n in (*node.input, *node.output)}
    names |= {v.name for v in (*body.input, *body.output)}
    assert all(len(name) <= 3 for name in names - {"window", "forecast", ""})
    assert "" in graph.node[1].input  # the loop's optional condition stays left out
    assert all(not node.name and not node.doc_string for node in (*graph.node, *body.node))
    assert not graph.value_info and not graph.metadata_props and not model.metadata_props
    assert all(not value.metadata_props and not value.doc_string
               for value in (*graph.input, *graph.output, *body.input, *body.output))
    assert [opset.domain for opset in model.opset_import] == [""]


def test_a_short_name_never_takes_an_input_or_output_name():
    blob = _model_with_a_loop()
    model = onnx.load_from_string(blob)
    model.graph.input[0].name = "_0"  # the first short name the compaction would hand out
    model.graph.node[0].input[0] = "_0"
    small = compacted(model.SerializeToString())
    window = np.ones((2, 3), np.float32)
    session = ort.InferenceSession(small, providers=["CPUExecutionProvider"])
    got = session.run(["forecast"], {"_0": window})[0]
    np.testing.assert_array_equal(got, _run(blob, window))
    assert "_0" not in {t.name for t in onnx.load_from_string(small).graph.initializer}


def test_an_operator_set_used_only_inside_a_loop_is_kept():
    model = onnx.load_from_string(_model_with_a_loop())
    body = model.graph.node[1].attribute[0].g
    body.node[0].output[0] = "added"
    body.node.append(helper.make_node("Gelu", ["added"], ["carried_out"],
                                      domain="com.microsoft"))
    blob = model.SerializeToString()
    small = compacted(blob)
    assert "com.microsoft" in {opset.domain for opset in onnx.load_from_string(small).opset_import}
    window = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_array_equal(_run(small, window), _run(blob, window))


def test_a_graph_that_names_tensors_elsewhere_is_left_as_it_was():
    model = onnx.load_from_string(_model_with_a_loop())
    values = helper.make_tensor("sparse_values", TensorProto.FLOAT, [1], [2.0])
    indices = helper.make_tensor("sparse_indices", TensorProto.INT64, [1], [0])
    model.graph.sparse_initializer.append(helper.make_sparse_tensor(values, indices, [2]))
    blob = model.SerializeToString()
    assert compacted(blob) == blob
