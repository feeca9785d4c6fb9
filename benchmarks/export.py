"""ONNX and INT8 export on the sample data of each task: a small model (the page's default
sizes) and a large one, a panel of many series (the stores sample), and the peephole cell, each
trained briefly, exported as ``runs export-onnx --int8`` does, and
measured side by side for PyTorch, ONNX fp32 and ONNX INT8: file size, latency at batch 1 and
batch 64 on this CPU, and the task's metric (test MASE, for a panel the mean over its series;
validation nats per token; test accuracy).

Targets (issue 16): INT8 size ≤ 30% of fp32; metric change ≤ 2% relative; ONNX batch-1 latency
no slower than PyTorch's. And the tutorials' promise that INT8 is 3–4× faster than fp32:
measured, not assumed.

    python -m benchmarks.export [--threads 2] [--only forecast,panel,text,classify]
    (--only also takes one model, as task:size: text:peephole)
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time

import onnxruntime as ort
import torch

from lstm_app.classify.labelled import load_labelled
from lstm_app.classify.pipeline import fit_classifier
from lstm_app.classify.settings import ClassifyConfig
from lstm_app.export.onnx_export import export_trained, latency_ms
from lstm_app.export.specs import spec_for
from lstm_app.samples import sample_path
from lstm_app.series.loading import load_series
from lstm_app.series.panel import load_panel
from lstm_app.series.panel_pipeline import fit_panel
from lstm_app.series.pipeline import fit_forecast
from lstm_app.series.settings import ForecastConfig
from lstm_app.text.corpus import read_text
from lstm_app.text.pipeline import fit_text
from lstm_app.text.settings import TextConfig

# (task, size, settings): each trained for a few epochs only; the metric compares the forms
MODELS = [
    ("forecast", "small", dict(epochs=20, statistical_seconds=0)),
    ("forecast", "large", dict(epochs=10, hidden_size=256, num_layers=2, statistical_seconds=0)),
    ("forecast", "peephole", dict(epochs=20, statistical_seconds=0, cell="peephole")),
    ("panel", "small", dict(epochs=5, statistical_seconds=0)),
    ("panel", "large", dict(epochs=2, hidden_size=256, num_layers=2, statistical_seconds=0)),
    ("text", "small", dict(epochs=2)),
    ("text", "peephole", dict(epochs=1, cell="peephole")),
    ("text", "large", dict(epochs=1, hidden_size=512, num_layers=2)),
    ("classify", "small", dict(epochs=2, minutes=0)),
    ("classify", "large", dict(epochs=1, hidden_size=256, embedding_dim=128, minutes=0)),
]


def trained(task: str, settings: dict):
    if task == "forecast":
        data = load_series(sample_path("airline_passengers"))
        return fit_forecast(data, ForecastConfig(**settings)), data
    if task == "panel":
        data = load_panel(sample_path("stores"), id_cols=["store"], covariates=["promo"])
        return fit_panel(data, ForecastConfig(**settings)), data
    if task == "text":
        data, _ = read_text(sample_path("shakespeare_excerpt"))
        return fit_text(data, TextConfig(**settings)), data
    data = load_labelled(sample_path("hotel_reviews_zh"))
    return fit_classifier(data, ClassifyConfig(**settings)), data


def batch_of(spec, size: int) -> tuple[torch.Tensor, ...]:
    """``size`` inputs like the batch-1 one (rows repeated; a state's batch is its axis 1)."""
    return tuple(t.repeat_interleave(size, dim=1 if (name in ("h", "c")) else 0)
                 for name, t in zip(spec.inputs, spec.one))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="forecast,panel,text,classify")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"export, {datetime.date.today()}, {platform.machine()}, {args.threads} threads, "
          f"torch {torch.__version__}, onnxruntime {ort.__version__}", flush=True)
    for task, size, settings in MODELS:
        if not {task, f"{task}:{size}"} & set(args.only.split(",")):
            continue
        started = time.perf_counter()
        model, data = trained(task, settings)
        exported = export_trained(task, model, data, int8=True)
        spec = spec_for(task, model, data)
        metric = exported.manifest["metric"]
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        sessions = {name: ort.InferenceSession(exported.files[file], options,
                                               providers=["CPUExecutionProvider"])
                    for name, file in (("ONNX fp32", "model.onnx"), ("ONNX INT8", "model.int8.onnx"))}
        big = batch_of(spec, 64)
        feed = lambda s, batch: (lambda: s.run(None, dict(zip(spec.inputs, [t.numpy() for t in batch]))))
        with torch.no_grad():
            at64 = {"PyTorch": latency_ms(lambda: spec.graph(*big))}
        at64.update({name: latency_ms(feed(s, big)) for name, s in sessions.items()})
        parameters = sum(p.numel() for p in model.model.parameters())
        print(f"\n{task}, {size} ({parameters:,} parameters; {time.perf_counter() - started:.0f} s "
              f"with training): largest fp32 difference from PyTorch "
              f"{exported.manifest['check']['largest_difference']:.1e}")
        print(f"  {'':10}{'size KB':>10}{'share':>8}{'batch 1 ms':>12}{'batch 64 ms':>13}"
              f"{metric:>28}{'change':>9}")
        rows = {row["form"]: row for row in exported.table}
        base = rows["PyTorch"]
        for name, row in rows.items():
            change = row[metric] / base[metric] - 1 if base[metric] else float("nan")
            share = row["bytes"] / rows["ONNX fp32"]["bytes"]
            print(f"  {name:10}{row['bytes'] / 1024:>10,.1f}{share:>8.1%}{row['latency_ms']:>12.3f}"
                  f"{at64[name]:>13.3f}{row[metric]:>28.4f}{change:>+9.2%}")
        one = rows["ONNX fp32"]["latency_ms"] / rows["ONNX INT8"]["latency_ms"]
        many = at64["ONNX fp32"] / at64["ONNX INT8"]
        print(f"  INT8 against fp32: {one:.2f}× as fast at batch 1, {many:.2f}× at batch 64; "
              f"ONNX fp32 against PyTorch at batch 1: "
              f"{base['latency_ms'] / rows['ONNX fp32']['latency_ms']:.2f}×", flush=True)


if __name__ == "__main__":
    main()
