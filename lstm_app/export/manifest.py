"""export.json: what an exported model is and how to use it, written beside its ONNX files and
read back (with numpy and the standard library only) by ``predict`` and bundle import.

It holds the task, the run, the settings, the inputs and outputs with their shapes and types
(an axis named "batch", "steps" or such is free), what the task needs around the network (a
forecaster's scaler, columns and interval widths; a vocabulary; the classes), the check against
PyTorch and the table of sizes, latencies and metrics.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..quoting import quoted

FP32, INT8, MANIFEST = "model.onnx", "model.int8.onnx", "export.json"
FILES = (FP32, INT8, MANIFEST)  # an export; a run's folder and its bundle may hold one
FORMAT, VERSION = "lstm-studio-onnx", 1
TOLERANCE = 1e-4
TASKS = ("forecast", "text", "classify")


def make_manifest(task: str, run_id: str | None, spec, difference: float, table: list[dict],
                  int8: bool) -> dict:
    def described(names, tensors, dynamic):
        return [{"name": name, "dtype": str(t.dtype).removeprefix("torch."),
                 "shape": [dynamic.get(name, {}).get(axis, size)
                           for axis, size in enumerate(t.shape)]}
                for name, t in zip(names, tensors)]
    outputs = spec.graph(*spec.example)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    out_dynamic = {name: {0: "batch"} for name in spec.outputs}
    if task == "text":
        out_dynamic = {"logits": {0: "batch", 1: "steps"}, "h_out": {1: "batch"},
                       "c_out": {1: "batch"}}
    return {"format": FORMAT, "version": VERSION, "task": task, "run": run_id,
            "files": {"fp32": FP32, **({"int8": INT8} if int8 else {})},
            "inputs": described(spec.inputs, spec.example, spec.dynamic),
            "outputs": described(spec.outputs, outputs, out_dynamic),
            "check": {"largest_difference": difference, "tolerance": TOLERANCE,
                      "batches": len(spec.check)},
            "metric": spec.metric_name, "table": table, **spec.manifest}


def read_manifest(folder: Path) -> dict:
    """The export.json of ``folder``, checked; a ValueError in words when it is missing or is
    not one this product writes."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ValueError(f"{quoted(folder)} holds no {MANIFEST}: give the folder that "
                         f"'python -m lstm_app runs export-onnx' wrote.")
    return manifest_from_bytes(path.read_bytes(), f"{MANIFEST} in {quoted(folder)}")


def manifest_from_bytes(data: bytes, where: str = MANIFEST) -> dict:
    """An export.json's content, checked (``where`` names it in the refusal)."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{where} is not readable JSON; export the run again.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
            manifest.get("task") not in TASKS or not isinstance(manifest.get("inputs"), list) \
            or not isinstance(manifest.get("files"), dict):
        raise ValueError(f"{where} does not describe a model exported by LSTM Studio; export "
                         f"the run again.")
    if manifest.get("version") != VERSION:
        raise ValueError(f"{where} was written by another version of LSTM Studio; export the "
                         f"run again.")
    return manifest
