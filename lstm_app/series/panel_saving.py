"""A panel as saved with a run or a bundle (every series after every repair, and what the loader
found), and read back. The series' names live in the JSON file; the CSV holds numbers and times
only, each row's series as its number."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from .panel import LAYOUTS, PanelData, within
from .panel_layout import MAX_SERIES

FILES = ("panel.csv", "panel.json")
SERIES_COLUMN = "series"  # the CSV's first column: each row's series number (0, 1, …)
TIME_COLUMN = "time"


def panel_files(panel: PanelData) -> dict[str, bytes]:
    """The panel as one long CSV (series number, time, value, covariates) and its description."""
    code = np.repeat(np.arange(panel.n_series), panel.lengths)
    columns = [panel.value_col, *panel.covariates]
    frame = pd.DataFrame(panel.values, columns=[f"c{i}" for i in range(len(columns))])
    frame.insert(0, SERIES_COLUMN, code)
    if panel.freq is not None:
        frame.insert(1, TIME_COLUMN, pd.DatetimeIndex(panel.times).strftime("%Y-%m-%d %H:%M:%S"))
    meta = {"ids": list(panel.ids), "layout": panel.layout, "id_cols": list(panel.id_cols),
            "value_col": panel.value_col, "covariates": list(panel.covariates),
            "time_col": panel.time_col, "freq": panel.freq, "freq_label": panel.freq_label,
            "season_length": panel.season_length, "notices": list(panel.notices),
            "numeric_columns": list(panel.numeric_columns), "name": panel.name}
    return {"panel.csv": frame.to_csv(index=False).encode(),
            "panel.json": json.dumps(meta, indent=2, ensure_ascii=False).encode("utf-8")}


def panel_csv(panel: PanelData) -> tuple[bytes, str]:
    """The panel as a long CSV that a person and ``load_panel`` read, under the file's own
    column names: a column naming each series (returned too), the time, the value and the
    covariates. Read back with that id column, it gives the same panel."""
    columns = [panel.value_col, *panel.covariates]
    id_col = next(name for name in (SERIES_COLUMN, *(f"{SERIES_COLUMN} ({i})" for i in range(2, 9)))
                  if name not in columns and name != panel.time_col)
    frame = pd.DataFrame(panel.values, columns=columns)
    frame.insert(0, id_col, np.repeat(np.asarray(panel.ids, dtype=object), panel.lengths))
    if panel.freq is not None:
        frame.insert(1, panel.time_col or TIME_COLUMN,
                     pd.DatetimeIndex(panel.times).strftime("%Y-%m-%d %H:%M:%S"))
    return frame.to_csv(index=False).encode("utf-8"), id_col


def panel_from_files(files: dict[str, bytes]) -> PanelData:
    """The panel ``panel_files`` saved; a ValueError if the files do not hold one (they may come
    from a user's bundle)."""
    try:
        meta = _checked(json.loads(files["panel.json"].decode("utf-8")))
        frame = pd.read_csv(io.BytesIO(files["panel.csv"]))
        columns = 1 + len(meta["covariates"])
        values = frame[[f"c{i}" for i in range(columns)]].to_numpy(dtype=np.float64)
        code = frame[SERIES_COLUMN].to_numpy()
        counts = np.bincount(code, minlength=len(meta["ids"]))
        if meta["freq"] is not None:
            times = pd.DatetimeIndex(pd.to_datetime(frame[TIME_COLUMN], format="%Y-%m-%d %H:%M:%S"),
                                     name=meta["time_col"])
        else:
            times = pd.Index(within(counts), name="step")
    except Exception as error:  # whatever a broken or crafted file makes pandas raise
        raise ValueError(f"The saved panel does not load ({str(error)[:80]}).") from None
    if (len(counts) != len(meta["ids"]) or (counts < 1).any() or (np.diff(code) < 0).any()
            or not np.isfinite(values).all()):
        raise ValueError("The saved panel's rows do not match the series it names, or hold "
                         "values that are not numbers.")
    starts = np.concatenate([[0], np.cumsum(counts)])
    return PanelData(values, times, starts, tuple(meta["ids"]), meta["layout"],
                     tuple(meta["id_cols"]), meta["value_col"], tuple(meta["covariates"]),
                     meta["time_col"], meta["freq"], meta["freq_label"], meta["season_length"],
                     tuple(meta["notices"]), tuple(meta["numeric_columns"]), meta["name"])


def _checked(meta) -> dict:
    """panel.json's fields, each of the type the loader wrote."""
    text = lambda v, most=500: isinstance(v, str) and len(v) <= most
    texts = lambda v, most=1000: (isinstance(v, list) and len(v) <= most
                                  and all(text(t, 10_000) for t in v))
    get = meta.get if isinstance(meta, dict) else (lambda key: None)
    season = get("season_length")
    good = (isinstance(meta, dict) and text(get("value_col")) and get("layout") in LAYOUTS
            and all(get(k) is None or text(get(k)) for k in ("time_col", "freq"))
            and text(get("freq_label")) and text(get("name"))
            and texts(get("ids"), MAX_SERIES) and len(get("ids")) >= 1
            and len(set(get("ids"))) == len(get("ids"))
            and all(texts(get(k)) for k in ("id_cols", "covariates", "notices", "numeric_columns"))
            and (season is None or (isinstance(season, int) and not isinstance(season, bool)
                                    and 1 <= season <= 100_000)))
    if not good:
        raise ValueError("panel.json does not describe a panel as this app saves one")
    return meta
