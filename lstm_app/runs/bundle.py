"""A run as one .zip bundle to carry away, and importing one back, refusing anything unsafe.

A bundle holds ``manifest.json`` (what the run is, its status, scores and history),
``config.json``, ``weights.safetensors``, the scaler (``scaler.json``) or vocabulary
(``vocab.json``), ``report.json``, the data it trained on (``data.csv`` with ``series.json``, or
``text.txt``), the text samples (``samples.json``) and ``load_run.py``, a snippet showing how to
use it from Python.

Importing checks everything before anything is written, so a refused bundle has no side effect:
the file is a zip under the size cap, with only known flat member names (nothing can land
outside its folder) and no member or total size over the caps; the JSON parses and its settings
are within bounds; the weights are safetensors (no pickle is ever loaded) whose tensor names,
shapes and dtypes are exactly those of the model the config describes; the data loads.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import asdict, fields

import torch
from safetensors import SafetensorError
from safetensors.torch import load

from ..series.model import Forecaster, ForecasterShape
from ..series.pipeline import ForecastConfig, resolve_window
from ..text.corpus import vocab_from_dict
from ..text.model import LanguageModel, LanguageModelShape
from ..text.pipeline import TextConfig
from .recording import WEIGHTS, fingerprint, series_from_files
from .store import RunStore

FORMAT = "lstm-studio-run"
MAX_BUNDLE_BYTES = 200 * 2**20         # the .zip itself
MAX_MEMBER_BYTES = 200 * 2**20         # any one file, uncompressed
MAX_TOTAL_BYTES = 400 * 2**20          # all files, uncompressed (a zip bomb stops here)
COMMON = {"manifest.json", "config.json", WEIGHTS, "report.json", "load_run.py"}
BY_TASK = {"forecast": {"data.csv", "series.json", "scaler.json", "forecast.csv"},
           "text": {"text.txt", "vocab.json", "samples.json"}}
REQUIRED = {"forecast": {"data.csv", "series.json"}, "text": {"text.txt"}}
# Settings a bundle may carry, with (type, lowest, highest); the rest keep their defaults.
BOUNDS = {
    "hidden_size": (int, 1, 4096), "num_layers": (int, 1, 8), "dropout": (float, 0.0, 0.95),
    "epochs": (int, 0, 100_000), "batch_size": (int, 1, 65_536), "lr": (float, 1e-8, 10.0),
    "patience": (int, 0, 100_000), "seed": (int, 0, 2**31 - 1), "grad_clip": (float, 0.0, 1e6),
    "lookback": (int, 1, 100_000), "horizon": (int, 1, 100_000), "stride": (int, 1, 100_000),
    "val_size": (float, 0.0, 100_000), "test_size": (float, 0.0, 100_000),
    "weight_decay": (float, 0.0, 10.0), "seq_len": (int, 1, 10_000),
    "embedding_dim": (int, 1, 4096), "max_vocab": (int, 1, 200_000),
    "val_fraction": (float, 0.01, 0.9), "minutes": (float, 0.0, 100_000),
    "length": (int, 0, 100_000), "temperature": (float, 0.0, 100.0), "top_k": (int, 0, 200_000),
    "top_p": (float, 0.0, 1.0),
}
CHOICES = {"cell": ("lstm", "gru"), "optimizer": ("adam", "adamw", "sgd", "rmsprop"),
           "lr_schedule": ("none", "plateau", "cosine"), "level": ("char", "word"),
           "device": ("auto", "cpu", "cuda")}
SNIPPET = '''"""Load this LSTM Studio run with lstm_app (pip install -r requirements.txt in its repo)."""
from lstm_app.runs.bundle import import_bundle
from lstm_app.runs.recording import reopen
from lstm_app.runs.store import RunStore

store = RunStore("my_runs")                    # any folder
run_id = import_bundle(store, open("{file}", "rb").read())
result = reopen(store, run_id)                 # scored again from the saved weights, no training
print(result.{what})
'''


class BundleError(ValueError):
    """A refused bundle; the message says why, in plain words."""


# --- export -----------------------------------------------------------------------------------

def export_bundle(store: RunStore, run_id: str) -> bytes:
    run = store.get(run_id)
    if run is None:
        raise ValueError(f"There is no run '{run_id}'.")
    folder = store.run_dir(run_id)
    if not (folder / WEIGHTS).exists():
        raise ValueError(f"Run {run_id} has no saved weights yet, so there is nothing to export.")
    manifest = {"format": FORMAT, "version": 1, "task": run.task, "name": run.name,
                "note": run.note, "data_name": run.data_name, "data_rows": run.data_rows,
                "data_hash": run.data_hash, "status": run.status, "message": run.message,
                "best_epoch": run.best_epoch, "best_val_loss": run.best_val_loss,
                "metrics": run.metrics, "seconds": run.seconds, "created": run.created,
                "history": store.history(run_id), "config": run.config}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, default=str))
        for name in sorted(COMMON | BY_TASK[run.task]):
            if (folder / name).exists():
                zf.write(folder / name, name)
        what = "forecast" if run.task == "forecast" else 'sample["text"]'
        zf.writestr("load_run.py", SNIPPET.format(file=f"{run.name}-{run.id}.zip", what=what))
    return out.getvalue()


# --- import -----------------------------------------------------------------------------------

def import_bundle(store: RunStore, data: bytes) -> str:
    """Check a bundle completely, then add it to the store as a new run; return its id."""
    files = _read_zip(data)
    manifest = _json(files, "manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError("This .zip is not an LSTM Studio run bundle (its manifest.json is "
                          "missing or says otherwise).")
    task = manifest.get("task")
    if task not in BY_TASK:
        raise BundleError("The bundle's task must be 'forecast' or 'text'.")
    unknown = set(files) - COMMON - BY_TASK[task]
    if unknown:
        raise BundleError(f"The bundle holds files a {task} run never has: "
                          f"{', '.join(sorted(unknown))}.")
    missing = ({"config.json", WEIGHTS} | REQUIRED[task]) - set(files)
    if missing:
        raise BundleError(f"The bundle lacks {', '.join(sorted(missing))}.")
    config = _config(task, _json(files, "config.json"))
    weights = _weights(files[WEIGHTS])
    if task == "forecast":
        try:
            series = series_from_files(files["data.csv"], _json(files, "series.json"))
            _, horizon, _ = resolve_window(series, config)
        except Exception as error:  # whatever a crafted series.json makes pandas raise
            raise BundleError(f"The bundle's data does not load ({str(error)[:80]}).") from None
        with torch.device("meta"):  # shapes only: no memory for a hostile config's sizes
            model = Forecaster(ForecasterShape(
                n_features=1 + len(series.covariates), horizon=horizon,
                hidden_size=config.hidden_size, num_layers=config.num_layers,
                dropout=config.dropout, cell=config.cell, anchor_last=config.anchor_last))
        rows, data_name, data_bytes = len(series.frame), "data.csv", files["data.csv"]
    else:
        try:
            text = files["text.txt"].decode("utf-8")
        except UnicodeDecodeError:
            raise BundleError("The bundle's text.txt is not UTF-8 text.") from None
        if "vocab.json" not in files:
            raise BundleError("The bundle lacks vocab.json, which the weights need.")
        try:
            vocab = vocab_from_dict(_json(files, "vocab.json"))
        except (KeyError, TypeError, ValueError) as error:
            raise BundleError(f"The bundle's vocab.json is not a vocabulary ({error}).") from None
        with torch.device("meta"):
            model = LanguageModel(LanguageModelShape(
                len(vocab), config.embedding_dim, config.hidden_size, config.num_layers,
                config.dropout, config.cell))
        rows, data_name, data_bytes = len(text), "text.txt", files["text.txt"]
    _check_shapes(weights, model)
    history = manifest.get("history", [])
    if not isinstance(history, list) or not all(_epoch_record(h) for h in history):
        raise BundleError("The bundle's history is not a list of epoch records.")

    _check_extras(files)

    # Everything checked: now write. A failure while writing removes the half-made run.
    run_id = store.create(task, str(manifest.get("name") or "imported")[:200], asdict(config),
                          str(manifest.get("data_name") or data_name)[:200], rows,
                          fingerprint(data_bytes))
    try:
        for name, content in files.items():
            if name != "manifest.json":
                store.write_bytes(run_id, name, content)
        for record in history:
            store.add_epoch(run_id, record)
        store.annotate(run_id, str(manifest.get("note") or ""))
        status = manifest.get("status") if manifest.get("status") in ("finished", "stopped",
                                                                        "interrupted") else "finished"
        store.finish(run_id, status, str(manifest.get("message") or "Imported from a bundle."),
                     metrics=manifest.get("metrics") if isinstance(manifest.get("metrics"),
                                                                   dict) else {},
                     best_epoch=_int_or_none(manifest.get("best_epoch")),
                     best_val_loss=_float_or_none(manifest.get("best_val_loss")),
                     seconds=_float_or_none(manifest.get("seconds")))
    except BaseException:
        store.delete(run_id)
        raise
    return run_id


def _read_zip(data: bytes) -> dict[str, bytes]:
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(f"The bundle is {len(data) / 2**20:.0f} MB; bundles over "
                          f"{MAX_BUNDLE_BYTES // 2**20} MB are refused.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise BundleError("This file is not a .zip bundle; export a run from the Runs page or "
                          "with 'python -m lstm_app runs export'.") from None
    allowed = COMMON | set().union(*BY_TASK.values())
    infos = zf.infolist()
    for info in infos:
        name = info.filename
        if name not in allowed or "/" in name or "\\" in name or name.startswith("."):
            raise BundleError(f"The bundle holds a file named '{name[:80]}', which a run "
                              f"bundle never has; it is refused.")
        if info.file_size > MAX_MEMBER_BYTES:
            raise BundleError(f"{name} would unpack to {info.file_size / 2**20:.0f} MB, over the "
                              f"{MAX_MEMBER_BYTES // 2**20} MB limit.")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise BundleError(f"The bundle would unpack to more than {MAX_TOTAL_BYTES // 2**20} MB.")
    if len({i.filename for i in infos}) != len(infos):
        raise BundleError("The bundle holds the same file twice.")
    files = {}
    for info in infos:
        with zf.open(info) as member:
            content = member.read(MAX_MEMBER_BYTES + 1)  # never trust the declared size alone
        if len(content) > MAX_MEMBER_BYTES:
            raise BundleError(f"{info.filename} unpacks to more than {MAX_MEMBER_BYTES // 2**20} MB.")
        files[info.filename] = content
    return files


def _json(files: dict[str, bytes], name: str):
    if name not in files:
        raise BundleError(f"The bundle lacks {name}.")
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError(f"The bundle's {name} is not valid JSON.") from None


def _config(task: str, raw) -> ForecastConfig | TextConfig:
    """The settings, each checked for its type and bounds; unknown keys refused."""
    cls = ForecastConfig if task == "forecast" else TextConfig
    if not isinstance(raw, dict):
        raise BundleError("The bundle's config.json is not a set of settings.")
    known = {f.name for f in fields(cls)}
    extra = set(raw) - known
    if extra:
        raise BundleError(f"config.json has settings a {task} run does not have: "
                          f"{', '.join(sorted(extra)[:5])}.")
    values = {}
    for key, value in raw.items():
        if key in BOUNDS and not (key in ("lookback", "horizon") and value == "auto"):
            kind, low, high = BOUNDS[key]
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and (
                kind is float or float(value).is_integer())
            if not ok or not low <= value <= high:
                raise BundleError(f"config.json: {key} must be a number from {low} to {high}, "
                                  f"not {str(value)[:40]}.")
            value = kind(value)
        elif key in CHOICES and value not in CHOICES[key]:
            raise BundleError(f"config.json: {key} must be one of {', '.join(CHOICES[key])}.")
        elif key in ("covariates",):
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                raise BundleError("config.json: covariates must be a list of column names.")
            value = tuple(value)
        elif key in ("anchor_last", "keep_best") and not isinstance(value, bool):
            raise BundleError(f"config.json: {key} must be true or false.")
        elif key in ("time_col", "value_col", "prompt") and not (value is None or
                                                                  isinstance(value, str)):
            raise BundleError(f"config.json: {key} must be text.")
        values[key] = value
    return cls(**values)


def _weights(blob: bytes) -> dict[str, torch.Tensor]:
    try:
        return load(blob)
    except (SafetensorError, ValueError, RuntimeError, OSError) as error:
        raise BundleError(f"The weights are not a valid safetensors file ({str(error)[:80]}); "
                          f"no other format (such as a pickle) is ever loaded.") from None


def _check_shapes(weights: dict[str, torch.Tensor], model: torch.nn.Module) -> None:
    expected = {k: (tuple(v.shape), v.dtype) for k, v in model.state_dict().items()}
    if set(weights) != set(expected):
        odd = sorted(set(weights) ^ set(expected))[:4]
        raise BundleError(f"The weights do not belong to the model the config describes "
                          f"(tensors {', '.join(odd)} differ).")
    for name, (shape, dtype) in expected.items():
        got = weights[name]
        if tuple(got.shape) != shape or got.dtype != dtype:
            raise BundleError(f"The weight '{name}' is {tuple(got.shape)} {got.dtype}, but the "
                              f"config's model needs {shape} {dtype}.")


def _check_extras(files: dict[str, bytes]) -> None:
    """The optional JSON files parse; the samples the Text page shows have the right shape."""
    for name in ("report.json", "scaler.json"):
        if name in files:
            _json(files, name)
    if "samples.json" in files:
        samples = _json(files, "samples.json")
        timeline = samples.get("timeline", []) if isinstance(samples, dict) else None
        good = isinstance(timeline, list) and all(
            isinstance(e, dict) and isinstance(e.get("text"), str)
            and isinstance(e.get("epoch"), (int, float)) and isinstance(e.get("seconds"), (int, float))
            and (e.get("val_loss") is None or isinstance(e.get("val_loss"), (int, float)))
            for e in timeline)
        if not good:
            raise BundleError("The bundle's samples.json is not a list of samples.")


def _epoch_record(h) -> bool:
    return (isinstance(h, dict) and isinstance(h.get("epoch"), int)
            and all(h.get(k) is None or isinstance(h.get(k), (int, float))
                    for k in ("train_loss", "val_loss", "lr", "seconds")))


def _int_or_none(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float_or_none(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
