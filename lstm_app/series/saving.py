"""A series as saved with a run or a bundle (the data as trained on, and what the loader found),
and read back."""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pandas as pd

from ..i18n import said_all, said_forms, tr
from ..user_json import parse_json
from .loading import SeriesData

FILES = ("data.csv", "series.json")


def series_files(series: SeriesData) -> dict[str, bytes]:
    """The series after every repair as CSV, and what the loader found, as JSON."""
    meta = {"time_col": series.time_col, "value_col": series.value_col,
            "covariates": list(series.covariates), "freq": series.freq,
            "freq_label": series.freq_label, "season_length": series.season_length,
            "notices": list(series.notices), "notices_said": said_forms(series.notices),
            "numeric_columns": list(series.numeric_columns),
            "name": series.name, "index_name": series.frame.index.name,
            # the planned values after the last one (known-ahead columns), as CSV text
            "future": (series.future.to_csv() if series.future is not None
                       and len(series.future) else None)}
    return {"data.csv": series.frame.to_csv().encode(),
            "series.json": json.dumps(meta, indent=2, default=str).encode()}


def series_from_files(files: dict[str, bytes]) -> SeriesData:
    """The series ``series_files`` saved; a ValueError if the files do not hold one (they may
    come from a user's bundle)."""
    try:
        meta = _checked(parse_json(files["series.json"]))
        frame = pd.read_csv(io.BytesIO(files["data.csv"]), index_col=0,
                            parse_dates=bool(meta["time_col"]),
                            float_precision="round_trip")  # bit for bit: the fingerprint
        frame.index.name = meta["index_name"]
        if not meta["time_col"]:
            frame.index = pd.RangeIndex(len(frame), name=meta["index_name"])
        elif meta["freq"]:
            frame.index.freq = meta["freq"]  # the regular grid SeriesData promises (checked here)
        fields = {f.name for f in dataclasses.fields(SeriesData)}
        values = {k: v for k, v in meta.items() if k in fields}
        values.update(frame=frame.astype("float64"), future=_future(meta, frame),
                      covariates=tuple(meta["covariates"]),
                      notices=tuple(said_all(meta["notices"], meta.get("notices_said"))),
                      numeric_columns=tuple(meta["numeric_columns"]))
        series = SeriesData(**values)
    except Exception as error:  # whatever a broken or crafted file makes pandas raise
        raise ValueError(tr("The saved series does not load ({reason}).",
                            reason=str(error)[:80])) from None
    if len(series.frame) < 2 or not np.isfinite(series.frame.to_numpy()).all():
        raise ValueError(tr("The saved series has fewer than two rows, or values that are not "
                            "numbers."))
    if series.value_col not in frame or not set(series.covariates) <= set(frame.columns):
        raise ValueError(tr("The saved series lacks the columns it names."))
    return series


def data_with_plan(files: dict[str, bytes]) -> bytes:
    """The saved data as CSV with the planned rows after it (the value blank, the known-ahead
    columns filled), as the file the user uploaded held them: what a reopened run's page reads
    again, so that its plan comes back with it."""
    series = series_from_files(files)
    if series.future is None or not len(series.future):
        return files["data.csv"]
    planned = series.future.reindex(columns=series.frame.columns)
    return pd.concat([series.frame, planned]).to_csv().encode()


def _future(meta: dict, frame: pd.DataFrame) -> pd.DataFrame | None:
    """The planned values saved with the series, on its index after the last row."""
    if meta.get("future") is None:
        return None
    future = pd.read_csv(io.StringIO(meta["future"]), index_col=0,
                         parse_dates=bool(meta["time_col"]),
                         float_precision="round_trip").astype("float64")
    future.index.name = frame.index.name
    if not meta["time_col"]:
        future.index = pd.RangeIndex(len(frame), len(frame) + len(future), name=frame.index.name)
    return future


def _checked(meta) -> dict:
    """series.json's fields, each of the type the loader wrote."""
    text = lambda v: isinstance(v, str) and len(v) <= 500
    texts = lambda v: isinstance(v, list) and len(v) <= 1000 and all(map(text, v))
    season = meta.get("season_length") if isinstance(meta, dict) else None
    good = (isinstance(meta, dict) and text(meta.get("value_col"))
            and all(meta.get(k) is None or text(meta.get(k))
                    for k in ("time_col", "freq", "index_name"))
            and text(meta.get("freq_label")) and text(meta.get("name"))
            and all(texts(meta.get(k)) for k in ("covariates", "notices", "numeric_columns"))
            and (meta.get("future") is None or (isinstance(meta["future"], str)
                                                and len(meta["future"]) <= 10_000_000))
            and (season is None or (isinstance(season, int) and not isinstance(season, bool)
                                    and 1 <= season <= 100_000)))
    if not good:
        raise ValueError(tr("series.json does not describe a series as this app saves one"))
    return meta
