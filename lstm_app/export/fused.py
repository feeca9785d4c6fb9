"""The INT8 graph as ONNX Runtime runs it: saved after its own fusions.

ONNX Runtime's dynamic quantization writes each 8-bit matrix product as five nodes (the input
quantized, MatMulInteger, a Cast and two scalings) and its bias as one more. Each time ONNX
Runtime loads that file it fuses them into one ``DynamicQuantizeMatMul`` (its "extended" graph
optimizations, which it documents for saving offline, to be run later with the same execution
provider: here the CPU's, the only one the app and ``predict`` use). Saving the graph after
that step gives the same numbers ONNX Runtime always computed, in a smaller file (a forecaster
of 6,000 weights: 0.36 kB less, 4% of its INT8 file). The fused nodes are ONNX Runtime's own
CPU operators, as the 8-bit LSTM already is, so the INT8 file needed ONNX Runtime before and
still does. The fp32 file is not fused: standard ONNX for any runtime.
"""

from __future__ import annotations


def fused(blob: bytes) -> bytes:
    """``blob`` (a serialized ONNX model) as ONNX Runtime's extended optimizations leave it."""
    import tempfile
    from pathlib import Path

    import onnxruntime as ort
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "fused.onnx"
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(target)
        options.log_severity_level = 3
        ort.InferenceSession(blob, options, providers=["CPUExecutionProvider"])
        return target.read_bytes()
