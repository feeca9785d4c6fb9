"""A panel as saved with a run or a bundle (every series after every repair, and what the loader
found), and read back. The numbers are one safetensors file (each series' length, every row's
values and, with dates, its time in nanoseconds; the plan's rows after each series' last value,
if the file had them): written and read in a blink even for 10,000 series, with no pickle ever
loaded. The series' names and the rest live in the JSON file."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from safetensors.numpy import load, save

from ..i18n import said_all, said_forms, tr
from .panel import LAYOUTS, PanelData
from .panel_grid import within
from .panel_layout import ID_JOIN, MAX_SERIES

FILES = ("panel.safetensors", "panel.json")
SERIES_COLUMN = "series"  # panel_csv's first column when the file named its series otherwise
TIME_COLUMN = "time"


def panel_files(panel: PanelData) -> dict[str, bytes]:
    """The panel's numbers (lengths, values, times) and its description."""
    arrays = {"lengths": np.ascontiguousarray(panel.lengths, dtype=np.int64),
              "values": np.ascontiguousarray(panel.values, dtype=np.float64)}
    unit = "ns"
    if panel.freq is not None:
        times = pd.DatetimeIndex(panel.times)
        arrays["times"], unit = times.asi8.copy(), times.unit
    if panel.plan is not None:
        arrays.update({
            "plan_series": np.ascontiguousarray(panel.plan["series"], dtype=np.int64),
            "plan_step": np.ascontiguousarray(panel.plan["step"], dtype=np.int64),
            "plan": np.ascontiguousarray(panel.plan[list(panel.covariates)], dtype=np.float64)})
    meta = {"ids": list(panel.ids), "layout": panel.layout, "id_cols": list(panel.id_cols),
            "value_col": panel.value_col, "covariates": list(panel.covariates),
            "time_col": panel.time_col, "freq": panel.freq, "freq_label": panel.freq_label,
            "season_length": panel.season_length, "notices": list(panel.notices),
            "notices_said": said_forms(panel.notices),
            "numeric_columns": list(panel.numeric_columns), "name": panel.name}
    if panel.id_cells:  # each series' id cells (none in a run saved before they were kept)
        meta["id_cells"] = [list(cells) for cells in panel.id_cells]
    return {"panel.safetensors": save(arrays, metadata={"time_unit": unit}),
            "panel.json": json.dumps(meta, indent=2, ensure_ascii=False).encode("utf-8")}


def panel_csv(panel: PanelData) -> tuple[bytes, tuple[str, ...]]:
    """The panel as a long CSV that a person and ``load_panel`` read, under the file's own
    column names: the columns naming each series (returned too: the file's own id columns,
    each with its cells; where those are not known, one column of the ids under the id
    columns' names joined as the ids are, else "series"), the time, the value and the
    covariates. Read back with those id columns, it gives the same panel."""
    columns = [panel.value_col, *panel.covariates]
    long = panel.layout == "long" and panel.id_cols
    own = ID_JOIN.join(panel.id_cols) if long else None
    id_col = next(name for name in (own, SERIES_COLUMN,
                                    *(f"{SERIES_COLUMN} ({i})" for i in range(2, 9)))
                  if name and name not in columns and name != panel.time_col)
    frame = pd.DataFrame(panel.values, columns=columns)
    series, times = np.repeat(np.arange(panel.n_series), panel.lengths), pd.Index(panel.times)
    if panel.plan is not None:  # each series' plan after its rows, the value blank
        plan = panel.plan.assign(**{panel.value_col: np.nan})
        frame = pd.concat([frame, plan[columns]], ignore_index=True)
        series = np.concatenate([series, plan["series"].to_numpy()])
        if panel.freq is not None:
            times = times.append(plan_times(panel))
    order = np.argsort(series, kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    if long and panel.id_cells:  # each id column's cells, a blank one blank as in the file
        id_cols = panel.id_cols
        cells = np.asarray(panel.id_cells, dtype=object)[series[order]]  # (rows, id columns)
        for place, column in enumerate(id_cols):
            frame.insert(place, column, cells[:, place])
    else:  # (a run saved before the cells were kept: its ids, joined, are all there is)
        id_cols = (id_col,)
        frame.insert(0, id_col, np.asarray(panel.ids, dtype=object)[series[order]])
    if panel.freq is not None:
        frame.insert(len(id_cols), panel.time_col or TIME_COLUMN,
                     pd.DatetimeIndex(times[order]).strftime("%Y-%m-%d %H:%M:%S"))
    return frame.to_csv(index=False).encode("utf-8"), id_cols


def plan_times(panel: PanelData) -> pd.DatetimeIndex:
    """The time of each row of a dated panel's plan: its series' last time and its steps."""
    plan, offset = panel.plan, to_offset(panel.freq)
    last = pd.DatetimeIndex(panel.times[panel.starts[1:] - 1])[plan["series"].to_numpy()]
    times = last.copy()
    steps = plan["step"].to_numpy()
    for step in np.unique(steps):
        times = times.where(steps != step, last + int(step) * offset)
    return times


def panel_from_files(files: dict[str, bytes]) -> PanelData:
    """The panel ``panel_files`` saved; a ValueError if the files do not hold one (they may come
    from a user's bundle)."""
    try:
        meta = _checked(json.loads(files["panel.json"].decode("utf-8")))
        arrays = load(files["panel.safetensors"])
        unit = _time_unit(files["panel.safetensors"])
    except Exception as error:  # whatever a broken or crafted file makes the readers raise
        raise ValueError(tr("The saved panel does not load ({reason}).",
                            reason=str(error)[:80])) from None
    counts, values = arrays.get("lengths"), arrays.get("values")
    times = arrays.get("times")
    dated = meta["freq"] is not None
    good = (counts is not None and values is not None and counts.dtype == np.int64
            and counts.shape == (len(meta["ids"]),) and (counts >= 1).all()
            and values.dtype == np.float64 and values.ndim == 2
            and values.shape == (int(counts.sum()), 1 + len(meta["covariates"]))
            and np.isfinite(values).all()
            and set(arrays) <= {"lengths", "values", "times", *PLAN}
            and (times is None) != dated
            and (not dated or (times.dtype == np.int64 and times.shape == (len(values),)))
            and _good_plan(arrays, len(meta["ids"]), len(meta["covariates"])))
    if not good:
        raise ValueError(tr("The saved panel's rows do not match the series it names, or hold "
                            "values that are not numbers."))
    times = (pd.DatetimeIndex(times.astype(f"datetime64[{unit}]"), name=meta["time_col"]) if dated
             else pd.Index(within(counts), name="step"))
    starts = np.concatenate([[0], np.cumsum(counts)])
    return PanelData(np.array(values), times, starts, tuple(meta["ids"]), meta["layout"],
                     tuple(meta["id_cols"]), meta["value_col"], tuple(meta["covariates"]),
                     meta["time_col"], meta["freq"], meta["freq_label"], meta["season_length"],
                     tuple(said_all(meta["notices"], meta.get("notices_said"))),
                     tuple(meta["numeric_columns"]), meta["name"], _plan(arrays, meta),
                     tuple(map(tuple, meta.get("id_cells") or ())))


PLAN = ("plan_series", "plan_step", "plan")  # a plan's arrays: all of them, or none


def _good_plan(arrays: dict, series: int, covariates: int) -> bool:
    """Whether the saved plan, if any, numbers series that exist and steps after their ends,
    and holds a number or a blank for each covariate."""
    if not any(name in arrays for name in PLAN):
        return True
    if not all(name in arrays for name in PLAN):
        return False
    at, step, values = (arrays[name] for name in PLAN)
    return (at.dtype == step.dtype == np.int64 and values.dtype == np.float64
            and at.ndim == step.ndim == 1 and values.shape == (len(at), covariates) == (
                len(step), covariates) and covariates > 0
            and ((at >= 0) & (at < series)).all() and (step >= 1).all()
            and not np.isinf(values).any())


def _plan(arrays: dict, meta: dict) -> pd.DataFrame | None:
    if "plan" not in arrays:
        return None
    frame = pd.DataFrame(np.array(arrays["plan"]), columns=list(meta["covariates"]))
    frame.insert(0, "step", np.array(arrays["plan_step"]))
    frame.insert(0, "series", np.array(arrays["plan_series"]))
    return frame


def _time_unit(blob: bytes) -> str:
    """The unit of the saved times (s, ms, us or ns), from the file's metadata."""
    size = int.from_bytes(blob[:8], "little")
    unit = (json.loads(blob[8:8 + size]).get("__metadata__") or {}).get("time_unit")
    if unit not in ("s", "ms", "us", "ns"):
        raise ValueError(tr("its times have no unit"))
    return unit


def _good_cells(cells, ids, id_cols, layout) -> bool:
    """Whether the saved id cells, if any, are a row per series of a long panel, a cell (a text,
    or None for a blank) per id column."""
    if cells is None:
        return True
    return (layout == "long" and isinstance(cells, list) and isinstance(ids, list)
            and isinstance(id_cols, list) and len(cells) == len(ids) and len(id_cols) >= 1
            and all(isinstance(row, list) and len(row) == len(id_cols)
                    and all(c is None or (isinstance(c, str) and len(c) <= 10_000) for c in row)
                    for row in cells))


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
                                    and 1 <= season <= 100_000))
            and _good_cells(get("id_cells"), get("ids"), get("id_cols"), get("layout")))
    if not good:
        raise ValueError(tr("panel.json does not describe a panel as this app saves one"))
    return meta
