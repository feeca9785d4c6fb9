"""What an ONNX file says twice, said once: an attribute set to the value its operator takes
when it is missing (an LSTM's direction "forward", a Gather's axis 0, a Gemm's alpha of 1), and
constants with the same type, shape and bytes (the zero points of two 8-bit weights). The graph
computes exactly what it did; the exporters write both out of habit. Standard operators' defaults
come from ONNX's own operator definitions, ONNX Runtime's operators' from ONNX Runtime's.
"""

from __future__ import annotations

import hashlib
from functools import cache

from .inner_graphs import has_inner_graphs


def defaults_left_out(model) -> int:
    """Drops, in place, the main graph's node attributes that equal their operator's default;
    -> how many. An operator whose definition cannot be found keeps all of its attributes."""
    import onnx
    versions = {opset.domain or "ai.onnx": opset.version for opset in model.opset_import}
    dropped = 0
    for node in model.graph.node:
        domain = node.domain or "ai.onnx"
        defaults = _defaults(node.op_type, domain, versions.get(domain, 0))
        kept = [attribute for attribute in node.attribute
                if attribute.name not in defaults
                or onnx.helper.get_attribute_value(attribute) != defaults[attribute.name]]
        if len(kept) < len(node.attribute):
            dropped += len(node.attribute) - len(kept)
            del node.attribute[:]
            node.attribute.extend(kept)
    return dropped


def same_constants_merged(model) -> int:
    """Points every reader of a constant at the first constant with the same type, shape and
    bytes, and drops the others (in place, main graph only; not weights listed as the graph's
    inputs, which a caller may replace, or as its outputs, which it reads by name); -> how many
    were dropped."""
    graph = model.graph
    fed = {value.name for value in (*graph.input, *graph.output)}
    if has_inner_graphs(graph):
        return 0  # a subgraph may read a constant by name
    first: dict[tuple, str] = {}
    renamed: dict[str, str] = {}
    for tensor in graph.initializer:
        if tensor.name in fed:
            continue
        key = _content(tensor)
        renamed[tensor.name] = first.setdefault(key, tensor.name)
    renamed = {old: new for old, new in renamed.items() if old != new}
    if not renamed:
        return 0
    for node in graph.node:
        node.input[:] = [renamed.get(name, name) for name in node.input]
    kept = [tensor for tensor in graph.initializer if tensor.name not in renamed]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return len(renamed)


def _content(tensor) -> tuple:
    """The tensor's type, shape and a digest of its numbers (not its name)."""
    unnamed = type(tensor)()
    unnamed.CopyFrom(tensor)
    unnamed.name = unnamed.doc_string = ""
    return tensor.data_type, tuple(tensor.dims), hashlib.sha256(unnamed.SerializeToString()).digest()


@cache
def _defaults(op_type: str, domain: str, version: int) -> dict:
    """{attribute name: default value} of the operator's definition at ``version``."""
    import onnx
    if domain == "ai.onnx":
        if version > onnx.defs.onnx_opset_version():  # newer than the definitions at hand
            return {}
        try:
            schema = onnx.defs.get_schema(op_type, version, "")
        except onnx.defs.SchemaError:
            return {}
        found = {name: a.default_value for name, a in schema.attributes.items()}
    else:
        found = _runtime_defaults(op_type, domain, version)
    return {name: onnx.helper.get_attribute_value(value) for name, value in found.items()
            if value is not None and value.name}  # an unset default has no name


def _runtime_defaults(op_type: str, domain: str, version: int) -> dict:
    """ONNX Runtime's own operators' defaults, as AttributeProtos ({} where its build does not
    list them)."""
    import onnx
    from google.protobuf.message import DecodeError
    schemas = [s for s in _runtime_schemas()
               if s.name == op_type and s.domain == domain and s.since_version <= version]
    if not schemas:
        return {}
    schema = max(schemas, key=lambda s: s.since_version)
    found = {}
    for name, attribute in schema.attributes.items():
        value = onnx.AttributeProto()
        try:
            value.ParseFromString(attribute._default_value)
        except (AttributeError, TypeError, DecodeError):
            return {}
        found[name] = value
    return found


@cache
def _runtime_schemas() -> tuple:
    """Every operator definition ONNX Runtime lists (none where its build does not)."""
    try:
        from onnxruntime.capi.onnxruntime_pybind11_state import get_all_operator_schema
        return tuple(get_all_operator_schema())
    except (ImportError, AttributeError, RuntimeError):
        return ()
