"""A series as saved with a run or a bundle (the data as trained on, and what the loader found),
and read back."""

from __future__ import annotations

import dataclasses
import io
import json

import pandas as pd

from .loading import SeriesData

FILES = ("data.csv", "series.json")


def series_files(series: SeriesData) -> dict[str, bytes]:
    """The series after every repair as CSV, and what the loader found, as JSON."""
    meta = {"time_col": series.time_col, "value_col": series.value_col,
            "covariates": list(series.covariates), "freq": series.freq,
            "freq_label": series.freq_label, "season_length": series.season_length,
            "notices": list(series.notices), "numeric_columns": list(series.numeric_columns),
            "name": series.name, "index_name": series.frame.index.name}
    return {"data.csv": series.frame.to_csv().encode(),
            "series.json": json.dumps(meta, indent=2, default=str).encode()}


def series_from_files(files: dict[str, bytes]) -> SeriesData:
    """The series ``series_files`` saved; a ValueError if the files do not hold one."""
    try:
        meta = json.loads(files["series.json"].decode("utf-8"))
        frame = pd.read_csv(io.BytesIO(files["data.csv"]), index_col=0,
                            parse_dates=bool(meta["time_col"]))
        frame.index.name = meta["index_name"]
        if not meta["time_col"]:
            frame.index = pd.RangeIndex(len(frame), name=meta["index_name"])
        elif meta["freq"]:
            frame.index.freq = meta["freq"]  # the regular grid SeriesData promises (checked here)
        fields = {f.name for f in dataclasses.fields(SeriesData)}
        values = {k: v for k, v in meta.items() if k in fields}
        values.update(frame=frame.astype("float64"), covariates=tuple(meta["covariates"]),
                      notices=tuple(meta["notices"]),
                      numeric_columns=tuple(meta["numeric_columns"]))
        series = SeriesData(**values)
    except Exception as error:  # whatever a broken or crafted file makes pandas raise
        raise ValueError(f"The saved series does not load ({str(error)[:80]}).") from None
    if series.value_col not in frame or not set(series.covariates) <= set(frame.columns):
        raise ValueError("The saved series lacks the columns it names.")
    return series
