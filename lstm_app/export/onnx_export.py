"""A run's network as ONNX: traced with ``torch.onnx.export``, checked against PyTorch on the run's
own validation data before it is offered (at most 1e-4 apart in fp32; relative beyond ±1),
optionally quantized to 8-bit integer weights with ONNX Runtime's dynamic quantization, and
every form scored on the same data with the task's metric, its size and its latency at batch 1
side by side.

The files: ``model.onnx`` (fp32), ``model.int8.onnx`` (with ``int8``), and ``export.json``
(manifest.py: the task, its settings, the scaler or vocabulary, labels, the inputs and outputs
with their shapes, the check and the table). ``python -m lstm_app predict`` runs them with ONNX
Runtime and numpy only.

Tracing runs in a fresh process: in torch 2.13 a second export in one process can come out with
the text length fixed to the example's (seen on the classifier), which the check would refuse.
"""

from __future__ import annotations

import contextlib
import io
import logging
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..i18n import tr, trn
from ..quoting import columns, rjust

from .compact import compacted
from .fp32_leftovers import leftovers_in_8_bits
from .fused import fused
from .peephole_op import translations
from .manifest import FILES, FP32, INT8, MANIFEST, TOLERANCE, make_manifest, manifest_from_bytes
from .specs import GraphSpec, Runner, spec_for
from .zero_inputs import zero_inputs_left_out

log = logging.getLogger(__name__)
TRACE_SECONDS = 600
LATENCY_SECONDS = 1.0  # timing of each form at batch 1: as many calls as fit, at most 200


@dataclass
class Exported:
    files: dict[str, bytes]    # model.onnx, model.int8.onnx (with int8), export.json
    manifest: dict
    table: list[dict]          # one row per form: PyTorch, ONNX fp32, ONNX INT8


def checked_bundled(task: str, trained, data, files: dict[str, bytes]) -> dict[str, bytes]:
    """The ONNX export a bundle carries (``files``: all of the bundle's), once it holds
    together and its fp32 model gives the bundle's weights' outputs on the data to 1e-4, with
    its INT8 model made again from that fp32 one (the bundle's own could be any model: 8-bit
    outputs are never the weights' exactly, so they cannot be checked as the fp32 ones are);
    {} when it carries none. A ValueError in words otherwise."""
    present = {name: files[name] for name in FILES if name in files}
    if not present:
        return {}
    if MANIFEST not in present or FP32 not in present:
        raise ValueError(tr("its ONNX export is incomplete: it needs {manifest} and {model}.",
                            manifest=MANIFEST, model=FP32))
    manifest = manifest_from_bytes(present[MANIFEST], tr("its {file}", file=MANIFEST))
    if manifest["task"] != task or (INT8 in present) != ("int8" in manifest["files"]):
        raise ValueError(tr("its {file} does not describe the model it carries.", file=MANIFEST))
    spec = spec_for(task, trained, data)
    try:
        session = _session(present[FP32])
    except Exception:  # ONNX Runtime's own error for a damaged or foreign file
        raise ValueError(tr("its {file} is not a model ONNX Runtime can read.",
                            file=FP32)) from None
    if [i.name for i in session.get_inputs()] != list(spec.inputs):
        raise ValueError(tr("its {file} does not take this run's inputs.", file=FP32))
    try:
        difference = _largest_difference(spec, _runner(session, spec.inputs))
    except OnnxRefused:
        raise ValueError(tr("its {file} does not run on its run's data.", file=FP32)) from None
    if not difference <= TOLERANCE:
        raise ValueError(tr("its {file} does not match its weights (outputs {difference} apart "
                            "on its data).", file=FP32, difference=f"{difference:.1e}"))
    if INT8 in present:
        try:
            present[INT8] = quantized(present[FP32])
        except Exception:  # ONNX Runtime's own error for a graph not of this product's making
            raise ValueError(tr("its {file} cannot be made into 8 bits again.",
                                file=FP32)) from None
    # What using it needs (scaler, vocabulary, classes) from the run as loaded, not the file.
    return {**present, MANIFEST: manifest_bytes({**manifest, **spec.manifest})}


def write_export(exported: Exported, folder: Path) -> None:
    """The files into ``folder`` (made if needed); an INT8 model left there by an earlier
    export goes, so that the folder holds one export."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        (folder / name).unlink(missing_ok=True)
    for name, data in exported.files.items():
        (folder / name).write_bytes(data)


def table_text(exported: Exported) -> str:
    """The table of forms as the command line prints it."""
    metric = exported.manifest["metric"]
    heads = (tr("size"), tr("batch-1 latency"), tr(metric))
    # Each column at least two columns wider than its name (a Chinese name runs wide).
    widths = [max(least, columns(head) + 2) for least, head in zip((12, 18, 28), heads)]
    lines = [f"{'':12}" + "".join(rjust(head, width) for head, width in zip(heads, widths))]
    for row in exported.table:
        value = tr("n/a") if row[metric] is None else f"{row[metric]:.4f}"
        cells = (f"{row['bytes'] / 1024:,.1f} KB", f"{row['latency_ms']:.3f} ms", value)
        lines.append(f"{row['form']:12}" + "".join(rjust(cell, width)
                                                   for cell, width in zip(cells, widths)))
    lines.append(check_sentence(exported))
    return "\n".join(lines + [speed_sentence(exported)]).rstrip("\n")


def check_sentence(exported: Exported) -> str:
    """How closely ONNX fp32 matched PyTorch before the export was offered, in words."""
    check = exported.manifest["check"]
    return trn("ONNX fp32 matches PyTorch on {count} batch of the run's validation data to "
               "{difference} (at most {tolerance}, relative beyond ±1).",
               "ONNX fp32 matches PyTorch on {count} batches of the run's validation data to "
               "{difference} (at most {tolerance}, relative beyond ±1).", check["batches"],
               difference=f"{check['largest_difference']:.1e}",
               tolerance=f"{check['tolerance']:.0e}")


def speed_sentence(exported: Exported) -> str:
    """Whether INT8 made this model faster here, in words: 3-4x is the speed-up often quoted."""
    rows = {row["form"]: row for row in exported.table}
    if "ONNX INT8" not in rows:
        return ""
    fp32, int8 = rows["ONNX fp32"], rows["ONNX INT8"]
    ratio = fp32["latency_ms"] / max(int8["latency_ms"], 1e-9)
    size = int8["bytes"] / fp32["bytes"]
    key = exported.manifest["metric"]
    metric = tr(key)  # its name is in the catalog (ui/onnx_view.py)
    change = (tr("changes the {metric} by {delta}", metric=metric,
                 delta=f"{int8[key] / fp32[key] - 1:+.2%}") if int8[key] is not None and fp32[key]
              else tr("leaves the {metric} undefined", metric=metric))
    speed = (tr("{ratio}× as fast as fp32", ratio=f"{ratio:.1f}") if ratio >= 1.05 else
             tr("no faster than fp32") if ratio >= 0.95 else
             tr("{ratio}× slower than fp32", ratio=f"{1 / ratio:.1f}"))
    promise = (tr("so the 3–4× speed-up often quoted for INT8 holds here") if ratio >= 3 else
               tr("so the 3–4× speed-up often quoted for INT8 does not hold for this model on "
                  "this CPU at batch 1"))
    # Each clause is whole and translated; the sentence orders them as its language wants.
    return tr("INT8 is {size} of the fp32 file, {change}, and answers one input {speed}, "
              "{promise}.", size=f"{size:.1%}", change=change, speed=speed, promise=promise)


def export_zip(exported: Exported) -> bytes:
    """The export's files in one .zip (the page's download)."""
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in exported.files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def export_trained(task: str, trained, data, int8: bool = False,
                   run_id: str | None = None) -> Exported:
    """The ONNX files of a trained network of ``task`` and their table; a ValueError in words
    when it cannot be exported or its outputs do not match PyTorch's."""
    spec = spec_for(task, trained, data)
    fp32 = traced(spec)
    session = _session(fp32)
    try:
        difference = _largest_difference(spec, _runner(session, spec.inputs))
    except OnnxRefused as error:
        # Seen with PyTorch 2.11, whose exporter fixed a classifier's text length at the
        # example's: the graph is written but refuses the run's own texts.
        log.error("The traced ONNX model does not run: %s", error)
        raise ValueError(tr("The traced ONNX model does not run on this run's validation data "
                            "in ONNX Runtime (the details are in the app's log), so it is not "
                            "offered. Please report this run's settings and PyTorch {version}.",
                            version=torch.__version__)) from None
    if not difference <= TOLERANCE:
        raise ValueError(tr("The ONNX model's outputs differ from PyTorch's by {difference} on "
                            "this run's validation data (at most {tolerance} is accepted), so it "
                            "is not offered. Please report this run's settings.",
                            difference=f"{difference:.1e}", tolerance=f"{TOLERANCE:.0e}"))
    forms = [("PyTorch", None, trained.model), ("ONNX fp32", fp32, session)]
    if int8:
        small = quantized(fp32)
        forms.append(("ONNX INT8", small, _session(small)))
    table = []
    for name, blob, runs in forms:
        if blob is None:
            net, size = trained.model, _weights_bytes(spec.graph)
            call = lambda: _torch_call(spec)
        else:
            run = _runner(runs, spec.inputs)
            net, size = spec.stand_in(run), len(blob)
            call = (lambda run=run: run([t.numpy() for t in spec.one]))
        table.append({"form": name, "bytes": size, "latency_ms": latency_ms(call),
                      spec.metric_name: spec.metric(net)})
    files = {FP32: fp32}
    if int8:
        files[INT8] = forms[2][1]
    manifest = make_manifest(task, run_id, spec, difference, table, int8)
    files["export.json"] = manifest_bytes(manifest)
    return Exported(files, manifest, table)


def manifest_bytes(manifest: dict) -> bytes:
    import json
    return json.dumps(manifest, indent=1, ensure_ascii=False, allow_nan=False,
                      default=_json_number).encode("utf-8")


def _json_number(value):
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def traced(spec: GraphSpec) -> bytes:
    """The graph as fp32 ONNX bytes, traced in a fresh Python process (this module run as a
    program on a pickled graph)."""
    with tempfile.TemporaryDirectory() as folder:
        job, out = Path(folder) / "graph.pt", Path(folder) / FP32
        torch.save({"graph": spec.graph, "example": spec.example, "inputs": spec.inputs,
                    "outputs": spec.outputs, "dynamic": spec.dynamic,
                    "output_axes": spec.output_axes}, job)
        done = subprocess.run([sys.executable, "-m", __name__, str(job), str(out)],
                              capture_output=True, text=True, timeout=TRACE_SECONDS,
                              cwd=Path(__file__).resolve().parents[2])  # where lstm_app is
        if done.returncode != 0 or not out.is_file():
            log.error("ONNX export failed: %s", done.stderr[-4000:])
            raise ValueError(tr("The network could not be traced to ONNX (the details are in "
                                "the app's log); please report this run's settings."))
        return out.read_bytes()


def _trace(job: Path, out: Path) -> None:
    import onnx
    spec = torch.load(job, weights_only=False)  # written by traced() just now
    dims = {}
    shapes = tuple({axis: dims.setdefault(name, torch.export.Dim(name, min=1))
                    for axis, name in spec["dynamic"].get(input_name, {}).items()}
                   for input_name in spec["inputs"])
    with contextlib.redirect_stdout(io.StringIO()):
        torch.onnx.export(spec["graph"], spec["example"], str(out),
                          input_names=list(spec["inputs"]), output_names=list(spec["outputs"]),
                          dynamic_shapes=shapes, external_data=False, verbose=False,
                          custom_translation_table=translations())
    model = onnx.load(str(out))
    for output in model.graph.output:  # the exporter fixes them at the example's sizes
        for axis, name in spec["output_axes"].get(output.name, {}).items():
            output.type.tensor_type.shape.dim[axis].dim_param = name
    zero_inputs_left_out(model)
    out.write_bytes(compacted(model.SerializeToString()))


def quantized(fp32: bytes) -> bytes:
    """8-bit integer weights for the recurrent, linear and embedding layers (ONNX Runtime's
    dynamic quantization: activations are quantized as they come), after ONNX Runtime's
    pre-processing folds the exporter's reordering of the LSTM weights into constants (without
    it the recurrent layers, most of the weights, stay fp32), saved as ONNX Runtime fuses it
    (fused.py), with the biases and peephole weights it leaves in fp32 in 8 bits too
    (fp32_leftovers.py), without its zero points (zero_inputs.py) and with short names and no
    default attributes (compact.py, redundancy.py)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process
    with tempfile.TemporaryDirectory() as folder:
        source, folded = Path(folder) / FP32, Path(folder) / "folded.onnx"
        target = Path(folder) / INT8
        source.write_bytes(fp32)
        quant_pre_process(str(source), str(folded), skip_symbolic_shape=True)
        source = folded
        root = logging.getLogger()
        level, root.level = root.level, logging.ERROR  # its log lines are for developers
        try:
            quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        model = onnx.load_from_string(fused(target.read_bytes()))
        leftovers_in_8_bits(model)
        zero_inputs_left_out(model)
        return compacted(model.SerializeToString())


def _session(model: bytes):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()  # as PyTorch, for a fair comparison
    options.log_severity_level = 3
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _runner(session, inputs: tuple[str, ...]) -> Runner:
    def run(arrays: list[np.ndarray]) -> list[np.ndarray]:
        return session.run(None, dict(zip(inputs, arrays)))
    return run


class OnnxRefused(Exception):
    """ONNX Runtime refused to run a model on the check batches (its message)."""


@torch.no_grad()
def _largest_difference(spec: GraphSpec, run: Runner) -> float:
    """The largest difference between PyTorch's and ONNX Runtime's outputs over the check
    batches: absolute, and relative for an output beyond ±1 (a peephole LSTM's memory cell
    can reach the hundreds, where float32 itself is only good to about 1e-5). OnnxRefused when
    ONNX Runtime will not run the model on a batch."""
    worst = 0.0
    for batch in spec.check:
        expected = spec.graph(*batch)
        expected = expected if isinstance(expected, tuple) else (expected,)
        try:
            got = run([t.numpy() for t in batch])
        except Exception as error:  # ONNX Runtime's own errors, none of them a RuntimeError
            raise OnnxRefused(str(error)) from None
        for e, g in zip(expected, got):
            e = e.numpy().astype(np.float64)
            worst = max(worst, float((np.abs(e - g) / np.maximum(np.abs(e), 1.0)).max()))
    return worst


@torch.no_grad()
def _torch_call(spec: GraphSpec):
    return spec.graph(*spec.one)


def latency_ms(call) -> float:
    """The median milliseconds of ``call``, after a few calls to warm it."""
    for _ in range(3):
        call()
    times, started = [], time.perf_counter()
    while len(times) < 200 and time.perf_counter() - started < LATENCY_SECONDS:
        begin = time.perf_counter()
        call()
        times.append(time.perf_counter() - begin)
    return 1000 * float(np.median(times))


def _weights_bytes(graph) -> int:
    return sum(t.numel() * t.element_size() for t in graph.state_dict().values())


if __name__ == "__main__":  # traced(): python -m lstm_app.export.onnx_export JOB OUT
    _trace(Path(sys.argv[1]), Path(sys.argv[2]))
