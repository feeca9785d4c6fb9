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
    run = re.sub(r"[^A-Za-z0-9]+", "", run_id or "")[:32]
    parts = (file_stem(data_name.rsplit(".", 1)[0]), run, what)
    return "-".join(part for part in parts if part) + f".{extension}"


def bundle_name(run_name: str, run_id: str) -> str:
    """A run's bundle, e.g. "airline-3f2a9c1d.zip"."""
    return download_name(run_name + ".zip", run_id, "", "zip")
