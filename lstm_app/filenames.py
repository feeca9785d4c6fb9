"""Names for the files the product writes from user text (downloads, bundles): safe on every
system, after the data and the run, so that files from several runs do not collide."""

from __future__ import annotations

import re


def file_stem(name: str) -> str:
    """``name`` (the user's: hostile) as part of a file name: letters of any script, digits,
    "_" and "-" only, at most 60 characters; "data" if nothing is left."""
    return re.sub(r"[^\w-]+", "_", name).strip("_-")[:60] or "data"


def download_name(data_name: str, run_id: str | None, what: str, extension: str) -> str:
    """A download's file name after its data and run, e.g. "airline_passengers-3f2a-forecast.csv"."""
    return _joined(data_name.rsplit(".", 1)[0], run_id, what, extension)


def forecast_what(method: str) -> str:
    """A forecast download's part of its name: the method's where it is not the LSTM's, so that
    AutoETS's forecast and the LSTM's saved side by side keep apart ("auto-ets-forecast")."""
    return "forecast" if method == "lstm" else f"{method.replace('_', '-')}-forecast"


def run_file_name(run_name: str, run_id: str, what: str, extension: str) -> str:
    """A download made from a run, after the run's name, whole (a name, not a file's: "lr 0.003
    run" keeps its ".003"), e.g. "airline-3f2a9c1d-onnx.zip"."""
    return _joined(run_name, run_id, what, extension)


def bundle_name(run_name: str, run_id: str) -> str:
    """A run's bundle, e.g. "airline-3f2a9c1d.zip"."""
    return run_file_name(run_name, run_id, "", "zip")


def _joined(stem: str, run_id: str | None, what: str, extension: str) -> str:
    run = re.sub(r"[^A-Za-z0-9]+", "", run_id or "")[:32]
    return "-".join(part for part in (file_stem(stem), run, what) if part) + f".{extension}"
