"""export.json: what an exported model is and how to use it, written beside its ONNX files and
read back (with numpy and the standard library only) by ``predict`` and bundle import.

It holds the task, the run, the settings, the inputs and outputs with their shapes and types
(an axis named "batch", "steps" or such is free), what the task needs around the network (a
forecaster's scaler, columns and interval widths; a vocabulary; the classes), the check against
PyTorch and the table of sizes, latencies and metrics.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..i18n import tr
from ..user_json import parse_json
from ..quoting import quoted

FP32, INT8, MANIFEST = "model.onnx", "model.int8.onnx", "export.json"
FILES = (FP32, INT8, MANIFEST)  # an export; a run's folder and its bundle may hold one
FORMAT, VERSION = "lstm-studio-onnx", 1
TOLERANCE = 1e-4
TASKS = ("forecast", "panel", "text", "classify")
LARGEST = 1e30  # a scaler's spread: a series' values are refused beyond it (series/numbers.py)
LEVELS = {"80", "95"}  # the interval widths an export carries


def make_manifest(task: str, run_id: str | None, spec, difference: float, table: list[dict],
                  int8: bool) -> dict:
    def described(names, tensors, dynamic):
        return [{"name": name, "dtype": str(t.dtype).removeprefix("torch."),
                 "shape": [dynamic.get(name, {}).get(axis, size)
                           for axis, size in enumerate(t.shape)]}
                for name, t in zip(names, tensors)]
    outputs = spec.graph(*spec.example)
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    return {"format": FORMAT, "version": VERSION, "task": task, "run": run_id,
            "files": {"fp32": FP32, **({"int8": INT8} if int8 else {})},
            "inputs": described(spec.inputs, spec.example, spec.dynamic),
            "outputs": described(spec.outputs, outputs, spec.output_axes),
            "check": {"largest_difference": difference, "tolerance": TOLERANCE,
                      "batches": len(spec.check)},
            "metric": spec.metric_name, "table": table, **spec.manifest}


def read_manifest(folder: Path) -> dict:
    """The export.json of ``folder``, checked; a ValueError in words when it is missing or is
    not one this product writes."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir():
        raise ValueError(tr("There is no folder {folder}: give the folder that '{command}' "
                            "wrote.", folder=quoted(folder),
                            command="python -m lstm_app runs export-onnx"))
    if not path.is_file():
        raise ValueError(tr("{folder} holds no {file}: give the folder that '{command}' "
                            "wrote.", folder=quoted(folder), file=MANIFEST,
                            command="python -m lstm_app runs export-onnx"))
    return manifest_from_bytes(path.read_bytes(), tr("{file} in {folder}", file=MANIFEST,
                                                     folder=quoted(folder)))


def manifest_from_bytes(data: bytes, where: str = MANIFEST) -> dict:
    """An export.json's content, checked (``where`` names it in the refusal)."""
    try:
        manifest = parse_json(data)
    except ValueError:
        raise ValueError(tr("{file} is not readable JSON; export the run again.",
                            file=where)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
            manifest.get("task") not in TASKS or not isinstance(manifest.get("inputs"), list) \
            or not isinstance(manifest.get("files"), dict):
        raise ValueError(tr("{file} does not describe a model exported by LSTM Studio; "
                            "export the run again.", file=where))
    if manifest.get("version") != VERSION:
        raise ValueError(tr("{file} was written by another version of LSTM Studio; export the "
                            "run again.", file=where))
    try:
        broken = _broken_field(manifest)
    except (KeyError, TypeError, AttributeError, ValueError):  # a shape no check foresaw
        broken = "settings"
    if broken:
        raise ValueError(tr("{file} is damaged (its {field} is not what an export writes); "
                            "export the run again.", file=where, field=broken))
    return manifest


def _broken_field(m: dict) -> str | None:
    """The first field of an export.json that predict reads and that is missing or of the
    wrong kind; None when all are sound."""
    words = lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)
    numbers = lambda v: isinstance(v, list) and all(
        isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in v)
    count = lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1
    settings = m.get("settings")
    outputs = m.get("outputs")
    # the first output's fixed shape (the network's, as ``ExportedModel.open`` checks)
    shape = (outputs[0].get("shape") if isinstance(outputs, list) and outputs
             and isinstance(outputs[0], dict) and isinstance(outputs[0].get("shape"), list)
             else None)
    tensors = lambda v: isinstance(v, list) and all(
        isinstance(i, dict) and isinstance(i.get("name"), str) and isinstance(i.get("shape"), list)
        for i in v)
    checks = {"inputs": tensors(m["inputs"]), "outputs": tensors(outputs) and bool(outputs),
              "files": all(isinstance(v, str) for v in m["files"].values()),
              "settings": isinstance(settings, dict)}
    if m["task"] == "forecast":
        sound = checks["outputs"] and shape == ["batch", m.get("horizon")]
        checks.update(_broken_forecast(m, sound, words, numbers, count))
    elif m["task"] == "panel":
        checks.update(_broken_panel(m, words, numbers, count))
    elif m["task"] == "text":
        vocab = m.get("vocab")
        state = (m["inputs"][1]["shape"] if checks["inputs"] and len(m["inputs"]) > 1 else [])
        checks.update({"vocab": isinstance(vocab, dict) and isinstance(vocab.get("itos"), list)
                       and bool(shape) and shape[-1] == len(vocab["itos"]),
                       # the state the network takes: (layers, batch, hidden size)
                       "layers": count(m.get("layers")) and state[:1] == [m["layers"]],
                       "hidden_size": count(m.get("hidden_size"))
                       and state[2:] == [m["hidden_size"]],
                       "cell": m.get("cell") in ("lstm", "gru", "peephole")})
    else:
        vocab = m.get("vocab")
        checks.update({"vocab": isinstance(vocab, dict) and vocab.get("level") in ("char", "word")
                       and words(vocab.get("tokens")) and bool(vocab["tokens"]),
                       "classes": words(m.get("classes")) and len(m["classes"]) >= 2
                       and len(set(m["classes"])) == len(m["classes"])
                       and all(c.strip() for c in m["classes"])
                       and shape == ["batch", len(m["classes"])],
                       "max_length": count(m.get("max_length"))})
    return next((name for name, sound in checks.items() if not sound), None)


def _broken_forecast(m: dict, outputs_sound: bool, words, numbers, count) -> dict:
    """A forecaster's fields: the inputs it reads and their scaler, its window and horizon, the
    inputs known ahead, the floor and the interval widths, and the columns its settings name."""
    names, scaler, settings = m.get("inputs_read"), m.get("scaler"), m.get("settings")
    return {
        "inputs_read": words(names) and bool(names),
        "scaler": isinstance(scaler, dict) and numbers(scaler.get("mean"))
        and all(abs(x) <= LARGEST for x in scaler["mean"])
        and numbers(scaler.get("std")) and all(0 < x <= LARGEST for x in scaler["std"])
        and isinstance(names, list) and len(scaler["mean"]) == len(scaler["std"]) == len(names),
        "lookback": count(m.get("lookback")), "horizon": count(m.get("horizon")),
        "outputs": outputs_sound,
        "known_positions": isinstance(m.get("known_positions"), list)
        and m["known_positions"] == _known_positions(names, settings),
        "freq": "freq" in m and (m["freq"] is None or isinstance(m["freq"], str)),
        "floor": "floor" in m and m["floor"] in (None, 0),  # 0 where it never fell below
        # each known-ahead column's training range (exports before 2026-12-06 have none)
        "known_ranges": "known_ranges" not in m or isinstance(m["known_ranges"], dict) and all(
            numbers(r) and len(r) == 2 and r[0] <= r[1] for r in m["known_ranges"].values()),
        "widths": isinstance(m.get("widths"), dict) and set(m["widths"]) <= LEVELS and all(
            numbers(w) and len(w) == m.get("horizon") and all(x >= 0 for x in w)
            for w in m["widths"].values()),
        # the columns it reads are the network's first inputs: the value, the covariates
        "settings": isinstance(settings, dict) and words(settings.get("covariates"))
        and (settings.get("known_covariates") is None or words(settings["known_covariates"]))
        and all(isinstance(settings.get(k), (str, type(None)))
                for k in ("time_col", "value_col", "holidays")) and words(names)
        and names[:1 + len(settings["covariates"])] == [
            settings.get("value_col") or names[0], *settings["covariates"]]}


def _known_positions(names, settings) -> list[int] | None:
    """Which of the inputs ``names`` the network reads over the horizon, by its settings (as
    series/known.py's ``known_positions``, which this module may not import: predict runs
    without PyTorch); None where the settings do not say."""
    if not isinstance(names, list) or not isinstance(settings, dict) or not isinstance(
            settings.get("covariates"), list):
        return None
    first_dated = 1 + len(settings["covariates"])
    known = settings.get("known_covariates") or []
    return [i for i, name in enumerate(names)
            if i >= first_dated or (0 < i and name in known)]


def _broken_panel(m: dict, words, numbers, count) -> dict:
    """A panel's fields: every series' name, scaler, floor and widths, and how the file was
    read."""
    ids, mean, std, read = m.get("ids"), m.get("mean"), m.get("std"), m.get("panel")
    n = len(ids) if isinstance(ids, list) else -1
    rows = lambda v, width: isinstance(v, list) and len(v) == n and all(
        numbers(r) and (width is None or len(r) == width) for r in v)
    width = len(mean[0]) if rows(mean, None) and n > 0 else None
    settings = m["settings"] if isinstance(m.get("settings"), dict) else {}
    planned = settings.get("known_covariates") or []  # read over the horizon, then the dates'
    dated = (m.get("calendar") or 0) + bool(settings.get("holidays"))
    reads = (width or 0) + dated + (m.get("id_embedding") is True)
    shapes = [i.get("shape") if isinstance(i, dict) else None for i in m["inputs"]]
    known = m.get("known", 0)  # exports before 2026-12-07 read nothing ahead
    window = shapes[0] if shapes else None
    return {"ids": words(ids) and n >= 1 and len(set(ids)) == n,
            "lookback": count(m.get("lookback")), "horizon": count(m.get("horizon")),
            "mean": rows(mean, width), "std": rows(std, width) and all(
                x > 0 for r in std for x in r),
            "calendar": isinstance(m.get("calendar"), int) and m["calendar"] >= 0,
            "id_embedding": isinstance(m.get("id_embedding"), bool),
            "freq": "freq" in m and (m["freq"] is None or isinstance(m["freq"], str)),
            "season_length": "season_length" in m and (m["season_length"] is None
                                                       or count(m["season_length"])),
            "floor": isinstance(m.get("floor"), list) and len(m["floor"]) == n
            and all(f is None or f == 0 for f in m["floor"]),
            "widths": isinstance(m.get("widths"), dict) and all(
                rows(w, m.get("horizon")) and all(x >= 0 for r in w for x in r)
                for w in m["widths"].values()),
            "panel": isinstance(read, dict) and read.get("layout") in ("long", "wide")
            and words(read.get("id_cols")) and words(read.get("covariates"))
            and isinstance(read.get("value_col"), str)
            and isinstance(read.get("time_col"), (str, type(None)))
            and width == 1 + len(read["covariates"])
            and (read["layout"] == "long" or not read["covariates"]),
            # the window the network reads (its lookback, every input named above) and its output
            "window": window == ["batch", m.get("lookback"), reads],
            # the inputs from the dates, read over the horizon as well: all of them, or none
            "known": words(planned) and isinstance(known, int) and known in (
                0, dated + len(planned)) and len(shapes) == 1 + (
                known > 0) and (not known or shapes[1] == ["batch", m.get("horizon"), known]),
            "forecast": isinstance(m.get("outputs"), list) and bool(m["outputs"])
            and isinstance(m["outputs"][0], dict)
            and m["outputs"][0].get("shape") == ["batch", m.get("horizon")]}


def lstm_not_recommended(manifest: dict) -> str:
    """The sentence for an export of a forecaster whose run recommended another forecast (its
    export.json's ``recommended``: a statistical model's, or a mean with one), which no ONNX
    file holds; "" where the run recommended the LSTM's or said nothing."""
    from ..series.scoreboard import method_label  # (no PyTorch, no statsforecast)

    chosen = manifest.get("recommended")
    if not isinstance(chosen, dict) or not chosen.get("method") or chosen["method"] == "lstm":
        return ""
    return tr("The run recommended another forecast, {name} (chosen on its validation span), "
              "which an export cannot make: it holds the LSTM's network alone, so these are the "
              "LSTM's forecasts. The run's own forecast download holds the recommended one.",
              name=quoted(method_label(str(chosen.get("name") or chosen["method"]))))
