"""A panel's forecast after each series' last value, with no PyTorch in it (so an ONNX export
of a panel forecasts as the app does): the rows the network reads, the inputs its dates give
over the horizon, the network on each series' last window, the rule for series shorter than the
lookback, and the table of forecasts and intervals, series after series.

What the network reads, one row per row of the panel::

    value | covariates … | calendar (sin …, cos …) | public holidays | series number
    scaled by its series  '---- from the dates: known ahead ----'

The inputs from the dates are known for any date, and the covariates marked known ahead are
planned in the file's rows after each series' last value (``PanelData.plan``): a network that
reads them ahead (``known`` of them: all of them, or none for a network trained before
2026-12-07) reads them over the horizon too, as one series' forecaster does, the planned
covariates first, in the order they were marked, then the dates' inputs.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ..i18n import sentences, tr, trn
from ..quoting import listed, quoted
from .calendar import calendar_features, holiday_counts
from .evaluation import BASELINE_NAMES
from .known import times_in_words
from .panel import PanelData


FAR = 1e6  # scaled planned values are read within this: beyond float32, they would be infinite


def dated_rows(times, freq: str | None, calendar: int, holidays: str) -> np.ndarray:
    """``(len(times), calendar + holidays)``: the ``calendar`` inputs (columns: 0 for none),
    then with a country code in ``holidays`` the public holidays each step holds."""
    parts = [np.zeros((len(times), 0))]
    if (calendar or holidays) and freq is None:
        raise ValueError(tr("Calendar inputs and public holidays need dates, and this panel is "
                            "in row order; turn them off or choose a time column."))
    if calendar:
        parts.append(calendar_features(pd.DatetimeIndex(times), freq, calendar // 2))
    if holidays:
        parts.append(holiday_counts(pd.DatetimeIndex(times), freq, holidays)[:, None])
    return np.concatenate(parts, axis=1)


def network_rows(panel: PanelData, mean: np.ndarray, std: np.ndarray, calendar: int, ids: bool,
                 only: int | None = None, numbers: np.ndarray | None = None,
                 holidays: str = "") -> np.ndarray:
    """What the network reads, one float32 array of the panel's rows (or of series ``only``'s
    rows): every row's value and covariates scaled by its own series' scaler (row i of
    ``mean`` and ``std`` for series i), then the inputs its date gives (``dated_rows``), then
    its series' number in the network (``numbers``, by default its place in the panel) for the
    network's embedding of it."""
    rows = slice(None) if only is None else slice(int(panel.starts[only]),
                                                  int(panel.starts[only + 1]))
    code = (np.repeat(np.arange(panel.n_series), panel.lengths) if only is None
            else np.full(rows.stop - rows.start, only))
    parts = [(panel.values[rows] - mean[code]) / std[code],
             dated_rows(panel.times[rows], panel.freq, calendar, holidays)]
    if ids:
        number = code if numbers is None else np.asarray(numbers)[code]
        parts.append(number[:, None].astype(np.float64))
    return np.concatenate(parts, axis=1).astype(np.float32)


def known_columns(covariates: tuple, known_covariates: tuple, dated: int,
                  known: int) -> list[int]:
    """The columns of ``network_rows`` a network that reads ``known`` inputs ahead reads over
    the horizon: the covariates marked known, then the ``dated`` inputs (none where ``known``
    is 0)."""
    if not known:
        return []
    first = 1 + len(covariates)
    return [1 + covariates.index(c) for c in known_covariates] + list(range(first, first + dated))


def planned(panel: PanelData, horizon: int, columns: tuple) -> np.ndarray:
    """``(series, horizon, columns)``: each series' planned values of ``columns`` over the
    ``horizon`` slots after its last value, NaN where the plan has none."""
    table = np.full((panel.n_series, horizon, len(columns)), np.nan)
    plan = panel.plan
    if plan is None or not columns:
        return table
    inside = plan[plan["step"] <= horizon]
    at = (inside["series"].to_numpy(), inside["step"].to_numpy() - 1)
    for j, column in enumerate(columns):
        table[at[0], at[1], j] = inside[column].to_numpy()
    return table


def planned_steps(panel: PanelData, columns: tuple, horizon: int, lookback: int) -> int:
    """How far the shortest plan reaches, of the first ``horizon`` steps after each series'
    last value, among the series the network forecasts (those at least a lookback long) that
    plan any of ``columns`` (``horizon`` where none does). A series' plan reaches to its last
    step with a value; a blank before that is one to fill in (``check_plan`` names it)."""
    planning = _reaches(panel, columns, horizon, lookback)
    return int(planning.min()) if len(planning) else horizon


def _reaches(panel: PanelData, columns: tuple, horizon: int, lookback: int) -> np.ndarray:
    """How far each forecast series' plan reaches within ``horizon``, for those that plan."""
    filled = ~np.isnan(planned(panel, horizon, columns)).all(axis=2)   # (series, horizon)
    reach = np.where(filled.any(axis=1), horizon - filled[:, ::-1].argmax(axis=1), 0)
    return reach[(panel.lengths >= lookback) & (reach > 0)]


def panel_plan_reach(panel: PanelData, columns: tuple, lookback: int) -> int:
    """How many steps every forecast series' plan of ``columns`` holds (the shortest plan's
    reach; 0 without a plan): more than the horizon leaves the rest unread, which is said."""
    if panel.plan is None or not columns or not len(panel.plan):
        return 0
    planning = _reaches(panel, columns, int(panel.plan["step"].max()), lookback)
    return int(planning.min()) if len(planning) else 0  # (short series' plans are not read)


def check_plan(panel: PanelData, columns: tuple, horizon: int, lookback: int) -> None:
    """Refuse a plan that leaves a value of a column known ahead blank over the horizon of a
    series the network forecasts (one at least a lookback long), naming the column, the series
    and the first one's dates: nothing is guessed."""
    if not columns:
        return
    values = planned(panel, horizon, columns)
    blank = np.isnan(values) & (panel.lengths >= lookback)[:, None, None]
    if not blank.any():
        return
    column = int(np.flatnonzero(blank.any(axis=(0, 1)))[0])
    series = np.flatnonzero(blank[:, :, column].any(axis=1))
    steps = np.flatnonzero(blank[series[0], :, column])
    when = times_in_words(pd.Index(future_times(panel, horizon)[series[0] * horizon + steps]))
    # A plan shorter than the horizon (blanks only after each series' planned steps): a horizon
    # as far as every series' plan reaches would do.
    ends = blank.any(axis=2)
    reach = int(np.argmax(ends.any(axis=0))) if (np.diff(ends.astype(int), axis=1) >= 0).all() \
        else 0
    raise ValueError(sentences(trn(
        "The known-ahead column {column} lacks planned values for {count:,} series ({names}), "
        "which the forecast needs: {first} lacks them on {when}. In your file, fill in {column} "
        "in the rows after each series' last value ({value} blank there) for the next "
        "{horizon} steps, adding the rows where there are none, and load it again.",
        "The known-ahead column {column} lacks planned values for {count:,} series ({names}), "
        "which the forecast needs: {first} lacks them on {when}. In your file, fill in {column} "
        "in the rows after each series' last value ({value} blank there) for the next "
        "{horizon} steps, adding the rows where there are none, and load it again.", len(series),
        column=quoted(columns[column]), names=listed([panel.ids[i] for i in series], limit=5),
        first=quoted(panel.ids[series[0]]), when=when, value=quoted(panel.value_col),
        horizon=horizon), trn(
        "Or shorten the horizon to the {count:,} step that every series' plan holds.",
        "Or shorten the horizon to the {count:,} steps that every series' plan holds.", reach)
        if reach else ""))


def ahead_rows(panel: PanelData, horizon: int, calendar: int, holidays: str, known: int,
               known_covariates: tuple = (), mean: np.ndarray | None = None,
               std: np.ndarray | None = None) -> np.ndarray | None:
    """``(series, horizon, known)`` float32: what a network that reads ``known`` inputs ahead
    (0: None) reads over each series' horizon after its last value: the planned values of
    ``known_covariates`` scaled by each series' ``mean`` and ``std``, then the dates' inputs."""
    if not known:
        return None
    dated = dated_rows(future_times(panel, horizon), panel.freq, calendar, holidays)
    parts = [dated.reshape(panel.n_series, horizon, -1)]
    if known_covariates:
        columns = [1 + panel.covariates.index(c) for c in known_covariates]
        scaled = ((planned(panel, horizon, tuple(known_covariates)) - mean[:, None, columns])
                  / std[:, None, columns])
        # A plan far beyond training (said as such: panel_plan.py) stays within float32.
        parts.insert(0, np.clip(scaled, -FAR, FAR))
    return np.concatenate(parts, axis=2).astype(np.float32)


def network_future(panel: PanelData, rows, lookback: int, horizon: int, mean: np.ndarray,
                   std: np.ndarray, floor: np.ndarray, run: Callable,
                   notices: list[str], ahead: np.ndarray | None = None) -> np.ndarray:
    """The forecast ``(series, horizon)`` after each series' last value: ``run`` (the last
    windows ``(k, lookback, inputs)`` taken from ``rows`` and their ``ahead`` rows
    ``(k, horizon, known)``, or None -> scaled forecasts ``(k, horizon)``) for each series at
    least a lookback long, in its own units; a shorter series by seasonal naive where it holds
    a whole season, else by repeating its last value (each said in ``notices``); never below
    the series' ``floor``."""
    ends, lengths, season = panel.starts[1:], panel.lengths, panel.season_length or 1
    long_enough = lengths >= lookback
    pred = rule_future(panel, horizon)
    seasonal = ~long_enough & (lengths >= season) & (season > 1)
    if long_enough.any():
        last = (ends[long_enough] - lookback)[:, None] + np.arange(lookback)
        s = np.flatnonzero(long_enough)
        future = None if ahead is None else ahead[s]
        pred[s] = np.asarray(run(rows[last], future), np.float64) * std[s, :1] + mean[s, :1]
    count = int(seasonal.sum())
    if count:
        notices.append(trn("{count:,} series shorter than the lookback ({lookback}) is forecast "
                           "by seasonal naive (repeating its last season of {season} steps).",
                           "{count:,} series shorter than the lookback ({lookback}) are forecast "
                           "by seasonal naive (repeating their last season of {season} steps).",
                           count, lookback=lookback, season=season))
    count = int((~long_enough & ~seasonal).sum())
    if count:
        notices.append(trn("{count:,} series shorter than the lookback ({lookback}) is forecast "
                           "by repeating its last value.", "{count:,} series shorter than the "
                           "lookback ({lookback}) are forecast by repeating their last value.",
                           count, lookback=lookback))
    return np.maximum(pred, floor[:, None])


def stand_ins(panel: PanelData, lookback: int, label: str) -> np.ndarray:
    """Per series, what forecasts it after its last value in the network's place (``label``
    where the network does): a series shorter than the lookback is forecast by the rule
    ``network_future`` gives it, and its rows of a download say so."""
    return np.where(panel.lengths >= lookback, label, _rule_names(panel)).astype(object)


def stood_in_for(panel: PanelData, series: list[int], label: str) -> np.ndarray:
    """Per series, ``label``, or the rule's name for the ``series`` the rule forecast in its
    place (a statistical model not fitted to them)."""
    names = np.full(panel.n_series, label, dtype=object)
    series = np.asarray(series, dtype=np.int64)
    series = series[(series >= 0) & (series < panel.n_series)]
    names[series] = _rule_names(panel)[series]
    return names


def _rule_names(panel: PanelData) -> np.ndarray:
    """Per series, the rule that forecasts it where a model does not (as ``rule_future``)."""
    season = panel.season_length or 1
    seasonal = (panel.lengths >= season) & (season > 1)
    return np.where(seasonal, tr(BASELINE_NAMES["seasonal_naive"]), tr(BASELINE_NAMES["naive"]))


def rule_future(panel: PanelData, horizon: int) -> np.ndarray:
    """Seasonal naive after each series' last value where it holds a whole season, else its
    last value repeated: what stands in for a model that cannot be fitted."""
    ends, season = panel.starts[1:], panel.season_length or 1
    back = ends[:, None] - season + np.arange(horizon) % season
    seasonal = (panel.lengths >= season) & (season > 1)
    last = np.repeat(panel.values[ends - 1, :1], horizon, axis=1)
    return np.where(seasonal[:, None], panel.values[np.maximum(back, 0), 0], last)


def future_frame(panel: PanelData, pred: np.ndarray, widths: dict, std: np.ndarray,
                 floor: np.ndarray) -> pd.DataFrame:
    """One row per series and step: the forecast ``pred`` with intervals of ``widths`` (on
    the scaled series, (series, horizon) per level) in each series' own units."""
    horizon = pred.shape[1]
    frame = pd.DataFrame({"id": np.repeat(np.asarray(panel.ids, dtype=object), horizon),
                          "time": future_times(panel, horizon), "forecast": pred.ravel()})
    for level, w in widths.items():
        half = (w * std[:, :1]).ravel()
        frame[f"lower_{level}"] = np.maximum(pred.ravel() - half, np.repeat(floor, horizon))
        frame[f"upper_{level}"] = pred.ravel() + half
    return frame


def with_id_columns(frame: pd.DataFrame, panel: PanelData) -> pd.DataFrame:
    """``frame`` (rows of series named in its "id" column) with, where several id columns
    name the series (store and category: "id" joins them), each one's cells after "id" under
    its own name, so that a spreadsheet filters and pivots by each. A column the frame has
    already (a file's id column named "time") keeps its own cells; "id" stays."""
    if len(panel.id_cols) < 2 or not panel.id_cells:
        return frame
    at = pd.Index(panel.ids).get_indexer(frame["id"])
    cells = np.asarray(panel.id_cells, dtype=object)[at]  # (rows, id columns)
    frame, place = frame.copy(), frame.columns.get_loc("id") + 1
    for j, column in enumerate(panel.id_cols):
        if column not in frame.columns:
            frame.insert(place, column, cells[:, j])
            place += 1
    return frame


def future_times(panel: PanelData, horizon: int):
    """The ``horizon`` slots after each series' last one, series after series."""
    if panel.freq is None:
        return (panel.lengths[:, None] + np.arange(horizon)).ravel()
    last = pd.DatetimeIndex(panel.times[panel.starts[1:] - 1])
    offset = to_offset(panel.freq)
    steps = np.stack([(last + k * offset).to_numpy() for k in range(1, horizon + 1)], axis=1)
    return pd.DatetimeIndex(steps.ravel(), name=panel.time_col)
