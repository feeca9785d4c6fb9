"""Names for the files a user downloads: after the data and the run, so that they do not collide."""

from __future__ import annotations

import re


def download_name(data_name: str, run_id: str | None, what: str, extension: str) -> str:
    """A download's file name after its data and run, e.g. "airline_passengers-3f2a-forecast.csv".

    The data's name is the user's (hostile): only letters (any script), digits, "_" and "-"
    are kept."""
    stem = re.sub(r"[^\w-]+", "_", data_name.rsplit(".", 1)[0]).strip("_-")[:60] or "data"
    run = re.sub(r"[^A-Za-z0-9]+", "", run_id or "")[:32]
    return "-".join(part for part in (stem, run, what) if part) + f".{extension}"
